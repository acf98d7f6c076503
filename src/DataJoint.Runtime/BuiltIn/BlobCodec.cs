namespace DataJoint.BuiltIn;

/// <summary>
/// <c>&lt;blob&gt;</c>: any supported value packed in the DataJoint blob format (spec §5.1). In-table it is stored as
/// <c>bytes</c> (longblob); with <c>@store</c> the packed bytes go through <c>&lt;hash@store&gt;</c>.
/// Records whose codec chains to <c>&lt;blob&gt;</c> arrive here as dicts (generated mappers), so Python reads a dict.
/// </summary>
[Codec("blob", InTable = "bytes", InStore = "<hash>")]
public sealed partial class BlobCodec : Codec<object, byte[]>, ISplitBytesProducer, ISpanBytesDecoder
{
    /// <inheritdoc/>
    protected override byte[] Encode(object value, EncodeContext context) => BlobFormat.Pack(value);

    /// <inheritdoc/>
    protected override object Decode(byte[] stored, DecodeContext context) => Unpack(stored, context);

    /// <summary>A fetch decodes a <c>&lt;blob&gt;</c> column from the column's bytes in place (no array per value).</summary>
    object? ISpanBytesDecoder.Decode(ReadOnlySpan<byte> stored, DecodeContext context) => Unpack(stored, context);

    private static object Unpack(ReadOnlySpan<byte> stored, DecodeContext context) =>
        BlobFormat.Unpack(stored) ?? throw new DataJointException($"<blob> of attribute '{context.Attribute ?? "?"}' unpacked to null (unknown protocol).");

    /// <summary>
    /// A large value that stays uncompressed is its blob header plus its own memory (<see cref="BlobSplit"/>): the next
    /// codec (<c>&lt;hash@&gt;</c>) hashes and uploads them without a packed copy (same bytes, same hash as packing it).
    /// </summary>
    bool ISplitBytesProducer.TryEncodeSplit(object value, out ReadOnlyMemory<byte> head, out ReadOnlyMemory<byte> tail)
    {
        var split = BlobSplit.TrySplit(value, out var header, out tail);
        head = header;
        return split;
    }
}
