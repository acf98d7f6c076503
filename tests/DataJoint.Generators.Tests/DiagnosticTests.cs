using Microsoft.CodeAnalysis;

namespace DataJoint.Generators.Tests;

/// <summary>One test per diagnostic, each asserting the exact span (markup <c>{|DJxxxx:...|}</c>) and the message.</summary>
public class DiagnosticTests
{
    private const string Graph = """
        using DataJoint;
        namespace Lab;
        public sealed record Graph(string[] Nodes);
        public sealed record GraphData(string[] Nodes);
        [Codec("graph", InTable = "<blob>", InStore = "<blob>")]
        public sealed partial class GraphCodec : Codec<Graph, GraphData>
        {
            protected override GraphData Encode(Graph g, EncodeContext ctx) => new(g.Nodes);
            protected override Graph Decode(GraphData d, DecodeContext ctx) => new(d.Nodes);
        }
        [Codec("small", InTable = "varchar(32)")]
        public sealed partial class SmallCodec : Codec<string, string>
        {
            protected override string Encode(string v, EncodeContext ctx) => v;
            protected override string Decode(string v, DecodeContext ctx) => v;
        }
        """;

    private static string Message(TestHarness.Result r, string id) => r.Analyzer.Single(d => d.Id == id).GetMessage(System.Globalization.CultureInfo.InvariantCulture);

