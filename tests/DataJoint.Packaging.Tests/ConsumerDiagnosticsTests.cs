using System.Text;
using System.Text.RegularExpressions;

namespace DataJoint.Packaging.Tests;

/// <summary>
/// A user's project with a dozen definition and class mistakes in different files, built with <c>dotnet build</c>
/// against the package: the output lists each one at its file, line and column — even though the compilation also has
/// the compiler's own errors (CS0534 for the codec without partial, which names the member the generator implements).
/// </summary>
public class ConsumerDiagnosticsTests
{
    private static readonly Regex Markup = new(@"\{\|(?<id>DJ\d{4}):(?<text>.*?)\|\}", RegexOptions.Singleline);

    private static readonly Dictionary<string, string> Marked = new()
    {
        ["Tables.cs"] = """"
            using DataJoint;
            namespace Consumer;

            [Table]
            public partial class Session : Manual
            {
                public const string Definition = """
                    session_id = {|DJ1004:null|} : int32
                    ---
                    x {|DJ1002:int32|}
                    n : {|DJ1001:INT33|}
                    """;
            }

            [Table]
            public partial class Analysis : Computed
            {
                public const string Definition = """
                    -> {|DJ1014:Nowhere|}
                    {|DJ1018:run_id|} : int16
                    ---
                    score : float64
                    """;
            }
            """",
        ["Structure.cs"] = """
            using DataJoint;
            namespace Consumer;

            [Table]
            public partial class {|DJ0012:NoTier|} { public const string Definition = "a : int32"; }

            [Table]
            public partial class {|DJ0013:NoDefinition|} : Manual { }

            [Table]
            public class {|DJ0016:NotPartial|} : Manual { public const string Definition = "a : int32"; }

            public sealed class Helper { }

            [Table]
            public partial class UsesHelper : Manual { public const string Definition = "-> {|DJ0014:Helper|}\nu : int32"; }

            [Table]
            public partial class {|DJ0015:Stray|} : Part<UsesHelper> { public const string Definition = "-> master\ns : int16"; }
            """,
        ["Codecs.cs"] = """
            using DataJoint;
            namespace Consumer;

            [Codec("pt", InTable = "<blob>")]
            public sealed partial class PtCodec : Codec<double[], double[]>
            {
                protected override double[] Encode(double[] v, EncodeContext ctx) => v;
                protected override double[] Decode(double[] v, DecodeContext ctx) => v;
            }

            [Codec("vec", InTable = "<blob>")]
            public sealed class {|DJ0006:NotPartialCodec|} : Codec<double[], double[]>
            {
                protected override double[] Encode(double[] v, EncodeContext ctx) => v;
                protected override double[] Decode(double[] v, DecodeContext ctx) => v;
            }
            """,
        ["Typos.cs"] = """
            using DataJoint;
            namespace Consumer;

            [Table]
            public partial class Trace : Manual
            {
                public const string Definition = @"trace_id : int32
            ---
            samples : {|DJ0001:<tp>|}
            index({|DJ1015:a-b|})";
            }

            [Table]
            public partial class Probe : Manual
            {
                public const string Definition = "probe_id : int32\n-> [{|DJ1011:bogus|}] Trace";
            }
            """,
        ["Program.cs"] = """
            System.Console.WriteLine("never runs");
            """,
    };

    [Test]
    [CancelAfter(600_000)]
    public async Task ADozenMistakes_AreEachListedAtTheirLineAndColumn_ByDotnetBuild(CancellationToken ct)
    {
        var files = new Dictionary<string, string>();
        var expected = new List<string>();
        foreach (var (file, marked) in Marked)
        {
            var clean = new StringBuilder();
            var last = 0;
            foreach (Match m in Markup.Matches(marked))
            {
                clean.Append(marked, last, m.Index - last);
                var before = clean.ToString();
                var line = before.Count(c => c == '\n') + 1;
                var column = before.Length - (before.LastIndexOf('\n') + 1) + 1;
                expected.Add($"{file}({line},{column}): error {m.Groups["id"].Value}");
                clean.Append(m.Groups["text"].Value);
                last = m.Index + m.Length;
            }
            clean.Append(marked, last, marked.Length - last);
            files[file] = clean.ToString();
        }
        Assert.That(expected, Has.Count.GreaterThanOrEqualTo(12));

        var dir = await PackageFeed.ConsumerAsync("mistakes", "", "", files, ct);
        var (code, output) = await PackageFeed.RunAsync(dir, ct, "build", "-c", "Release", "-nologo", "-clp:NoSummary");
        Assert.That(code, Is.Not.Zero, "the build must fail");
        var reported = Regex.Matches(output, @"(?<file>[\w.]+\.cs)\((?<line>\d+),(?<col>\d+)\): error (?<id>DJ\d{4})")
            .Select(m => $"{m.Groups["file"].Value}({m.Groups["line"].Value},{m.Groups["col"].Value}): error {m.Groups["id"].Value}")
            .Distinct().ToList();
        Assert.That(reported, Is.EquivalentTo(expected), output);
        var dj0001 = output.Split('\n').First(l => l.Contains("error DJ0001", StringComparison.Ordinal));
        Assert.That(dj0001, Does.Contain("Unknown codec <tp> in '<tp>'. Did you mean <pt>?"), "a swap of two letters ranks first");
        Assert.That(output, Does.Contain("Declaration error in position 2 in line: x int32: Expected ':'"));
        Assert.That(output, Does.Contain("Codec class 'NotPartialCodec' must be declared partial"));
        Assert.That(output, Does.Contain("'NotPartialCodec' does not implement inherited abstract member " +
            "'CodecBase<double[], double[]>.CodecClassMustBePartial_AndItsProjectMustReferenceTheDataJointSourceGenerator()'"),
            "the compiler's own error names the fix too");
    }
}
