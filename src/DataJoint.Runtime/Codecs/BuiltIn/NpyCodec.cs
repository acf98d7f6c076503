using System.Text.Json;

namespace DataJoint.BuiltIn;

/// <summary>
/// <c>&lt;npy@store&gt;</c>: an array written as a NumPy <c>.npy</c> file to a schema-addressed path; the column holds
/// <c>{path, store, dtype, shape}</c> (spec §5.5). Store-only.
/// </summary>
[Codec("npy", InStore = "json", InTableError = "<npy> requires @ (store only)")]
public sealed partial class NpyCodec : AsyncCodec<Array, JsonElement>
{
    /// <inheritdoc/>
    protected override void Validate(Array value)
    {
        var element = value.GetType().GetElementType();
        if (element == typeof(object)) throw new DataJointException("<npy> does not support object dtype arrays");
    }

    /// <inheritdoc/>
    protected override ValueTask<JsonElement> EncodeAsync(Array value, EncodeContext context, CancellationToken cancellationToken) =>
        throw NotImplementedYet.StoreIo("npy");

    /// <inheritdoc/>
    protected override ValueTask<Array> DecodeAsync(JsonElement stored, DecodeContext context, CancellationToken cancellationToken) =>
        throw NotImplementedYet.StoreIo("npy");
}
