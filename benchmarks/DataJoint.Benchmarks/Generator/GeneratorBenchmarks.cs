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
    private static CSharpParseOptions Parse => SyntheticProject.Parse;

    [GlobalSetup]
    public void Setup()
    {
        _references = SyntheticProject.References();
        _sources = SyntheticProject.Sources(CodecCount, TableCount);

        // Sanity: the synthetic project is valid (no errors from compiler, generator or analyzer).
        var check = RunWithGeneratorAndAnalyzer();
        if (check != 0) throw new InvalidOperationException($"synthetic compilation has {check} errors");
    }

    private CSharpCompilation Fresh() => SyntheticProject.Compilation(_sources, _references);

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
        driver.RunGeneratorsAndUpdateCompilation(Fresh(), out var output, out var generatorDiagnostics);
        var all = output.WithAnalyzers([new DataJointAnalyzer()]).GetAllDiagnosticsAsync().GetAwaiter().GetResult();
        return all.Concat(generatorDiagnostics).Count(d => d.Severity == DiagnosticSeverity.Error);
    }
}
