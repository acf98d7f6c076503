using System.Text.Json;
using System.Text.Json.Nodes;

namespace DataJoint.Zarr;

/// <summary>
/// What a <c>&lt;zarr@&gt;</c> column holds: the JSON document the Python plugin (dj-zarr-codecs) writes, with the same
/// members in the same order — <c>{"path", "store", "shape", "dtype", "provenance"}</c> — so a Python colleague with
/// that plugin opens the array from the row (it reads <c>path</c> and <c>store</c>) and this plugin opens Python's rows.
/// <c>provenance</c> names the writer and its version (Python: <c>datajoint-python</c>, <c>dj-zarr-codecs</c>; here:
/// <c>datajoint-dotnet</c>, <c>DataJoint.Codecs.Zarr</c>).
/// </summary>
public sealed record ZarrColumn(string Path, string? Store, IReadOnlyList<long> Shape, string Dtype, IReadOnlyDictionary<string, string> Provenance)
{
    /// <summary>This writer's provenance block.</summary>
    internal static IReadOnlyDictionary<string, string> OwnProvenance { get; } = new Dictionary<string, string>
    {
        ["datajoint-dotnet"] = typeof(DataJointException).Assembly.GetName().Version!.ToString(3),
        ["DataJoint.Codecs.Zarr"] = typeof(ZarrColumn).Assembly.GetName().Version!.ToString(3),
    };

    /// <summary>The column JSON.</summary>
    public JsonElement ToJson()
    {
        var doc = new JsonObject
        {
            ["path"] = Path,
            ["store"] = Store,
            ["shape"] = new JsonArray([.. Shape.Select(n => (JsonNode)n)]),
            ["dtype"] = Dtype,
            ["provenance"] = new JsonObject(Provenance.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
        };
        return JsonSerializer.SerializeToElement(doc);
    }

    /// <summary>Reads a column written by this plugin or by dj-zarr-codecs (a missing <c>provenance</c> is allowed).</summary>
    public static ZarrColumn Parse(JsonElement json, string where)
    {
        try
        {
            var shape = json.TryGetProperty("shape", out var s) && s.ValueKind == JsonValueKind.Array
                ? s.EnumerateArray().Select(e => e.GetInt64()).ToArray() : [];
            var provenance = new Dictionary<string, string>();
            if (json.TryGetProperty("provenance", out var p) && p.ValueKind == JsonValueKind.Object)
                foreach (var entry in p.EnumerateObject()) provenance[entry.Name] = entry.Value.ToString();
            return new ZarrColumn(
                json.GetProperty("path").GetString() ?? throw new KeyNotFoundException("path"),
                json.TryGetProperty("store", out var st) && st.ValueKind == JsonValueKind.String ? st.GetString() : null,
                shape,
                json.TryGetProperty("dtype", out var d) ? d.GetString() ?? "" : "",
                provenance);
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new DataJointException($"{where}: the <zarr> column does not hold zarr metadata ({json.GetRawText()}).", e);
        }
    }
}
