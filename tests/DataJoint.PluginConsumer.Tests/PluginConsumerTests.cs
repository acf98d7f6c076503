using DataJoint.TestPlugin;

namespace DataJoint.PluginConsumer.Tests;

public sealed record LabeledSpectrum(string Label, Spectrum Spectrum);

/// <summary>A consumer codec whose chain continues into the plugin's &lt;spectrum&gt; (checked at compile time).</summary>
[Codec("labeled_spectrum", InTable = "<spectrum>", InStore = "<spectrum>")]
public sealed partial class LabeledSpectrumCodec : Codec<LabeledSpectrum, Spectrum>
{
    protected override Spectrum Encode(LabeledSpectrum value, EncodeContext context) => value.Spectrum;

    protected override LabeledSpectrum Decode(Spectrum stored, DecodeContext context) => new("decoded", stored);
}

/// <summary>A table whose definition uses plugin codecs; the analyzer resolves them from the plugin's manifest.</summary>
[Table]
public partial class Recording : Manual
{
    public const string Definition = """
        recording_id : int32
        ---
        spectrum : <spectrum>
        big = null : <spectrum@archive>
        volume : <zarrlike@main>
        labeled : <labeled_spectrum>
        """;
}

public class PluginConsumerTests
{
    private static readonly EncodeContext Ctx = new() { Schema = "lab", Table = "recording", Attribute = "spectrum" };

    [Test]
    public void PluginCodecs_AreRegistered_WithoutTouchingThePluginFirst()
    {
        // The consumer's generated module initializer loads the referenced plugin's codecs.
        Assert.That(Codecs.List(), Is.SupersetOf(new[] { "labeled_spectrum", "spectrum", "zarrlike", "blob" }));
        Assert.That(Codecs.Get("spectrum").GetType().Assembly.GetName().Name, Is.EqualTo("DataJoint.TestPlugin"));
    }

    [Test]
    public void ConsumerChain_RunsThroughThePluginCodec()
    {
        var chain = Codecs.Resolve("<labeled_spectrum@main>");
        Assert.That(chain.Links.Select(l => l.Descriptor.Name), Is.EqualTo(new[] { "labeled_spectrum", "spectrum", "blob", "hash" }));
        Assert.That(chain.FinalType, Is.EqualTo("json"));
        Assert.That(chain.Store, Is.EqualTo("main"));
    }

    [Test]
    public async Task PluginRecord_IsPackedAsADictWithItsBlobKeys_AndRoundTrips()
    {
        var chain = Codecs.Resolve("<labeled_spectrum>");
        var value = new LabeledSpectrum("x", new Spectrum([1, 2], [0.5, 0.25]));
        var bytes = (byte[])(await chain.EncodeAsync(value, Ctx))!;
        Assert.That(Blob.UnpackDictionary(bytes).Keys, Is.EquivalentTo(new[] { "f", "p" }));
        var back = (LabeledSpectrum)(await chain.DecodeAsync(bytes, new DecodeContext()))!;
        Assert.That(back.Spectrum.Frequencies, Is.EqualTo(new double[] { 1, 2 }));
        Assert.That(back.Spectrum.Power, Is.EqualTo(new[] { 0.5, 0.25 }));
    }

    [Test]
    public async Task StoreOnlyPluginCodec_GetsTheResolvedStoreName()
    {
        var json = (string)(await Codecs.Resolve("<zarrlike@main>").EncodeAsync(new float[3], Ctx))!;
        Assert.That(json, Is.EqualTo("{\"store\":\"main\",\"shape\":[3]}"));
        var e = Assert.Throws<DataJointException>(() => Codecs.Resolve("<zarrlike>"));
        Assert.That(e!.Message, Is.EqualTo("<zarrlike> requires @ (store only)"));
    }

    [Test]
    public async Task PluginValidate_RunsBeforeEncode()
    {
        var e = await Assert.ThrowsAsync<CodecException>(async () =>
            await Codecs.Resolve("<spectrum>").EncodeAsync(new Spectrum([1], []), Ctx));
        Assert.That(e!.InnerException!.Message, Is.EqualTo("<spectrum> needs as many frequencies as power values, got 1 and 0"));
        Assert.That((e.Codec, e.Operation), Is.EqualTo(("spectrum", CodecOperation.Validate)));
    }
}
