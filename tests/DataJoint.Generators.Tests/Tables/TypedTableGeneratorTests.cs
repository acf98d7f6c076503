using System.Runtime.CompilerServices;
using DataJoint.Generators.Tables;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace DataJoint.Generators.Tests.Tables;

/// <summary>Generated typed table API: snapshots of Row/Key/mappers, FK resolution, codec value types, caching.</summary>
public class TypedTableGeneratorTests
{
    internal const string Sample = """"
        using DataJoint;

        namespace Lab.Typed
        {
            public sealed record Graph(bool Directed, string[] Nodes);
            public sealed record GraphData(bool Directed, string[] Nodes);

            [Codec("graph", InTable = "<blob>", InStore = "<blob@>")]
            public sealed partial class GraphCodec : Codec<Graph, GraphData>
            {
                protected override GraphData Encode(Graph g, EncodeContext ctx) => new(g.Directed, g.Nodes);
                protected override Graph Decode(GraphData d, DecodeContext ctx) => new(d.Directed, d.Nodes);
            }

            [Table]
            public partial class User : Manual
            {
                public const string Definition = """
                    user_id : int32
                    ---
                    user_name : varchar(64)
                    """;
            }

            [Table]
            public partial class Neurons : Manual
            {
                public const string Definition = """
                    # all core types
                    neuron_id : int32
                    ---
                    tiny : int8
                    small : int16
                    big : int64
                    f32 : float32
                    f64 : float64
                    flag : bool
                    uid : uuid
                    meta : json
                    raw : bytes
                    day : date
                    stamp : datetime(3)
                    code : char(4)
                    label : varchar(32)
                    kind : enum('a', 'b')
                    amount : decimal(8, 2)
                    note = null : varchar(255)
                    score = null : float64
                    -> [nullable] User.proj(owner_id='user_id')
                    """;
            }

            [Table]
            public partial class Connectivity : Computed
            {
                public const string Definition = """
                    -> Neurons
                    ---
                    network : <graph>        # small graphs in the database
                    full_network = null : <graph@>  # large graphs in object storage
                    payload : <blob>
                    """;
            }
        }
        """";

    [TestCase("Lab.Typed.Neurons.DataJointTable")]
    [TestCase("Lab.Typed.Connectivity.DataJointTable")]
    public void GeneratedTable_MatchesApprovedSnapshot(string name)
    {
        var result = TestHarness.Run(Sample);
        Assert.That(result.CompilerErrors, Is.Empty, string.Join("\n", result.CompilerErrors));
        Snapshot.Verify(Path.Combine("Tables", "Snapshots"), name, result.Generated(name + ".g.cs"));
    }

    [Test]
    public void ForeignKeyAttributes_ComeFromParentKey_WithRenames()
    {
        var result = TestHarness.Run(Sample);
        Assert.That(result.CompilerErrors, Is.Empty, string.Join("\n", result.CompilerErrors));
        var neurons = result.Generated("Lab.Typed.Neurons.DataJointTable.g.cs");
        Assert.That(neurons, Does.Contain("/// <summary><c>owner_id</c></summary>\n            public int? OwnerId { get; init; }"));
        Assert.That(neurons, Does.Contain("OwnerId = s.ReadOrNull<int?>(18),"));
        var conn = result.Generated("Lab.Typed.Connectivity.DataJointTable.g.cs");
        Assert.That(conn, Does.Contain("public required int NeuronId { get; init; }"));
        Assert.That(conn, Does.Contain("public required global::Lab.Typed.Graph Network { get; init; }"));
        Assert.That(conn, Does.Contain("public global::Lab.Typed.Graph? FullNetwork { get; init; }"));
        Assert.That(conn, Does.Contain("public required object Payload { get; init; }"));
        Assert.That(conn, Does.Contain("new string[] { \"neuron_id\", \"network\", \"full_network\", \"payload\" }, 1);"));
        Assert.That(conn, Does.Contain("[global::DataJoint.Metadata.AttributeName(\"neuron_id\")] public required int NeuronId { get; init; }"),
            "the key's properties keep their SQL names for tables in other assemblies");
    }

