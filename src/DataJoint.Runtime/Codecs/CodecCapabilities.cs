namespace DataJoint;

/// <summary>
/// A codec whose decode finishes without I/O (every <see cref="Codec{TValue,TStored}"/>). A chain made only of such
/// codecs decodes a fetched value in place, without an asynchronous step per value.
/// </summary>
internal interface ISyncCodec
{
    /// <summary>Decodes a stored value of the codec's stored type.</summary>
    object? Decode(object stored, DecodeContext context);
}

/// <summary>
/// A synchronous codec whose stored value is bytes and that decodes them from a span: a fetch hands it the column's
/// bytes in a buffer it reuses from row to row instead of a new array per value (<c>&lt;blob&gt;</c>).
/// </summary>
internal interface ISpanBytesDecoder
{
    /// <summary>Decodes the stored bytes <paramref name="stored"/> (valid only during the call).</summary>
    object? Decode(ReadOnlySpan<byte> stored, DecodeContext context);
}

/// <summary>
/// A codec that can hand some values over as their encoded bytes in two segments (a small header, then memory the value
/// already owns) instead of one packed array: <c>&lt;blob&gt;</c> does this for large uncompressed arrays.
/// </summary>
internal interface ISplitBytesProducer
{
    /// <summary>True when <paramref name="value"/> encodes to <paramref name="head"/> followed by <paramref name="tail"/> without a copy.</summary>
    bool TryEncodeSplit(object value, out ReadOnlyMemory<byte> head, out ReadOnlyMemory<byte> tail);
}

/// <summary>
/// A codec whose value is bytes and that can take them in two segments, exactly as if they were one array (same stored
/// result): <c>&lt;hash@&gt;</c> hashes and uploads them without joining them.
/// </summary>
internal interface ISplitBytesConsumer
{
    /// <summary>Encodes the bytes <paramref name="head"/> + <paramref name="tail"/>.</summary>
    ValueTask<object?> EncodeSplitAsync(ReadOnlyMemory<byte> head, ReadOnlyMemory<byte> tail, EncodeContext context, CancellationToken cancellationToken);
}
