using System.IO.Compression;
using DataJoint.Tests.Tools;

namespace DataJoint.Packaging.Tests;

/// <summary>
/// The plugin codec packages as a user gets them: DataJoint.Runtime, DataJoint.Codecs.Zarr and DataJoint.Codecs.Hdf5 are
/// packed into a local feed, and the PluginCodecs sample's sources are built in a fresh folder against those packages
/// (PackageReference only — no project in this repository is referenced), then run against the services.
/// </summary>
public class PluginPackageTests
{
    [Test]
    [CancelAfter(600_000)]
    public async Task PluginCodecsSample_BuiltAgainstThePackedPlugins_RunsAndReadsBack(CancellationToken ct)
    {
        var root = PackageFeed.RepoRoot;
        var (_, feed, version) = await PackageFeed.GetAsync(ct);
        using (var zip = ZipFile.OpenRead(Path.Combine(feed, $"DataJoint.Codecs.Zarr.{version}.nupkg")))
        {
            Assert.That(zip.Entries.Select(e => e.FullName), Does.Contain("lib/net10.0/DataJoint.Codecs.Zarr.dll"));
            using var nuspec = new StreamReader(zip.GetEntry("DataJoint.Codecs.Zarr.nuspec")!.Open());
            var text = await nuspec.ReadToEndAsync(ct);
            Assert.That(text, Does.Contain($"<dependency id=\"DataJoint.Runtime\" version=\"{version}\""));
            Assert.That(text, Does.Contain("<dependency id=\"ZstdSharp.Port\""));
            Assert.That(text, Does.Not.Contain("DataJoint.Generators"), "the generator reaches users through DataJoint.Runtime only");
        }

        // The sample's own sources, in a fresh folder, against the packages only.
        var sources = Directory.EnumerateFiles(Path.Combine(root, "samples", "PluginCodecs"), "*.cs")
            .ToDictionary(f => Path.GetFileName(f), File.ReadAllText);
        var consumer = await PackageFeed.ConsumerAsync("PluginCodecs", "", "", sources, ct, ["DataJoint.Codecs.Zarr", "DataJoint.Codecs.Hdf5"]);
        Assert.That(File.ReadAllText(Path.Combine(consumer, "PluginCodecs.csproj")), Does.Not.Contain("ProjectReference"));
        await PackageFeed.DotnetAsync(consumer, ct, "build", "-c", "Release", "-o", Path.Combine(consumer, "out"));
        var output = await SampleRunner.RunAsync("PluginCodecs", Path.Combine(consumer, "out", "PluginCodecs.dll"), ct);

        Assert.That(output, Does.Contain("codecs: attach, blob, filepath, hash, hdf5, movie, npy, object, zarr"));
        Assert.That(output, Does.Contain("<zarr> from assembly DataJoint.Codecs.Zarr, <hdf5> from DataJoint.Codecs.Hdf5"));
        Assert.That(output, Does.Contain("chain <movie@main>: movie > zarr -> json"));
        Assert.That(output, Does.Match(@"<movie@main>: float32 \[30, 32, 48\] at _schema/djnet_test_plugincodecs_\w+/recording/session_id=1/movie_[\w-]{8}\.zarr \(shape from the column, no download\)"));
        Assert.That(output, Does.Contain("zarr.json: chunks [1, 32, 48], codecs bytes+zstd, attributes {\"kind\":\"calcium imaging movie\",\"axes\":\"t,y,x\"}"));
        Assert.That(output, Does.Contain("frame 7: 1536 pixels, pixel (5, 12) = 7.0512"));
        Assert.That(output, Does.Contain("<zarr@main>: float64 [1000], first values 1, 0.5, 0.3333"));
        Assert.That(output, Does.Match(@"<hdf5@main>: \d+ bytes at _schema/\w+/recording/session_id=1/ephys_[\w-]{8}\.h5; datasets /acquisition/lfp float64 \[2, 3\]; session_description '2p imaging with LFP'"));
        Assert.That(output, Does.Contain("lfp[1, 2] = 1.3"));
        Assert.That(output, Does.Contain("plugins done"));
    }
}
