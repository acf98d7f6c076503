using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;

namespace DataJoint.Stores;

/// <summary>
/// The <c>stores</c> section exactly as DataJoint Python users write it (<c>datajoint.json</c>, <c>DJ_STORES</c>,
/// <c>.secrets/stores.&lt;name&gt;.&lt;attr&gt;</c>), or the same shape under an <see cref="IConfiguration"/> section.
/// <code>
/// { "stores": { "default": "main", "filepath_default": "raw",
///               "main": { "protocol": "file", "location": "/data/main" },
///               "s3store": { "protocol": "s3", "endpoint": "minio:9000", "bucket": "b", "location": "proj",
///                            "access_key": "...", "secret_key": "...", "secure": true } } }
/// </code>
/// Each store is validated when it is first asked for (as Python's <c>get_store_spec</c> does), so one broken
/// entry does not stop the others from working.
/// </summary>
public sealed class StoresConfiguration
{
    private static readonly string[] Common =
        ["protocol", "location", "subfolding", "partition_pattern", "token_length", "hash_prefix", "schema_prefix", "filepath_prefix", "stage"];
    private static readonly Dictionary<string, (string[] Required, string[] Extra)> Protocols = new()
    {
        // "create_location" is ours (DataJoint Python refuses a missing folder and the key).
        ["file"] = (["protocol", "location"], ["create_location"]),
        // "region", "connect_timeout" and "request_timeout" are ours (DataJoint Python has no such keys and refuses them).
        ["s3"] = (["protocol", "endpoint", "bucket", "location"],
            ["endpoint", "bucket", "access_key", "secret_key", "secure", "proxy_server", "region", "connect_timeout", "request_timeout"]),
        ["gcs"] = (["protocol", "bucket", "location"], ["bucket", "token", "project"]),
        ["azure"] = (["protocol", "container", "location"], ["container", "account_name", "account_key", "connection_string"]),
    };

    private readonly Dictionary<string, JsonObject> _raw;

    private StoresConfiguration(string? defaultStore, string? filepathDefault, Dictionary<string, JsonObject> raw)
    {
        DefaultStore = defaultStore;
        FilepathDefault = filepathDefault;
        _raw = raw;
    }

    /// <summary>An empty configuration (no stores).</summary>
    public static StoresConfiguration Empty { get; } = new(null, null, new Dictionary<string, JsonObject>(StringComparer.Ordinal));

    /// <summary>The <c>default</c> key: the store used for <c>&lt;codec@&gt;</c> and when no store is named.</summary>
    public string? DefaultStore { get; }

    /// <summary>The <c>filepath_default</c> key: the store used for a bare <c>&lt;filepath@&gt;</c>.</summary>
    public string? FilepathDefault { get; }

    /// <summary>The configured store names (not counting <c>default</c>/<c>filepath_default</c>).</summary>
    public IReadOnlyCollection<string> StoreNames => _raw.Keys;

