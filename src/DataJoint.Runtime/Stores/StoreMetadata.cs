using System.Globalization;
using System.Text;
using System.Text.Json;

namespace DataJoint.Stores;

/// <summary>
/// The JSON kept in a table column for an object in a store. <see cref="ToJson"/> writes what DataJoint Python's
/// <c>json.dumps</c> writes (insertion-ordered keys, <c>", "</c>/<c>": "</c> separators, non-ASCII escaped);
/// readers accept any key order and whitespace.
/// </summary>
public abstract record StoreMetadata
{
    /// <summary>The store-relative POSIX path of the object.</summary>
    public abstract string Path { get; }

    /// <summary>The concrete store name (never empty when written by this library).</summary>
    public abstract string? Store { get; }

    /// <summary>The column JSON, formatted as DataJoint Python formats it.</summary>
    public abstract string ToJson();

    /// <summary>The <c>path</c> and <c>store</c> of column JSON (GC's <c>referenced_paths</c>), or null if the JSON has no <c>path</c>.</summary>
    public static (string Path, string? Store)? ReferencedPath(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return null;
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return null;
            if (!doc.RootElement.TryGetProperty("path", out var p) || p.ValueKind != JsonValueKind.String) return null;
            var store = doc.RootElement.TryGetProperty("store", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
            return (p.GetString()!, store);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>UTC ISO-8601 with 6-digit fractional seconds and a <c>+00:00</c> offset (what Python's <c>fromisoformat</c> reads).</summary>
    public static string FormatTimestamp(DateTimeOffset value) =>
        value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'+00:00'", CultureInfo.InvariantCulture);

    internal static JsonElement ParseObject(string json, string what)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new DataJointException($"{what} metadata must be a JSON object, got {doc.RootElement.ValueKind}: {Shorten(json)}");
            return doc.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new DataJointException($"{what} metadata is not valid JSON ({ex.Message}): {Shorten(json)}", ex);
        }
    }

    internal static string RequireString(JsonElement e, string key, string what) =>
        e.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString()!
            : throw new DataJointException($"{what} metadata has no \"{key}\" string: {Shorten(e.GetRawText())}");

    internal static string? OptString(JsonElement e, string key) =>
        e.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    internal static long? OptLong(JsonElement e, string key) =>
        e.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var l) ? l : null;

    internal static bool OptBool(JsonElement e, string key) =>
        e.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.True;

    internal static DateTimeOffset? OptTimestamp(JsonElement e, string key) =>
        OptString(e, key) is { } s && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;

    private static string Shorten(string s) => s.Length <= 200 ? s : s[..200] + "...";
}

/// <summary>Column JSON of a hash-addressed object (<c>&lt;hash@&gt;</c>, <c>&lt;blob@&gt;</c>, <c>&lt;attach@&gt;</c>).</summary>
internal sealed record HashMetadata(string Hash, string HashPath, string Schema, string? StoreName, long Size) : StoreMetadata
{
    /// <inheritdoc />
    public override string Path => HashPath;

    /// <inheritdoc />
    public override string? Store => StoreName;

    /// <summary><c>{"hash": ..., "path": ..., "schema": ..., "store": ..., "size": n}</c>.</summary>
    public override string ToJson() => new PyJson()
        .Add("hash", Hash).Add("path", HashPath).Add("schema", Schema).Add("store", StoreName).Add("size", Size).ToString();

    /// <summary>Reads column JSON (requires <c>hash</c> and <c>path</c>).</summary>
    public static HashMetadata Parse(string json)
    {
        var e = ParseObject(json, "<hash>");
        return new HashMetadata(RequireString(e, "hash", "<hash>"), RequireString(e, "path", "<hash>"),
            OptString(e, "schema") ?? "unknown", OptString(e, "store"), OptLong(e, "size") ?? -1);
    }
}

/// <summary>Column JSON of a schema-addressed file or folder (<c>&lt;object@&gt;</c>) or a <c>&lt;filepath@&gt;</c> reference.</summary>
public sealed record ObjectMetadata : StoreMetadata
{
    /// <summary>The store-relative path.</summary>
    public required string ObjectPath { get; init; }
    /// <summary>The store name.</summary>
    public string? StoreName { get; init; }
    /// <summary>Size in bytes (sum of files for a folder; null for a filepath folder).</summary>
    public long? Size { get; init; }
    /// <summary>Extension including the dot, <c>""</c> for a file without one, null for bytes/folders.</summary>
    public string? Ext { get; init; }
    public bool IsDir { get; init; }
    /// <summary>Number of files of a folder object.</summary>
    public long? ItemCount { get; init; }
    public DateTimeOffset? Timestamp { get; init; }
    /// <summary>Optional content hash (not written by the built-in codecs).</summary>
    public string? Hash { get; init; }
    /// <summary>True for <c>&lt;filepath@&gt;</c> metadata (no <c>ext</c>/<c>item_count</c> keys).</summary>
    public bool IsFilepath { get; init; }

