namespace DataJoint.Integration.Tests.Tables.Model
{
    [Table]
    public sealed partial class Animal : Manual
    {
        public const string Definition = """
            # lab animals
            animal_id : int32
            ---
            species : varchar(32)
            """;
    }

    [Table]
    public sealed partial class Surgery : Manual
    {
        public const string Definition = """
            -> Animal
            surgery_idx : int16
            ---
            -> [nullable] Surgeon
            """;
    }

    [Table]
    public sealed partial class Surgeon : Lookup
    {
        public const string Definition = "surgeon : varchar(16)";
    }

    [Table]
    public sealed partial class SurgeryAnalysis : Computed
    {
        public const string Definition = "-> Surgery\n---\noutcome : float64";

        [Table]
        public sealed partial class Step : Part<SurgeryAnalysis>
        {
            public const string Definition = "-> master\nstep : int16";
        }
    }
}

namespace DataJoint.Integration.Tests.Tables
{
    using DataJoint.Integration.Tests.Tables.Model;

    /// <summary>Table classes declared by reading their Definition const; parents are declared first.</summary>
    public class ClassTableTests : SchemaFixture
    {
        protected override string Purpose => "classes";

        [Test]
        public async Task TableOfT_DeclaresParentsFirst_WithTierNames()
        {
            var step = await Schema.TableAsync<SurgeryAnalysis.Step>();
            Assert.That(step.Name, Is.EqualTo("__surgery_analysis__step"));
            Assert.That(await Schema.ListTablesAsync(), Is.EquivalentTo(new[]
            {
                "animal", "surgery", "#surgeon", "__surgery_analysis", "__surgery_analysis__step",
            }));
            Assert.That(step.PrimaryKey, Is.EqualTo(new[] { "animal_id", "surgery_idx", "step" }));
            var animal = await Schema.TableAsync<Animal>();
            Assert.That(Schema.GetTable("Animal"), Is.SameAs(animal));
            await animal.Insert1Async(new { animal_id = 1, species = "mouse" });
            var surgery = await Schema.TableAsync<Surgery>();
            await surgery.Insert1Async(new { animal_id = 1, surgery_idx = (short)1 });
            Assert.That(await (surgery * animal).Fetch1Async<string>("species"), Is.EqualTo("mouse"));
            var comment = await QueryAsync($"SELECT table_comment FROM information_schema.tables WHERE table_schema = '{Schema.Database}' AND table_name = 'animal'");
            Assert.That(comment[0][0], Is.EqualTo("lab animals"));
        }
    }
}