    /// <summary>
    /// Parses the JSON of a <c>stores</c> object (the value of <c>DJ_STORES</c>, or the <c>stores</c> key of
    /// <c>datajoint.json</c>). <paramref name="source"/> names where it came from, for messages.
    /// </summary>
    public static StoresConfiguration Parse(string json, string source = "stores")
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw new Settings.SettingsException($"{source} is not valid JSON: {ex.Message}", ex);
        }
        if (node is not JsonObject obj)
            throw new Settings.SettingsException($"{source} must be a JSON object of stores, got {Kind(node)}.");
        return FromJsonObject(obj, source);
    }

    /// <summary>Reads a <c>stores</c> section of an <see cref="IConfiguration"/> (e.g. <c>configuration.GetSection("DataJoint:stores")</c>); values may be strings.</summary>
    public static StoresConfiguration FromConfiguration(IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var obj = new JsonObject();
        foreach (var child in section.GetChildren())
            obj[child.Key] = ToNode(child);
        return FromJsonObject(obj, section is IConfigurationSection s ? s.Path : "stores");
    }

    private static JsonNode? ToNode(IConfigurationSection section)
    {
        var children = section.GetChildren().ToList();
        if (children.Count == 0) return section.Value is null ? null : JsonValue.Create(section.Value);
        if (children.All(c => int.TryParse(c.Key, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            var arr = new JsonArray();
            foreach (var c in children.OrderBy(c => int.Parse(c.Key, CultureInfo.InvariantCulture))) arr.Add(ToNode(c));
            return arr;
        }
        var obj = new JsonObject();
        foreach (var c in children) obj[c.Key] = ToNode(c);
        return obj;
    }

    internal static StoresConfiguration FromJsonObject(JsonObject obj, string source)
    {
        string? def = null, fpDef = null;
        var raw = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var (key, value) in obj)
        {
            if (key is "default" or "filepath_default")
            {
                if (value is null) continue;
                if (value is not JsonValue v || !v.TryGetValue<string>(out var name))
                    throw new Settings.SettingsException($"stores.{key} must be a string (in {source}), got {Kind(value)}.");
                if (key == "default") def = name; else fpDef = name;
                continue;
            }
            if (value is not JsonObject store)
                throw new Settings.SettingsException($"config.stores[\"{key}\"] must be an object with a protocol (in {source}), got {Kind(value)}.");
            raw[key] = (JsonObject)store.DeepClone();
        }
        return new StoresConfiguration(def, fpDef, raw);
    }

    /// <summary>
    /// The <c>stores</c> section a DataJoint user in <paramref name="workingDirectory"/> has: <c>DJ_STORES</c> if set, else
    /// the <c>stores</c> key of the <c>datajoint.json</c> found upward; then secrets files
    /// (<c>.secrets/stores.&lt;name&gt;.&lt;attr&gt;</c>, else <c>/run/secrets/datajoint/</c>) fill values still unset.
    /// The same loader as <see cref="DataJoint.Settings.DataJointSettings.Load(string?)"/>.
    /// </summary>
    public static StoresConfiguration Load(string? workingDirectory = null) =>
        DataJoint.Settings.DataJointSettings.Load(workingDirectory).Stores;

    internal static StoresConfiguration Load(string workingDirectory, Func<string, string?> env) =>
        DataJoint.Settings.DataJointSettings.Load(workingDirectory, env, DataJoint.Settings.SettingsSources.SystemSecretsFolder).Stores;

    /// <summary>The <c>datajoint.json</c> nearest upward from <paramref name="start"/>, or null.</summary>
    public static string? FindConfigFile(string start) => DataJoint.Settings.SettingsSources.FindConfigFile(start);

    /// <summary>
    /// The <c>stores</c> section as JSON, in the shape <c>datajoint.json</c> and <c>DJ_STORES</c> hold (for configuration
    /// made with <see cref="StoresConfigurationBuilder"/>, the entries DataJoint Python reads).
    /// </summary>
    public string ToJson(bool indented = true)
    {
        var o = new JsonObject();
        if (DefaultStore is not null) o["default"] = DefaultStore;
        if (FilepathDefault is not null) o["filepath_default"] = FilepathDefault;
        foreach (var (name, store) in _raw) o[name] = store.DeepClone();
        return o.ToJsonString(new JsonSerializerOptions { WriteIndented = indented });
    }

    /// <summary>The concrete store name for <paramref name="name"/>: null/empty → <c>default</c> (or <c>filepath_default</c>).</summary>
    public string ResolveName(string? name, bool forFilepath = false)
    {
        if (!string.IsNullOrEmpty(name)) return name;
        var key = forFilepath ? "filepath_default" : "default";
        var resolved = forFilepath ? FilepathDefault : DefaultStore;
        if (string.IsNullOrEmpty(resolved))
            throw new Settings.SettingsException(
                $"stores.{key} is not configured: a codec with a bare '@' (or no store name) needs it. " +
                $"Set \"{key}\" in the stores section (datajoint.json, DJ_STORES) to one of: {Names()}.");
        return resolved;
    }

    /// <summary>The validated spec of store <paramref name="name"/> (null/empty: the default store).</summary>
    public StoreSpec GetSpec(string? name, bool forFilepath = false)
    {
        var n = ResolveName(name, forFilepath);
        if (!_raw.TryGetValue(n, out var raw))
            throw new Settings.SettingsException($"Storage '{n}' is requested but not configured in stores (configured: {Names()}).") { Store = n };
        return Validate(n, raw);
    }

    private string Names() => _raw.Count == 0 ? "none" : string.Join(", ", _raw.Keys.Order(StringComparer.Ordinal));

    private static StoreSpec Validate(string name, JsonObject raw)
    {
        var where = $"config.stores[\"{name}\"]";
        var protocol = GetString(raw, "protocol", where);
        if (protocol is null)
            throw new Settings.SettingsException($"{where} is missing: protocol");
        protocol = protocol.ToLowerInvariant();
        if (!Protocols.TryGetValue(protocol, out var rules))
            throw new Settings.SettingsException($"Unknown protocol \"{protocol}\" in {where}. Built-in: file, s3, gcs, azure. Install a plugin package for additional protocols.");
        var missing = rules.Required.Where(k => raw[k] is null).ToList();
        if (missing.Count > 0)
            throw new Settings.SettingsException($"{where} is missing: {string.Join(", ", missing)}");
        var allowed = new HashSet<string>(Common.Concat(rules.Extra), StringComparer.Ordinal);
        var invalid = raw.Select(p => p.Key).Where(k => !allowed.Contains(k)).ToList();
        if (invalid.Count > 0)
            throw new Settings.SettingsException($"Invalid key(s) in {where}: {string.Join(", ", invalid)}");
        if (protocol is "gcs" or "azure")
            throw new Settings.SettingsException($"{where}: protocol \"{protocol}\" is recognised but not supported by DataJoint for .NET yet (supported: file, s3).");

        var spec = new StoreSpec
        {
            Name = name,
            Protocol = protocol,
            Location = GetString(raw, "location", where) ?? "",
            Endpoint = GetString(raw, "endpoint", where),
            Bucket = GetString(raw, "bucket", where),
            AccessKey = GetString(raw, "access_key", where),
            SecretKey = GetString(raw, "secret_key", where),
            Secure = GetBool(raw, "secure", where) ?? true,
            Region = GetString(raw, "region", where),
            ProxyServer = GetString(raw, "proxy_server", where),
            Subfolding = GetIntList(raw, "subfolding", where),
            PartitionPattern = GetString(raw, "partition_pattern", where),
            TokenLength = GetInt(raw, "token_length", where) ?? 8,
            HashPrefix = GetString(raw, "hash_prefix", where) ?? "_hash",
            SchemaPrefix = GetString(raw, "schema_prefix", where) ?? "_schema",
            FilepathPrefix = GetString(raw, "filepath_prefix", where),
            Stage = GetString(raw, "stage", where),
            CreateLocation = GetBool(raw, "create_location", where) ?? false,
        };
        if (GetSeconds(raw, "connect_timeout", where) is { } connect) spec = spec with { ConnectTimeout = connect };
        if (GetSeconds(raw, "request_timeout", where) is { } request) spec = spec with { RequestTimeout = request };

        // Section prefixes must be mutually exclusive (normalized strip("/") + "/").
        var prefixes = new List<(string Key, string Value)> { ("hash_prefix", spec.HashPrefix), ("schema_prefix", spec.SchemaPrefix) };
        if (spec.FilepathPrefix is not null) prefixes.Add(("filepath_prefix", spec.FilepathPrefix));
        for (var i = 0; i < prefixes.Count; i++)
            for (var j = i + 1; j < prefixes.Count; j++)
            {
                var a = prefixes[i].Value.Trim('/') + "/";
                var b = prefixes[j].Value.Trim('/') + "/";
                if (a.StartsWith(b, StringComparison.Ordinal) || b.StartsWith(a, StringComparison.Ordinal))
                    throw new Settings.SettingsException(
                        $"{where}: {prefixes[i].Key}=\"{prefixes[i].Value}\" and {prefixes[j].Key}=\"{prefixes[j].Value}\" overlap. Storage section prefixes must be mutually exclusive.");
            }
        if (spec.Subfolding is { } folds && folds.Any(f => f <= 0))
            throw new Settings.SettingsException($"{where}: subfolding entries must be positive integers, got [{string.Join(", ", folds)}].");

        if (protocol == "s3")
        {
            if (string.IsNullOrWhiteSpace(spec.Endpoint) || string.IsNullOrWhiteSpace(spec.Bucket))
                throw new Settings.SettingsException($"Missing S3 configuration in {where}: endpoint and bucket are required.");
            if (spec.AccessKey is null != (spec.SecretKey is null))
                throw new Settings.SettingsException($"Incomplete S3 credentials in {where}: set both access_key and secret_key, or neither.");
        }
        return spec;
    }

    private static string? GetString(JsonObject raw, string key, string where)
    {
        var node = raw[key];
        if (node is null) return null;
        if (node is JsonValue v && v.TryGetValue<string>(out var s)) return s;
        throw new Settings.SettingsException($"{where}: \"{key}\" must be a string, got {Kind(node)}.");
    }

    private static bool? GetBool(JsonObject raw, string key, string where)
    {
        var node = raw[key];
        if (node is null) return null;
        if (node is JsonValue v)
        {
            if (v.TryGetValue<bool>(out var b)) return b;
            if (v.TryGetValue<string>(out var s) && bool.TryParse(s, out b)) return b;
        }
        throw new Settings.SettingsException($"{where}: \"{key}\" must be true or false, got {node.ToJsonString()}.");
    }

    private static int? GetInt(JsonObject raw, string key, string where)
    {
        var node = raw[key];
        if (node is null) return null;
        if (node is JsonValue v)
        {
            if (v.TryGetValue<int>(out var i)) return i;
            if (v.TryGetValue<string>(out var s) && int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out i)) return i;
        }
        throw new Settings.SettingsException($"{where}: \"{key}\" must be an integer, got {node.ToJsonString()}.");
    }

    /// <summary>A positive number of seconds (an integer or a decimal number, or its text).</summary>
    private static TimeSpan? GetSeconds(JsonObject raw, string key, string where)
    {
        var node = raw[key];
        if (node is null) return null;
        if (node is JsonValue v && (v.TryGetValue<double>(out var d)
            || (v.TryGetValue<string>(out var s) && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out d)))
            && d > 0 && d <= int.MaxValue / 1000.0)
            return TimeSpan.FromSeconds(d);
        throw new Settings.SettingsException($"{where}: \"{key}\" must be a positive number of seconds, got {node.ToJsonString()}.");
    }

    private static int[]? GetIntList(JsonObject raw, string key, string where)
    {
        var node = raw[key];
        if (node is null) return null;
        if (node is JsonArray arr)
        {
            var result = new int[arr.Count];
            for (var i = 0; i < arr.Count; i++)
            {
                if (arr[i] is JsonValue v && (v.TryGetValue<int>(out result[i])
                    || (v.TryGetValue<string>(out var s) && int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out result[i]))))
                    continue;
                throw new Settings.SettingsException($"{where}: \"{key}\" must be a list of integers, got {node.ToJsonString()}.");
            }
            return result;
        }
        throw new Settings.SettingsException($"{where}: \"{key}\" must be a list of integers, got {node.ToJsonString()}.");
    }

    private static string Kind(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "an object",
        JsonArray => "a list",
        _ => node.GetValueKind() switch
        {
            JsonValueKind.String => "a string",
            JsonValueKind.Number => "a number",
            JsonValueKind.True or JsonValueKind.False => "a boolean",
            _ => node.ToJsonString(),
        },
    };
}
