using DataJoint.Integration.Tests.Tables;
using DataJoint.Introspection;

namespace DataJoint.Integration.Tests.Introspection;

/// <summary>A Python-made pipeline is listed, opened by class names, described back to its definitions, and drawn.</summary>
public class IntrospectionTests : SchemaFixture
{
    protected override string Purpose => "introspect";

    private async Task<string> CreateLabAsync()
    {
        await LabPipeline.CreateAsync(ExecAsync, Schema.Database);
        return Schema.Database;
    }

    [Test]
    public async Task SchemasAreListedAndTablesOpenByClassName()
    {
        var db = await CreateLabAsync();
        Assert.That(await Schema.ListSchemasAsync(Connection), Does.Contain(db).And.Not.Contain("mysql").And.Not.Contain("information_schema"));

        var catalog = await Schema.ReadCatalogAsync();
        Assert.That(catalog.Tables.Select(t => t.ClassName), Is.EqualTo(new[] { "Species", "Subject", "Session", "Session.Trial", "Summary" }));
        Assert.That(catalog.Tables.Select(t => t.Tier), Is.EqualTo(new TableTier?[] { TableTier.Lookup, TableTier.Manual, TableTier.Manual, TableTier.Part, TableTier.Computed }));
        Assert.That(catalog.Get("Session").Comment, Is.EqualTo("recording sessions"));
        Assert.That(catalog.Get("Trial").Name, Is.EqualTo("session__trial"), "a part by its short name");

        Assert.That(await (await Schema.OpenTableAsync("Session")).CountAsync(), Is.EqualTo(2));
        Assert.That(await (await Schema.OpenTableAsync("Session.Trial")).CountAsync(), Is.EqualTo(2));
        Assert.That(await (await Schema.OpenTableAsync("Species")).CountAsync(), Is.EqualTo(2));
        Assert.That(await (await Schema.OpenTableAsync("__summary")).CountAsync(), Is.EqualTo(1), "SQL names still work");
        var ex = await Assert.ThrowsAsync<MissingTableException>(() => Schema.OpenTableAsync("Sesion"));
        Assert.That(ex!.Message, Does.Contain("has no table `Sesion`").And.Contain("Session"));

        var all = await Schema.OpenAllTablesAsync();
        Assert.That(all.Select(p => p.Key), Is.EqualTo(new[] { "Species", "Subject", "Session", "Session.Trial", "Summary" }));
        Assert.That(await all.Single(p => p.Key == "Subject").Value.CountAsync(), Is.EqualTo(2));
        Assert.That(Schema.GetTable("Trial"), Is.Not.Null, "opened parts are found by their short name too");
    }

    [Test]
    public async Task DescribeReconstructsTheDefinitions()
    {
        await CreateLabAsync();
        var golden = new Dictionary<string, string>
        {
            ["Species"] = """
                # animal species
                species              : varchar(32)                  # common name
                ---
                latin=""             : varchar(64)

                """,
            ["Subject"] = """
                # experimental animals
                subject_id           : int32                        # lab animal number
                ---
                -> Species
                sex="U"              : enum('F','M','U')
                date_of_birth=null   : date

                """,
            ["Session"] = """
                # recording sessions
                -> Subject
                session_idx          : int16
                ---
                session_start=CURRENT_TIMESTAMP : datetime
                -> [nullable] Subject.proj(helper_id="subject_id")
                notes=""             : varchar(255)                 # free text

                """,
            ["Session.Trial"] = """
                -> Session
                trial                : int32
                ---
                outcome              : bool
                trace=null           : <blob>                       # lick trace

                """,
            ["Summary"] = """
                # per-session summary
                -> Session
                ---
                hit_rate             : float64
                run_uid              : uuid
                params=null          : json
                volume=null          : <zarr@>                      # plugin codec
                unique index (run_uid)

                """,
        };
        foreach (var (name, text) in golden)
            Assert.That(await Schema.DescribeAsync(name), Is.EqualTo(text.Replace("\r\n", "\n")), name);
    }

    [Test]
    public async Task DescribedDefinitionsDeclareTheSameTables()
    {
        // The described text is a working definition: declared in a fresh schema it gives the same headings.
        await CreateLabAsync();
        var copy = await NewSchemaAsync("introcopy");
        var catalog = await Schema.ReadCatalogAsync();
        foreach (var t in catalog.Tables)
        {
            if (t.Tier == TableTier.Computed) continue; // <zarr@> is a codec this process does not know
            var definition = DefinitionWriter.Describe(t, catalog);
            var declared = t.MasterName is null
                ? await copy.DeclareAsync(t.ClassName, t.Tier!.Value, definition)
                : await copy.DeclareAsync(t.ShortClassName, TableTier.Part, definition.Replace("-> Session\n", "-> master\n", StringComparison.Ordinal), "Session");
            Assert.That(declared.Name, Is.EqualTo(t.Name));
            Assert.That(declared.TableHeading.ToString(), Is.EqualTo(t.Heading.ToString()), t.ClassName);
            Assert.That((await copy.ReadCatalogAsync()).Get(t.ClassName).Comment, Is.EqualTo(t.Comment));
        }
    }

