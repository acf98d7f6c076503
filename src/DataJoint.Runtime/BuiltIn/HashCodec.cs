using System.Text.Json;
using DataJoint.Stores;

namespace DataJoint.BuiltIn;

/// <summary>
/// <c>&lt;hash@store&gt;</c>: bytes stored once per schema at <c>_hash/{schema}/{md5 base32}</c>; the column holds JSON
/// metadata <c>{hash, path, schema, store, size}</c> (spec §5.3). Store-only. Fetch re-verifies the hash.
/// </summary>
[Codec("hash", InStore = "json", InTableError = "<hash> requires @ (in-store storage only)")]
public sealed partial class HashCodec : AsyncCodec<byte[], JsonElement>, ISplitBytesConsumer
{
    /// <inheritdoc/>
    protected override ValueTask<JsonElement> EncodeAsync(byte[] value, EncodeContext context, CancellationToken cancellationToken) =>
        EncodeSplitAsync(value, ReadOnlyMemory<byte>.Empty, context, cancellationToken);

    /// <summary>
    /// Encodes the content <paramref name="head"/> + <paramref name="tail"/> without joining them: the codec chain
    /// hands a large uncompressed <c>&lt;blob&gt;</c> over as its header and the value's own memory (<see cref="BlobSplit"/>).
    /// </summary>
    async ValueTask<object?> ISplitBytesConsumer.EncodeSplitAsync(ReadOnlyMemory<byte> head, ReadOnlyMemory<byte> tail, EncodeContext context,
        CancellationToken cancellationToken) =>
        await EncodeSplitAsync(head, tail, context, cancellationToken).ConfigureAwait(false);

    private static async ValueTask<JsonElement> EncodeSplitAsync(ReadOnlyMemory<byte> head, ReadOnlyMemory<byte> tail, EncodeContext context,
        CancellationToken cancellationToken)
    {
        var store = StoreCodecSupport.WriteStore(context);
        var schema = string.IsNullOrEmpty(context.Schema) ? "unknown" : context.Schema;
        // The encoded value belongs to this insert: its upload may run while the next value is encoded.
        var metadata = await HashStorage.PutOwnedAsync(store, schema, head, tail, context.Uploads, context, cancellationToken).ConfigureAwait(false);
        return StoreCodecSupport.ToElement(metadata.ToJson());
    }

    /// <inheritdoc/>
    protected override async ValueTask<byte[]> DecodeAsync(JsonElement stored, DecodeContext context, CancellationToken cancellationToken)
    {
        var metadata = HashMetadata.Parse(stored.GetRawText());
        var store = StoreCodecSupport.ReadStore(metadata.StoreName, context);
        return await HashStorage.GetAsync(store, metadata, cancellationToken).ConfigureAwait(false);
    }
}
