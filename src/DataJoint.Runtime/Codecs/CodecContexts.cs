using DataJoint.Stores;

namespace DataJoint;

/// <summary>
/// What a codec's encoder knows about the value being inserted: where it goes (schema, table, attribute), the row's
/// primary key, and the store it must write to. <see cref="CodecChain"/> fills in <see cref="Store"/> with the
/// resolved concrete store name (a bare <c>@</c> becomes <see cref="IStoreProvider.DefaultStoreName"/>).
/// </summary>
public sealed record EncodeContext
{
    private static readonly IReadOnlyDictionary<string, object?> NoKey = new Dictionary<string, object?>();

    /// <summary>The database (schema) of the table being inserted into.</summary>
    public required string Schema { get; init; }

    /// <summary>The SQL table name including its tier prefix (e.g. <c>__analysis</c>).</summary>
    public required string Table { get; init; }

    /// <summary>The attribute (column) name.</summary>
    public required string Attribute { get; init; }

    /// <summary>The row's primary-key values in table primary-key order (raw user values).</summary>
    public IReadOnlyDictionary<string, object?> PrimaryKey { get; init; } = NoKey;

    /// <summary>The configured stores, or null when none are configured.</summary>
    public IStoreProvider? Stores { get; init; }

    /// <summary>The concrete store name the chain runs with (null: in-table). Set by <see cref="CodecChain"/>.</summary>
    public string? Store { get; init; }

    /// <summary>
    /// The upload tracker of the write operation this value belongs to (null outside an insert): content a built-in codec
    /// owns is queued there and uploaded while the next value encodes.
    /// </summary>
    internal UploadTracker? Uploads { get; init; }

    /// <summary>The store named by <see cref="Store"/>; throws <see cref="DataJointException"/> when no stores are configured.</summary>
    public IObjectStore GetStore() => CodecContextHelpers.GetStore(Stores, Store, $"attribute '{Attribute}' of table `{Schema}`.`{Table}`");
}

/// <summary>
/// What a codec's decoder knows. As in DataJoint, decoding gets no primary key: everything needed must be in the
/// stored value. Schema/table/attribute are for error messages only.
/// </summary>
public sealed record DecodeContext
{
    /// <summary>The database the value was read from, if known (messages only).</summary>
    public string? Schema { get; init; }

    /// <summary>The table the value was read from, if known (messages only).</summary>
    public string? Table { get; init; }

    /// <summary>The attribute the value was read from, if known (messages only).</summary>
    public string? Attribute { get; init; }

    /// <summary>The configured stores, or null.</summary>
    public IStoreProvider? Stores { get; init; }

    /// <summary>The concrete store name of the column (null: in-table). Set by <see cref="CodecChain"/>.</summary>
    public string? Store { get; init; }

    /// <summary>Where <c>&lt;attach&gt;</c> writes fetched files (default: the current directory).</summary>
    public string? DownloadPath { get; init; }

    /// <summary>The store named by <see cref="Store"/>; throws <see cref="DataJointException"/> when no stores are configured.</summary>
    public IObjectStore GetStore() => GetStore(null);

    /// <summary>
    /// The store a stored value lives in: <paramref name="recordedStore"/> (the <c>store</c> its metadata records, so reads
    /// survive configuration changes), else the column's store (<see cref="Store"/>). Throws <see cref="DataJointException"/>
    /// when no stores are configured or the store is unknown.
    /// </summary>
    public IObjectStore GetStore(string? recordedStore) =>
        CodecContextHelpers.GetStore(Stores, string.IsNullOrEmpty(recordedStore) ? Store : recordedStore,
            $"attribute '{Attribute ?? "?"}' of table `{Schema ?? "?"}`.`{Table ?? "?"}`");
}

internal static class CodecContextHelpers
{
    internal static IObjectStore GetStore(IStoreProvider? stores, string? store, string where)
    {
        if (stores is null)
        {
            throw new Settings.SettingsException($"No object stores are configured, but {where} uses store '{store ?? ""}'.") { Store = store };
        }
        return stores.GetStore(store);
    }

    /// <summary>Bare <c>@</c> ("") becomes the provider's default store name (spec §5.8); null stays null.</summary>
    internal static string? ResolveStoreName(string? store, IStoreProvider? stores, bool forFilepath = false) =>
        store is null ? null : store.Length > 0 ? store
        : (forFilepath ? stores?.FilepathDefaultStoreName : null) ?? stores?.DefaultStoreName ?? store;
}