    [Test]
    public async Task DependenciesAcrossTheSchema()
    {
        await CreateLabAsync();
        var deps = await Schema.ReadDependenciesAsync();
        Assert.That(deps.Parents("Session").Select(t => t.ClassName), Is.EqualTo(new[] { "Subject" }));
        Assert.That(deps.Children("Session").Select(t => t.ClassName), Is.EquivalentTo(new[] { "Session.Trial", "Summary" }));
        Assert.That(deps.Ancestors("Summary").Select(t => t.ClassName), Is.EqualTo(new[] { "Session", "Subject", "Species" }));
        Assert.That(deps.Descendants("Species").Select(t => t.ClassName), Is.EquivalentTo(new[] { "Subject", "Session", "Session.Trial", "Summary" }));
        Assert.That(deps.Parts("Session").Select(t => t.ClassName), Is.EqualTo(new[] { "Session.Trial" }));

        // A schema of another lab member that references this one is reached both ways.
        var other = await NewSchemaAsync("introother");
        await ExecAsync($"""
            CREATE TABLE `{other.Database}`.`__imaging` (
            `subject_id` int NOT NULL COMMENT "lab animal number",
            `session_idx` smallint NOT NULL COMMENT "",
            `reviewer_id` int NOT NULL COMMENT "lab animal number",
            PRIMARY KEY (`subject_id`,`session_idx`),
            FOREIGN KEY (`subject_id`,`session_idx`) REFERENCES `{Schema.Database}`.`session` (`subject_id`,`session_idx`) ON UPDATE CASCADE ON DELETE RESTRICT,
            FOREIGN KEY (`reviewer_id`) REFERENCES `{Schema.Database}`.`subject` (`subject_id`) ON UPDATE CASCADE ON DELETE RESTRICT
            ) ENGINE=InnoDB, COMMENT ""
            """);
        deps = await Schema.ReadDependenciesAsync();
        Assert.That(deps.Descendants("Session").Select(t => t.QualifiedName), Does.Contain($"`{other.Database}`.`__imaging`"));
        var imaging = await other.ReadDependenciesAsync();
        Assert.That(imaging.Ancestors("Imaging").Select(t => t.ClassName), Is.EqualTo(new[] { "Session", "Subject", "Species" }));
        Assert.That(await other.DescribeAsync("Imaging"), Does.StartWith($"-> `{Schema.Database}`.`session`\n"));

        var mermaid = SchemaDiagram.ToMermaid(deps);
        Assert.That(mermaid, Does.StartWith("flowchart TB\n"));
        Assert.That(mermaid, Does.Contain("[(\"Species\")]:::lookup").And.Contain("[\"Summary\"]:::computed").And.Contain("[\"Session.Trial\"]:::part")
            .And.Contain(":::external").And.Contain("-.->|helper_id=subject_id|"));
        var svg = SchemaDiagram.ToSvg(deps, "LR");
        var doc = System.Xml.Linq.XDocument.Parse(svg); // well-formed XML
        Assert.That(doc.Root!.Name.LocalName, Is.EqualTo("svg"));
        Assert.That(doc.Descendants().Count(e => e.Name.LocalName == "rect"), Is.EqualTo(6));
        Assert.That(doc.Descendants().Count(e => e.Name.LocalName == "path" && (string?)e.Attribute("class") == "fk"), Is.EqualTo(7));
        Assert.That(SchemaDiagram.ToSvg(deps, "LR"), Is.EqualTo(svg), "the same schema gives the same picture");
        AssertLayered(svg, horizontal: true);
        AssertLayered(SchemaDiagram.ToSvg(deps, "TB"), horizontal: false);
    }

    /// <summary>
    /// The layout of a diagram: no two tables overlap, and every foreign key points from a parent to a child in a later
    /// layer (right of it for LR, below it for TB) — also subject → imaging, which skips two layers and is routed.
    /// </summary>
    private static void AssertLayered(string svg, bool horizontal)
    {
        var doc = System.Xml.Linq.XDocument.Parse(svg);
        double Num(System.Xml.Linq.XElement e, string a) => double.Parse((string)e.Attribute(a)!, System.Globalization.CultureInfo.InvariantCulture);
        var boxes = doc.Descendants().Where(e => e.Name.LocalName == "g").ToDictionary(
            g => g.Elements().Single(e => e.Name.LocalName == "text").Value,
            g => g.Elements().Single(e => e.Name.LocalName == "rect") is var r ? (X: Num(r, "x"), Y: Num(r, "y"), W: Num(r, "width"), H: Num(r, "height")) : default);
        Assert.That(boxes.Values.All(b => b.X >= 0 && b.Y >= 0), Is.True, "inside the picture");
        foreach (var (a, ba) in boxes)
            foreach (var (b, bb) in boxes)
                if (string.CompareOrdinal(a, b) < 0)
                    Assert.That(ba.X + ba.W <= bb.X || bb.X + bb.W <= ba.X || ba.Y + ba.H <= bb.Y || bb.Y + bb.H <= ba.Y, Is.True, $"{a} and {b} overlap");
        var imaging = boxes.Keys.Single(k => k.EndsWith(".Imaging", StringComparison.Ordinal));
        foreach (var (parent, child) in new[] { ("Species", "Subject"), ("Subject", "Session"), ("Session", "Session.Trial"), ("Session", "Summary"), ("Session", imaging), ("Subject", imaging) })
        {
            var (p, c) = (boxes[parent], boxes[child]);
            Assert.That(horizontal ? c.X >= p.X + p.W : c.Y >= p.Y + p.H, Is.True, $"{parent} → {child}");
        }
    }
}
