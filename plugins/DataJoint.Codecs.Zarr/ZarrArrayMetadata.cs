using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DataJoint.Stores;

namespace DataJoint.Zarr;

/// <summary>
/// The array metadata document of a Zarr v3 array (<c>zarr.json</c>): shape, data type, regular chunk grid, chunk
/// key encoding, fill value and codec pipeline (Zarr v3 core specification, "Array metadata"). Written for arrays this
/// plugin stores (<c>bytes</c> little-endian + <c>zstd</c>, default chunk keys <c>c/i/j/k</c>, fill value 0, as
/// zarr-python 3's <c>create_array</c> defaults); read for any array whose pipeline is <c>bytes</c> followed by at most
/// one of <c>zstd</c>/<c>gzip</c>, with <c>default</c> or <c>v2</c> chunk keys.
/// </summary>
public sealed record ZarrArrayMetadata
{
    /// <summary>Array shape (one length per dimension).</summary>
    public required IReadOnlyList<long> Shape { get; init; }

    /// <summary>The element type (its <see cref="NpyDtype.Name"/> is the Zarr v3 <c>data_type</c>: <c>float32</c>, <c>int16</c>...).</summary>
    public required NpyDtype DataType { get; init; }

    /// <summary>The regular chunk grid's chunk shape.</summary>
    public required IReadOnlyList<int> ChunkShape { get; init; }

    /// <summary>Separator of chunk-key parts (<c>/</c> or <c>.</c>).</summary>
    public char Separator { get; init; } = '/';

    /// <summary>True for the <c>v2</c> chunk key encoding (<c>0.0</c>, no <c>c</c> prefix), false for <c>default</c> (<c>c/0/0</c>).</summary>
    public bool V2ChunkKeys { get; init; }

    /// <summary>Byte order of the <c>bytes</c> codec (1-byte types have none).</summary>
    public bool BigEndian { get; init; }

    /// <summary>The bytes-to-bytes compressor: <c>zstd</c>, <c>gzip</c>, or null (none).</summary>
    public string? Compressor { get; init; } = "zstd";

    /// <summary>The compressor's level (zstd: 0 = the library default, 3).</summary>
    public int CompressionLevel { get; init; }

    /// <summary>The fill value's element bytes (little-endian); missing chunks and padding of edge chunks hold it.</summary>
    public byte[] FillValue { get; init; } = [];

    /// <summary>User attributes (<c>attributes</c>).</summary>
    public JsonObject Attributes { get; init; } = [];

    /// <summary>Number of chunks along each dimension (<c>ceil(shape / chunk)</c>).</summary>
    public long[] GridShape => [.. Shape.Select((n, d) => (n + ChunkShape[d] - 1) / ChunkShape[d])];

    /// <summary>Elements in one chunk (edge chunks are stored full-size, padded with the fill value).</summary>
    public long ChunkElements => ChunkShape.Aggregate(1L, (a, b) => a * b);

    /// <summary>Bytes of one decoded chunk.</summary>
    public long ChunkBytes => ChunkElements * DataType.ItemSize;

    /// <summary>The store key of chunk <paramref name="index"/> relative to the array folder: <c>c/1/0/3</c> (default) or <c>1.0.3</c> (v2).</summary>
    public string ChunkKey(ReadOnlySpan<long> index)
    {
        var sb = new StringBuilder(V2ChunkKeys ? 0 : 2 + index.Length * 4);
        if (!V2ChunkKeys) sb.Append('c');
        for (var d = 0; d < index.Length; d++)
        {
            if (d > 0 || !V2ChunkKeys) sb.Append(Separator);
            sb.Append(index[d].ToString(CultureInfo.InvariantCulture));
        }
        if (index.Length == 0 && V2ChunkKeys) sb.Append('0');
        return sb.ToString();
    }

