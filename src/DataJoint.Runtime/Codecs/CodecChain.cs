using System.Text.Json;
using DataJoint.Stores;

namespace DataJoint;

/// <summary>
/// A resolved codec chain for one type spec such as <c>&lt;graph@main&gt;</c>: the codecs outer→inner, the final core
/// dtype of the column and the store. Obtain it with <see cref="Codecs.Resolve"/>; it is immutable and cached.
/// </summary>
/// <remarks>
/// <see cref="EncodeAsync"/> returns the value ready for the column: <c>byte[]</c> for <c>bytes</c>, JSON text for
/// <c>json</c> (the innermost stored value serialized with System.Text.Json), else the innermost stored value.
/// <see cref="DecodeAsync"/> accepts what the driver returns (bytes; JSON as text, UTF-8 bytes or <see cref="JsonElement"/>).
/// </remarks>
public sealed class CodecChain
{
    private readonly ISyncCodec[]? _syncLinks; // every link, when all of them decode without I/O
    private readonly ISpanBytesDecoder? _spanDecoder; // the innermost link, when the chain is synchronous and it decodes stored bytes from a span
    private readonly bool _usesFilepath;       // a bare <filepath@> means stores.filepath_default (spec §5.8)

    internal CodecChain(string spec, string finalType, string? store, IReadOnlyList<ICodec> links)
    {
        Spec = spec;
        FinalType = finalType;
        Store = store;
        Links = links;
        var sync = links.OfType<ISyncCodec>().ToArray();
        _syncLinks = sync.Length == links.Count ? sync : null;
        _usesFilepath = links.Any(l => l.Descriptor.Name == "filepath");
        IsJson = string.Equals(finalType, "json", StringComparison.OrdinalIgnoreCase);
        if (_syncLinks is not null && !IsJson && links[^1] is ISpanBytesDecoder span && links[^1].Descriptor.StoredType == typeof(byte[]))
            _spanDecoder = span;
    }

    /// <summary>The type spec as resolved, e.g. <c>&lt;graph@main&gt;</c>.</summary>
    public string Spec { get; }

    /// <summary>The final core dtype (<c>bytes</c>, <c>json</c>, <c>varchar(64)</c>...), not the SQL type.</summary>
    public string FinalType { get; }

    /// <summary>The store: null = in-table, "" = the default store, else the store name.</summary>
    public string? Store { get; }

    /// <summary>The codecs, outermost first.</summary>
    public IReadOnlyList<ICodec> Links { get; }

    /// <summary>True when the column is JSON (final dtype <c>json</c>).</summary>
    public bool IsJson { get; }

    /// <summary>True when every codec of the chain decodes without I/O (<see cref="Decode(object, DecodeContext)"/> may be used).</summary>
    internal bool IsSynchronous => _syncLinks is not null;

    /// <summary>
    /// True when the chain is synchronous and its innermost codec decodes the column's bytes from a span
    /// (<see cref="Decode(ReadOnlySpan{byte}, DecodeContext)"/> may be used).
    /// </summary>
    internal bool DecodesSpans => _spanDecoder is not null;

    /// <summary>The concrete store name this chain runs with for <paramref name="stores"/> (a bare <c>@</c> becomes the default store).</summary>
    internal string? ResolveStore(IStoreProvider? stores) => CodecContextHelpers.ResolveStoreName(Store, stores, _usesFilepath);

