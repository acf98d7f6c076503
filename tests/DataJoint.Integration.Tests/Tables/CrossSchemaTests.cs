using DataJoint.Metadata;

namespace DataJoint.Integration.Tests.Tables
{
    using DataJoint.Integration.Tests.Tables.Model;

    /// <summary>Foreign keys across databases: <c>-&gt; otherdb.Table</c> at run time, and classes bound to another schema.</summary>
    public class CrossSchemaTests : SchemaFixture
    {
        protected override string Purpose => "xschema";

        [Test]
        public async Task DynamicDefinition_ReferencesATableOfAnotherDatabase_AsPythonWritesIt()
        {
            var subjects = await NewSchemaAsync("xsubj");
            try
            {
                var subject = await subjects.DeclareAsync("Subject", TableTier.Lookup, "subject_id : int32\n---\nspecies : varchar(16)");
                var session = await Schema.DeclareAsync("Session", TableTier.Manual, $"-> {subjects.Database}.Subject\nsession_idx : int16");

                Assert.That(session.PrimaryKey, Is.EqualTo(new[] { "subject_id", "session_idx" }));
                var fk = await QueryAsync("SELECT referenced_table_schema, referenced_table_name FROM information_schema.key_column_usage " +
                    $"WHERE table_schema = '{Schema.Database}' AND table_name = 'session' AND referenced_table_name IS NOT NULL");
                Assert.That(fk.Single(), Is.EqualTo(new object?[] { subjects.Database, "#subject" }));

                await subject.Insert1Async(new { subject_id = 7, species = "mouse" });
                await session.Insert1Async(new { subject_id = 7, session_idx = (short)1 });
                var bad = await Assert.CatchAsync<DataJointException>(() => session.Insert1Async(new { subject_id = 8, session_idx = (short)1 }));
                Assert.That(bad!.Message, Does.Contain("subject").IgnoreCase);
                var lineage = await QueryAsync($"SELECT lineage FROM `{Schema.Database}`.`~lineage` WHERE table_name = 'session' AND attribute_name = 'subject_id'");
                Assert.That(lineage.Single()[0], Is.EqualTo($"{subjects.Database}.#subject.subject_id"));
            }
            finally
            {
                await TestServices.DropSchemaAsync(Connection, Schema.Database); // the child database first
            }
        }

        [Test]
        public async Task DynamicDefinition_UnknownDatabase_IsUnresolved()
        {
            var e = await Assert.CatchAsync<DataJointException>(() => Schema.DeclareAsync("Session", TableTier.Manual, "-> nodb_zz9.Subject\nx : int16"));
            Assert.That(e!.Message, Does.Contain("Foreign key reference nodb_zz9.Subject could not be resolved").And.Contain("DJ1014"));
        }

        [Test]
        public async Task ClassBoundToAnotherSchema_IsDeclaredThere_AndItsChildReferencesIt()
        {
            // What the generator emits for [Table(Schema = ...)] classes (the database name here is unique per run).
            var otherName = TestServices.UniqueSchemaName("xbound");
            var subject = new TableMetadata("Subject", TableTier.Manual, "subject_id : int32", null, otherName, null, []);
            var session = new TableMetadata("Session", TableTier.Manual, "-> Subject\nsession_idx : int16", null, null, null,
                [new TableParent("Subject", () => subject)]);
            try
            {
                var table = await Schema.TableAsync(session, CancellationToken.None);
                Assert.That(table.Database, Is.EqualTo(Schema.Database));
                Assert.That(table.PrimaryKey, Is.EqualTo(new[] { "subject_id", "session_idx" }));
                Assert.That(await Schema.ListTablesAsync(), Is.EqualTo(new[] { "session" }));
                var inOther = await QueryAsync($"SELECT table_name FROM information_schema.tables WHERE table_schema = '{otherName}'");
                Assert.That(inOther.Select(r => (string)r[0]!), Does.Contain("subject"));
                var again = await Schema.TableAsync(subject, CancellationToken.None);
                Assert.That(again.Database, Is.EqualTo(otherName));
            }
            finally
            {
                await TestServices.DropSchemaAsync(Connection, Schema.Database);
                await TestServices.DropSchemaAsync(Connection, otherName);
            }
        }

        [Test]
        public async Task GeneratedMetadata_DeclaresParentsWithoutReflection()
        {
            var meta = TableMetadata.Of<SurgeryAnalysis.Step>();
            Assert.That(meta.RegistryName, Is.EqualTo("SurgeryAnalysis.Step"));
            Assert.That(meta.Tier, Is.EqualTo(TableTier.Part));
            Assert.That(meta.Master!.ClassName, Is.EqualTo("SurgeryAnalysis"));
            Assert.That(TableMetadata.Of<Surgery>().Parents.Select(p => (p.Reference, p.Table.ClassName)),
                Is.EqualTo(new[] { ("Animal", "Animal"), ("Surgeon", "Surgeon") }));
            var step = await Schema.TableAsync<SurgeryAnalysis.Step>();
            Assert.That(step.Name, Is.EqualTo("__surgery_analysis__step"));
        }
    }
}
