using System.Text.Json;
using System.Text.Json.Nodes;
using DataJoint.Stores;

namespace DataJoint.Hdf5;

/// <summary>One dataset of a stored HDF5 file: its full path in the file, shape and element type.</summary>
/// <param name="Name">The dataset's path in the file (<c>/acquisition/trace</c>).</param>
/// <param name="Shape">Its dimensions (empty for a scalar).</param>
/// <param name="Dtype">NumPy-style element type: <c>float64</c>, <c>int32</c>, <c>uint8</c>, <c>string</c>, or the HDF5 class (<c>compound</c>...).</param>
public sealed record Hdf5DatasetInfo(string Name, IReadOnlyList<long> Shape, string Dtype);

/// <summary>
/// What a <c>&lt;hdf5@&gt;</c> column holds: the object metadata DataJoint writes for <c>&lt;object@&gt;</c> files
/// (<c>path</c>, <c>store</c>, <c>size</c>, <c>ext</c>, <c>timestamp</c>) plus the file's dataset listing and its root
/// attributes with scalar values, so a query can see what a file holds without downloading it.
/// </summary>
public sealed record Hdf5Column(ObjectMetadata Object, IReadOnlyList<Hdf5DatasetInfo> Datasets, IReadOnlyDictionary<string, JsonNode?> Attributes)
{
    /// <summary>The column JSON.</summary>
    public JsonElement ToJson()
    {
        var doc = JsonNode.Parse(Object.ToJson())!.AsObject();
        doc["datasets"] = new JsonObject(Datasets.Select(d => KeyValuePair.Create(d.Name, (JsonNode?)new JsonObject
        {
            ["shape"] = new JsonArray([.. d.Shape.Select(n => (JsonNode)n)]),
            ["dtype"] = d.Dtype,
        })));
        doc["attributes"] = new JsonObject(Attributes.Select(a => KeyValuePair.Create(a.Key, a.Value?.DeepClone())));
        return JsonSerializer.SerializeToElement(doc);
    }

    /// <summary>Reads the column JSON.</summary>
    public static Hdf5Column Parse(JsonElement json)
    {
        var obj = ObjectMetadata.Parse(json.GetRawText());
        var datasets = new List<Hdf5DatasetInfo>();
        if (json.TryGetProperty("datasets", out var ds) && ds.ValueKind == JsonValueKind.Object)
            foreach (var d in ds.EnumerateObject())
                datasets.Add(new Hdf5DatasetInfo(d.Name,
                    d.Value.TryGetProperty("shape", out var s) ? [.. s.EnumerateArray().Select(e => e.GetInt64())] : [],
                    d.Value.TryGetProperty("dtype", out var t) ? t.GetString() ?? "" : ""));
        var attributes = new Dictionary<string, JsonNode?>();
        if (json.TryGetProperty("attributes", out var a) && a.ValueKind == JsonValueKind.Object)
            foreach (var p in a.EnumerateObject()) attributes[p.Name] = JsonNode.Parse(p.Value.GetRawText());
        return new Hdf5Column(obj, datasets, attributes);
    }
}
