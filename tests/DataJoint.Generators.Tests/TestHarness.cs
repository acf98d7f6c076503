using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Basic.Reference.Assemblies;
using DataJoint.Generators;
using DataJoint.Generators.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace DataJoint.Generators.Tests;

/// <summary>Compiles sources against DataJoint.Runtime, runs the generator, then the analyzer on the result.</summary>
internal static class TestHarness
{
    internal static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Preview);

    /// <summary>This test project's source folder (where approved snapshots live), recorded at build time.</summary>
    internal static string ProjectDirectory { get; } =
        System.Reflection.CustomAttributeExtensions.GetCustomAttributes<System.Reflection.AssemblyMetadataAttribute>(typeof(TestHarness).Assembly)
            .Single(a => a.Key == "ProjectDirectory").Value!;

    internal static IEnumerable<MetadataReference> References(params MetadataReference[] extra) =>
        Net100.References.All.Concat([MetadataReference.CreateFromFile(typeof(DataJoint.Codecs).Assembly.Location)]).Concat(extra);

    internal static CSharpCompilation Compile(string assemblyName, IEnumerable<string> sources, params MetadataReference[] extra) =>
        CSharpCompilation.Create(assemblyName,
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: $"File{i}.cs")),
            References(extra),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    /// <summary>
    /// <see cref="Analyzer"/> holds every DataJoint diagnostic of the build: the generator's (definitions, missing
    /// partial) and the analyzer's (codec checks), ordered by file and position.
    /// </summary>
    internal sealed record Result(Compilation Output, GeneratorDriverRunResult Run, ImmutableArray<Diagnostic> Analyzer)
    {
        public IEnumerable<Diagnostic> CompilerErrors => Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error);

        public string Generated(string hintName) =>
            Run.Results.Single().GeneratedSources.Single(s => s.HintName == hintName).SourceText.ToString();
    }

    internal static Result Run(IEnumerable<string> sources, string assemblyName = "TestAssembly", params MetadataReference[] extra)
    {
        var compilation = Compile(assemblyName, sources, extra);
        GeneratorDriver driver = CSharpGeneratorDriver.Create([new DataJointGenerator().AsSourceGenerator()], parseOptions: ParseOptions);
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        var analyzer = output.WithAnalyzers([new DataJointAnalyzer()])
            .GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
        var all = driver.GetRunResult().Diagnostics.Concat(analyzer)
            .OrderBy(d => d.Location.GetLineSpan().Path, StringComparer.Ordinal).ThenBy(d => d.Location.SourceSpan.Start);
        return new Result(output, driver.GetRunResult(), all.ToImmutableArray());
    }

    internal static Result Run(params string[] sources) => Run(sources, "TestAssembly");

    private static readonly Regex Markup = new(@"\{\|(?<id>DJ\d{4}):(?<text>.*?)\|\}", RegexOptions.Singleline);

    /// <summary>Removes <c>{|DJ0001:text|}</c> markup, returning the clean source and the expected (id, span) pairs.</summary>
    internal static (string Source, List<(string Id, TextSpan Span)> Expected) ParseMarkup(string marked)
    {
        var expected = new List<(string, TextSpan)>();
        var clean = new System.Text.StringBuilder();
        var last = 0;
        foreach (Match m in Markup.Matches(marked))
        {
            clean.Append(marked, last, m.Index - last);
            var start = clean.Length;
            clean.Append(m.Groups["text"].Value);
            expected.Add((m.Groups["id"].Value, new TextSpan(start, m.Groups["text"].Value.Length)));
            last = m.Index + m.Length;
        }
        clean.Append(marked, last, marked.Length - last);
        return (clean.ToString(), expected);
    }

    /// <summary>Runs the marked source (plus unmarked extras) and asserts exactly the marked diagnostics, at their spans.</summary>
    internal static Result Verify(string marked, params string[] extra)
    {
        var (source, expected) = ParseMarkup(marked);
        var result = Run(new[] { source }.Concat(extra));
        var actual = result.Analyzer.Where(d => d.Location.GetLineSpan().Path == "File0.cs")
            .Select(d => (d.Id, d.Location.SourceSpan)).ToList();
        Assert.That(actual, Is.EquivalentTo(expected),
            "diagnostics: " + string.Join("\n", result.Analyzer.Select(d => d.ToString())));
        return result;
    }
}
