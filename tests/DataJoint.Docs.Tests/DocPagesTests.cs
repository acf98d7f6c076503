namespace DataJoint.Docs.Tests;

/// <summary>
/// README.md, the docs pages and the plugin READMEs: every C# block compiles against the real API with the generator
/// and analyzer running (with the page's prelude, <see cref="DocPages"/>), and every block that shows a mistake
/// produces its diagnostic. docs/codecs.md is <see cref="CodecsGuideTests"/>.
/// </summary>
public class DocPagesTests
{
    private static IEnumerable<string> CompiledPages => DocPages.Pages.Keys;

    private static IEnumerable<TestCaseData> Pages() =>
        CompiledPages.Select(p => new TestCaseData(p).SetArgDisplayNames(p));

    private static IEnumerable<TestCaseData> ErrorBlocks() =>
        CompiledPages.SelectMany(DocCompiler.Blocks).Where(b => b.ExpectedDiagnostic is not null)
            .Select(b => new TestCaseData(b).SetArgDisplayNames($"{b.Page} line {b.Line}: {b.ExpectedDiagnostic}"));

    private static List<DocBlock> Compiled(string page) =>
        [.. DocCompiler.Blocks(page).Where(b => b.ExpectedDiagnostic is null && !b.IsFragment)];

    [Test]
    public void EveryPageWithCSharp_IsCompiled()
    {
        var root = DocCompiler.RepoRoot;
        var pages = Directory.EnumerateFiles(Path.Combine(root, "docs"), "*.md")
            .Concat(Directory.EnumerateFiles(Path.Combine(root, "plugins"), "README.md", SearchOption.AllDirectories))
            .Concat(Directory.EnumerateFiles(Path.Combine(root, "samples"), "README.md", SearchOption.AllDirectories))
            .Append(Path.Combine(root, "README.md"))
            .Select(p => Path.GetRelativePath(root, p).Replace('\\', '/'))
            .Where(p => DocCompiler.Blocks(p).Count > 0 && p != "docs/codecs.md");
        Assert.That(DocPages.Pages.Keys, Is.SupersetOf(pages), "a page with ```csharp blocks needs an entry in DocPages");
    }

    [TestCaseSource(nameof(Pages))]
    public void EveryBlock_CompilesWithTheGeneratorAndAnalyzer_WithoutWarnings(string page)
    {
        var blocks = Compiled(page);
        Assert.That(blocks, Is.Not.Empty);
        var p = DocPages.Pages[page];
        // An isolated page's blocks are separate examples (the same class name in several): each is compiled on its own.
        foreach (var set in p.Isolated ? blocks.Select(b => (IReadOnlyList<DocBlock>)[b]) : [blocks])
        {
            var result = DocCompiler.Compile(set, p.References, p.Prelude);
            Assert.That(result.Problems, Is.Empty, DocCompiler.Describe(result.Problems));
        }
    }

    [TestCaseSource(nameof(ErrorBlocks))]
    public void ErrorBlock_ProducesItsDiagnostic_AndNoOtherError(DocBlock block)
    {
        var page = DocPages.Pages[block.Page];
        DocCompiler.AssertErrorBlock(block, DocCompiler.Compile(page.Isolated ? [block] : [.. Compiled(block.Page), block], page.References, page.Prelude));
    }
}