    /// <inheritdoc />
    public override string Path => ObjectPath;

    /// <inheritdoc />
    public override string? Store => StoreName;

    /// <summary>
    /// <c>{"path", "store", "size", "ext", "is_dir", "item_count", "timestamp"}</c> for objects,
    /// <c>{"path", "store", "size", "is_dir", "timestamp"}</c> for filepath references.
    /// </summary>
    public override string ToJson()
    {
        var j = new PyJson().Add("path", ObjectPath).Add("store", StoreName).Add("size", Size);
        if (!IsFilepath) j.Add("ext", Ext);
        j.Add("is_dir", IsDir);
        if (!IsFilepath) j.Add("item_count", ItemCount);
        j.Add("timestamp", Timestamp is { } t ? FormatTimestamp(t) : null);
        if (Hash is not null) j.Add("hash", Hash);
        return j.ToString();
    }

    /// <summary>Reads column JSON (requires <c>path</c>; <c>is_dir</c> defaults false).</summary>
    public static ObjectMetadata Parse(string json)
    {
        var e = ParseObject(json, "<object>");
        return new ObjectMetadata
        {
            ObjectPath = RequireString(e, "path", "<object>"),
            StoreName = OptString(e, "store"),
            Size = OptLong(e, "size"),
            Ext = OptString(e, "ext"),
            IsDir = OptBool(e, "is_dir"),
            ItemCount = OptLong(e, "item_count"),
            Timestamp = OptTimestamp(e, "timestamp"),
            Hash = OptString(e, "hash"),
            IsFilepath = !e.TryGetProperty("ext", out _) && !e.TryGetProperty("item_count", out _),
        };
    }
}

/// <summary>Column JSON of a <c>&lt;npy@&gt;</c> array: <c>{"path", "store", "dtype", "shape"}</c>.</summary>
public sealed record NpyMetadata(string ObjectPath, string? StoreName, string Dtype, IReadOnlyList<long> Shape) : StoreMetadata
{
    /// <inheritdoc />
    public override string Path => ObjectPath;

    /// <inheritdoc />
    public override string? Store => StoreName;

    /// <inheritdoc />
    public override string ToJson() => new PyJson()
        .Add("path", ObjectPath).Add("store", StoreName).Add("dtype", Dtype).Add("shape", Shape).ToString();

    /// <summary>Reads column JSON (requires <c>path</c>, <c>dtype</c>, <c>shape</c>).</summary>
    public static NpyMetadata Parse(string json)
    {
        var e = ParseObject(json, "<npy>");
        if (!e.TryGetProperty("shape", out var s) || s.ValueKind != JsonValueKind.Array)
            throw new DataJointException($"<npy> metadata has no \"shape\" list: {json}");
        var shape = s.EnumerateArray().Select(x => x.GetInt64()).ToArray();
        return new NpyMetadata(RequireString(e, "path", "<npy>"), OptString(e, "store"), RequireString(e, "dtype", "<npy>"), shape);
    }
}

/// <summary>A tiny writer of Python <c>json.dumps</c> output for flat objects (separators <c>", "</c> and <c>": "</c>, <c>ensure_ascii</c>).</summary>
internal sealed class PyJson
{
    private readonly StringBuilder _sb = new("{");

    public PyJson Add(string key, string? value) { Key(key); Str(value); return this; }
    public PyJson Add(string key, long? value) { Key(key); _sb.Append(value is { } v ? v.ToString(CultureInfo.InvariantCulture) : "null"); return this; }
    public PyJson Add(string key, bool value) { Key(key); _sb.Append(value ? "true" : "false"); return this; }

    public PyJson Add(string key, IReadOnlyList<long> values)
    {
        Key(key);
        _sb.Append('[');
        for (var i = 0; i < values.Count; i++)
        {
            if (i > 0) _sb.Append(", ");
            _sb.Append(values[i].ToString(CultureInfo.InvariantCulture));
        }
        _sb.Append(']');
        return this;
    }

    private void Key(string key)
    {
        if (_sb.Length > 1) _sb.Append(", ");
        Str(key);
        _sb.Append(": ");
    }

    private void Str(string? s)
    {
        if (s is null) { _sb.Append("null"); return; }
        _sb.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': _sb.Append("\\\""); break;
                case '\\': _sb.Append("\\\\"); break;
                case '\n': _sb.Append("\\n"); break;
                case '\r': _sb.Append("\\r"); break;
                case '\t': _sb.Append("\\t"); break;
                case '\b': _sb.Append("\\b"); break;
                case '\f': _sb.Append("\\f"); break;
                default:
                    if (c < 0x20 || c > 0x7E) _sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else _sb.Append(c);
                    break;
            }
        }
        _sb.Append('"');
    }

    public override string ToString() => _sb.ToString() + "}";
}
