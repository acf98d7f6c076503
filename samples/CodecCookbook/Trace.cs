using DataJoint;

namespace Samples.Cookbook;

/// <summary>A sampled voltage trace.</summary>
public sealed record Trace(float[] Samples, double RateHz, string Unit);

/// <summary>
/// <c>&lt;trace&gt;</c> (in the table or, through <c>&lt;blob@store&gt;</c>, in a store): a versioned encoding. Version 1
/// (rows written by an earlier release, or by a Python colleague) stored <c>{"samples": float64 array, "rate": Hz}</c>
/// in microvolts; version 2 stores <c>{"version": 2, "samples": float32 array, "rate_hz": Hz, "unit": "uV"}</c>. The
/// encoder always writes the newest version; the decoder reads every version it knows, and refuses a newer one with a
/// message instead of guessing. The stored type is a plain dict, so the decoder sees exactly what was stored.
/// </summary>
[Codec("trace", InTable = "<blob>", InStore = "<blob>")]
public sealed partial class TraceCodec : Codec<Trace, IReadOnlyDictionary<string, object?>>
{
    /// <summary>The version this codec writes.</summary>
    public const int CurrentVersion = 2;

    protected override void Validate(Trace t)
    {
        if (!(t.RateHz > 0)) throw new DataJointException($"<trace>: the sampling rate must be positive, got {t.RateHz} Hz.");
        if (string.IsNullOrWhiteSpace(t.Unit)) throw new DataJointException("<trace>: give the unit of the samples (e.g. \"uV\").");
    }

    protected override IReadOnlyDictionary<string, object?> Encode(Trace t, EncodeContext ctx) => new Dictionary<string, object?>
    {
        ["version"] = CurrentVersion,
        ["samples"] = t.Samples,
        ["rate_hz"] = t.RateHz,
        ["unit"] = t.Unit,
    };

    protected override Trace Decode(IReadOnlyDictionary<string, object?> d, DecodeContext ctx)
    {
        var version = d.TryGetValue("version", out var v) ? Blob.ConvertValue<int>(v) : 1;
        return version switch
        {
            1 => new Trace(Array.ConvertAll(Blob.ConvertValue<double[]>(d["samples"]), x => (float)x), Blob.ConvertValue<double>(d["rate"]), "uV"),
            2 => new Trace(Blob.ConvertValue<float[]>(d["samples"]), Blob.ConvertValue<double>(d["rate_hz"]), Blob.ConvertValue<string>(d["unit"])),
            _ => throw new DataJointException(
                $"<trace> in {ctx.Table}.{ctx.Attribute} was written with encoding version {version}; this codec reads versions 1 to {CurrentVersion}. Update the package that defines <trace>."),
        };
    }
}
