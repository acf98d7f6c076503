using DataJoint.Generators.QueryRows;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace DataJoint.Generators.Tests.QueryRows;

/// <summary>
/// <c>[QueryRow]</c> types get a generated <c>IQueryRow&lt;T&gt;</c>: attribute names (snake_case of the property, or
/// <c>[Column("name")]</c>), property types, and mappers from a dynamic row and from a data reader, built through the
/// constructor and init/set properties. Mistakes are diagnostics at the type name; the pipeline caches.
/// </summary>
public class QueryRowGeneratorTests
{
    private const string Sample = """
        using DataJoint;

        namespace Lab.Reports
        {
            [QueryRow]
            public sealed partial record SubjectCount(int SubjectId, long N, double? BestQuality);

            public static partial class Views
            {
                [QueryRow]
                public sealed partial class Handler
                {
                    public int SubjectId { get; init; }
                    [System.ComponentModel.DataAnnotations.Schema.Column("name")] public string HandlerName { get; set; } = "";
                    public string? Note { get; init; }
                    public int Ignored => SubjectId * 2;
                }
            }
        }
        """;

    [TestCase("Lab.Reports.SubjectCount.DataJointQueryRow.g.cs")]
    [TestCase("Lab.Reports.Views.Handler.DataJointQueryRow.g.cs")]
    public void GeneratedCode_MatchesApprovedSnapshot(string hintName)
    {
        var result = TestHarness.Run(Sample);
        Assert.That(result.CompilerErrors, Is.Empty, string.Join("\n", result.CompilerErrors));
        Assert.That(result.Analyzer, Is.Empty);
        Snapshot.Verify("Snapshots", hintName.Replace(".g.cs", string.Empty), result.Generated(hintName));
    }

    [Test]
    public void NamesAreSnakeCase_OrTheAttributeName_AndOnlyFillablePropertiesCount()
    {
        var result = TestHarness.Run(Sample);
        Assert.That(result.Generated("Lab.Reports.SubjectCount.DataJointQueryRow.g.cs"),
            Does.Contain("new string[] { \"subject_id\", \"n\", \"best_quality\" }"));
        var handler = result.Generated("Lab.Reports.Views.Handler.DataJointQueryRow.g.cs");
        Assert.That(handler, Does.Contain("new string[] { \"subject_id\", \"name\", \"note\" }"));
        Assert.That(handler, Does.Not.Contain("Ignored"));
    }

    [Test]
    public void NotPartial_And_NothingToFill_AreDiagnostics()
    {
        TestHarness.Verify("""
            using DataJoint;
            [QueryRow]
            public sealed record {|DJ0030:Whole|}(int Id);
            [QueryRow]
            public sealed partial class {|DJ0031:Opaque|}
            {
                private Opaque(int id) { }
                public int Id => 1;
            }
            """);
    }

    [Test]
    public void UnrelatedEdits_LeaveTheQueryRowStepsCached_EditingTheRecordRegeneratesIt()
    {
        const string other = "namespace Lab; public static class Helpers { public static int Twice(int x) => x * 2; }";
        var compilation = TestHarness.Compile("Caching", [Sample, other]);
        GeneratorDriver driver = CSharpGeneratorDriver.Create(
            [new DataJointGenerator().AsSourceGenerator()],
            parseOptions: TestHarness.ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
        driver = driver.RunGenerators(compilation);

        var edited = compilation.ReplaceSyntaxTree(compilation.SyntaxTrees.ElementAt(1),
            CSharpSyntaxTree.ParseText(other.Replace("x * 2", "x + x"), TestHarness.ParseOptions, path: compilation.SyntaxTrees.ElementAt(1).FilePath));
        driver = driver.RunGenerators(edited);
        foreach (var step in new[] { QueryRowPipeline.Steps.Local, QueryRowPipeline.Steps.Output })
            Assert.That(Reasons(driver, step), Is.All.AnyOf(IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged), step);

        var renamed = edited.ReplaceSyntaxTree(edited.SyntaxTrees.ElementAt(0),
            CSharpSyntaxTree.ParseText(Sample.Replace("long N,", "long Count,"), TestHarness.ParseOptions, path: edited.SyntaxTrees.ElementAt(0).FilePath));
        driver = driver.RunGenerators(renamed);
        Assert.That(Reasons(driver, QueryRowPipeline.Steps.Output), Does.Contain(IncrementalStepRunReason.Modified));
        Assert.That(driver.GetRunResult().Results.Single().GeneratedSources
            .Single(s => s.HintName == "Lab.Reports.SubjectCount.DataJointQueryRow.g.cs").SourceText.ToString(), Does.Contain("\"count\""));
    }

    private static IncrementalStepRunReason[] Reasons(GeneratorDriver driver, string step) =>
        driver.GetRunResult().Results.Single().TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Reason).ToArray();
}
