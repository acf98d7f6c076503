using DataJoint.Stores;

namespace DataJoint;

/// <summary>
/// The codecs of one table's heading, resolved once and reused by every insert, fetch and stream of the table (and of
/// the queries built on it: restrictions, joins and projections carry each column's <see cref="AttributeCodec"/>).
/// </summary>
internal sealed class CodecPlan
{
    private readonly Dictionary<string, AttributeCodec> _byName = new(StringComparer.Ordinal);

    /// <summary>Plans the codec attributes of <paramref name="attributes"/> of the table <paramref name="schema"/>.<paramref name="table"/>.</summary>
    public CodecPlan(string schema, string table, IEnumerable<HeadingAttribute> attributes, IStoreProvider? stores)
    {
        foreach (var a in attributes)
        {
            if (a.CodecName is null) continue;
            _byName[a.Name] = new AttributeCodec(schema, table, a, stores);
            if (a.Store is not null) HasStoreBacked = true;
        }
    }

    /// <summary>The codec of an attribute, or null for a core or native column.</summary>
    public AttributeCodec? For(string attribute) => _byName.GetValueOrDefault(attribute);

    /// <summary>
    /// <paramref name="heading"/> with the value kind of each codec column the plan can tell better than the SQL type:
    /// a registered chain ending in <c>json</c> stores JSON even where the server reports <c>longtext</c> (MariaDB).
    /// Columns whose codec is unknown keep the kind their SQL type gives.
    /// </summary>
    public Heading Refine(Heading heading)
    {
        if (_byName.Count == 0) return heading;
        var changed = false;
        var attributes = heading.AllAttributes.Select(a =>
        {
            if (a.Kind is AttributeKind.Json || !_byName.TryGetValue(a.Name, out var codec) || !codec.TryIsJson(out var json) || !json) return a;
            changed = true;
            return a with { Kind = AttributeKind.Json };
        }).ToList();
        return changed ? new Heading(attributes, heading.ForeignKeys) : heading;
    }

    /// <summary>True when an attribute keeps its values in an object store (<c>&lt;x@store&gt;</c>).</summary>
    public bool HasStoreBacked { get; }
}

/// <summary>
/// One codec attribute of a table: its chain, resolved on first use and kept until the codec registry changes (so an
/// unknown codec fails only when its column is used, spec §2.7 step 4), and the contexts its values encode and decode
/// with, which name the schema, table and attribute.
/// </summary>
internal sealed class AttributeCodec
{
    private Resolved? _resolved;

    public AttributeCodec(string schema, string table, HeadingAttribute attribute, IStoreProvider? stores)
    {
        Schema = schema;
        Table = table;
        Attribute = attribute;
        Stores = stores;
    }

    /// <summary>The database of the table.</summary>
    public string Schema { get; }
    /// <summary>The SQL name of the table.</summary>
    public string Table { get; }
    /// <summary>The attribute as the table's heading has it.</summary>
    public HeadingAttribute Attribute { get; }
    /// <summary>The stores the table's values are read from.</summary>
    public IStoreProvider? Stores { get; }

    /// <summary>The resolved chain (throws a <see cref="DataJointException"/> naming the attribute when its codec is unknown).</summary>
    public CodecChain Chain => Resolve().Chain;

    /// <summary>True when the chain decodes without I/O (<see cref="Decode(object, string?)"/> may be used).</summary>
    public bool IsSynchronous => Resolve().Chain.IsSynchronous;

    /// <summary>True when the chain decodes without I/O, straight from the column's bytes (<see cref="Decode(ReadOnlySpan{byte}, string?)"/> may be used).</summary>
    public bool DecodesSpans => Resolve().Chain.DecodesSpans;

    /// <summary>Whether the chain ends in <c>json</c>; false when the codec is not registered (or its chain is invalid).</summary>
    public bool TryIsJson(out bool isJson)
    {
        try
        {
            isJson = Resolve().Chain.IsJson;
            return true;
        }
        catch (DataJointException)
        {
            isJson = false;
            return false;
        }
    }

    /// <summary>The message for a codec that is not registered (the attribute and table are appended).</summary>
    public static string NotRegistered(string codecName) => DataJoint.Shared.Codecs.ChainMessages.Unknown(codecName);

    /// <summary>The checks encoding starts with: the value's .NET type and the outermost codec's <c>Validate</c> (once per value).</summary>
    public void Validate(object value)
    {
        var r = Resolve();
        r.Chain.Validate(value, r.Encode);
    }