    /// <summary>The <c>zarr.json</c> document (indent 2, as zarr-python writes it).</summary>
    public byte[] ToJson()
    {
        var codecs = new JsonArray();
        var bytesCodec = new JsonObject { ["name"] = "bytes" };
        if (DataType.ItemSize > 1 && DataType != NpyDtype.Bool)
            bytesCodec["configuration"] = new JsonObject { ["endian"] = BigEndian ? "big" : "little" };
        codecs.Add(bytesCodec);
        switch (Compressor)
        {
            case "zstd":
                codecs.Add(new JsonObject { ["name"] = "zstd", ["configuration"] = new JsonObject { ["level"] = CompressionLevel, ["checksum"] = false } });
                break;
            case "gzip":
                codecs.Add(new JsonObject { ["name"] = "gzip", ["configuration"] = new JsonObject { ["level"] = CompressionLevel } });
                break;
        }
        var doc = new JsonObject
        {
            ["zarr_format"] = 3,
            ["node_type"] = "array",
            ["shape"] = new JsonArray([.. Shape.Select(n => (JsonNode)n)]),
            ["data_type"] = DataType.Name,
            ["chunk_grid"] = new JsonObject
            {
                ["name"] = "regular",
                ["configuration"] = new JsonObject { ["chunk_shape"] = new JsonArray([.. ChunkShape.Select(n => (JsonNode)n)]) },
            },
            ["chunk_key_encoding"] = new JsonObject
            {
                ["name"] = V2ChunkKeys ? "v2" : "default",
                ["configuration"] = new JsonObject { ["separator"] = Separator.ToString() },
            },
            ["fill_value"] = FillValueJson(),
            ["codecs"] = codecs,
            ["attributes"] = Attributes.DeepClone(),
            ["storage_transformers"] = new JsonArray(),
        };
        return Encoding.UTF8.GetBytes(doc.ToJsonString(new JsonSerializerOptions { WriteIndented = true, IndentSize = 2, NewLine = "\n" }));
    }

    private JsonNode? FillValueJson()
    {
        var f = FillValue;
        if (f.Length == 0) return 0;
        return DataType.Name switch
        {
            "bool" => f[0] != 0,
            "int8" => (sbyte)f[0],
            "uint8" => f[0],
            "int16" => BitConverter.ToInt16(f),
            "uint16" => BitConverter.ToUInt16(f),
            "int32" => BitConverter.ToInt32(f),
            "uint32" => BitConverter.ToUInt32(f),
            "int64" => BitConverter.ToInt64(f),
            "uint64" => BitConverter.ToUInt64(f),
            "float16" => Float((double)BitConverter.ToHalf(f)),
            "float32" => Float(BitConverter.ToSingle(f)),
            "float64" => Float(BitConverter.ToDouble(f)),
            "complex64" => new JsonArray(Float(BitConverter.ToSingle(f, 0)), Float(BitConverter.ToSingle(f, 4))),
            "complex128" => new JsonArray(Float(BitConverter.ToDouble(f, 0)), Float(BitConverter.ToDouble(f, 8))),
            _ => 0,
        };

        // The spec writes non-finite floats as strings.
        static JsonNode Float(double v) =>
            double.IsNaN(v) ? "NaN" : double.IsPositiveInfinity(v) ? "Infinity" : double.IsNegativeInfinity(v) ? "-Infinity"
            : JsonValue.Create(v)!;
    }

    /// <summary>Parses a <c>zarr.json</c>; <paramref name="where"/> names the array in errors.</summary>
    public static ZarrArrayMetadata Parse(ReadOnlySpan<byte> json, string where)
    {
        JsonNode? root;
        try { root = JsonNode.Parse(json); }
        catch (JsonException e) { throw new DataJointException($"{where}: zarr.json is not valid JSON ({e.Message})."); }
        if (root is not JsonObject doc) throw new DataJointException($"{where}: zarr.json is not a JSON object.");
        if (doc["zarr_format"]?.GetValue<int>() != 3)
            throw new DataJointException($"{where}: zarr.json has zarr_format {doc["zarr_format"]?.ToJsonString() ?? "(missing)"}; only Zarr v3 arrays are supported.");
        if ((string?)doc["node_type"] != "array")
            throw new DataJointException($"{where}: zarr.json describes a {(string?)doc["node_type"] ?? "(missing)"} node, not an array.");
        if (doc["storage_transformers"] is JsonArray { Count: > 0 })
            throw new DataJointException($"{where}: storage transformers are not supported.");

        var shape = Required<JsonArray>(doc, "shape", where).Select(n => n!.GetValue<long>()).ToArray();
        var dataTypeName = Required<JsonValue>(doc, "data_type", where).ToString();
        NpyDtype dtype;
        try { dtype = NpyDtype.FromName(dataTypeName); }
        catch (DataJointException) { throw new DataJointException($"{where}: data type '{dataTypeName}' is not supported (numeric and bool types are)."); }

        var grid = Required<JsonObject>(doc, "chunk_grid", where);
        if ((string?)grid["name"] != "regular") throw new DataJointException($"{where}: chunk grid '{(string?)grid["name"]}' is not supported (only 'regular').");
        var chunks = (grid["configuration"]?["chunk_shape"] as JsonArray ?? throw new DataJointException($"{where}: chunk_grid has no chunk_shape."))
            .Select(n => n!.GetValue<int>()).ToArray();
        if (chunks.Length != shape.Length || chunks.Any(c => c <= 0))
            throw new DataJointException($"{where}: chunk shape [{string.Join(", ", chunks)}] does not fit shape [{string.Join(", ", shape)}].");

        var keys = Required<JsonObject>(doc, "chunk_key_encoding", where);
        var keyName = (string?)keys["name"];
        if (keyName is not ("default" or "v2")) throw new DataJointException($"{where}: chunk key encoding '{keyName}' is not supported.");
        var separator = (string?)keys["configuration"]?["separator"] ?? (keyName == "v2" ? "." : "/");

        var bigEndian = false;
        string? compressor = null;
        var level = 0;
        var codecs = Required<JsonArray>(doc, "codecs", where);
        for (var i = 0; i < codecs.Count; i++)
        {
            var name = (string?)codecs[i]?["name"];
            var config = codecs[i]?["configuration"];
            if (i == 0)
            {
                if (name != "bytes") throw new DataJointException($"{where}: codec '{name}' first in the pipeline is not supported (only 'bytes'; no transpose or sharding).");
                bigEndian = (string?)config?["endian"] == "big";
            }
            else if (i == 1 && name is "zstd" or "gzip")
            {
                compressor = name;
                level = config?["level"]?.GetValue<int>() ?? 0;
            }
            else throw new DataJointException($"{where}: codec '{name}' is not supported (supported pipeline: bytes, then zstd or gzip).");
        }

        return new ZarrArrayMetadata
        {
            Shape = shape, DataType = dtype, ChunkShape = chunks, Separator = separator[0], V2ChunkKeys = keyName == "v2",
            BigEndian = bigEndian, Compressor = compressor, CompressionLevel = level,
            FillValue = ParseFill(doc["fill_value"], dtype, where),
            Attributes = doc["attributes"] as JsonObject is { } a ? (JsonObject)a.DeepClone() : [],
        };
    }

