using System.Collections.Immutable;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using Basic.Reference.Assemblies;
using DataJoint.Generators;
using DataJoint.Generators.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace DataJoint.Docs.Tests;

/// <summary>
/// One fenced C# block of a Markdown page: its text, the line it starts on, the diagnostic it must produce (if any), and
/// whether it is a fragment (shown, not compiled).
/// </summary>
public sealed record DocBlock(string Page, int Line, string Code, string? ExpectedDiagnostic, bool IsFragment = false)
{
    public override string ToString() => $"{Page}:{Line}";
}

/// <summary>
/// Compiles the C# blocks of a docs page the way a user's project would: every block is one source file of one
/// compilation (so later blocks use the types earlier ones declare), the DataJoint generator runs, then the analyzer.
/// Top-level statements of a block become the body of an async method of their own, so several blocks may have them.
/// A block fenced as <c>```csharp error DJ0003</c> shows a mistake: it is compiled with the others and must produce that
/// diagnostic (and no other error); <c>error DJ0003 DJ0003</c> or <c>error DJ0006 CS0534</c> lists several. A comment in such a block that quotes a message (<c>// DJ0004: In '&lt;raw&gt;': …</c>, or
/// <c># DJ1001 at "INT33": …</c> inside a definition) must be the start of that diagnostic's message, <c>...</c> standing
/// for any text. A block fenced as <c>```csharp fragment</c> is not C# on its own (a listing of
/// internal members, generated code shown abridged): it is not compiled, so keep such blocks few and short.
/// A page's prose may assume names a block does not declare (<c>rows</c>, <c>schema</c>, the namespaces the page names):
/// the page's prelude (<see cref="DocPages"/>) declares them, so every block still compiles against the real API.
/// </summary>
internal static class DocCompiler
{
    private static readonly Regex Fence =
        new(@"^```csharp(?:\s+error(?<id>(?:\s+(?:DJ|CS)\d{4})+)|\s+(?<fragment>fragment))?\s*$", RegexOptions.Multiline);

    internal static string RepoRoot =>
        typeof(DocCompiler).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepoRoot").Value!;

    internal static IReadOnlyList<DocBlock> Blocks(string page)
    {
        var text = File.ReadAllText(Path.Combine(RepoRoot, page)).Replace("\r\n", "\n");
        var blocks = new List<DocBlock>();
        foreach (Match m in Fence.Matches(text))
        {
            var start = m.Index + m.Length + 1;
            var end = text.IndexOf("\n```", start - 1, StringComparison.Ordinal);
            var line = text.AsSpan(0, m.Index).Count('\n') + 1;
            blocks.Add(new DocBlock(page, line, text[start..(end + 1)], m.Groups["id"].Success ? m.Groups["id"].Value.Trim() : null,
                m.Groups["fragment"].Success));
        }
        return blocks;
    }

    private static readonly CSharpParseOptions Parse = new(LanguageVersion.Preview);

    private static IEnumerable<MetadataReference> References(IEnumerable<Assembly>? extra = null) =>
        Net100.References.All.Concat((extra ?? []).Concat(new[]
        {
            typeof(DataJoint.Codecs).Assembly, typeof(DataJoint.Zarr.ZarrCodec).Assembly, typeof(DataJoint.Hdf5.Hdf5Codec).Assembly,
            typeof(PureHDF.H5File).Assembly, typeof(QuikGraph.AdjacencyGraph<,>).Assembly,
            typeof(DataJoint.Arrow.ArrowFetch).Assembly, typeof(Apache.Arrow.RecordBatch).Assembly,
        }).Select(a => a.Location)
            // what the runtime's public API exposes (IConfiguration, ILoggerFactory, IServiceCollection, MySqlConnection)
            .Concat(Directory.EnumerateFiles(AppContext.BaseDirectory, "Microsoft.Extensions.*.dll"))
            .Append(Path.Combine(AppContext.BaseDirectory, "MySqlConnector.dll"))
            .Select(path => MetadataReference.CreateFromFile(path)));

