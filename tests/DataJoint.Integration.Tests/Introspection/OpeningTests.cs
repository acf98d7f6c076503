using DataJoint.Integration.Tests.Tables;

namespace DataJoint.Integration.Tests.Introspection;

/// <summary>Opening a typed class or a definition against a colleague's schema never changes it.</summary>
public partial class OpeningTests : SchemaFixture
{
    protected override string Purpose => "opening";

    [Table(Name = "#species")]
    public partial class SpeciesByName : Lookup
    {
        public const string Definition = """
            # animal species
            species : varchar(32)   # common name
            ---
            latin="" : varchar(80)
            """;
    }

    [Table]
    public partial class Species : Manual
    {
        public const string Definition = """
            # animal species
            species : varchar(32)   # common name
            ---
            latin="" : varchar(64)
            """;
    }

    private async Task<IReadOnlyList<string>> TablesAsync() => await Schema.ListTablesAsync();

    [Test]
    public async Task ATierMismatchIsAnErrorNotASecondTable()
    {
        await LabPipeline.CreateAsync(ExecAsync, Schema.Database);
        var before = await TablesAsync();
        var ex = await Assert.ThrowsAsync<DataJointException>(() => Schema.TableAsync<Species>());
        Assert.That(ex!.Message, Does.Contain("Class Species is declared Manual (table `species`)").And.Contain("`#species` (Lookup)")
            .And.Contain("a second table `species` is not created"));
        Assert.That(await TablesAsync(), Is.EqualTo(before));
    }

    [Test]
    public async Task ANamedClassIsComparedWithTheTableItNames()
    {
        await LabPipeline.CreateAsync(ExecAsync, Schema.Database);
        var ex = await Assert.ThrowsAsync<DataJointException>(() => Schema.TableAsync<SpeciesByName>());
        Assert.That(ex!.Message, Does.Contain("`#species` already exists with a different heading").And.Contain("latin"));
    }

    [Test]
    public async Task CommentsAreCompared()
    {
        await LabPipeline.CreateAsync(ExecAsync, Schema.Database);
        var ex = await Assert.ThrowsAsync<DataJointException>(() => Schema.DeclareAsync("Species", TableTier.Lookup, """
            # species of animals
            species : varchar(32)   # common name
            ---
            latin="" : varchar(64)
            """));
        Assert.That(ex!.Message, Does.Contain("table comment: the table has \"animal species\", the definition \"species of animals\""));
        // The matching definition opens the table.
        var t = await Schema.DeclareAsync("Species", TableTier.Lookup, """
            # animal species
            species : varchar(32)   # common name
            ---
            latin="" : varchar(64)
            """);
        Assert.That(await t.CountAsync(), Is.EqualTo(2));
    }

    [Test]
    public async Task ASchemaThatOnlyOpensCreatesNothing()
    {
        await LabPipeline.CreateAsync(ExecAsync, Schema.Database);
        var readOnly = await Schema.OpenAsync(Connection, Schema.Database);
        Assert.That(readOnly.CreateTables, Is.False);
        var before = await TablesAsync();
        var ex = await Assert.ThrowsAsync<MissingTableException>(() => readOnly.DeclareAsync("Surgery", TableTier.Manual, "-> Subject\nsurgery_idx : int16"));
        Assert.That(ex!.Message, Does.Contain("`surgery` (class Surgery) does not exist, and this schema only opens tables (create_tables is false)"));
        Assert.That(await TablesAsync(), Is.EqualTo(before));
        // Existing tables still open through their definitions.
        var species = await readOnly.DeclareAsync("Species", TableTier.Lookup, "# animal species\nspecies : varchar(32)   # common name\n---\nlatin=\"\" : varchar(64)");
        Assert.That(await species.CountAsync(), Is.EqualTo(2));

        await Assert.ThrowsAsync<DataJointException>(() => Schema.OpenAsync(Connection, Schema.Database + "_missing"));

        // create_tables=false in the settings makes every schema of that connection open-only.
        var settings = new DataJoint.Settings.DataJointSettings { Database = TestServices.Database with { CreateTables = false } };
        var viaSettings = await Schema.ActivateAsync(DataJointConnection.FromSettings(settings), Schema.Database);
        Assert.That(viaSettings.CreateTables, Is.False);
        await Assert.ThrowsAsync<MissingTableException>(() => viaSettings.DeclareAsync("Surgery", TableTier.Manual, "-> Subject\nsurgery_idx : int16"));
    }

    [Test]
    public async Task AnOpenOnlySchema_OpensClassesBoundToAnotherDatabase_OpenOnlyToo()
    {
        // A class bound to another database by [Table(Schema = ...)] (its metadata as the generator emits it), opened
        // through an open-only schema: the other database is opened open-only as well, so nothing is created there.
        var other = await NewSchemaAsync("openonlyother");
        var bound = new DataJoint.Metadata.TableMetadata("Probe", TableTier.Manual, "probe_id : int32", null, other.Database, null, []);
        var readOnly = await Schema.OpenAsync(Connection, Schema.Database);
        var ex = await Assert.ThrowsAsync<MissingTableException>(() => readOnly.TableAsync(bound, CancellationToken.None));
        Assert.That(ex!.Message, Does.Contain($"`{other.Database}`.`probe`").And.Contain("only opens tables"));
        Assert.That(await other.ListTablesAsync(), Is.Empty);
        // Through a schema that creates tables, the bound class is declared in its own database.
        var table = await Schema.TableAsync(bound, CancellationToken.None);
        Assert.That((table.Database, table.Name), Is.EqualTo((other.Database, "probe")));
    }
}