    [Test]
    public void UnresolvedParent_IsDJ1014AtTheReference_TheTableKeepsItsOwnAttributes_OtherTablesStillGenerate()
    {
        var result = TestHarness.Run(Sample + """

            namespace Lab.Typed
            {
                [Table]
                public partial class Orphan : Manual
                {
                    public const string Definition = "-> Missing\nx : int32";
                }
            }
            """);
        var error = result.Analyzer.Single(d => d.Id == "DJ1014");
        Assert.That(error.GetMessage(System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo("Foreign key reference Missing could not be resolved"));
        var file = error.Location.SourceTree is null ? error.Location.GetLineSpan().Path : error.Location.SourceTree.FilePath;
        var text = result.Output.SyntaxTrees.First(t => t.FilePath == file).GetText().ToString(error.Location.SourceSpan);
        Assert.That(text, Is.EqualTo("Missing"));
        Assert.That(result.Generated("Lab.Typed.Orphan.DataJointTable.g.cs"), Does.Contain("public required int X { get; init; }"));
        var hints = result.Run.Results.Single().GeneratedSources.Select(s => s.HintName).ToList();
        Assert.That(hints, Does.Contain("Lab.Typed.Connectivity.DataJointTable.g.cs"));
    }

    [Test]
    public void BuiltInCodecs_TakeValueTypeFromRuntimeManifest_NonTierClass_GetsNothing()
    {
        var result = TestHarness.Run(Sample + """

            namespace Lab.Typed
            {
                [Table]
                public partial class Files : Manual
                {
                    public const string Definition = "file_id : int32\n---\ndoc : <attach>\nequals : int16\nfiles : int16";
                }

                [Table]
                public partial class NoTier
                {
                    public const string Definition = "x : int32";
                }
            }
            """);
        Assert.That(result.CompilerErrors, Is.Empty, string.Join("\n", result.CompilerErrors));
        var files = result.Generated("Lab.Typed.Files.DataJointTable.g.cs");
        Assert.That(files, Does.Contain("public required string Doc { get; init; }"));
        Assert.That(files, Does.Contain("public required short Equals_ { get; init; }"));
        Assert.That(files, Does.Contain("public required short Files_ { get; init; }"));
        var hints = result.Run.Results.Single().GeneratedSources.Select(s => s.HintName).ToList();
        Assert.That(hints, Does.Not.Contain("Lab.Typed.NoTier.DataJointTable.g.cs"));
        Assert.That(result.Analyzer.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.Id).ToArray(), Is.EqualTo(new[] { "DJ0012" }), "a [Table] class without a tier is an error, not a silent drop");
    }

    [Test]
    public void LookupContents_AreReadThroughTheMetadata_NotByReflection()
    {
        var result = TestHarness.Run(Sample + """

            namespace Lab.Typed
            {
                [Table]
                public partial class Species : Lookup
                {
                    public const string Definition = "species : varchar(16)";
                    public static Row[] Contents => [new Row { Species_ = "mouse" }];
                }

                [Table]
                public partial class Shelf : Lookup
                {
                    public const string Definition = "shelf : int16";
                }
            }
            """);
        Assert.That(result.CompilerErrors, Is.Empty, string.Join("\n", result.CompilerErrors));
        Assert.That(result.Generated("Lab.Typed.Species.DataJointTable.g.cs"),
            Does.Contain("static () => global::DataJoint.Metadata.TableContents.Rows<Species, Row, Key>(Contents));"));
        Assert.That(result.Generated("Lab.Typed.Shelf.DataJointTable.g.cs"), Does.Not.Contain("TableContents"));
    }

