using System.Text.Encodings.Web;
using System.Text.Json;

namespace DataJoint.Stores;

/// <summary>Where a schema-addressed object of one row goes: schema, SQL table name, field and the row's primary key (PK order).</summary>
/// <param name="Schema">The database of the table (<c>"unknown"</c> if not known).</param>
/// <param name="Table">The SQL table name (e.g. <c>__analysis</c>).</param>
/// <param name="Field">The attribute name.</param>
/// <param name="PrimaryKey">The row's primary-key values in table PK order (raw user values); may be empty.</param>
public sealed record ObjectLocation(string Schema, string Table, string Field, IReadOnlyList<KeyValuePair<string, object?>> PrimaryKey)
{
    /// <summary>The path of this field's new object in <paramref name="spec"/>'s layout, with a fresh token.</summary>
    public string BuildPath(StoreSpec spec, string? ext) => StorePaths.BuildObjectPath(Schema, Table, Field, PrimaryKey, ext, spec);

    /// <summary>
    /// The location of the value a codec is encoding (as DataJoint Python's <c>_extract_context</c>: schema
    /// <c>"unknown"</c> and field <c>"data"</c> when not known). Store codecs (built-in and plugins) build their
    /// schema-addressed paths from it.
    /// </summary>
    public static ObjectLocation For(EncodeContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new(string.IsNullOrEmpty(context.Schema) ? "unknown" : context.Schema,
            string.IsNullOrEmpty(context.Table) ? "unknown" : context.Table,
            string.IsNullOrEmpty(context.Attribute) ? "data" : context.Attribute,
            context.PrimaryKey.ToList());
    }
}

