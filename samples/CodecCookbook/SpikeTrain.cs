using DataJoint;

namespace Samples.Cookbook;

/// <summary>Sorted spike times (s) of one recording, each with the unit (neuron) it was assigned to.</summary>
public sealed record SpikeTrain(double[] Times, int[] Units, double DurationS);

/// <summary>The stored form: a blob dict <c>{"times": float64 array, "units": int32 array, "duration_s": float}</c>.</summary>
public sealed record SpikeTrainData(
    [property: BlobKey("times")] double[] Times,
    [property: BlobKey("units")] int[] Units,
    [property: BlobKey("duration_s")] double DurationS);

/// <summary>
/// <c>&lt;spikes&gt;</c>: an in-table-only codec (spike trains are small, and the database then checks and serves them
/// with the row) with strict validation. <see cref="Validate"/> runs before anything is written and names the first
/// offending spike, its value and the rule it breaks; <c>&lt;spikes@store&gt;</c> is a compile error (DJ0003) with the
/// <c>InStoreError</c> text.
/// </summary>
[Codec("spikes", InTable = "<blob>", InStoreError = "<spikes> is in-table only (spike trains are small); store raw voltage traces with <zarr@> or <blob@>")]
public sealed partial class SpikeTrainCodec : Codec<SpikeTrain, SpikeTrainData>
{
    protected override void Validate(SpikeTrain s)
    {
        if (!(double.IsFinite(s.DurationS) && s.DurationS > 0))
            throw new DataJointException($"<spikes>: the recording duration must be a positive number of seconds, got {s.DurationS}.");
        if (s.Times.Length != s.Units.Length)
            throw new DataJointException($"<spikes>: {s.Times.Length} spike times but {s.Units.Length} unit labels; give one unit per spike.");
        for (var i = 0; i < s.Times.Length; i++)
        {
            var t = s.Times[i];
            if (!double.IsFinite(t))
                throw new DataJointException($"<spikes>: spike {i} has time {t}; spike times must be finite.");
            if (t < 0 || t > s.DurationS)
                throw new DataJointException($"<spikes>: spike {i} at t={t} s lies outside the recording (0 to {s.DurationS} s).");
            if (i > 0 && t < s.Times[i - 1])
                throw new DataJointException($"<spikes>: spike {i} at t={t} s comes before spike {i - 1} at t={s.Times[i - 1]} s; sort the times ascending.");
            if (s.Units[i] < 0)
                throw new DataJointException($"<spikes>: spike {i} has unit {s.Units[i]}; unit ids are 0 or greater.");
        }
    }

    protected override SpikeTrainData Encode(SpikeTrain s, EncodeContext ctx) => new(s.Times, s.Units, s.DurationS);

    protected override SpikeTrain Decode(SpikeTrainData d, DecodeContext ctx) => new(d.Times, d.Units, d.DurationS);
}
