using Samples.Cookbook;

namespace DataJoint.Docs.Tests;

/// <summary>
/// The cookbook's storage-mode promises, checked the way a user meets them: a project referencing the sample's codecs
/// gets a compile error at the definition text when it uses a store-only codec in the table or an in-table-only codec
/// with <c>@</c> — with the codec's own message — and compiles when it uses them as intended.
/// </summary>
public class SampleCodecRefusalTests
{
    private static DocCompiler.Result CompileTable(string definitionLines) =>
        DocCompiler.Compile([new DocBlock("user", 1, $$""""
            using DataJoint;

            [Table]
            public sealed partial class Run : Manual
            {
                public const string Definition = """
                    run_id : int32
                    ---
            {{definitionLines}}
                    """;
            }
            """", null)], [typeof(BamCodec).Assembly]);

    [Test]
    public void BamInTheTable_IsACompileError_WithTheCodecsMessage()
    {
        var result = CompileTable("        reads : <bam>");
        var error = result.Problems.Single();
        Assert.That(error.Id, Is.EqualTo("DJ0003"));
        Assert.That(error.GetMessage(), Does.Contain("<bam> requires @: BAM files live in an object store (write <bam@> or <bam@store>)"));
        // Reported at the codec's text inside the definition string.
        var span = error.Location.GetLineSpan();
        Assert.That(span.StartLinePosition.Line, Is.EqualTo(span.EndLinePosition.Line));
        Assert.That(result.SourceLine(span.Path, span.StartLinePosition.Line)[span.StartLinePosition.Character..span.EndLinePosition.Character], Is.EqualTo("<bam>"));
    }

    [Test]
    public void SpikesInAStore_IsACompileError_WithTheCodecsMessage()
    {
        var error = CompileTable("        spikes : <spikes@main>").Problems.Single();
        Assert.That(error.Id, Is.EqualTo("DJ0003"));
        Assert.That(error.GetMessage(), Does.Contain("<spikes> is in-table only (spike trains are small)"));
    }

    [Test]
    public void EachCodecInItsOwnModes_Compiles()
    {
        var result = CompileTable("""
                    reads : <bam@main>
                    spikes : <spikes>
                    scan : <nifti>
                    scan_copy : <nifti@>
                    lfp : <trace@main>
            """);
        Assert.That(result.Problems, Is.Empty, DocCompiler.Describe(result.Problems));
    }
}
