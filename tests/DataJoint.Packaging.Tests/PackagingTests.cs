using System.Diagnostics;
using System.IO.Compression;
using System.Reflection;

namespace DataJoint.Packaging.Tests;

/// <summary>
/// Packs DataJoint.Runtime into a local folder and builds a small consumer project against that package,
/// proving that the generator ships inside the package and runs in a user's build.
/// </summary>
public class PackagingTests
{
    [Test]
    [CancelAfter(600_000)]
    public async Task RuntimePackage_ContainsGenerator_AndConsumerBuildRunsIt(CancellationToken ct)
    {
        var (_, feed, version) = await PackageFeed.GetAsync(ct);
        var nupkg = Path.Combine(feed, $"DataJoint.Runtime.{version}.nupkg");
        Assert.That(File.Exists(nupkg), Is.True, "package was not written");
        using (var zip = ZipFile.OpenRead(nupkg))
        {
            var entries = zip.Entries.Select(e => e.FullName).ToList();
            Assert.That(entries, Does.Contain("analyzers/dotnet/cs/DataJoint.Generators.dll"));
            Assert.That(entries, Does.Contain("lib/net10.0/DataJoint.Runtime.dll"));
        }

        var consumer = await PackageFeed.ConsumerAsync("consumer", "<EmitCompilerGeneratedFiles>true</EmitCompilerGeneratedFiles><ImplicitUsings>disable</ImplicitUsings>", "",
            new Dictionary<string, string> { ["Program.cs"] = ConsumerProgram }, ct);
        await PackageFeed.DotnetAsync(consumer, ct, "build", "-c", "Release");
        var generated = Directory.GetFiles(Path.Combine(consumer, "obj"), "*.g.cs", SearchOption.AllDirectories)
            .Where(f => f.Contains("DataJoint.Generators", StringComparison.Ordinal)).ToList();
        Assert.That(generated, Is.Not.Empty, "the generator from the package produced no files in the consumer build");

        var output = await PackageFeed.DotnetAsync(consumer, ct, "run", "-c", "Release", "--no-build");
        Assert.That(output, Does.Contain("generator ran: 0.1.0"));
        Assert.That(output, Does.Contain(ConsumerExpectation));
        Assert.That(output, Does.Contain("codecs: attach,blob,filepath,hash,npy,object,shout"), "the consumer's [Codec] is registered");
        Assert.That(output, Does.Contain("chain: shout>blob>hash json main"));
    }

    /// <summary>The consumer's source: uses the runtime and a type only the generator emits.</summary>
    internal const string ConsumerProgram = """
        using System;
        using System.Linq;
        using DataJoint;
        Console.WriteLine("generator ran: " + DataJoint.Generated.DataJointGeneratorMarker.GeneratorVersion);
        Console.WriteLine("runtime: " + typeof(DataJointException).Assembly.GetName().Name);
        Console.WriteLine("codecs: " + string.Join(",", Codecs.List()));
        var chain = Codecs.Resolve("<shout@main>");
        Console.WriteLine("chain: " + string.Join(">", chain.Links.Select(l => l.Descriptor.Name)) + " " + chain.FinalType + " " + chain.Store);

        /// <summary>A codec declared in the consumer, chained to the built-in blob codec.</summary>
        [Codec("shout", InTable = "<blob>", InStore = "<blob>")]
        public sealed partial class ShoutCodec : Codec<string, string>
        {
            /// <inheritdoc/>
            protected override string Encode(string value, EncodeContext context) => value.ToUpperInvariant();

            /// <inheritdoc/>
            protected override string Decode(string stored, DecodeContext context) => stored.ToLowerInvariant();
        }
        """;

    internal const string ConsumerExpectation = "runtime: DataJoint.Runtime";
}
