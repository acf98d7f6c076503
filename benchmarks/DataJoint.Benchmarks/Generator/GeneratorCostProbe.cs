using System.Diagnostics;
using DataJoint.Generators;
using DataJoint.Generators.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace DataJoint.Benchmarks.Generator;

/// <summary>
/// <c>dotnet run -c Release -- generator-cost [--rounds N]</c>: where the generator benchmark's time goes, as CPU time of
/// this process (the machine is shared, so wall time is noisy) over interleaved rounds: compiling without the generator,
/// running the generator alone, compiling its output, and the analyzer; plus the generator's own timing and output size.
/// A second pair of rows emits the assembly as <c>csc</c> does (binding, lowering and IL of every method, synthesized
/// record members included), against a baseline whose codecs get the generated member written by hand so that it
/// compiles. Prints the median and range of each, and the ratios to the baselines.
/// </summary>
internal static class GeneratorCostProbe
{
    public static int Run(string[] args)
    {
        var rounds = args.Length >= 2 && args[0] == "--rounds" ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 7;
        var references = SyntheticProject.References();
        var sources = SyntheticProject.Sources(200, 500);
        var compilable = SyntheticProject.WithCodecMembersByHand(sources, 200);
        var parse = SyntheticProject.Parse;
        var rows = new Dictionary<string, List<double>>();
        void Add(string name, double ms) => (rows.TryGetValue(name, out var l) ? l : rows[name] = []).Add(ms);

        for (var round = -1; round < rounds; round++) // round -1 warms up
        {
            GC.Collect();
            var (_, baseline) = Cpu(() => SyntheticProject.Compilation(sources, references).GetDiagnostics().Length);

            GC.Collect();
            GeneratorDriver driver = CSharpGeneratorDriver.Create([new DataJointGenerator().AsSourceGenerator()], parseOptions: parse);
            var fresh = SyntheticProject.Compilation(sources, references);
            Compilation output = null!;
            var (_, generate) = Cpu(() => { driver = driver.RunGeneratorsAndUpdateCompilation(fresh, out output, out _); return 0; });
            var (_, compileOutput) = Cpu(() => output.GetDiagnostics().Length);
            var timing = driver.GetTimingInfo();
            var generated = driver.GetRunResult().GeneratedTrees;

            GC.Collect();
            GeneratorDriver driver2 = CSharpGeneratorDriver.Create([new DataJointGenerator().AsSourceGenerator()], parseOptions: parse);
            driver2.RunGeneratorsAndUpdateCompilation(SyntheticProject.Compilation(sources, references), out var output2, out _);
            var (_, withAnalyzer) = Cpu(() => output2.WithAnalyzers([new DataJointAnalyzer()]).GetAllDiagnosticsAsync().GetAwaiter().GetResult().Length);

            // As csc builds: one Emit of a fresh compilation (it reports the diagnostics and writes IL in one pass).
            GC.Collect();
            var (baselineEmitted, baselineEmit) = Cpu(() => SyntheticProject.Compilation(compilable, references).Emit(Stream.Null).Success);
            GC.Collect();
            GeneratorDriver driver3 = CSharpGeneratorDriver.Create([new DataJointGenerator().AsSourceGenerator()], parseOptions: parse);
            var (emitted, generateEmit) = Cpu(() =>
            {
                driver3.RunGeneratorsAndUpdateCompilation(SyntheticProject.Compilation(sources, references), out var output3, out _);
                return output3.Emit(Stream.Null).Success;
            });
            if (!baselineEmitted || !emitted) throw new InvalidOperationException($"emit failed (baseline {baselineEmitted}, generated {emitted})");

            if (round < 0 && Environment.GetEnvironmentVariable("DJ_GENERATOR_DUMP") is { } dump)
            {
                Directory.CreateDirectory(dump);
                foreach (var t in generated) File.WriteAllText(Path.Combine(dump, Path.GetFileName(t.FilePath)), t.GetText().ToString());
            }
            if (round < 0)
            {
                var tables = generated.Where(t => t.FilePath.EndsWith(".DataJointTable.g.cs", StringComparison.Ordinal)).ToList();
                var codecs = generated.Where(t => t.FilePath.EndsWith(".DataJointCodec.g.cs", StringComparison.Ordinal)).ToList();
                Console.WriteLine($"generated: {generated.Length} files, {generated.Sum(t => t.Length) / 1024} KiB, " +
                                  $"{generated.Sum(t => t.GetText().Lines.Count)} lines (user sources {sources.Sum(s => s.Length) / 1024} KiB)");
                Console.WriteLine($"  per table: {tables.Sum(t => t.Length) / Math.Max(1, tables.Count)} bytes ({tables.Count} tables, 8 attributes each); " +
                                  $"per codec: {codecs.Sum(t => t.Length) / Math.Max(1, codecs.Count)} bytes ({codecs.Count} codecs)");
                continue;
            }
            Add("baseline: compile without generator", baseline);
            Add("generator run (its own steps)", generate);
            Add("compile with generated code", compileOutput);
            Add("  of which the generated code (minus baseline)", compileOutput - baseline);
            Add("compile with generated code + analyzer", withAnalyzer);
            Add("  of which the analyzer (minus compile)", withAnalyzer - compileOutput);
            Add("generator (driver timing, wall)", timing.ElapsedTime.TotalMilliseconds);
            Add("row 2: generator + compile", generate + compileOutput);
            Add("row 3: generator + compile + analyzer", generate + withAnalyzer);
            Add("emit baseline (codec members by hand)", baselineEmit);
            Add("emit: generator + compile + emit", generateEmit);
            Add("ratio row 2 / baseline", (generate + compileOutput) / baseline);
            Add("ratio row 3 / baseline", (generate + withAnalyzer) / baseline);
            Add("ratio emit / emit baseline", generateEmit / baselineEmit);
        }
        Console.WriteLine($"CPU time of this process, ms ({rounds} rounds; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}):");
        foreach (var (name, values) in rows)
        {
            values.Sort();
            var fmt = name.StartsWith("ratio", StringComparison.Ordinal) ? "0.00" : "0";
            Console.WriteLine($"  {name,-50} median {values[values.Count / 2].ToString(fmt, System.Globalization.CultureInfo.InvariantCulture),7}  " +
                              $"range {values[0].ToString(fmt, System.Globalization.CultureInfo.InvariantCulture)}–{values[^1].ToString(fmt, System.Globalization.CultureInfo.InvariantCulture)}");
        }
        return 0;
    }

    private static (T Result, double CpuMs) Cpu<T>(Func<T> work)
    {
        var p = Process.GetCurrentProcess();
        var before = p.TotalProcessorTime;
        var result = work();
        p.Refresh();
        return (result, (p.TotalProcessorTime - before).TotalMilliseconds);
    }
}
