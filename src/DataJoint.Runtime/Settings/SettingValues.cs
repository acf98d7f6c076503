using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DataJoint.Settings;

/// <summary>
/// The flat view every settings source is reduced to: dotted keys (<c>database.host</c>, <c>stores.main.location</c>,
/// <c>stores.main.subfolding.0</c>) mapped to text values, each remembering where it came from (a file, a variable, a
/// secrets file) so a bad value can be reported with its origin. Keys compare case-insensitively, as DataJoint Python's
/// settings and <see cref="Microsoft.Extensions.Configuration.IConfiguration"/> both do.
/// </summary>
internal sealed class SettingValues
{
    private readonly Dictionary<string, (string? Value, string Source)> _values = new(StringComparer.OrdinalIgnoreCase);

    public IEnumerable<string> Keys => _values.Keys;

    public int Count => _values.Count;

    public bool Contains(string key) => _values.ContainsKey(key);

    /// <summary>True when <paramref name="prefix"/> itself or any key below it (<c>prefix.x</c>) is set.</summary>
    public bool ContainsSection(string prefix) =>
        _values.Keys.Any(k => k.Equals(prefix, StringComparison.OrdinalIgnoreCase)
                              || k.StartsWith(prefix + ".", StringComparison.OrdinalIgnoreCase));

    public void Set(string key, string? value, string source) => _values[key] = (value, source);

    public bool TryGet(string key, out string? value, out string source)
    {
        if (_values.TryGetValue(key, out var v))
        {
            value = v.Value;
            source = v.Source;
            return true;
        }
        value = null;
        source = "";
        return false;
    }

    public string? SourceOf(string key) => _values.TryGetValue(key, out var v) ? v.Source : null;

    /// <summary>Removes <paramref name="prefix"/> and every key below it.</summary>
    public void RemoveSection(string prefix)
    {
        foreach (var k in _values.Keys.Where(k => k.Equals(prefix, StringComparison.OrdinalIgnoreCase)
                                                 || k.StartsWith(prefix + ".", StringComparison.OrdinalIgnoreCase)).ToList())
            _values.Remove(k);
    }

    /// <summary>Every value of <paramref name="other"/> replaces the one here (a higher-precedence source).</summary>
    public void Overlay(SettingValues other)
    {
        foreach (var (k, v) in other._values) _values[k] = v;
    }

    /// <summary>Sets values of <paramref name="other"/> whose key is not set here (secrets fill only what is unset).</summary>
    public void Fill(SettingValues other)
    {
        foreach (var (k, v) in other._values) _values.TryAdd(k, v);
    }

    /// <summary>
    /// Adds a JSON document's keys: nested objects and dotted keys both work (<c>{"database": {"host": "x"}}</c> and
    /// <c>{"database.host": "x"}</c>); lists become <c>key.0</c>, <c>key.1</c>, …; a JSON null is kept as a null value.
    /// </summary>
    public void AddJson(JsonNode? node, string prefix, string source)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (k, child) in obj) AddJson(child, prefix.Length == 0 ? k : prefix + "." + k, source);
                if (obj.Count == 0 && prefix.Length > 0) Set(prefix, null, source);
                break;
            case JsonArray arr:
                for (var i = 0; i < arr.Count; i++) AddJson(arr[i], prefix + "." + i.ToString(CultureInfo.InvariantCulture), source);
                if (arr.Count == 0) Set(prefix, null, source);
                break;
            case null:
                Set(prefix, null, source);
                break;
            default:
                var v = (JsonValue)node;
                Set(prefix, v.GetValueKind() switch
                {
                    JsonValueKind.String => v.GetValue<string>(),
                    JsonValueKind.True => "true",
                    JsonValueKind.False => "false",
                    _ => v.ToJsonString(),
                }, source);
                break;
        }
    }

    /// <summary>
    /// Rebuilds the JSON shape of everything below <paramref name="prefix"/> (children named 0, 1, … become a list).
    /// Values stay text; readers accept text for numbers and booleans.
    /// </summary>
    public JsonObject ToJsonObject(string prefix)
    {
        var root = new JsonObject();
        var start = prefix + ".";
        foreach (var (key, (value, _)) in _values.OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase))
        {
            if (!key.StartsWith(start, StringComparison.OrdinalIgnoreCase)) continue;
            var path = key[start.Length..].Split('.');
            var node = root;
            for (var i = 0; i < path.Length - 1; i++)
            {
                if (node[path[i]] is not JsonObject child)
                {
                    child = new JsonObject();
                    node[path[i]] = child;
                }
                node = child;
            }
            node[path[^1]] = value is null ? null : JsonValue.Create(value);
        }
        return (JsonObject)ListsFromIndexedObjects(root)!;
    }

    private static JsonNode? ListsFromIndexedObjects(JsonNode? node)
    {
        if (node is not JsonObject obj) return node;
        var names = obj.Select(p => p.Key).ToList();
        foreach (var name in names)
        {
            var child = obj[name];
            obj.Remove(name);
            obj[name] = ListsFromIndexedObjects(child);
        }
        if (obj.Count > 0 && names.All(n => int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            var list = new JsonArray();
            foreach (var n in names.OrderBy(n => int.Parse(n, CultureInfo.InvariantCulture)))
            {
                var child = obj[n];
                obj.Remove(n);
                list.Add(child);
            }
            return list;
        }
        return obj;
    }

    // ---- typed reads; errors name the key, the source and the value ----

    public string? GetString(string key) => TryGet(key, out var v, out _) ? v : null;

    public bool? GetBool(string key)
    {
        if (!TryGet(key, out var v, out var source) || v is null) return null;
        return ParseBool(v) ?? throw Bad(key, source, v, "true or false");
    }

    public int? GetInt(string key, int min = int.MinValue, int max = int.MaxValue)
    {
        if (!TryGet(key, out var v, out var source) || v is null) return null;
        if (!int.TryParse(v.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) || i < min || i > max)
            throw Bad(key, source, v, min == int.MinValue ? "an integer" : $"an integer from {min} to {max}");
        return i;
    }

    public long? GetLong(string key)
    {
        if (!TryGet(key, out var v, out var source) || v is null) return null;
        if (!long.TryParse(v.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var i))
            throw Bad(key, source, v, "an integer");
        return i;
    }

    public string? GetChoice(string key, params string[] choices)
    {
        if (!TryGet(key, out var v, out var source) || v is null) return null;
        foreach (var c in choices)
            if (c.Equals(v.Trim(), StringComparison.OrdinalIgnoreCase)) return c;
        throw Bad(key, source, v, "one of " + string.Join(", ", choices));
    }

    /// <summary>DataJoint Python (pydantic) booleans: true/false, 1/0, yes/no, on/off, any case.</summary>
    public static bool? ParseBool(string text) => text.Trim().ToLowerInvariant() switch
    {
        "true" or "1" or "yes" or "on" or "y" or "t" => true,
        "false" or "0" or "no" or "off" or "n" or "f" => false,
        _ => null,
    };

    public static DataJointException Bad(string key, string source, string value, string expected) =>
        new SettingsException($"Setting \"{key}\" (from {source}) must be {expected}, got '{value}'.");
}
