using System.Reflection;
using DataJoint.Integration.Tests;
using DataJoint.Tests.Tools;
using Minio.DataModel.Args;

namespace DataJoint.Samples.Tests;

/// <summary>The Quickstart sample: declares two tables, inserts, queries, and round-trips one raw S3 object.</summary>
public class QuickstartTests
{
    [Test]
    [CancelAfter(180_000)]
    public async Task Sample_RunsAgainstTheServices_AndPrintsItsRowsAndObject(CancellationToken ct)
    {
        var sample = Assembly.Load("Quickstart");
        var output = await SampleRunner.RunAsync(sample, ct);
        Assert.That(output, Does.Contain("row: subject_id=1 species=mus musculus"));
        Assert.That(output, Does.Contain("row: subject_id=2 species=rattus norvegicus"));
        Assert.That(output, Does.Contain("good sessions: {subject_id: 1, session_idx: 1, species: mus musculus}"));
        var schema = System.Text.RegularExpressions.Regex.Match(output, @"object: [\w-]+/(djnet_test_quickstart_\w+)/hello\.txt").Groups[1].Value;
        Assert.That(output, Does.Contain($"/{schema}/hello.txt = \"hello from DataJoint for .NET\""));
        // The sample writes its object outside the store location the runner removes: delete it here.
        using var s3 = TestServices.RequireS3();
        await s3.RemoveObjectAsync(new RemoveObjectArgs().WithBucket(TestServices.S3Bucket).WithObject($"{schema}/hello.txt"), ct);
    }
}
