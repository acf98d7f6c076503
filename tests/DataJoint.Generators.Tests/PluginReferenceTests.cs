using DataJoint.TestPlugin;
using Microsoft.CodeAnalysis;

using DataJoint.Metadata;
namespace DataJoint.Generators.Tests;

/// <summary>Codecs from a referenced, separately compiled plugin assembly are seen through its manifest at compile time.</summary>
public class PluginReferenceTests
{
    private static readonly MetadataReference Plugin = MetadataReference.CreateFromFile(typeof(SpectrumCodec).Assembly.Location);

    private static TestHarness.Result Run(string source) => TestHarness.Run([source], "Consumer", Plugin);

    [Test]
    public void PluginManifest_DescribesItsCodecs()
    {
        var manifests = typeof(SpectrumCodec).Assembly.GetCustomAttributes(typeof(CodecManifestAttribute), false).Cast<CodecManifestAttribute>()
            .OrderBy(m => m.Name, StringComparer.Ordinal).ToList();
        Assert.That(manifests.Select(m => (m.Name, m.CodecType, m.ValueType, m.StoredType, m.InTable, m.InStore)), Is.EqualTo(new[]
        {
            ("spectrum", typeof(SpectrumCodec), typeof(Spectrum), typeof(SpectrumData), (string?)"<blob>", (string?)"<blob>"),
            ("zarrlike", typeof(ZarrLikeCodec), typeof(float[]), typeof(System.Text.Json.JsonElement), null, "json"),
        }));
    }

    [Test]
    public void ValidUseOfPluginCodecs_Compiles_AndLoadsThePlugin()
    {
        var r = Run(""""
            using DataJoint;
            public sealed record Labeled(string Label, DataJoint.TestPlugin.Spectrum S);
            [Codec("labeled", InTable = "<spectrum>", InStore = "<spectrum>")]
            public sealed partial class LabeledCodec : Codec<Labeled, DataJoint.TestPlugin.Spectrum>
            {
                protected override DataJoint.TestPlugin.Spectrum Encode(Labeled v, EncodeContext ctx) => v.S;
                protected override Labeled Decode(DataJoint.TestPlugin.Spectrum s, DecodeContext ctx) => new("", s);
            }
            [Table]
            public partial class Recording : Manual
            {
                public const string Definition = """
                    id : int32
                    ---
                    s : <spectrum@archive>
                    v : <zarrlike@>
                    l : <labeled>
                    """;
            }
            """");
        Assert.That(r.Analyzer, Is.Empty);
        Assert.That(r.CompilerErrors, Is.Empty);
        Assert.That(r.Generated("DataJoint.CodecRegistry.g.cs"),
            Does.Contain("global::DataJoint.Codecs.EnsureRegistered(typeof(global::DataJoint.TestPlugin.SpectrumCodec)); // plugin codecs of DataJoint.TestPlugin"));
    }

    [Test]
    public void PluginChains_AreCheckedAtCompileTime()
    {
        var (source, expected) = TestHarness.ParseMarkup(""""
            using DataJoint;
            [Codec("raw", InTable = "{|DJ0004:<spectrum>|}")]
            public sealed partial class RawCodec : Codec<string, byte[]>
            {
                protected override byte[] Encode(string v, EncodeContext ctx) => new byte[0];
                protected override string Decode(byte[] v, DecodeContext ctx) => "";
            }
            [Table]
            public partial class Recording : Manual
            {
                public const string Definition = """
                    id : int32
                    ---
                    v : {|DJ0003:<zarrlike>|}
                    w : {|DJ0001:<spectrom>|}
                    """;
            }
            """");
        var r = Run(source);
        Assert.That(r.Analyzer.Select(d => (d.Id, d.Location.SourceSpan)), Is.EquivalentTo(expected),
            string.Join("\n", r.Analyzer));
        var messages = r.Analyzer.Select(d => d.GetMessage()).ToList();
        Assert.That(messages, Does.Contain("In '<raw>': <raw> encodes to byte[], but <spectrum> expects DataJoint.TestPlugin.Spectrum"));
        Assert.That(messages, Does.Contain("'<zarrlike>': <zarrlike> requires @ (store only)"));
        Assert.That(messages, Does.Contain("Unknown codec <spectrom> in '<spectrom>'. Did you mean <spectrum>?"));
    }

    [Test]
    public void DuplicateOfAPluginCodecName_IsReported()
    {
        var (source, expected) = TestHarness.ParseMarkup("""
            using DataJoint;
            [Codec({|DJ0005:"spectrum"|}, InTable = "bytes")]
            public sealed partial class MySpectrum : Codec<byte[], byte[]>
            {
                protected override byte[] Encode(byte[] v, EncodeContext ctx) => v;
                protected override byte[] Decode(byte[] v, DecodeContext ctx) => v;
            }
            """);
        var r = Run(source);
        Assert.That(r.Analyzer.Select(d => (d.Id, d.Location.SourceSpan)), Is.EquivalentTo(expected), string.Join("\n", r.Analyzer));
        Assert.That(r.Analyzer.Single().GetMessage(),
            Is.EqualTo("Codec name 'spectrum' is already used by DataJoint.TestPlugin.SpectrumCodec (assembly DataJoint.TestPlugin)"));
    }
}
