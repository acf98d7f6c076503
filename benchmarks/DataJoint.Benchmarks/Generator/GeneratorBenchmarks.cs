using System.Text;
using Basic.Reference.Assemblies;
using BenchmarkDotNet.Attributes;
using DataJoint.Generators;
using DataJoint.Generators.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace DataJoint.Benchmarks.Generator;

/// <summary>
/// Cost of the DataJoint generator (and analyzer) on a synthetic project with 200 codecs and 500 table definitions,
/// as a ratio to compiling the same sources without them (baseline: bind and check the whole compilation).
/// Each iteration starts from freshly parsed trees, like a clean build.
/// </summary>
[MemoryDiagnoser]
public class GeneratorBenchmarks
{
    private const int CodecCount = 200;
    private const int TableCount = 500;
    private string[] _sources = [];
    private MetadataReference[] _references = [];
    private static readonly CSharpParseOptions Parse = new(LanguageVersion.Preview);

    [GlobalSetup]
    public void Setup()
    {
        _references = [.. Net100.References.All, MetadataReference.CreateFromFile(typeof(Codecs).Assembly.Location)];
        var sources = new List<string>();
        for (var i = 0; i < CodecCount; i++)
        {
            // Half chain to <blob> with a record stored type (mapper generated), half to another codec or a core type.
            var inTable = i % 2 == 0 ? "<blob>" : i % 4 == 1 ? "varchar(64)" : $"<c{i - 1}>";
            var stored = i % 2 == 0 ? $"R{i}" : "string";
            const string value = "string";
            sources.Add($$"""
                using DataJoint;
                namespace Synthetic;
                public sealed record R{{i}}(int A, string B, double[] C);
                [Codec("c{{i}}", InTable = "{{inTable}}"{{(i % 2 == 0 ? ", InStore = \"<blob>\"" : "")}})]
                public sealed partial class Codec{{i}} : Codec<{{value}}, {{stored}}>
                {
                    protected override {{stored}} Encode({{value}} v, EncodeContext ctx) => {{(i % 2 == 0 ? $"new R{i}(1, v, [])" : "v")}};
                    protected override {{value}} Decode({{stored}} s, DecodeContext ctx) => {{(i % 2 == 0 ? "s.B" : "s")}};
                }
                """);
        }
        for (var t = 0; t < TableCount; t++)
        {
            var sb = new StringBuilder();
            sb.Append("        t").Append(t).Append("_id : int32\n        ---\n");
            for (var a = 0; a < 6; a++)
            {
                var codec = (t * 7 + a * 13) % CodecCount;
                var spec = codec % 2 == 0 && a % 2 == 0 ? $"<c{codec}@main>" : $"<c{codec}>";
                sb.Append("        a").Append(a).Append(" : ").Append(spec).Append("   # attribute ").Append(a).Append('\n');
            }
            sb.Append("        n : varchar(32)\n");
            sources.Add($$""""
                using DataJoint;
                namespace Synthetic;
                [Table]
                public partial class Table{{t}}
                {
                    public const string Definition = """
                {{sb}}        """;
                }
                """");
        }
        _sources = [.. sources];

        // Sanity: the synthetic project is valid (no errors from compiler, generator or analyzer).
        var check = RunWithGeneratorAndAnalyzer();
        if (check != 0) throw new InvalidOperationException($"synthetic compilation has {check} errors");
    }

    private CSharpCompilation Fresh() => CSharpCompilation.Create("Synthetic",
        _sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, Parse, path: $"F{i}.cs")),
        _references,
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    /// <summary>Baseline: compile (bind + diagnostics) without the generator. Errors are expected (missing generated members).</summary>
    [Benchmark(Baseline = true)]
    public int CompileWithoutGenerator() => Fresh().GetDiagnostics().Length;

    /// <summary>Run the generator on a fresh compilation, then compile the result.</summary>
    [Benchmark]
    public int CompileWithGenerator()
    {
        GeneratorDriver driver = CSharpGeneratorDriver.Create([new DataJointGenerator().AsSourceGenerator()], parseOptions: Parse);
        driver.RunGeneratorsAndUpdateCompilation(Fresh(), out var output, out _);
        return output.GetDiagnostics().Count(d => d.Severity == DiagnosticSeverity.Error);
    }

    /// <summary>Generator plus the DataJoint analyzer (chain checks of every codec and every definition attribute).</summary>
    [Benchmark]
    public int CompileWithGeneratorAndAnalyzer() => RunWithGeneratorAndAnalyzer();

    private int RunWithGeneratorAndAnalyzer()
    {
        GeneratorDriver driver = CSharpGeneratorDriver.Create([new DataJointGenerator().AsSourceGenerator()], parseOptions: Parse);
        driver.RunGeneratorsAndUpdateCompilation(Fresh(), out var output, out _);
        var all = output.WithAnalyzers([new DataJointAnalyzer()]).GetAllDiagnosticsAsync().GetAwaiter().GetResult();
        return all.Count(d => d.Severity == DiagnosticSeverity.Error);
    }
}
