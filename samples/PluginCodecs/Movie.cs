using DataJoint;
using DataJoint.Zarr;

namespace Samples.Plugins;

/// <summary>
/// <c>&lt;movie@&gt;</c>: a codec of this project chained to the plugin's <c>&lt;zarr@&gt;</c>. It stores a calcium-imaging
/// movie (<c>float[frames, height, width]</c>) as a Zarr array chunked one frame per chunk, so reading a frame fetches
/// exactly one object; fetch returns the plugin's lazy <see cref="ZarrArrayRef"/>. The generator checks this chain at
/// compile time from the plugin package's manifest (<c>&lt;zarr&gt;</c> exists, is store-only, and accepts what
/// <see cref="Encode"/> returns).
/// </summary>
[Codec("movie", InStore = "<zarr>", InTableError = "<movie> requires @ (movies are stored as Zarr arrays)")]
public sealed partial class MovieCodec : Codec<object, object>
{
    protected override void Validate(object value)
    {
        if (value is not float[,,] frames)
            throw new DataJointException($"<movie> expects float[frames, height, width], got {value.GetType().Name}.");
        if (frames.GetLength(0) == 0) throw new DataJointException("<movie>: the movie has no frames.");
    }

    protected override object Encode(object value, EncodeContext ctx)
    {
        var frames = (float[,,])value;
        return new ZarrInput(frames)
        {
            ChunkShape = [1, frames.GetLength(1), frames.GetLength(2)],
            Attributes = new() { ["kind"] = "calcium imaging movie", ["axes"] = "t,y,x" },
        };
    }

    // <zarr@> already returns the lazy array: hand it through.
    protected override object Decode(object stored, DecodeContext ctx) => stored;
}