    [Test]
    public void ValidCodecsAndTables_ProduceNoDiagnostics_AndCompile()
    {
        var r = TestHarness.Run(Graph, """"
            using DataJoint;
            namespace Lab;
            [Table]
            public partial class Session : Manual
            {
                public const string Definition = """
                    session_id : int32
                    ---
                    g : <graph>           # in-table graph
                    g2 = null : <graph@main>
                    raw : <blob@>
                    f : <filepath@raw>
                    note : <small>
                    """;
            }
            """");
        Assert.That(r.Analyzer, Is.Empty);
        Assert.That(r.CompilerErrors, Is.Empty);
    }

    [Test]
    public void DJ0001_UnknownCodec_InsideRawDefinition_WithSuggestion_AndLineColumn()
    {
        var r = TestHarness.Verify(""""
            using DataJoint;
            [Table]
            public partial class Session : Manual
            {
                public const string Definition = """
                    session_id : int32
                    ---
                    img : {|DJ0001:<blobb>|}   # typo
                    """;
            }
            """");
        Assert.That(Message(r, "DJ0001"), Is.EqualTo("Unknown codec <blobb> in '<blobb>'. Did you mean <blob>?"));
        var span = r.Analyzer.Single().Location.GetLineSpan();
        Assert.That((span.StartLinePosition.Line, span.StartLinePosition.Character, span.EndLinePosition.Character), Is.EqualTo((7, 14, 21)));
    }

    [Test]
    public void DJ0001_UnknownCodec_InCodecDtype_AtTheArgument()
    {
        var r = TestHarness.Verify("""
            using DataJoint;
            [Codec("wrap", InTable = "{|DJ0001:<zzzq>|}")]
            public sealed partial class WrapCodec : Codec<string, string>
            {
                protected override string Encode(string v, EncodeContext ctx) => v;
                protected override string Decode(string v, DecodeContext ctx) => v;
            }
            """);
        Assert.That(Message(r, "DJ0001"), Is.EqualTo("Unknown codec <zzzq> in '<wrap>'"));
    }

    [Test]
    public void DJ0001_InVerbatimAndRegularStrings()
    {
        TestHarness.Verify("""
            using DataJoint;
            [Table]
            public partial class A : Manual
            {
                public const string Definition = @"a : int32
            ---
            q = ""x:y"" : varchar(9)
            b : {|DJ0001:<nope@s>|}";
            }
            [Table]
            public partial class B : Manual
            {
                public const string Definition = "a : int32\n---\nb : {|DJ0001:<nope>|} # x";
            }
            """);
    }

    [Test]
    public void DJ0002_CircularChain_ShowsThePath()
    {
        var r = TestHarness.Verify("""
            using DataJoint;
            [Codec("a", InTable = "{|DJ0002:<b>|}")]
            public sealed partial class ACodec : Codec<string, string>
            {
                protected override string Encode(string v, EncodeContext ctx) => v;
                protected override string Decode(string v, DecodeContext ctx) => v;
            }
            [Codec("b", InTable = "{|DJ0002:<a>|}")]
            public sealed partial class BCodec : Codec<string, string>
            {
                protected override string Encode(string v, EncodeContext ctx) => v;
                protected override string Decode(string v, DecodeContext ctx) => v;
            }
            """);
        var messages = r.Analyzer.Select(d => d.GetMessage()).ToList();
        Assert.That(messages, Does.Contain("Circular codec chain in '<a>': <a> → <b> → <a>"));
        Assert.That(messages, Does.Contain("Circular codec chain in '<b>': <b> → <a> → <b>"));
    }

    [Test]
    public void DJ0003_StoreModeNotSupported_InDefinitions()
    {
        var r = TestHarness.Verify(""""
            using DataJoint;
            [Table]
            public partial class T : Manual
            {
                public const string Definition = """
                    id : int32
                    ---
                    h : {|DJ0003:<hash>|}
                    s : {|DJ0003:<small@>|}
                    f : {|DJ0003:<filepath>|}
                    """;
            }
            """", Graph);
        var messages = r.Analyzer.Select(d => d.GetMessage()).ToList();
        Assert.That(messages, Is.EqualTo(new[]
        {
            "'<hash>': <hash> requires @ (in-store storage only)",
            "'<small@>': <small> does not support @ (in-table storage only)",
            "'<filepath>': <filepath> requires @ symbol. Use <filepath@> for default store or <filepath@store> to specify store.",
        }));
    }

    [Test]
    public void DJ0004_ChainTypeMismatch_BytesIntoAGraphCodec()
    {
        var r = TestHarness.Verify("""
            using DataJoint;
            [Codec("raw", InTable = "{|DJ0004:<graph>|}")]
            public sealed partial class RawCodec : Codec<string, byte[]>
            {
                protected override byte[] Encode(string v, EncodeContext ctx) => new byte[0];
                protected override string Decode(byte[] v, DecodeContext ctx) => "";
            }
            """, Graph);
        Assert.That(Message(r, "DJ0004"), Is.EqualTo("In '<raw>': <raw> encodes to byte[], but <graph> expects Lab.Graph"));
    }

    [Test]
    public void DJ0004_ChainTypeMismatch_FinalCoreType()
    {
        var r = TestHarness.Verify("""
            using DataJoint;
            [Codec("num", InTable = "{|DJ0004:bytes|}")]
            public sealed partial class NumCodec : Codec<int, string>
            {
                protected override string Encode(int v, EncodeContext ctx) => "";
                protected override int Decode(string v, DecodeContext ctx) => 0;
            }
            """);
        Assert.That(Message(r, "DJ0004"), Is.EqualTo("In '<num>': <num> encodes to string, but column type 'bytes' expects byte[]"));
    }

    [Test]
    public void DJ0005_DuplicateName_AgainstReferencedAssembly_AndLocally()
    {
        var r = TestHarness.Verify("""
            using DataJoint;
            [Codec({|DJ0005:"blob"|}, InTable = "bytes")]
            public sealed partial class MyBlob : Codec<object, byte[]>
            {
                protected override byte[] Encode(object v, EncodeContext ctx) => new byte[0];
                protected override object Decode(byte[] v, DecodeContext ctx) => v;
            }
            [Codec({|DJ0005:"twice"|}, InTable = "json")]
            public sealed partial class One : Codec<string, string>
            {
                protected override string Encode(string v, EncodeContext ctx) => v;
                protected override string Decode(string v, DecodeContext ctx) => v;
            }
            [Codec({|DJ0005:"twice"|}, InTable = "json")]
            public sealed partial class Two : Codec<string, string>
            {
                protected override string Encode(string v, EncodeContext ctx) => v;
                protected override string Decode(string v, DecodeContext ctx) => v;
            }
            """);
        var messages = r.Analyzer.Select(d => d.GetMessage()).ToList();
        Assert.That(messages[0], Is.EqualTo("Codec name 'blob' is already used by DataJoint.BuiltIn.BlobCodec (assembly DataJoint.Runtime)"));
        Assert.That(messages[1], Is.EqualTo("Codec name 'twice' is already used by Two (assembly TestAssembly)"));
        Assert.That(messages[2], Is.EqualTo("Codec name 'twice' is already used by One (assembly TestAssembly)"));
    }

    [Test]
    public void DJ0006_NotPartial_AtClassName()
    {
        var r = TestHarness.Verify("""
            using DataJoint;
            [Codec("np", InTable = "json")]
            public sealed class {|DJ0006:NotPartialCodec|} : Codec<string, string>
            {
                protected override string Encode(string v, EncodeContext ctx) => v;
                protected override string Decode(string v, DecodeContext ctx) => v;
            }
            """);
        Assert.That(Message(r, "DJ0006"), Does.StartWith("Codec class 'NotPartialCodec' must be declared partial"));
    }

    [Test]
    public void DJ0007_NotACodec_AtClassName()
    {
        TestHarness.Verify("""
            using DataJoint;
            [Codec("x", InTable = "json")]
            public sealed partial class {|DJ0007:Plain|} { }
            """);
    }

    [Test]
    public void DJ0008_InvalidName_AtTheArgument()
    {
        var r = TestHarness.Verify("""
            using DataJoint;
            [Codec({|DJ0008:"my codec"|}, InTable = "json")]
            public sealed partial class Bad : Codec<string, string>
            {
                protected override string Encode(string v, EncodeContext ctx) => v;
                protected override string Decode(string v, DecodeContext ctx) => v;
            }
            """);
        Assert.That(Message(r, "DJ0008"), Does.StartWith("Invalid codec name 'my codec'"));
    }

    [Test]
    public void DJ0009_ChainNeverReachesACoreType()
    {
        var r = TestHarness.Verify("""
            using DataJoint;
            [Codec("odd", InTable = "{|DJ0009:notatype|}")]
            public sealed partial class Odd : Codec<string, string>
            {
                protected override string Encode(string v, EncodeContext ctx) => v;
                protected override string Decode(string v, DecodeContext ctx) => v;
            }
            """);
        Assert.That(Message(r, "DJ0009"), Is.EqualTo("'<odd>' never reaches a core type: Invalid dtype 'notatype' in codec <odd>."));
    }

    [Test]
    public void DJ0010_NoStorageMode()
    {
        TestHarness.Verify("""
            using DataJoint;
            [Codec("none")]
            public sealed partial class {|DJ0010:NoneCodec|} : Codec<string, string>
            {
                protected override string Encode(string v, EncodeContext ctx) => v;
                protected override string Decode(string v, DecodeContext ctx) => v;
            }
            """);
    }

    [Test]
    public void DJ0011_BareAtInInStoreDtype_Warns()
    {
        var r = TestHarness.Verify("""
            using DataJoint;
            [Codec("pinned", InTable = "<blob>", InStore = "{|DJ0011:<blob@>|}")]
            public sealed partial class Pinned : Codec<string, string>
            {
                protected override string Encode(string v, EncodeContext ctx) => v;
                protected override string Decode(string v, DecodeContext ctx) => v;
            }
            """);
        Assert.That(r.Analyzer.Single().Severity, Is.EqualTo(DiagnosticSeverity.Warning));
        Assert.That(Message(r, "DJ0011"), Is.EqualTo(
            "InStore = \"<blob@>\" sends every <pinned@store> to the default store; write \"<blob>\" to inherit the store the definition names"));
    }

    [Test]
    public void Catalog_IdsAreUniqueAndDocumented()
    {
        var descriptors = DataJoint.Generators.Diagnostics.DiagnosticDescriptors.All;
        Assert.That(descriptors.Select(d => d.Id), Is.Unique);
        Assert.That(new DataJoint.Generators.Diagnostics.DataJointAnalyzer().SupportedDiagnostics, Is.SubsetOf(descriptors));
        var docs = File.ReadAllText(Path.Combine(RepoRoot(), "docs", "diagnostics.md"));
        var definitionDocs = File.ReadAllText(Path.Combine(RepoRoot(), "docs", "definitions.md"));
        var releases = File.ReadAllText(Path.Combine(RepoRoot(), "src", "DataJoint.Generators", "AnalyzerReleases.Unshipped.md"));
        foreach (var d in descriptors)
        {
            if (d.Id.StartsWith("DJ1", StringComparison.Ordinal))
                Assert.That(definitionDocs, Does.Contain("| " + d.Id + " |").Or.Contain(d.Id + " "), $"{d.Id} is not documented in docs/definitions.md");
            else
                Assert.That(docs, Does.Contain("## " + d.Id), $"{d.Id} is not documented in docs/diagnostics.md");
            Assert.That(releases, Does.Contain(d.Id + " | " + d.Category + " | " + d.DefaultSeverity), $"{d.Id} is not release-tracked");
        }
        // Every definition code has a compile-time descriptor, except the two that only run time can see.
        foreach (var code in Enum.GetValues<DataJoint.Definitions.DefinitionErrorCode>())
        {
            var id = "DJ" + ((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (id is "DJ1103" or "DJ2001") continue;
            Assert.That(descriptors.Select(d => d.Id), Does.Contain(id), $"{code} has no descriptor");
        }
    }

    internal static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "DataJoint.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("DataJoint.sln not found above the test directory");
    }
}