    private static T Required<T>(JsonObject doc, string key, string where) where T : JsonNode =>
        doc[key] as T ?? throw new DataJointException($"{where}: zarr.json has no valid '{key}'.");

    private static byte[] ParseFill(JsonNode? node, NpyDtype dtype, string where)
    {
        var bytes = new byte[dtype.ItemSize];
        if (node is null) return bytes;
        try
        {
            switch (dtype.Name)
            {
                case "bool": bytes[0] = node.GetValue<bool>() ? (byte)1 : (byte)0; break;
                case "int8": bytes[0] = (byte)node.GetValue<sbyte>(); break;
                case "uint8": bytes[0] = node.GetValue<byte>(); break;
                case "int16": BitConverter.TryWriteBytes(bytes, node.GetValue<short>()); break;
                case "uint16": BitConverter.TryWriteBytes(bytes, node.GetValue<ushort>()); break;
                case "int32": BitConverter.TryWriteBytes(bytes, node.GetValue<int>()); break;
                case "uint32": BitConverter.TryWriteBytes(bytes, node.GetValue<uint>()); break;
                case "int64": BitConverter.TryWriteBytes(bytes, node.GetValue<long>()); break;
                case "uint64": BitConverter.TryWriteBytes(bytes, node.GetValue<ulong>()); break;
                case "float16": BitConverter.TryWriteBytes(bytes, (Half)Float(node)); break;
                case "float32": BitConverter.TryWriteBytes(bytes, (float)Float(node)); break;
                case "float64": BitConverter.TryWriteBytes(bytes, Float(node)); break;
                case "complex64":
                    BitConverter.TryWriteBytes(bytes.AsSpan(0, 4), (float)Float(node[0]!));
                    BitConverter.TryWriteBytes(bytes.AsSpan(4, 4), (float)Float(node[1]!));
                    break;
                case "complex128":
                    BitConverter.TryWriteBytes(bytes.AsSpan(0, 8), Float(node[0]!));
                    BitConverter.TryWriteBytes(bytes.AsSpan(8, 8), Float(node[1]!));
                    break;
            }
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or OverflowException)
        {
            throw new DataJointException($"{where}: fill value {node.ToJsonString()} does not fit data type {dtype.Name}.");
        }
        return bytes;

        static double Float(JsonNode n) => n.GetValueKind() == JsonValueKind.String
            ? (string)n! switch
            {
                "NaN" => double.NaN,
                "Infinity" => double.PositiveInfinity,
                "-Infinity" => double.NegativeInfinity,
                var s when s.StartsWith("0x", StringComparison.Ordinal) => throw new FormatException($"hex float fill values ({s}) are not supported"),
                var s => throw new FormatException(s),
            }
            : n.GetValue<double>();
    }
}
