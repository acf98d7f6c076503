using System.Text.Json;

namespace DataJoint.BuiltIn;

/// <summary>
/// <c>&lt;object@store&gt;</c>: schema-addressed files and folders (spec §5.4). Accepts <c>byte[]</c>, a path
/// (<see cref="string"/>, <see cref="FileSystemInfo"/>), an <c>(ext, bytes)</c> tuple or pre-computed metadata; the
/// column holds JSON metadata. Store-only.
/// </summary>
[Codec("object", InStore = "json", InTableError = "<object> requires @ (store only)")]
public sealed partial class ObjectCodec : AsyncCodec<object, JsonElement>
{
    /// <inheritdoc/>
    protected override void Validate(object value)
    {
        switch (value)
        {
            case byte[] or string or FileSystemInfo or ValueTuple<string, byte[]> or ValueTuple<string, Stream> or JsonElement:
                return;
            case IReadOnlyDictionary<string, object?> d when d.ContainsKey("path"):
                return;
            default:
                throw new DataJointException($"<object> expects bytes or path, got {CodecTypeNames.Of(value.GetType())}");
        }
    }

    /// <inheritdoc/>
    protected override ValueTask<JsonElement> EncodeAsync(object value, EncodeContext context, CancellationToken cancellationToken) =>
        throw NotImplementedYet.StoreIo("object");

    /// <inheritdoc/>
    protected override ValueTask<object> DecodeAsync(JsonElement stored, DecodeContext context, CancellationToken cancellationToken) =>
        throw NotImplementedYet.StoreIo("object");
}
