using System.Text.Json;
using DataJoint;

namespace DataJoint.TestPlugin;

/// <summary>A power spectrum as users handle it.</summary>
public sealed record Spectrum(double[] Frequencies, double[] Power);

/// <summary>Its stored form: packed as a blob dict {"f": [...], "p": [...]}.</summary>
public sealed record SpectrumData([property: BlobKey("f")] double[] F, [property: BlobKey("p")] double[] P);

/// <summary>A plugin codec chained to &lt;blob&gt; (in-table) or &lt;blob@store&gt; (in-store).</summary>
[Codec("spectrum", InTable = "<blob>", InStore = "<blob>")]
public sealed partial class SpectrumCodec : Codec<Spectrum, SpectrumData>
{
    protected override void Validate(Spectrum value)
    {
        if (value.Frequencies.Length != value.Power.Length)
            throw new DataJointException($"<spectrum> needs as many frequencies as power values, got {value.Frequencies.Length} and {value.Power.Length}");
    }

    protected override SpectrumData Encode(Spectrum value, EncodeContext context) => new(value.Frequencies, value.Power);

    protected override Spectrum Decode(SpectrumData stored, DecodeContext context) => new(stored.F, stored.P);
}

/// <summary>A store-only plugin codec (like the zarr plugin): the column holds JSON metadata.</summary>
[Codec("zarrlike", InStore = "json", InTableError = "<zarrlike> requires @ (store only)")]
public sealed partial class ZarrLikeCodec : AsyncCodec<float[], JsonElement>
{
    protected override ValueTask<JsonElement> EncodeAsync(float[] value, EncodeContext context, CancellationToken cancellationToken) =>
        new(JsonSerializer.SerializeToElement(new { store = context.Store, shape = new[] { value.Length } }));

    protected override ValueTask<float[]> DecodeAsync(JsonElement stored, DecodeContext context, CancellationToken cancellationToken) =>
        new(new float[stored.GetProperty("shape")[0].GetInt32()]);
}
