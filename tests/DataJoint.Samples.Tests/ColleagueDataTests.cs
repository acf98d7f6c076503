using System.Reflection;
using DataJoint.Tests.Tools;

namespace DataJoint.Samples.Tests;

/// <summary>
/// The ColleagueData sample: numpy-shaped values (row-major 2-d, 0-d complex, a 1×2 struct, complex64 and 0-d .npy
/// files) written into a schema opened open-only and read back value for value, with its folder store set up in code.
/// Run twice over the same schema, as a user re-running it would: it starts from an empty schema each time.
/// </summary>
public class ColleagueDataTests
{
    [Test]
    [CancelAfter(180_000)]
    public async Task Sample_WritesAndReadsNumpyShapedValues_ValueForValue(CancellationToken ct)
    {
        var output = await SampleRunner.RunTwiceAsync(Assembly.Load("ColleagueData"), ct);
        Assert.That(output, Does.Match("stores section for datajoint.json: \\{\"default\":\"local\",\"local\":\\{\"protocol\":\"file\",\"location\":\"[^\"]+\",\"create_location\":true\\}\\}"));
        Assert.That(output, Does.Contain("waveform: shape (2, 3), ravel() [1, 2, 3, 4, 5, 6], w[1, 2] = 6"));
        Assert.That(output, Does.Contain("gain: 0-d complex 1-2j"));
        Assert.That(output, Does.Contain("meta: struct (1x2), s(1,2).probe = B, depth 340"));
        Assert.That(output, Does.Contain("spectrum: complex64 (2, 2), [1, 0] = 0+2j"));
        Assert.That(output, Does.Contain("offset: 0-d float64 = 0.125"));
        Assert.That(output, Does.Contain("channels: CA1, CA3"));
        Assert.That(output, Does.Contain("tables: recording, recording__channel"));
        Assert.That(output, Does.Contain("colleague data done"));
    }
}
