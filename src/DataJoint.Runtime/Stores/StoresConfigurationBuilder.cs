using System.Text.Json.Nodes;

namespace DataJoint.Stores;

/// <summary>
/// Configures stores in code instead of JSON. Each store becomes the entry DataJoint Python would read from
/// <c>datajoint.json</c>'s <c>stores</c> section, and <see cref="Build"/> validates every store at once with the same
/// rules and messages as the JSON configuration (so a mistake surfaces where the program sets the stores up, not at the
/// first insert). <see cref="StoresConfiguration.ToJson"/> writes the section back for a <c>datajoint.json</c>.
/// <code>
/// var stores = new StoresConfigurationBuilder()
///     .AddFolder("main", "/data/main")
///     .AddS3("archive", endpoint: "minio.lab.org:9000", bucket: "lab", location: "project", accessKey: "…", secretKey: "…")
///     .WithDefault("main")
///     .Build();
/// using var provider = new StoreProvider(stores);
/// </code>
/// </summary>
public sealed class StoresConfigurationBuilder
{
    private readonly JsonObject _section = new();

    /// <summary>Adds a store from a full spec (its <see cref="StoreSpec.Name"/> is the store's name); any protocol and option.</summary>
    public StoresConfigurationBuilder Add(StoreSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (string.IsNullOrWhiteSpace(spec.Name))
            throw new ArgumentException("A store needs a name (StoreSpec.Name).", nameof(spec));
        if (spec.Name is "default" or "filepath_default")
            throw new ArgumentException($"'{spec.Name}' names the default store in the stores section; it cannot be a store's name.", nameof(spec));
        if (_section.ContainsKey(spec.Name))
            throw new ArgumentException($"Store '{spec.Name}' is added twice.", nameof(spec));
        _section[spec.Name] = ToJson(spec);
        return this;
    }

    /// <summary>
    /// Adds a folder store (protocol <c>file</c>) rooted at <paramref name="location"/>. The folder must exist when the
    /// store is first used, as in DataJoint Python, unless <paramref name="createLocation"/> is true (a .NET option).
    /// </summary>
    public StoresConfigurationBuilder AddFolder(string name, string location, bool createLocation = false) =>
        Add(new StoreSpec { Name = name, Protocol = "file", Location = location, CreateLocation = createLocation });

    /// <summary>
    /// Adds an S3 store: <paramref name="location"/> is the key prefix inside <paramref name="bucket"/> (may be empty);
    /// the endpoint is <c>host:port</c> or a URL. Other options (subfolding, prefixes, timeouts…) through <see cref="Add"/>
    /// with a <see cref="StoreSpec"/>.
    /// </summary>
    public StoresConfigurationBuilder AddS3(string name, string endpoint, string bucket, string location = "",
        string? accessKey = null, string? secretKey = null, bool secure = true) =>
        Add(new StoreSpec
        {
            Name = name, Protocol = "s3", Endpoint = endpoint, Bucket = bucket, Location = location,
            AccessKey = accessKey, SecretKey = secretKey, Secure = secure,
        });

    /// <summary>The store a bare <c>@</c> (<c>&lt;blob@&gt;</c>) and unnamed stores use: <c>stores.default</c>.</summary>
    public StoresConfigurationBuilder WithDefault(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _section["default"] = name;
        return this;
    }

    /// <summary>The store a bare <c>&lt;filepath@&gt;</c> uses: <c>stores.filepath_default</c>.</summary>
    public StoresConfigurationBuilder WithFilepathDefault(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _section["filepath_default"] = name;
        return this;
    }

    /// <summary>
    /// The configuration. Every store is validated now (Python's rules: required keys, prefixes that must not overlap,
    /// S3 credentials in pairs…), and the default stores must name added stores; errors are <see cref="DataJointException"/>s
    /// naming the store.
    /// </summary>
    public StoresConfiguration Build()
    {
        var config = StoresConfiguration.FromJsonObject(_section, "StoresConfigurationBuilder");
        foreach (var name in config.StoreNames) _ = config.GetSpec(name);
        foreach (var (key, value) in new[] { ("default", config.DefaultStore), ("filepath_default", config.FilepathDefault) })
            if (value is not null && !config.StoreNames.Contains(value))
                throw new Settings.SettingsException($"stores.{key} is '{value}', but no store of that name was added (added: {string.Join(", ", config.StoreNames)}).");
        return config;
    }

    /// <summary>A spec as the <c>stores</c> entry DataJoint Python reads (defaults left out; .NET-only keys only when set).</summary>
    internal static JsonObject ToJson(StoreSpec spec)
    {
        var defaults = new StoreSpec();
        var o = new JsonObject { ["protocol"] = spec.Protocol, ["location"] = spec.Location };
        void Set(string key, JsonNode? value, bool isDefault)
        {
            if (!isDefault) o[key] = value;
        }
        Set("endpoint", spec.Endpoint, spec.Endpoint is null);
        Set("bucket", spec.Bucket, spec.Bucket is null);
        Set("access_key", spec.AccessKey, spec.AccessKey is null);
        Set("secret_key", spec.SecretKey, spec.SecretKey is null);
        Set("secure", spec.Secure, spec.Protocol != "s3" || spec.Secure == defaults.Secure);
        Set("region", spec.Region, spec.Region is null);
        Set("proxy_server", spec.ProxyServer, spec.ProxyServer is null);
        Set("connect_timeout", spec.ConnectTimeout.TotalSeconds, spec.ConnectTimeout == StoreSpec.DefaultConnectTimeout);
        Set("request_timeout", spec.RequestTimeout.TotalSeconds, spec.RequestTimeout == StoreSpec.DefaultRequestTimeout);
        Set("subfolding", spec.Subfolding is null ? null : new JsonArray([.. spec.Subfolding.Select(f => (JsonNode?)f)]), spec.Subfolding is null);
        Set("partition_pattern", spec.PartitionPattern, spec.PartitionPattern is null);
        Set("token_length", spec.TokenLength, spec.TokenLength == defaults.TokenLength);
        Set("hash_prefix", spec.HashPrefix, spec.HashPrefix == defaults.HashPrefix);
        Set("schema_prefix", spec.SchemaPrefix, spec.SchemaPrefix == defaults.SchemaPrefix);
        Set("filepath_prefix", spec.FilepathPrefix, spec.FilepathPrefix is null);
        Set("stage", spec.Stage, spec.Stage is null);
        Set("create_location", spec.CreateLocation, !spec.CreateLocation);
        return o;
    }
}