    /// <summary>A block as a compilable file: top-level statements wrapped into <c>static async Task Run()</c> of a file-local class.</summary>
    internal static SyntaxTree ToTree(DocBlock block, int index)
    {
        var unit = (CompilationUnitSyntax)CSharpSyntaxTree.ParseText(block.Code, Parse).GetRoot();
        var statements = unit.Members.OfType<GlobalStatementSyntax>().ToList();
        if (statements.Count == 0)
            return CSharpSyntaxTree.ParseText(block.Code, Parse, path: $"{block.Page}:{block.Line}");
        var source = new StringBuilder();
        foreach (var u in unit.Usings) source.AppendLine(u.ToFullString().TrimEnd());
        source.AppendLine($"file static class DocBlock{index}");
        source.AppendLine("{");
        source.AppendLine("    public static async System.Threading.Tasks.Task Run()");
        source.AppendLine("    {");
        foreach (var s in statements) source.AppendLine(s.ToFullString().TrimEnd());
        source.AppendLine("        await System.Threading.Tasks.Task.CompletedTask;");
        source.AppendLine("    }");
        source.AppendLine("}");
        foreach (var m in unit.Members.Where(m => m is not GlobalStatementSyntax)) source.AppendLine(m.ToFullString());
        return CSharpSyntaxTree.ParseText(source.ToString(), Parse, path: $"{block.Page}:{block.Line}");
    }

    /// <summary>The global usings of a project made from the SDK's templates (ImplicitUsings enabled), as the docs assume.</summary>
    private const string ImplicitUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        """;

    internal sealed record Result(ImmutableArray<Diagnostic> Compiler, ImmutableArray<Diagnostic> Analyzer, Compilation Output)
    {
        /// <summary>One line of a compiled file (by its path).</summary>
        public string SourceLine(string path, int line) =>
            Output.SyntaxTrees.Single(t => t.FilePath == path).GetText().Lines[line].ToString();

        public IEnumerable<Diagnostic> Problems => Compiler.Concat(Analyzer).Where(d => d.Severity >= DiagnosticSeverity.Warning);
    }

    /// <summary>Compiles <paramref name="blocks"/> together with the generator and the analyzer (and <paramref name="extra"/> referenced).</summary>
    internal static Result Compile(IReadOnlyList<DocBlock> blocks, IEnumerable<Assembly>? extra = null, string? prelude = null)
    {
        var trees = blocks.Select(ToTree).Append(CSharpSyntaxTree.ParseText(ImplicitUsings, Parse, path: "ImplicitUsings.g.cs")).ToList();
        if (prelude is not null) trees.Add(CSharpSyntaxTree.ParseText(prelude, Parse, path: "Prelude.g.cs"));
        var compilation = CSharpCompilation.Create("DocsCompile", trees, References(extra),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable)
                .WithSpecificDiagnosticOptions(new Dictionary<string, ReportDiagnostic>
                {
                    // as the SDK does for every project
                    ["CS1591"] = ReportDiagnostic.Suppress, ["CS1701"] = ReportDiagnostic.Suppress, ["CS1702"] = ReportDiagnostic.Suppress,
                }));
        GeneratorDriver driver = CSharpGeneratorDriver.Create([new DataJointGenerator().AsSourceGenerator()], parseOptions: Parse);
        driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        var analyzer = output.WithAnalyzers([new DataJointAnalyzer()]).GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
        return new Result(output.GetDiagnostics().AddRange(generatorDiagnostics), analyzer, output);
    }

    private static readonly Regex QuotedMessage = new(@"(?://|#)\s*(?<id>(?:DJ|CS)\d{4})(?:\s+at\s+""[^""]*"")?:\s(?<text>.+?)\s*$", RegexOptions.Multiline);

    /// <summary>
    /// Checks an error block: exactly the diagnostics its fence names, none elsewhere, and every message the block quotes
    /// in a comment.
    /// </summary>
    internal static void AssertErrorBlock(DocBlock block, Result result)
    {
        var path = block.ToString();
        var inBlock = result.Problems.Where(d => d.Location.GetLineSpan().Path == path).ToList();
        Assert.That(inBlock.Select(d => d.Id), Is.EquivalentTo(block.ExpectedDiagnostic!.Split(' ', StringSplitOptions.RemoveEmptyEntries)), Describe(result.Problems));
        Assert.That(result.Problems.Where(d => d.Location.GetLineSpan().Path != path), Is.Empty, Describe(result.Problems));
        foreach (Match quote in QuotedMessage.Matches(block.Code))
        {
            var id = quote.Groups["id"].Value;
            var pattern = "^" + string.Join(".*", quote.Groups["text"].Value.Split(["...", "…"], StringSplitOptions.None).Select(Regex.Escape));
            Assert.That(inBlock.Where(d => d.Id == id).Select(d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)),
                Has.Some.Match(pattern), $"{path}: the quoted {id} message is not the compiler's");
        }
    }

    internal static string Describe(IEnumerable<Diagnostic> diagnostics) =>
        string.Join("\n", diagnostics.Select(d => $"{d.Location.GetLineSpan().Path}({d.Location.GetLineSpan().StartLinePosition.Line + 1}): {d.Id} {d.GetMessage()}"));
}
