using Microsoft.CodeAnalysis;

namespace DataJoint.Docs.Tests;

/// <summary>docs/codecs.md ("write your own codec"): every C# block compiles, and every block that shows a mistake produces its diagnostic.</summary>
public class CodecsGuideTests
{
    private static readonly IReadOnlyList<DocBlock> Blocks = DocCompiler.Blocks("docs/codecs.md");

    [Test]
    public void ThePageHasCodeBlocks_AndErrorExamples()
    {
        Assert.That(Blocks.Count(b => b.ExpectedDiagnostic is null && !b.IsFragment), Is.GreaterThanOrEqualTo(10));
        Assert.That(Blocks.Where(b => b.ExpectedDiagnostic is not null).Select(b => b.ExpectedDiagnostic), Is.EquivalentTo(new[] { "DJ0004", "DJ0003" }));
    }

    [Test]
    public void EveryBlock_CompilesWithTheGeneratorAndAnalyzer_WithoutWarnings()
    {
        var result = DocCompiler.Compile([.. Blocks.Where(b => b.ExpectedDiagnostic is null && !b.IsFragment)]);
        Assert.That(result.Problems, Is.Empty, DocCompiler.Describe(result.Problems));
    }

    [TestCaseSource(nameof(ErrorBlocks))]
    public void ErrorBlock_ProducesItsDiagnostic_AndNoOtherError(DocBlock block)
    {
        DocCompiler.AssertErrorBlock(block, DocCompiler.Compile([.. Blocks.Where(b => b.ExpectedDiagnostic is null && !b.IsFragment), block]));
    }

    private static IEnumerable<TestCaseData> ErrorBlocks() =>
        Blocks.Where(b => b.ExpectedDiagnostic is not null).Select(b => new TestCaseData(b).SetArgDisplayNames($"{b.ExpectedDiagnostic} at line {b.Line}"));
}
