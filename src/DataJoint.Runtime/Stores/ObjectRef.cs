using System.Runtime.CompilerServices;

namespace DataJoint.Stores;

/// <summary>
/// A lazy reference to a file or folder in a store, returned when fetching <c>&lt;object@&gt;</c> and <c>&lt;filepath@&gt;</c>
/// columns. Nothing is downloaded until a method is called.
/// <code>
/// ObjectRef raw = row.Raw;
/// if (await raw.ExistsAsync()) await using (var s = await raw.OpenReadAsync()) { ... }
/// await raw.DownloadAsync("/tmp/work");          // a file into a folder, or a whole folder object
/// </code>
/// </summary>
public sealed class ObjectRef
{
    /// <summary>A reference to the object described by <paramref name="metadata"/> in <paramref name="store"/>.</summary>
    public ObjectRef(ObjectMetadata metadata, IObjectStore store)
    {
        Metadata = metadata ?? throw new ArgumentNullException(nameof(metadata));
        Store = store ?? throw new ArgumentNullException(nameof(store));
    }

    /// <summary>Resolves the store named in the column JSON (or the default store) through <paramref name="stores"/>.</summary>
    public static ObjectRef FromJson(string json, IStoreProvider stores)
    {
        ArgumentNullException.ThrowIfNull(stores);
        var metadata = ObjectMetadata.Parse(json);
        return new ObjectRef(metadata, stores.GetStore(metadata.StoreName));
    }

    /// <summary>The column metadata.</summary>
    public ObjectMetadata Metadata { get; }
    /// <summary>The store holding the object.</summary>
    public IObjectStore Store { get; }
    /// <summary>The store-relative path.</summary>
    public string Path => Metadata.ObjectPath;
    /// <summary>Size in bytes as recorded at insert (null for a filepath folder).</summary>
    public long? Size => Metadata.Size;
    /// <summary>True for a folder object.</summary>
    public bool IsDir => Metadata.IsDir;
    /// <summary>The extension (with the dot) recorded at insert.</summary>
    public string? Ext => Metadata.Ext;
    /// <summary>Number of files of a folder object.</summary>
    public long? ItemCount => Metadata.ItemCount;
    /// <summary>When the object was stored (UTC).</summary>
    public DateTimeOffset? Timestamp => Metadata.Timestamp;
    /// <summary>Where the object lives (<c>{location}/{path}</c> or <c>s3://bucket/location/path</c>).</summary>
    public string FullPath => Store.Spec.FullPath(Path);

    private string Resolve(string? subpath)
    {
        if (string.IsNullOrEmpty(subpath)) return Path;
        if (!IsDir) throw new DataJointException($"Cannot use subpath on a file object ({Path} in store '{Store.Name}').");
        return Path + "/" + subpath.TrimStart('/');
    }

    /// <summary>True if the object (or <paramref name="subpath"/> of a folder) exists in the store.</summary>
    public async Task<bool> ExistsAsync(string? subpath = null, CancellationToken cancellationToken = default)
    {
        var p = Resolve(subpath);
        if (await Store.GetSizeAsync(p, cancellationToken).ConfigureAwait(false) is not null) return true;
        if (!IsDir) return false;
        await foreach (var _ in Store.ListAsync(p + "/", cancellationToken).ConfigureAwait(false)) return true;
        return false;
    }

    /// <summary>Opens a file object (or a file inside a folder object, by <paramref name="subpath"/>) for streaming reads.</summary>
    public Task<Stream> OpenReadAsync(string? subpath = null, CancellationToken cancellationToken = default)
    {
        if (IsDir && string.IsNullOrEmpty(subpath))
            throw new DataJointException($"Cannot read() a directory. Use listdir() or walk() instead. ({Path} in store '{Store.Name}'; use ListAsync or OpenReadAsync(subpath).)");
        return Store.OpenReadAsync(Resolve(subpath), cancellationToken);
    }