    [Test]
    public void PartTable_MasterKey_AndDottedPartReference()
    {
        var result = TestHarness.Run(Sample + """

            namespace Lab.Typed
            {
                [Table]
                public partial class Session : Manual
                {
                    public const string Definition = "-> User\nsession_idx : int16";

                    [Table]
                    public partial class Trial : Part<Session>
                    {
                        public const string Definition = "-> master\ntrial_idx : int32\n---\nok : bool";
                    }
                }

                [Table]
                public partial class TrialNote : Manual
                {
                    public const string Definition = "-> Session.Trial\n---\ntext = null : varchar(100)";
                }
            }
            """);
        Assert.That(result.CompilerErrors, Is.Empty, string.Join("\n", result.CompilerErrors));
        var trial = result.Generated("Lab.Typed.Session.Trial.DataJointTable.g.cs");
        Assert.That(trial, Does.Contain("partial class Session\n    {\n        partial class Trial : global::DataJoint.Metadata.ITypedTable<Trial, Trial.Row, Trial.Key>"));
        Assert.That(trial, Does.Contain("new string[] { \"user_id\", \"session_idx\", \"trial_idx\", \"ok\" }, 3);"));
        Assert.That(trial, Does.Contain("global::DataJoint.Metadata.TableMetadata.Lazy<global::Lab.Typed.Session>(),"), "the part's master");
        var note = result.Generated("Lab.Typed.TrialNote.DataJointTable.g.cs");
        Assert.That(note, Does.Contain("new string[] { \"user_id\", \"session_idx\", \"trial_idx\", \"text\" }, 3);"));
        Assert.That(note, Does.Contain("public required short SessionIdx { get; init; }"));
        Assert.That(note, Does.Contain("public string? Text { get; init; }"));
    }

    [TestCase("neuron_id", "NeuronId")]
    [TestCase("x", "X")]
    [TestCase("f32", "F32")]
    [TestCase("a__b_", "AB")]
    public void PropertyNames_ArePascalCase(string sql, string property) =>
        Assert.That(DataJoint.Definitions.PropertyNaming.Of(sql), Is.EqualTo(property));

    [Test]
    public void UnrelatedEdit_LeavesTableStepsCachedOrUnchanged()
    {
        var other = CSharpSyntaxTree.ParseText("namespace Lab; public static class Helpers { public static int One() => 1; }", TestHarness.ParseOptions, path: "Other.cs");
        var compilation = TestHarness.Compile("TestAssembly", [Sample]).AddSyntaxTrees(other);
        GeneratorDriver driver = CSharpGeneratorDriver.Create([new DataJointGenerator().AsSourceGenerator()], parseOptions: TestHarness.ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
        driver = driver.RunGenerators(compilation);
        var edited = compilation.ReplaceSyntaxTree(other,
            CSharpSyntaxTree.ParseText("namespace Lab; public static class Helpers { public static int Two() => 2; }", TestHarness.ParseOptions, path: "Other.cs"));
        driver = driver.RunGenerators(edited);
        var steps = driver.GetRunResult().Results.Single().TrackedSteps;
        foreach (var name in new[]
        {
            TablePipeline.Steps.LocalTables, TablePipeline.Steps.AllTables,
            TablePipeline.Steps.CodecTypes, TablePipeline.Steps.Resolved, TablePipeline.Steps.Output,
        })
        {
            Assert.That(steps.ContainsKey(name), name);
            var reasons = steps[name].SelectMany(s => s.Outputs).Select(o => o.Reason).ToList();
            Assert.That(reasons, Is.Not.Empty, name);
            Assert.That(reasons, Is.All.AnyOf(IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged), name);
        }
        Assert.That(steps[TablePipeline.Steps.Output].SelectMany(s => s.Outputs).Count(), Is.EqualTo(3));
    }

    [Test]
    public void EditingOneTable_ReemitsOnlyThatTable()
    {
        var compilation = TestHarness.Compile("TestAssembly", [Sample]);
        GeneratorDriver driver = CSharpGeneratorDriver.Create([new DataJointGenerator().AsSourceGenerator()], parseOptions: TestHarness.ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
        driver = driver.RunGenerators(compilation);
        var tree = compilation.SyntaxTrees.Single();
        var edited = compilation.ReplaceSyntaxTree(tree, CSharpSyntaxTree.ParseText(
            Sample.Replace("payload : <blob>", "payload : <blob>\n                    extra = null : int16"), TestHarness.ParseOptions, path: tree.FilePath));
        driver = driver.RunGenerators(edited);
        var outputs = driver.GetRunResult().Results.Single().TrackedSteps[TablePipeline.Steps.Output].SelectMany(s => s.Outputs).ToList();
        Assert.That(outputs.Count(o => o.Reason == IncrementalStepRunReason.Modified), Is.EqualTo(1));
        Assert.That(outputs.Count(o => o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged), Is.EqualTo(2));
    }
}
