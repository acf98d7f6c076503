using System.Text.RegularExpressions;

namespace DataJoint.Packaging.Tests;

/// <summary>
/// A project that references the runtime by <c>ProjectReference</c> or as a plain DLL but not the generator (package
/// consumers always get it): its codec class fails with an error whose text says what to do, at the class; adding the
/// generator as docs/diagnostics.md says makes the same project build.
/// </summary>
public class ConsumerWithoutGeneratorTests
{
    private const string Member = "CodecClassMustBePartial_AndItsProjectMustReferenceTheDataJointSourceGenerator()";

    private static readonly Dictionary<string, string> Files = new()
    {
        ["Codecs.cs"] = """
            using DataJoint;
            namespace Consumer;

            [Codec("pt", InTable = "<blob>")]
            public sealed partial class PtCodec : Codec<double[], double[]>
            {
                protected override double[] Encode(double[] v, EncodeContext ctx) => v;
                protected override double[] Decode(double[] v, DecodeContext ctx) => v;
            }
            """,
        ["Program.cs"] = """
            System.Console.WriteLine(new Consumer.PtCodec().Descriptor.Name);
            """,
    };

    [Test]
    [CancelAfter(600_000)]
    public async Task ProjectReference_WithoutTheGenerator_NamesTheFixInTheError(CancellationToken ct)
    {
        var runtime = PackageFeed.RuntimeProject;
        var dir = await PackageFeed.ProjectAsync("noanalyzer-projref", "",
            _ => $"""<ProjectReference Include="{runtime}" />""", Files, ct);
        await AssertExplainedAsync(dir, ct);
    }

    [Test]
    [CancelAfter(600_000)]
    public async Task DllReference_WithoutTheGenerator_NamesTheFixInTheError(CancellationToken ct)
    {
        var (work, _, _) = await PackageFeed.GetAsync(ct);
        var dll = Directory.GetFiles(Path.Combine(work, "artifacts", "bin", "DataJoint.Runtime"), "DataJoint.Runtime.dll", SearchOption.AllDirectories).Single();
        var dir = await PackageFeed.ProjectAsync("noanalyzer-dll", "",
            _ => $"""<Reference Include="DataJoint.Runtime"><HintPath>{dll}</HintPath></Reference>""", Files, ct);
        await AssertExplainedAsync(dir, ct);
    }

    [Test]
    [CancelAfter(600_000)]
    public async Task ProjectReference_WithTheGeneratorAsAnalyzer_Builds(CancellationToken ct)
    {
        var runtime = PackageFeed.RuntimeProject;
        var generator = PackageFeed.GeneratorProject;
        var dir = await PackageFeed.ProjectAsync("withanalyzer-projref", "", _ => $"""
            <ProjectReference Include="{runtime}" />
            <ProjectReference Include="{generator}" OutputItemType="Analyzer" ReferenceOutputAssembly="false" />
            """, Files, ct);
        var props = await PackageFeed.RuntimeBuildPropertiesAsync(ct);
        await PackageFeed.DotnetAsync(dir, ct, ["build", "-c", "Release", "-nologo", .. props]);
    }

    private static async Task AssertExplainedAsync(string dir, CancellationToken ct)
    {
        var props = await PackageFeed.RuntimeBuildPropertiesAsync(ct);
        var (code, output) = await PackageFeed.RunAsync(dir, ct, ["build", "-c", "Release", "-nologo", "-clp:NoSummary", .. props]);
        Assert.That(code, Is.Not.Zero, "the build must fail");
        var errors = Regex.Matches(output, @"(?<where>[\w.]+\.cs\(\d+,\d+\)): error (?<id>\w+): (?<text>.*?)( \[[^\]]*\.csproj\])?\r?$", RegexOptions.Multiline)
            .Select(m => (Where: m.Groups["where"].Value, Id: m.Groups["id"].Value, Text: m.Groups["text"].Value.Trim()))
            .Distinct().ToList();
        Assert.That(errors, Has.Count.EqualTo(1), output);
        Assert.That(errors[0].Where, Is.EqualTo("Codecs.cs(5,29)"), "at the class name");
        Assert.That(errors[0].Id, Is.EqualTo("CS0534"));
        Assert.That(errors[0].Text, Is.EqualTo(
            $"'PtCodec' does not implement inherited abstract member 'CodecBase<double[], double[]>.{Member}'"));
    }
}