    /// <summary>Reads a whole file object into memory.</summary>
    public async Task<byte[]> ReadAllBytesAsync(CancellationToken cancellationToken = default)
    {
        await using var stream = await OpenReadAsync(null, cancellationToken).ConfigureAwait(false);
        using var ms = new MemoryStream(Size is > 0 and < int.MaxValue ? (int)Size : 0);
        await stream.CopyToAsync(ms, cancellationToken).ConfigureAwait(false);
        return ms.ToArray();
    }

    /// <summary>The files of a folder object, as paths relative to it (a file object lists itself as its file name).</summary>
    public async IAsyncEnumerable<StoreObjectInfo> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (!IsDir)
        {
            yield return new StoreObjectInfo(FileName(Path), Size ?? 0);
            yield break;
        }
        await foreach (var item in Store.ListAsync(Path + "/", cancellationToken).ConfigureAwait(false))
            yield return item with { Path = item.Path[(Path.Length + 1)..] };
    }

    /// <summary>
    /// Downloads to <paramref name="destination"/>: a file object goes into it when it is an existing folder (keeping
    /// its file name), else to that path; a folder object is copied recursively into the folder <paramref name="destination"/>.
    /// Returns the local path written.
    /// </summary>
    public async Task<string> DownloadAsync(string destination, string? subpath = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (IsDir && string.IsNullOrEmpty(subpath))
        {
            Directory.CreateDirectory(destination);
            await foreach (var item in ListAsync(cancellationToken).ConfigureAwait(false))
            {
                var local = System.IO.Path.Combine(destination, item.Path.Replace('/', System.IO.Path.DirectorySeparatorChar));
                await CopyToFileAsync(Path + "/" + item.Path, local, cancellationToken).ConfigureAwait(false);
            }
            return destination;
        }
        var source = Resolve(subpath);
        var target = Directory.Exists(destination) ? System.IO.Path.Combine(destination, FileName(source)) : destination;
        await CopyToFileAsync(source, target, cancellationToken).ConfigureAwait(false);
        return target;
    }

    private async Task CopyToFileAsync(string storePath, string localPath, CancellationToken cancellationToken)
    {
        var dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(localPath));
        if (dir is not null) Directory.CreateDirectory(dir);
        var temp = localPath + ".downloading";
        try
        {
            await using (var source = await Store.OpenReadAsync(storePath, cancellationToken).ConfigureAwait(false))
            await using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
                await source.CopyToAsync(file, 81920, cancellationToken).ConfigureAwait(false);
            File.Move(temp, localPath, overwrite: true);
        }
        catch
        {
            try { File.Delete(temp); } catch (IOException) { }
            throw;
        }
    }

    /// <summary>
    /// How much later than its row's <see cref="Timestamp"/> an object may have been written before
    /// <see cref="VerifyAsync"/> calls it changed: the clocks of this machine and of the store's server may differ a
    /// little (S3 refuses requests from clocks more than 15 minutes off). Default 2 minutes.
    /// </summary>
    public static TimeSpan DefaultClockSkew { get; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Checks the object against everything its metadata records, without trusting existence alone:
    /// <list type="bullet">
    /// <item>a file exists with the recorded size; with a recorded <c>hash</c>, its bytes hash to it;</item>
    /// <item>without a hash, it was not written later than the row's <see cref="Timestamp"/> (plus
    /// <paramref name="clockSkew"/>, default <see cref="DefaultClockSkew"/>): a file overwritten after the insert, even at
    /// the same size, fails;</item>
    /// <item>a folder: every manifest entry exists with its size and was not written after the timestamp (no manifest: the
    /// folder must exist).</item>
    /// </list>
    /// DataJoint's <c>&lt;object@&gt;</c> metadata records no content hash (DataJoint Python's format), so a change at the
    /// same size within the clock-skew allowance of the insert cannot be seen.
    /// </summary>
    public async Task<bool> VerifyAsync(TimeSpan? clockSkew = null, CancellationToken cancellationToken = default)
    {
        var latest = Timestamp is { } t ? t + (clockSkew ?? DefaultClockSkew) : (DateTimeOffset?)null;
        if (!IsDir)
        {
            var size = await Store.GetSizeAsync(Path, cancellationToken).ConfigureAwait(false);
            if (size is null || (Size is { } expected && size != expected)) return false;
            if (Metadata.Hash is { } hash && ContentHash.IsValid(hash))
            {
                await using var s = await Store.OpenReadAsync(Path, cancellationToken).ConfigureAwait(false);
                return await ContentHash.ComputeAsync(s, cancellationToken).ConfigureAwait(false) == hash;
            }
            return !await WrittenAfterAsync(Path, latest, cancellationToken).ConfigureAwait(false);
        }
        var manifest = await ObjectStorage.ReadManifestAsync(Store, Path, cancellationToken).ConfigureAwait(false);
        if (manifest is null) return await ExistsAsync(null, cancellationToken).ConfigureAwait(false);
        foreach (var (rel, size) in manifest)
        {
            var file = Path + "/" + rel;
            if (await Store.GetSizeAsync(file, cancellationToken).ConfigureAwait(false) != size) return false;
            if (await WrittenAfterAsync(file, latest, cancellationToken).ConfigureAwait(false)) return false;
        }
        return true;
    }

    private async Task<bool> WrittenAfterAsync(string path, DateTimeOffset? latest, CancellationToken cancellationToken) =>
        latest is { } limit && await Store.GetLastModifiedAsync(path, cancellationToken).ConfigureAwait(false) is { } modified && modified > limit;

    /// <summary>The column JSON.</summary>
    public string ToJson() => Metadata.ToJson();

    /// <summary>The store-relative path.</summary>
    public override string ToString() => Path;

    private static string FileName(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash < 0 ? path : path[(slash + 1)..];
    }
}

