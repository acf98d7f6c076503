using System.Text.Json.Nodes;
using DataJoint.Stores;
using PureHDF;
using PureHDF.VOL.Native;

namespace DataJoint.Hdf5;

/// <summary>
/// A lazy HDF5 file in a store, returned when fetching a <c>&lt;hdf5@&gt;</c> column. <see cref="Datasets"/>,
/// <see cref="Attributes"/>, <see cref="Size"/> come from the column (no I/O). HDF5 needs random access, so
/// <see cref="OpenAsync"/> downloads the file once (to a temp file, deleted by <see cref="Dispose"/>) and opens it with PureHDF.
/// <code>
/// using var h5 = row.Ephys;                                 // Hdf5Ref
/// var trace = await h5.ReadAsync&lt;double[,]&gt;("/acquisition/trace");
/// using var file = await h5.OpenAsync();                   // PureHDF NativeFile: groups, attributes, slicing
/// </code>
/// </summary>
public sealed class Hdf5Ref : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _local;

    /// <summary>The file a <c>&lt;hdf5@&gt;</c> column describes, in <paramref name="store"/>.</summary>
    public Hdf5Ref(Hdf5Column column, IObjectStore store)
    {
        Column = column ?? throw new ArgumentNullException(nameof(column));
        Store = store ?? throw new ArgumentNullException(nameof(store));
    }

    /// <summary>The column metadata.</summary>
    public Hdf5Column Column { get; }

    /// <summary>The store holding the file.</summary>
    public IObjectStore Store { get; }

    /// <summary>The store-relative path.</summary>
    public string Path => Column.Object.ObjectPath;

    /// <summary>File size in bytes.</summary>
    public long? Size => Column.Object.Size;

    /// <summary>The file's datasets (path in the file, shape, dtype).</summary>
    public IReadOnlyList<Hdf5DatasetInfo> Datasets => Column.Datasets;

    /// <summary>The file's root attributes with scalar string or number values.</summary>
    public IReadOnlyDictionary<string, JsonNode?> Attributes => Column.Attributes;

    /// <summary>The file as an <see cref="ObjectRef"/> (stream it, download it elsewhere, verify its size).</summary>
    public ObjectRef AsObject() => new(Column.Object, Store);

    /// <summary>Downloads the file (once) and opens it with PureHDF; dispose the returned file when done.</summary>
    public async Task<NativeFile> OpenAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_local is null)
            {
                var target = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"djnet-hdf5-{Guid.NewGuid():N}{Column.Object.Ext}");
                _local = await AsObject().DownloadAsync(target, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
        return H5File.OpenRead(_local);
    }

    /// <summary>Reads a whole dataset as <typeparamref name="T"/> (<c>double[]</c>, <c>float[,]</c>, <c>string[]</c>...).</summary>
    public async Task<T> ReadAsync<T>(string dataset, CancellationToken cancellationToken = default)
    {
        if (!Datasets.Any(d => d.Name == dataset || d.Name == "/" + dataset.TrimStart('/')))
            throw new DataJointException($"HDF5 file {Path} in store '{Store.Name}' has no dataset '{dataset}' (datasets: {string.Join(", ", Datasets.Select(d => d.Name))}).");
        using var file = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return file.Dataset(dataset).Read<T>();
    }

    /// <summary>Deletes the downloaded copy, if any.</summary>
    public void Dispose()
    {
        if (_local is not null && File.Exists(_local)) File.Delete(_local);
        _local = null;
        _gate.Dispose();
    }

    /// <summary>The store-relative path.</summary>
    public override string ToString() => Path;
}