    /// <summary>
    /// Validates <paramref name="value"/> with the outermost codec, then encodes it outer→inner. A null value stays null
    /// (the column gets its default). A value of the wrong .NET type raises <see cref="DataJointException"/> naming
    /// the table, attribute, expected and actual type before any codec runs.
    /// </summary>
    public async ValueTask<object?> EncodeAsync(object? value, EncodeContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (value is null) return null;
        Validate(value, context);

        var ctx = context with { Store = ResolveStore(context.Stores) };
        return await EncodeValidatedAsync(value, ctx, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The checks <see cref="EncodeAsync"/> runs before any codec encodes: the value's .NET type and the outermost
    /// codec's <c>Validate</c>. Inserts run it for every row before the first upload.
    /// </summary>
    internal void Validate(object value, EncodeContext context)
    {
        var outer = Links[0];
        if (!outer.Descriptor.ValueType.IsInstanceOfType(value))
        {
            throw CodecFailure.Create(this, outer.Descriptor.Name, CodecOperation.Validate, value.GetType(), context.Schema, context.Table,
                context.Attribute, context.Store, $"codec {Spec} expects a value of type {CodecTypeNames.Of(outer.Descriptor.ValueType)}, got {CodecTypeNames.Of(value.GetType())}.");
        }
        try
        {
            outer.Validate(value);
        }
        catch (Exception e)
        {
            CodecFailure.Throw(e, this, outer, CodecOperation.Validate, value, context.Schema, context.Table, context.Attribute, context.Store);
        }
    }

    /// <summary>
    /// Encodes a value that <see cref="Validate"/> already accepted, outer→inner, with a context whose
    /// <see cref="EncodeContext.Store"/> is resolved (<see cref="ResolveStore"/>). Inserts validate every row first, then encode.
    /// </summary>
    internal async ValueTask<object?> EncodeValidatedAsync(object value, EncodeContext ctx, CancellationToken cancellationToken)
    {
        object? current = value;
        for (var i = 0; i < Links.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var link = Links[i];
            if (i > 0) current = AdaptForEncode(current, link, ctx);
            if (current is null) return null;
            try
            {
                if (link is ISplitBytesProducer producer && i + 1 < Links.Count && Links[i + 1] is ISplitBytesConsumer consumer
                    && producer.TryEncodeSplit(current, out var head, out var tail))
                {
                    // e.g. <blob> into <hash@>: a large value that stays uncompressed is hashed and uploaded as its blob header
                    // plus its own memory, never copied into a packed buffer (same bytes, same hash as packing it).
                    link = Links[++i];
                    current = await consumer.EncodeSplitAsync(head, tail, ctx, cancellationToken).ConfigureAwait(false);
                    continue;
                }
                current = await link.EncodeAsync(current, ctx, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                CodecFailure.Throw(e, this, link, CodecOperation.Encode, current, ctx.Schema, ctx.Table, ctx.Attribute, ctx.Store);
            }
        }
        return ToColumn(current, Links[^1].Descriptor.StoredType, ctx);
    }

    /// <summary>Decodes a column value inner→outer. SQL NULL (null or <see cref="DBNull"/>) decodes to null.</summary>
    public ValueTask<object?> DecodeAsync(object? stored, DecodeContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (stored is null || stored is DBNull) return new ValueTask<object?>((object?)null);
        return DecodeResolvedAsync(stored, context with { Store = ResolveStore(context.Stores) }, cancellationToken);
    }

    /// <summary>As <see cref="DecodeAsync"/> for a non-null stored value, with a context whose store is resolved.</summary>
    internal async ValueTask<object?> DecodeResolvedAsync(object stored, DecodeContext ctx, CancellationToken cancellationToken)
    {
        if (_syncLinks is not null) return Decode(stored, ctx);
        object? current = FromColumn(stored, Links[^1].Descriptor.StoredType, ctx);
        for (var i = Links.Count - 1; i >= 0; i--)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var link = Links[i];
            if (current is null) return null;
            try
            {
                current = await link.DecodeAsync(current, ctx, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                CodecFailure.Throw(e, this, link, CodecOperation.Decode, current, ctx.Schema, ctx.Table, ctx.Attribute, ctx.Store);
            }
            if (i > 0) current = AdaptForDecode(current, Links[i - 1], ctx);
        }
        return current;
    }

    /// <summary>
    /// Decodes a non-null stored value in place when <see cref="IsSynchronous"/> (no I/O, no asynchronous step), with a
    /// context whose store is resolved.
    /// </summary>
    internal object? Decode(object stored, DecodeContext ctx)
    {
        var links = _syncLinks ?? throw new InvalidOperationException($"The chain {Spec} has a codec that decodes asynchronously.");
        return DecodeFrom(links, links.Length - 1, FromColumn(stored, Links[^1].Descriptor.StoredType, ctx), ctx);
    }

    /// <summary>
    /// Decodes a column's stored bytes in place when <see cref="DecodesSpans"/>: the innermost codec reads them where they
    /// are (<paramref name="stored"/> is valid only during the call), the outer codecs decode what it returns.
    /// </summary>
    internal object? Decode(ReadOnlySpan<byte> stored, DecodeContext ctx)
    {
        var inner = _spanDecoder ?? throw new InvalidOperationException($"The chain {Spec} does not decode bytes in place.");
        object? current = null;
        try
        {
            current = inner.Decode(stored, ctx);
        }
        catch (Exception e)
        {
            CodecFailure.Throw(e, this, Links[^1], CodecOperation.Decode, Array.Empty<byte>(), ctx.Schema, ctx.Table, ctx.Attribute, ctx.Store);
        }
        var last = Links.Count - 1;
        return last == 0 ? current : DecodeFrom(_syncLinks!, last - 1, AdaptForDecode(current, Links[last - 1], ctx), ctx);
    }

    /// <summary>Decodes <paramref name="current"/> with the links <paramref name="from"/> down to the outermost.</summary>
    private object? DecodeFrom(ISyncCodec[] links, int from, object? current, DecodeContext ctx)
    {
        for (var i = from; i >= 0; i--)
        {
            if (current is null) return null;
            try
            {
                current = links[i].Decode(current, ctx);
            }
            catch (Exception e)
            {
                CodecFailure.Throw(e, this, Links[i], CodecOperation.Decode, current, ctx.Schema, ctx.Table, ctx.Attribute, ctx.Store);
            }
            if (i > 0) current = AdaptForDecode(current, Links[i - 1], ctx);
        }
        return current;
    }

    /// <summary>Whether a value of <paramref name="t"/> can be written to a column of a core type family.</summary>
    internal static bool CanStore(Type t, string family) => family switch
    {
        "bytes" => t == typeof(byte[]) || t == typeof(ReadOnlyMemory<byte>) || t == typeof(Memory<byte>) || t == typeof(object),
        "string" => t == typeof(string) || t == typeof(object),
        _ => true,
    };

    private object? AdaptForEncode(object? value, ICodec next, EncodeContext ctx)
    {
        if (value is null) return null;
        var expected = next.Descriptor.ValueType;
        // A record going into a dict-accepting codec (<blob>) is packed as a dict.
        if (BlobRecordMappers.Find(value.GetType()) is { } mapper && !IsRecordAccepted(expected, value.GetType()))
        {
            return mapper.ToDictionaryObject(value);
        }
        if (!expected.IsInstanceOfType(value))
        {
            throw CodecFailure.Create(this, next.Descriptor.Name, CodecOperation.Encode, value.GetType(), ctx.Schema, ctx.Table, ctx.Attribute, ctx.Store,
                $"codec <{next.Descriptor.Name}> expects {CodecTypeNames.Of(expected)}, but the previous codec produced {CodecTypeNames.Of(value.GetType())}.");
        }
        return value;
    }

    // object-typed consumers (<blob>) get the dict; a consumer typed exactly as the record gets the record.
    private static bool IsRecordAccepted(Type expected, Type record) => expected != typeof(object) && expected.IsAssignableFrom(record);

    private object? AdaptForDecode(object? value, ICodec producer, DecodeContext ctx)
    {
        var producerStoredType = producer.Descriptor.StoredType;
        if (value is null || producerStoredType.IsInstanceOfType(value)) return value;
        if (BlobRecordMappers.Find(producerStoredType) is { } mapper && BlobValueConverter.AsDictionary(value) is { } dict)
        {
            return mapper.FromDictionaryObject(dict);
        }
        try
        {
            return BlobValueConverter.Convert(value, producerStoredType);
        }
        catch (Exception e) when (e is InvalidCastException or FormatException or OverflowException)
        {
            throw CodecFailure.Create(this, producer.Descriptor.Name, CodecOperation.Decode, value.GetType(), ctx.Schema, ctx.Table, ctx.Attribute, ctx.Store,
                $"codec <{producer.Descriptor.Name}> cannot decode: expected {CodecTypeNames.Of(producerStoredType)}, got {CodecTypeNames.Of(value.GetType())}.", e);
        }
    }

    private object? ToColumn(object? value, Type storedType, EncodeContext ctx)
    {
        if (value is null || !IsJson) return value;
        // A codec that built its JSON itself (the store codecs write DataJoint Python's json.dumps text) keeps it verbatim.
        if (value is JsonElement element) return element.GetRawText();
        try
        {
            return JsonSerializer.Serialize(value, DataJointJson.TypeInfo(storedType == typeof(object) ? value.GetType() : storedType));
        }
        catch (NotSupportedException e)
        {
            throw CodecFailure.Create(this, Links[^1].Descriptor.Name, CodecOperation.Encode, value.GetType(), ctx.Schema, ctx.Table, ctx.Attribute, ctx.Store,
                $"cannot serialize {CodecTypeNames.Of(value.GetType())} to JSON: {e.Message}", e);
        }
    }

    private object? FromColumn(object stored, Type storedType, DecodeContext ctx)
    {
        if (!IsJson || storedType == typeof(string) && stored is string) return stored;
        try
        {
            return stored switch
            {
                string s => JsonSerializer.Deserialize(s, DataJointJson.TypeInfo(storedType)),
                byte[] b => JsonSerializer.Deserialize(b, DataJointJson.TypeInfo(storedType)),
                JsonElement e => e.Deserialize(DataJointJson.TypeInfo(storedType)),
                _ => stored,
            };
        }
        catch (Exception e) when (e is JsonException or NotSupportedException)
        {
            throw CodecFailure.Create(this, Links[^1].Descriptor.Name, CodecOperation.Decode, stored.GetType(), ctx.Schema, ctx.Table, ctx.Attribute, ctx.Store,
                $"the JSON column value cannot be read as {CodecTypeNames.Of(storedType)}: {e.Message}", e);
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Spec} → {FinalType}{(Store is null ? "" : "@" + Store)} [{string.Join(" → ", Links.Select(l => "<" + l.Descriptor.Name + ">"))}]";
}