/// <summary>
/// Schema-addressed uploads (<c>&lt;object@&gt;</c>, <c>&lt;npy@&gt;</c>): bytes, a stream, a file or a whole folder (with its
/// <c>{path}.manifest.json</c>), each at a fresh <c>..._{token}[ext]</c> path; returns the column metadata.
/// </summary>
public static class ObjectStorage
{
    /// <summary>Uploads <paramref name="content"/> (ext null for plain bytes, or e.g. <c>".npy"</c>).</summary>
    public static async Task<ObjectMetadata> PutBytesAsync(IObjectStore store, ObjectLocation location, ReadOnlyMemory<byte> content, string? ext = null,
        CancellationToken cancellationToken = default)
    {
        await using var stream = new ReadOnlyMemoryStream(content);
        return await PutStreamAsync(store, location, stream, content.Length, ext, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Uploads a stream of <paramref name="length"/> bytes (null: unknown) as one file object.</summary>
    public static async Task<ObjectMetadata> PutStreamAsync(IObjectStore store, ObjectLocation location, Stream content, long? length, string? ext = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(location);
        var path = location.BuildPath(store.Spec, ext);
        await store.PutAsync(path, content, length, cancellationToken).ConfigureAwait(false);
        var size = length ?? await store.GetSizeAsync(path, cancellationToken).ConfigureAwait(false) ?? 0;
        return new ObjectMetadata
        {
            ObjectPath = path, StoreName = store.Name, Size = size, Ext = string.IsNullOrEmpty(ext) ? null : ext,
            IsDir = false, ItemCount = null, Timestamp = DateTimeOffset.UtcNow,
        };
    }

    /// <summary>Uploads <paramref name="array"/> as a .npy file (ext <c>.npy</c>) and returns the <c>&lt;npy@&gt;</c> metadata.</summary>
    public static async Task<NpyMetadata> PutNpyAsync(IObjectStore store, ObjectLocation location, NpyArray array, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(location);
        ArgumentNullException.ThrowIfNull(array);
        var path = location.BuildPath(store.Spec, ".npy");
        var header = NpyFormat.BuildHeader(array.Dtype, array.FortranOrder, array.Shape);
        // Header and element bytes are sent as one stream without copying the data into a new buffer.
        await using var stream = new ReadOnlyMemoryStream(header, array.Data);
        await store.PutAsync(path, stream, header.Length + array.Data.LongLength, cancellationToken).ConfigureAwait(false);
        return new NpyMetadata(path, store.Name, array.Dtype.Name, array.Shape);
    }

    /// <summary>
    /// Uploads a local file (ext = its suffix incl. the dot, <c>""</c> if none) or a folder (recursively, plus the
    /// manifest; ext null, size = sum of file sizes, item_count = number of files).
    /// Missing path → <c>Source path not found: p</c>.
    /// </summary>
    public static async Task<ObjectMetadata> PutPathAsync(IObjectStore store, ObjectLocation location, string localPath, int maxParallelUploads = 4,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(location);
        ArgumentNullException.ThrowIfNull(localPath);
        if (File.Exists(localPath))
        {
            var ext = Path.GetExtension(localPath);
            await using var file = new FileStream(localPath, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan);
            return await PutStreamAsync(store, location, file, file.Length, ext, cancellationToken).ConfigureAwait(false);
        }
        if (!Directory.Exists(localPath))
            throw new DataJointException($"Source path not found: {localPath}");

        var path = location.BuildPath(store.Spec, null);
        var files = Directory.EnumerateFiles(localPath, "*", SearchOption.AllDirectories)
            .Select(f => (Full: f, Rel: Path.GetRelativePath(localPath, f).Replace(Path.DirectorySeparatorChar, '/'), Size: new FileInfo(f).Length))
            .OrderBy(f => f.Rel, StringComparer.Ordinal)
            .ToList();
        try
        {
            await ParallelUploads.ForEachAsync(files, maxParallelUploads, async (f, ct) =>
            {
                await using var stream = new FileStream(f.Full, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan);
                await store.PutAsync(path + "/" + f.Rel, stream, f.Size, ct).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);

            var total = files.Sum(f => f.Size);
            var manifest = BuildManifest(files.Select(f => (f.Rel, f.Size)), DateTimeOffset.UtcNow);
            await using var ms = new MemoryStream(manifest);
            await store.PutAsync(path + StorePaths.ManifestSuffix, ms, manifest.Length, cancellationToken).ConfigureAwait(false);
            return new ObjectMetadata
            {
                ObjectPath = path, StoreName = store.Name, Size = total, Ext = null, IsDir = true, ItemCount = files.Count,
                Timestamp = DateTimeOffset.UtcNow,
            };
        }
        catch
        {
            // Leave no partial folder behind.
            foreach (var f in files)
                try { await store.DeleteAsync(path + "/" + f.Rel, CancellationToken.None).ConfigureAwait(false); } catch (DataJointException) { }
            throw;
        }
    }

    /// <summary>
    /// The folder manifest: JSON (indent 2) <c>{"files": [{"path", "size"}...], "total_size", "item_count", "created"}</c>.
    /// </summary>
    internal static byte[] BuildManifest(IEnumerable<(string Path, long Size)> files, DateTimeOffset created)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true, IndentSize = 2, Encoder = JavaScriptEncoder.Default, NewLine = "\n" }))
        {
            long total = 0, count = 0;
            w.WriteStartObject();
            w.WriteStartArray("files");
            foreach (var (p, size) in files)
            {
                w.WriteStartObject();
                w.WriteString("path", p);
                w.WriteNumber("size", size);
                w.WriteEndObject();
                total += size;
                count++;
            }
            w.WriteEndArray();
            w.WriteNumber("total_size", total);
            w.WriteNumber("item_count", count);
            w.WriteString("created", StoreMetadata.FormatTimestamp(created));
            w.WriteEndObject();
        }
        return ms.ToArray();
    }

    /// <summary>Reads a folder manifest: the files' relative paths and sizes.</summary>
    public static async Task<IReadOnlyList<(string Path, long Size)>?> ReadManifestAsync(IObjectStore store, string folderPath, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var manifestPath = folderPath + StorePaths.ManifestSuffix;
        if (await store.GetSizeAsync(manifestPath, cancellationToken).ConfigureAwait(false) is null) return null;
        await using var stream = await store.OpenReadAsync(manifestPath, cancellationToken).ConfigureAwait(false);
        using var doc = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!doc.RootElement.TryGetProperty("files", out var files) || files.ValueKind != JsonValueKind.Array)
            throw new DataJointException($"Manifest {manifestPath} in store '{store.Name}' has no \"files\" list.");
        return files.EnumerateArray()
            .Select(f => (f.GetProperty("path").GetString() ?? "", f.TryGetProperty("size", out var s) ? s.GetInt64() : 0L))
            .ToList();
    }
}