    /// <summary>Encodes a value <see cref="Validate"/> accepted, for the row with <paramref name="primaryKey"/>.</summary>
    /// <param name="value">The user's value.</param>
    /// <param name="primaryKey">The row's primary-key values (the codec key of spec §4.4).</param>
    /// <param name="stores">The stores to write to (an insert's upload tracker wraps the table's stores).</param>
    /// <param name="uploads">The insert's upload tracker, if any.</param>
    /// <param name="cancellationToken">Cancels the encode.</param>
    public ValueTask<object?> EncodeAsync(object value, IReadOnlyDictionary<string, object?> primaryKey, IStoreProvider? stores,
        UploadTracker? uploads, CancellationToken cancellationToken)
    {
        var r = Resolve();
        var ctx = r.Encode with { PrimaryKey = primaryKey, Stores = stores, Uploads = uploads };
        return r.Chain.EncodeValidatedAsync(value, ctx, cancellationToken);
    }

    /// <summary>Decodes a non-null fetched value (<paramref name="downloadPath"/>: where <c>&lt;attach&gt;</c> writes files).</summary>
    public async ValueTask<object?> DecodeAsync(object stored, CancellationToken cancellationToken, string? downloadPath = null)
    {
        var r = Resolve();
        try
        {
            return await r.Chain.DecodeResolvedAsync(stored, DecodeContext(r, downloadPath), cancellationToken).ConfigureAwait(false);
        }
        catch (DataJointException ex)
        {
            ex.Locate(Schema, Table, Attribute.Name);
            throw;
        }
    }

    /// <summary>Decodes a non-null fetched value in place (only when <see cref="IsSynchronous"/>).</summary>
    public object? Decode(object stored, string? downloadPath = null) => Decode(stored, default, downloadPath);

    /// <summary>Decodes a non-null fetched value from the column's bytes, in place (only when <see cref="DecodesSpans"/>).</summary>
    public object? Decode(ReadOnlySpan<byte> stored, string? downloadPath = null) => Decode(null, stored, downloadPath);

    /// <summary>Decodes <paramref name="stored"/>, or the bytes <paramref name="bytes"/> when it is null, in place.</summary>
    private object? Decode(object? stored, ReadOnlySpan<byte> bytes, string? downloadPath)
    {
        var r = Resolve();
        var context = DecodeContext(r, downloadPath);
        try
        {
            return stored is not null ? r.Chain.Decode(stored, context) : r.Chain.Decode(bytes, context);
        }
        catch (DataJointException ex) when (LocatedHere(ex))
        {
            throw; // not reached: the filter locates the exception and lets it go on
        }
    }

    /// <summary>Locates <paramref name="ex"/> at this attribute and returns false (an exception filter that catches nothing).</summary>
    private bool LocatedHere(DataJointException ex)
    {
        ex.Locate(Schema, Table, Attribute.Name);
        return false;
    }

    /// <summary>The decode context for <paramref name="downloadPath"/>: made once per path (a fetch passes the same path for every value).</summary>
    private static DecodeContext DecodeContext(Resolved r, string? downloadPath)
    {
        if (downloadPath is null || downloadPath == r.Decode.DownloadPath) return r.Decode;
        if (r.LastPathDecode is { } last && last.DownloadPath == downloadPath) return last;
        return r.LastPathDecode = r.Decode with { DownloadPath = downloadPath };
    }

    private Resolved Resolve()
    {
        var version = Codecs.Version;
        var r = _resolved;
        if (r is not null && r.Version == version) return r;
        var where = $"(attribute `{Attribute.Name}` of table `{Schema}`.`{Table}`)";
        if (!Codecs.TryGet(Attribute.CodecName!, out _)) throw new DataJointException(NotRegistered(Attribute.CodecName!) + " " + where);
        var chain = Codecs.Resolve(Attribute.Codec!);
        var store = chain.ResolveStore(Stores);
        r = new Resolved(chain, version,
            new EncodeContext { Schema = Schema, Table = Table, Attribute = Attribute.Name, Stores = Stores, Store = store },
            new DecodeContext { Schema = Schema, Table = Table, Attribute = Attribute.Name, Stores = Stores, Store = store });
        _resolved = r;
        return r;
    }

    /// <summary>A chain with the contexts its values run with (the encode context gets each row's key and stores).</summary>
    private sealed record Resolved(CodecChain Chain, int Version, EncodeContext Encode, DecodeContext Decode)
    {
        /// <summary>The decode context of the last download path asked for (contexts are immutable: a race only makes one twice).</summary>
        public DecodeContext? LastPathDecode { get; set; }
    }
}
