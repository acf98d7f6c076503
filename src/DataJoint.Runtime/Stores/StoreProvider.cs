using System.Collections.Concurrent;

namespace DataJoint.Stores;

/// <summary>
/// Resolves store names to open stores from a <see cref="StoresConfiguration"/> (or a fixed set of stores).
/// A null/empty name (<c>&lt;blob@&gt;</c>) resolves to <c>stores.default</c>, and the returned store carries the concrete
/// name, which is what the codecs write into metadata. Stores are created on first use and reused.
/// </summary>
public sealed class StoreProvider : IStoreProvider, IDisposable
{
    private readonly StoresConfiguration? _config;
    private readonly Func<StoreSpec, IObjectStore> _factory;
    private readonly ConcurrentDictionary<string, IObjectStore> _stores = new(StringComparer.Ordinal);
    private readonly string? _defaultStore;
    private readonly string? _filepathDefault;

    /// <summary>Stores from configuration; <paramref name="factory"/> overrides how a spec becomes a store (default: file → <see cref="LocalObjectStore"/>, s3 → <see cref="S3ObjectStore"/>).</summary>
    public StoreProvider(StoresConfiguration configuration, Func<StoreSpec, IObjectStore>? factory = null)
    {
        _config = configuration ?? throw new ArgumentNullException(nameof(configuration));
        _factory = factory ?? Open;
        _defaultStore = configuration.DefaultStore;
        _filepathDefault = configuration.FilepathDefault;
    }

    /// <summary>A fixed set of already-open stores (tests, custom backends), keyed by <see cref="IObjectStore.Name"/>.</summary>
    public StoreProvider(IEnumerable<IObjectStore> stores, string? defaultStore = null, string? filepathDefault = null)
    {
        ArgumentNullException.ThrowIfNull(stores);
        _factory = Open;
        foreach (var s in stores) _stores[s.Name] = s;
        _defaultStore = defaultStore;
        _filepathDefault = filepathDefault;
    }

    /// <summary>Stores as configured for this process: <see cref="StoresConfiguration.Load(string?)"/>.</summary>
    public static StoreProvider FromEnvironment() => new(StoresConfiguration.Load());

    /// <inheritdoc />
    public string? DefaultStoreName => _defaultStore;

    /// <summary>The <c>filepath_default</c> store name, if configured.</summary>
    public string? FilepathDefaultStoreName => _filepathDefault;

    /// <inheritdoc />
    public IObjectStore GetStore(string? name) => Get(name, forFilepath: false);

    /// <summary>The store for <c>&lt;filepath@name&gt;</c>: a null/empty name resolves to <c>stores.filepath_default</c>.</summary>
    public IObjectStore GetFilepathStore(string? name) => Get(name, forFilepath: true);

    private IObjectStore Get(string? name, bool forFilepath)
    {
        string resolved;
        if (_config is not null) resolved = _config.ResolveName(name, forFilepath);
        else if (!string.IsNullOrEmpty(name)) resolved = name;
        else
        {
            var key = forFilepath ? "filepath_default" : "default";
            resolved = (forFilepath ? _filepathDefault : _defaultStore)
                       ?? throw new Settings.SettingsException($"stores.{key} is not configured: a codec with a bare '@' (or no store name) needs it.");
        }
        if (_stores.TryGetValue(resolved, out var store)) return store;
        if (_config is null)
            throw new Settings.SettingsException($"Storage '{resolved}' is requested but not configured in stores (configured: {string.Join(", ", _stores.Keys.Order(StringComparer.Ordinal))}).") { Store = resolved };
        var spec = _config.GetSpec(resolved);
        return _stores.GetOrAdd(resolved, _ => _factory(spec));
    }

    private static IObjectStore Open(StoreSpec spec) => spec.Protocol switch
    {
        "file" => new LocalObjectStore(spec),
        "s3" => new S3ObjectStore(spec),
        _ => throw new Settings.SettingsException($"Store '{spec.Name}': protocol \"{spec.Protocol}\" has no backend in DataJoint for .NET (supported: file, s3)."),
    };

    /// <summary>Disposes the stores this provider opened.</summary>
    public void Dispose()
    {
        if (_config is null) return;
        foreach (var s in _stores.Values)
            if (s is IDisposable d) d.Dispose();
        _stores.Clear();
    }
}
