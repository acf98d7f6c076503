using System.Text.Json;

namespace DataJoint.BuiltIn;

/// <summary>
/// <c>&lt;hash@store&gt;</c>: bytes stored once per schema at <c>_hash/{schema}/{md5 base32}</c>; the column holds JSON
/// metadata <c>{hash, path, schema, store, size}</c> (spec §5.3). Store-only.
/// </summary>
[Codec("hash", InStore = "json", InTableError = "<hash> requires @ (in-store storage only)")]
public sealed partial class HashCodec : AsyncCodec<byte[], JsonElement>
{
    /// <inheritdoc/>
    protected override ValueTask<JsonElement> EncodeAsync(byte[] value, EncodeContext context, CancellationToken cancellationToken) =>
        throw NotImplementedYet.StoreIo("hash");

    /// <inheritdoc/>
    protected override ValueTask<byte[]> DecodeAsync(JsonElement stored, DecodeContext context, CancellationToken cancellationToken) =>
        throw NotImplementedYet.StoreIo("hash");
}

internal static class NotImplementedYet
{
    internal static DataJointException StoreIo(string codec) =>
        new($"The store I/O of the <{codec}> codec is not implemented yet (it comes with the object-store support).");
}
