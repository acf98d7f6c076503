using DataJoint.Metadata;

namespace DataJoint.Integration.Tests.Tables.CrossModel
{
    /// <summary>Bound to the schema name <c>xsubjects</c>; the tests map that name to a database of their own.</summary>
    [Table(Schema = "xsubjects")]
    public sealed partial class BoundSubject : Manual
    {
        public const string Definition = "subject_id : int32\n---\nspecies : varchar(16)";
    }

    [Table]
    public sealed partial class BoundSession : Manual
    {
        public const string Definition = "-> BoundSubject\nsession_idx : int16";
    }

    /// <summary>References the bound class as DataJoint Python writes a table of another schema.</summary>
    [Table]
    public sealed partial class BoundScan : Manual
    {
        public const string Definition = "-> xsubjects.BoundSubject\nscan_idx : int16";
    }
}

namespace DataJoint.Integration.Tests.Tables
{
    using DataJoint.Integration.Tests.Tables.CrossModel;
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
        public async Task ClassBoundToAnotherSchema_IsDeclaredInTheDatabaseItsNameMapsTo_AndItsChildrenReferenceIt()
        {
            // [Table(Schema = "xsubjects")] is a name in code; this run maps it to a database of its own, as a lab's test
            // run maps its schemas to test databases.
            var subjectsDb = TestServices.UniqueSchemaName("xsubjects");
            var map = new SchemaMap(new Dictionary<string, string> { ["xsubjects"] = subjectsDb });
            var lab = await Schema.ActivateAsync(Connection, Schema.Database, schemaMap: map);
            try
            {
                var sessions = await BoundSession.TableAsync(lab);
                var scans = await BoundScan.TableAsync(lab);
                var subjects = await BoundSubject.TableAsync(lab);

                Assert.That(subjects.Table.Database, Is.EqualTo(subjectsDb));
                Assert.That(sessions.Table.Database, Is.EqualTo(Schema.Database));
                Assert.That(sessions.Table.PrimaryKey, Is.EqualTo(new[] { "subject_id", "session_idx" }));
                Assert.That(await lab.ListTablesAsync(), Is.EquivalentTo(new[] { "bound_session", "bound_scan" }));
                var inOther = await QueryAsync($"SELECT table_name FROM information_schema.tables WHERE table_schema = '{subjectsDb}'");
                Assert.That(inOther.Select(r => (string)r[0]!), Does.Contain("bound_subject"));
                var fks = await QueryAsync("SELECT table_name, referenced_table_schema, referenced_table_name FROM information_schema.key_column_usage " +
                    $"WHERE table_schema = '{Schema.Database}' AND referenced_table_name IS NOT NULL ORDER BY table_name");
                Assert.That(fks, Is.EqualTo(new[]
                {
                    new object?[] { "bound_scan", subjectsDb, "bound_subject" },
                    new object?[] { "bound_session", subjectsDb, "bound_subject" },
                }));

                await subjects.InsertAsync([new BoundSubject.Row { SubjectId = 3, Species = "mouse" }]);
                await sessions.InsertAsync([new BoundSession.Row { SubjectId = 3, SessionIdx = 1 }]);
                await scans.InsertAsync([new BoundScan.Row { SubjectId = 3, ScanIdx = 9 }]);
                Assert.That((await sessions.FetchAsync()).Single(), Is.EqualTo(new BoundSession.Row { SubjectId = 3, SessionIdx = 1 }));
                await Assert.CatchAsync<DataJointException>(() => sessions.InsertAsync([new BoundSession.Row { SubjectId = 4, SessionIdx = 1 }]),
                    "the foreign key points into the mapped database");

                // Without the mapping the class goes to the database its name says: nothing of this run is there.
                var unmapped = await QueryAsync("SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = 'xsubjects'");
                Assert.That(Convert.ToInt64(unmapped[0][0]), Is.Zero);

                // A definition declared at run time reaches the same table as DataJoint Python writes it.
                var visit = await lab.DeclareAsync("Visit", TableTier.Manual, "-> xsubjects.BoundSubject\nvisit : int16");
                var visitFk = await QueryAsync("SELECT referenced_table_schema FROM information_schema.key_column_usage " +
                    $"WHERE table_schema = '{Schema.Database}' AND table_name = 'visit' AND referenced_table_name IS NOT NULL");
                Assert.That(visitFk.Single()[0], Is.EqualTo(subjectsDb));
                Assert.That(visit.PrimaryKey, Is.EqualTo(new[] { "subject_id", "visit" }));
            }
            finally
            {
                await TestServices.DropSchemaAsync(Connection, Schema.Database); // the children's database first
                await TestServices.DropSchemaAsync(Connection, subjectsDb);
            }
        }

        [Test]
        public async Task SchemaMap_WithAPrefix_MapsEveryBoundSchema_AndAReadOnlySchemaCreatesNoDatabase()
        {
            var prefix = TestServices.UniqueSchemaName("p")[..24] + "_";
            var subjectsDb = prefix + "xsubjects";
            Assert.That(SchemaMap.WithPrefix(prefix).Resolve("xsubjects"), Is.EqualTo(subjectsDb));
            try
            {
                var readOnly = await Schema.OpenAsync(Connection, Schema.Database, schemaMap: SchemaMap.WithPrefix(prefix));
                await Assert.CatchAsync<DataJointException>(() => BoundSession.TableAsync(readOnly), "the mapped database does not exist");
                var exists = await QueryAsync($"SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = '{subjectsDb}'");
                Assert.That(Convert.ToInt64(exists[0][0]), Is.Zero, "opening only never creates a database");

                var lab = await Schema.ActivateAsync(Connection, Schema.Database, schemaMap: SchemaMap.WithPrefix(prefix));
                var sessions = await BoundSession.TableAsync(lab);
                Assert.That((await BoundSubject.TableAsync(lab)).Table.Database, Is.EqualTo(subjectsDb));
                Assert.That(sessions.Table.Database, Is.EqualTo(Schema.Database));
            }
            finally
            {
                await TestServices.DropSchemaAsync(Connection, Schema.Database);
                await TestServices.DropSchemaAsync(Connection, subjectsDb);
            }
        }

        [Test]
        public void SchemaMap_RejectsNamesThatCannotBeDatabases()
        {
            Assert.Throws<DataJointException>(() => new SchemaMap(new Dictionary<string, string> { ["a"] = "" }));
            Assert.Throws<DataJointException>(() => new SchemaMap(new Dictionary<string, string> { ["a"] = new string('x', 65) }));
            Assert.Throws<DataJointException>(() => SchemaMap.WithPrefix(new string('p', 60)).Resolve("subjects"));
            Assert.That(SchemaMap.Identity.Resolve("subjects"), Is.EqualTo("subjects"));
            var both = new SchemaMap(new Dictionary<string, string> { ["a"] = "prod_a" }, "test_");
            Assert.That((both.Resolve("a"), both.Resolve("b")), Is.EqualTo(("prod_a", "test_b")), "an entry wins over the prefix");
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