/// <summary>
/// A lazy <c>&lt;npy@&gt;</c> array: <see cref="Shape"/> and <see cref="Dtype"/> come from the column metadata (no I/O);
/// <see cref="LoadAsync"/> downloads and parses the .npy file once and caches it.
/// </summary>
public sealed class NpyRef
{
    private NpyArray? _loaded;

    /// <summary>A reference to the array described by <paramref name="metadata"/> in <paramref name="store"/>.</summary>
    public NpyRef(NpyMetadata metadata, IObjectStore store)
    {
        Metadata = metadata ?? throw new ArgumentNullException(nameof(metadata));
        Store = store ?? throw new ArgumentNullException(nameof(store));
    }

    /// <summary>Resolves the store named in the column JSON (or the default store) through <paramref name="stores"/>.</summary>
    public static NpyRef FromJson(string json, IStoreProvider stores)
    {
        ArgumentNullException.ThrowIfNull(stores);
        var metadata = NpyMetadata.Parse(json);
        return new NpyRef(metadata, stores.GetStore(metadata.StoreName));
    }

    public NpyMetadata Metadata { get; }
    public IObjectStore Store { get; }
    public string Path => Metadata.ObjectPath;
    /// <summary>NumPy dtype name (<c>float64</c>...).</summary>
    public string Dtype => Metadata.Dtype;
    public IReadOnlyList<long> Shape => Metadata.Shape;
    public int Ndim => Metadata.Shape.Count;
    /// <summary>Number of elements.</summary>
    public long Size => Metadata.Shape.Aggregate(1L, (a, b) => a * b);
    /// <summary>Bytes of element data (needs a dtype this library knows).</summary>
    public long Nbytes => Size * NpyDtype.FromName(Dtype).ItemSize;
    public bool IsLoaded => _loaded is not null;

    /// <summary>Downloads (once) and parses the array.</summary>
    public async Task<NpyArray> LoadAsync(CancellationToken cancellationToken = default)
    {
        if (_loaded is not null) return _loaded;
        await using var stream = await Store.OpenReadAsync(Path, cancellationToken).ConfigureAwait(false);
        var array = await NpyFormat.ReadAsync(stream, cancellationToken).ConfigureAwait(false);
        if (!array.Shape.SequenceEqual(Shape) || array.Dtype.Name != Dtype)
            throw new DataJointException(
                $"The .npy file {Path} in store '{Store.Name}' holds {array.Dtype.Name} ({string.Join(", ", array.Shape)}) but its metadata says {Dtype} ({string.Join(", ", Shape)}).");
        return _loaded = array;
    }

    /// <summary>The store-relative path.</summary>
    public override string ToString() => Path;
}
