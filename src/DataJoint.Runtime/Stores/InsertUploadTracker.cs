using System.Collections.Concurrent;

namespace DataJoint.Stores;

/// <summary>
/// Records, for one insert call, every object the encode step wrote, by wrapping the table's stores. If the insert
/// fails, the schema-addressed objects (<c>{schema_prefix}/...</c>, written by <c>&lt;object@&gt;</c>/<c>&lt;npy@&gt;</c> and
/// codecs chained into them) are deleted; hash-addressed objects stay (another row may share them) for GC to judge.
/// Wrapping the provider (instead of hooking each codec) also catches custom codecs that write to a store.
/// </summary>
internal sealed class InsertUploadTracker(IStoreProvider inner) : IStoreProvider
{
    private readonly ConcurrentDictionary<string, TrackingStore> _stores = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(IObjectStore Store, string Path)> _written = new();

    public string? DefaultStoreName => inner.DefaultStoreName;

    public string? FilepathDefaultStoreName => inner.FilepathDefaultStoreName;

    public IObjectStore GetStore(string? name)
    {
        var store = inner.GetStore(name);
        return _stores.GetOrAdd(store.Name, static (_, s) => new TrackingStore(s.Store, s.Tracker), (Store: store, Tracker: this));
    }

    /// <summary>Paths written so far (any store), in completion order.</summary>
    internal IReadOnlyList<(IObjectStore Store, string Path)> Written => _written.ToArray();

    /// <summary>The schema-addressed objects written so far (what a failed insert removes).</summary>
    internal IReadOnlyList<(IObjectStore Store, string Path)> SchemaAddressed =>
        _written.Where(w => IsSchemaAddressed(w.Store.Spec, w.Path)).ToArray();

    internal static bool IsSchemaAddressed(StoreSpec spec, string path)
    {
        var prefix = spec.SchemaPrefix.Trim('/');
        return prefix.Length == 0 ? !StorePaths.IsHashFileName(path) : path.StartsWith(prefix + "/", StringComparison.Ordinal);
    }

    /// <summary>
    /// Deletes the schema-addressed objects this insert wrote. Best effort: a failure to delete leaves an orphan
    /// (which <see cref="DataJoint.SchemaGarbageCollector"/> finds) and never hides the insert's own error.
    /// </summary>
    internal async Task RollbackAsync()
    {
        foreach (var (store, path) in SchemaAddressed)
        {
            try { await store.DeleteAsync(path, CancellationToken.None).ConfigureAwait(false); }
            catch (Exception ex) when (ex is DataJointException or IOException or UnauthorizedAccessException or Minio.Exceptions.MinioException)
            {
                // left for garbage collection
            }
        }
    }

    private void Record(IObjectStore store, string path) => _written.Enqueue((store, path));

    /// <summary>
    /// Rows of the insert (set once they are validated). With more than one, the first existence check of a hash path
    /// lists the schema's hash folder once (ordered) instead of one HEAD request per row, as
    /// <see cref="HashStorage.PutManyAsync(IObjectStore, string, IReadOnlyList{ReadOnlyMemory{byte}}, int, CancellationToken)"/> does.
    /// A path the listing says is absent is uploaded; if another client stored it meanwhile, the identical content is
    /// simply written again, so the shortcut never loses an object.
    /// </summary>
    internal int RowCount { get; set; }

    private sealed record HashListing(string Prefix, HashSet<string> Existing, string? CoveredUpTo, bool Complete);

    private sealed class TrackingStore(IObjectStore inner, InsertUploadTracker tracker) : IObjectStore
    {
        private readonly ConcurrentDictionary<string, Lazy<Task<HashListing>>> _listings = new(StringComparer.Ordinal);

        public string Name => inner.Name;

        public StoreSpec Spec => inner.Spec;

        public async Task PutAsync(string path, Stream content, long? length, CancellationToken cancellationToken = default)
        {
            // Recorded before the upload: a cancelled or failed upload may still have left (part of) the object.
            tracker.Record(inner, path);
            await inner.PutAsync(path, content, length, cancellationToken).ConfigureAwait(false);
        }

        public Task<Stream> OpenReadAsync(string path, CancellationToken cancellationToken = default) => inner.OpenReadAsync(path, cancellationToken);

        public async Task<long?> GetSizeAsync(string path, CancellationToken cancellationToken = default)
        {
            if (tracker.RowCount > 1 && inner is not LocalObjectStore && HashFolderOf(path) is { } folder)
            {
                var listing = await _listings.GetOrAdd(folder, f => new Lazy<Task<HashListing>>(() => ListAsync(f, tracker.RowCount, cancellationToken)))
                    .Value.ConfigureAwait(false);
                if (listing.Existing.Contains(path)) return 0; // only "exists" matters to the callers (hash puts)
                if (listing.Complete || listing.CoveredUpTo is not null && string.CompareOrdinal(path, listing.CoveredUpTo) <= 0) return null;
            }
            return await inner.GetSizeAsync(path, cancellationToken).ConfigureAwait(false);
        }

        public Task DeleteAsync(string path, CancellationToken cancellationToken = default) => inner.DeleteAsync(path, cancellationToken);

        public IAsyncEnumerable<StoreObjectInfo> ListAsync(string prefix, CancellationToken cancellationToken = default) => inner.ListAsync(prefix, cancellationToken);

        /// <summary><c>{hash_prefix}/{schema}/</c> for a hash-addressed path, else null.</summary>
        private string? HashFolderOf(string path)
        {
            var hashPrefix = inner.Spec.HashPrefix.Trim('/');
            if (hashPrefix.Length == 0 || !path.StartsWith(hashPrefix + "/", StringComparison.Ordinal) || !StorePaths.IsHashFileName(path)) return null;
            var slash = path.IndexOf('/', hashPrefix.Length + 1);
            return slash < 0 ? null : path[..(slash + 1)];
        }

        private async Task<HashListing> ListAsync(string folder, int rows, CancellationToken cancellationToken)
        {
            var budget = Math.Max(1000, rows / 2 * 1000);
            var existing = new HashSet<string>(StringComparer.Ordinal);
            string? last = null;
            await foreach (var o in inner.ListAsync(folder, cancellationToken).ConfigureAwait(false))
            {
                existing.Add(o.Path);
                last = o.Path;
                if (existing.Count >= budget) return new HashListing(folder, existing, last, false);
            }
            return new HashListing(folder, existing, last, true);
        }
    }
}
