using System.Text.Json;
using System.Text.Json.Nodes;
using DataJoint.Stores;
using PureHDF;

namespace DataJoint.Hdf5;

/// <summary>
/// <c>&lt;hdf5@&gt;</c> / <c>&lt;hdf5@store&gt;</c>: an HDF5 file (NWB files are HDF5 files) stored as one object at the row's
/// schema-addressed path <c>_schema/{schema}/{table}/{pk=v...}/{field}_{token}.h5</c> (or the file's own extension).
/// Insert a PureHDF <see cref="H5File"/> built in memory (groups, datasets, attributes), or the path of an existing
/// HDF5 file. The column records the object metadata and the file's dataset listing (<see cref="Hdf5Column"/>); fetch
/// returns a lazy <see cref="Hdf5Ref"/>. Store-only.
/// </summary>
[Codec("hdf5", InStore = "json", InTableError = "<hdf5> requires @ (store only)")]
public sealed partial class Hdf5Codec : AsyncCodec<object, JsonElement>
{
    /// <summary>The 8-byte HDF5 format signature.</summary>
    private static readonly byte[] Signature = [0x89, (byte)'H', (byte)'D', (byte)'F', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <inheritdoc/>
    protected override void Validate(object value)
    {
        switch (value)
        {
            case H5File:
                return;
            case string or FileInfo:
                var path = value is FileInfo f ? f.FullName : (string)value;
                if (!File.Exists(path)) throw new DataJointException($"<hdf5>: file not found: {path}");
                if (!IsHdf5(path)) throw new DataJointException($"<hdf5>: {path} is not an HDF5 file (no HDF5 signature at offset 0, 512, 1024...).");
                return;
            default:
                throw new DataJointException($"<hdf5> requires a PureHDF H5File or the path of an HDF5 file, got {value.GetType().Name}.");
        }
    }

    /// <inheritdoc/>
    protected override async ValueTask<JsonElement> EncodeAsync(object value, EncodeContext context, CancellationToken cancellationToken)
    {
        string? temp = null;
        try
        {
            string local;
            if (value is H5File model)
            {
                temp = Path.Combine(Path.GetTempPath(), $"djnet-hdf5-{Guid.NewGuid():N}.h5");
                model.Write(temp);
                local = temp;
            }
            else local = value is FileInfo f ? f.FullName : (string)value;

            var listing = Describe(local, $"<hdf5> value for attribute '{context.Attribute}'");
            var ext = temp is not null || Path.GetExtension(local).Length == 0 ? ".h5" : Path.GetExtension(local);
            await using var file = new FileStream(local, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan);
            var metadata = await ObjectStorage.PutStreamAsync(context.GetStore(), ObjectLocation.For(context), file, file.Length, ext, cancellationToken)
                .ConfigureAwait(false);
            return new Hdf5Column(metadata, listing.Datasets, listing.Attributes).ToJson();
        }
        finally
        {
            if (temp is not null) File.Delete(temp);
        }
    }

    /// <inheritdoc/>
    protected override ValueTask<object> DecodeAsync(JsonElement stored, DecodeContext context, CancellationToken cancellationToken)
    {
        var column = Hdf5Column.Parse(stored);
        return new ValueTask<object>(new Hdf5Ref(column, context.GetStore(column.Object.StoreName)));
    }

    private static bool IsHdf5(string path)
    {
        using var s = File.OpenRead(path);
        Span<byte> head = stackalloc byte[8];
        // The superblock may follow a user block of 512, 1024, 2048... bytes.
        for (long offset = 0; offset + 8 <= s.Length; offset = offset == 0 ? 512 : offset * 2)
        {
            s.Position = offset;
            s.ReadExactly(head);
            if (head.SequenceEqual(Signature)) return true;
        }
        return false;
    }

    /// <summary>The datasets (recursively, in file order) and the scalar root attributes of an HDF5 file, read with PureHDF.</summary>
    internal static (List<Hdf5DatasetInfo> Datasets, Dictionary<string, JsonNode?> Attributes) Describe(string path, string where)
    {
        try
        {
            using var file = H5File.OpenRead(path);
            var datasets = new List<Hdf5DatasetInfo>();
            Walk(file, "", datasets);
            var attributes = new Dictionary<string, JsonNode?>();
            foreach (var a in file.Attributes())
                if (ScalarAttribute(a) is { } v) attributes[a.Name] = v;
            return (datasets, attributes);
        }
        catch (Exception e) when (e is not DataJointException and not OperationCanceledException)
        {
            throw new DataJointException($"{where}: PureHDF cannot read the file ({e.Message}).", e);
        }
    }

    private static void Walk(IH5Group group, string prefix, List<Hdf5DatasetInfo> into)
    {
        foreach (var child in group.Children())
        {
            var name = prefix + "/" + child.Name;
            switch (child)
            {
                case IH5Dataset d:
                    into.Add(new Hdf5DatasetInfo(name, [.. (d.Space.Dimensions ?? []).Select(n => (long)n)], DtypeName(d.Type)));
                    break;
                case IH5Group g:
                    Walk(g, name, into);
                    break;
            }
        }
    }

    /// <summary>NumPy's name for an HDF5 element type (<c>float64</c>, <c>int16</c>...), else the HDF5 class in lower case.</summary>
    internal static string DtypeName(IH5DataType type) => type.Class switch
    {
        H5DataTypeClass.FloatingPoint => "float" + type.Size * 8,
        H5DataTypeClass.FixedPoint => (type.FixedPoint.IsSigned ? "int" : "uint") + type.Size * 8,
        H5DataTypeClass.String => "string",
        H5DataTypeClass.VariableLength => "vlen",   // h5py's name: variable-length strings or sequences
        var c => c.ToString().ToLowerInvariant(),
    };

    private static JsonNode? ScalarAttribute(IH5Attribute attribute)
    {
        try
        {
            if (attribute.Space.Type != H5DataspaceType.Scalar && attribute.Space.Dimensions is not [1]) return null;
            return attribute.Type.Class switch
            {
                H5DataTypeClass.String or H5DataTypeClass.VariableLength => attribute.Read<string>(),
                H5DataTypeClass.FloatingPoint => attribute.Read<double>(),
                H5DataTypeClass.FixedPoint => attribute.Read<long>(),
                _ => null,
            };
        }
        catch (Exception)
        {
            return null; // attributes of other kinds are left out of the listing (the file keeps them)
        }
    }
}
