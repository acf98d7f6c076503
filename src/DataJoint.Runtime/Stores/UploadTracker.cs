using System.Collections.Concurrent;

namespace DataJoint.Stores;

/// <summary>
/// Records, for one write operation (an insert call) of a <see cref="DataJoint.WriteSession"/>, every object the encode
/// step wrote, by wrapping the table's stores. If the insert
/// fails, the schema-addressed objects (<c>{schema_prefix}/...</c>, written by <c>&lt;object@&gt;</c>/<c>&lt;npy@&gt;</c> and
/// codecs chained into them) are deleted; hash-addressed objects stay (another row may share them) for GC to judge.
/// Wrapping the provider (instead of hooking each codec) also catches custom codecs that write to a store.
/// <para>
/// It also bounds and pipelines the insert's uploads: at most <c>maxParallelUploads</c> run at once (every
/// <see cref="IObjectStore.PutAsync"/> through it takes a slot), and content the insert owns (the built-in
/// <c>&lt;hash@&gt;</c> codec's bytes, handed over through <see cref="PutOwnedAsync"/>, which codecs reach through
/// <see cref="DataJoint.EncodeContext"/>) is uploaded in the background while the next value is encoded.
/// <see cref="DrainAsync"/> waits for those uploads before the rows are written.
/// </para>
/// </summary>
internal sealed class UploadTracker : IStoreProvider, IDisposable
{
    private readonly IStoreProvider _inner;
    private readonly ConcurrentDictionary<string, TrackingStore> _stores = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(IObjectStore Store, string Path)> _written = new();
    private readonly SemaphoreSlim _slots;
    private readonly CancellationTokenSource _abort;
    private readonly ConcurrentDictionary<(string Store, string Path), PendingUpload> _pending = new();
    private readonly ConcurrentDictionary<Task, byte> _direct = new(); // caller-stream uploads in flight (rollback waits for them too)
    private Exception? _failure;

    /// <param name="inner">The table's stores.</param>
    /// <param name="maxParallelUploads">Uploads of this insert that may run at once (1: one after the other).</param>
    /// <param name="cancellationToken">The insert's token: background uploads observe it (not a per-row token).</param>
    /// <param name="verifyExistingContent">Hash-addressed puts also hash an existing object of the right size (and replace it if it changed).</param>
    public UploadTracker(IStoreProvider inner, int maxParallelUploads = ParallelUploads.DefaultDegree, CancellationToken cancellationToken = default,
        bool verifyExistingContent = false)
    {
        VerifyExistingContent = verifyExistingContent;
        ArgumentNullException.ThrowIfNull(inner);
        if (maxParallelUploads < 1) throw new ArgumentOutOfRangeException(nameof(maxParallelUploads), maxParallelUploads, "must be at least 1");
        _inner = inner;
        _slots = new SemaphoreSlim(maxParallelUploads, maxParallelUploads);
        _abort = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
    }

    private sealed record PendingUpload(Task Task, long Length);

    /// <summary>Hash-addressed puts of this insert also hash an existing object of the right size, and replace it if its bytes changed.</summary>
    internal bool VerifyExistingContent { get; }

    /// <summary>The first background upload failure of this insert, if any.</summary>
    internal Exception? Failure => Volatile.Read(ref _failure);

    public string? DefaultStoreName => _inner.DefaultStoreName;

    public string? FilepathDefaultStoreName => _inner.FilepathDefaultStoreName;

    public IObjectStore GetStore(string? name)
    {
        var store = _inner.GetStore(name);
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
        // Background uploads first: an object still being written when its delete runs would survive it.
        if (!_abort.IsCancellationRequested) _abort.Cancel();
        try { await Task.WhenAll(_pending.Values.Select(p => p.Task).Concat(_direct.Keys)).ConfigureAwait(false); }
        catch (Exception) { /* the insert's own error is what the caller sees */ }
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
    /// Waits for every background upload of this insert; throws the first upload failure (as the insert's error).
    /// Called once all values are encoded, before the database transaction starts.
    /// </summary>
    internal async Task DrainAsync()
    {
        try
        {
            await Task.WhenAll(_pending.Values.Select(p => p.Task)).ConfigureAwait(false);
        }
        catch (Exception) when (_failure is not null)
        {
            // rethrown below: the first failure, not a later cancellation it caused
        }
        ThrowIfFailed();
    }

    private void ThrowIfFailed()
    {
        if (_failure is { } failure) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
    }

    /// <summary>Takes an upload slot, runs <paramref name="upload"/> inline and frees the slot (a caller-owned stream).</summary>
    private async Task RunInSlotAsync(Func<CancellationToken, Task> upload, CancellationToken cancellationToken)
    {
        var run = RunCoreAsync();
        _direct.TryAdd(run, 0);
        try
        {
            await run.ConfigureAwait(false);
        }
        finally
        {
            _direct.TryRemove(run, out _);
        }

        async Task RunCoreAsync()
        {
            await Task.Yield(); // registered before it runs
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _abort.Token);
            await WaitForSlotAsync(linked.Token, cancellationToken).ConfigureAwait(false);
            try
            {
                await upload(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && Failure is not null)
            {
                ThrowIfFailed(); // cancelled because another upload failed: that failure is the error
                throw;
            }
            finally
            {
                _slots.Release();
            }
        }
    }

    /// <summary>Waits for an upload slot; if the wait ends because another upload failed, throws that failure.</summary>
    private async Task WaitForSlotAsync(CancellationToken linked, CancellationToken callerToken)
    {
        ThrowIfFailed();
        try
        {
            await _slots.WaitAsync(linked).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!callerToken.IsCancellationRequested && Failure is not null)
        {
            ThrowIfFailed();
            throw;
        }
    }

    /// <summary>
    /// Queues the upload of content this insert owns (content-addressed, so a second put of the same path is skipped) to
    /// the object <paramref name="path"/> of the store named <paramref name="storeName"/>: <paramref name="head"/> then
    /// <paramref name="tail"/>, which the caller will not change until the operation completes. Returns once it is queued.
    /// If the upload fails, its error names <paramref name="owner"/>'s schema, table and attribute (the value it stores),
    /// although it surfaces in whichever later step of the insert notices it.
    /// </summary>
    internal ValueTask PutOwnedAsync(string storeName, string path, ReadOnlyMemory<byte> head, ReadOnlyMemory<byte> tail,
        CancellationToken cancellationToken, EncodeContext? owner = null) =>
        PutDeferredAsync(_inner.GetStore(storeName), path, head, tail, owner, cancellationToken);

    /// <summary>
    /// Queues the upload of content this insert owns: waits for a free slot (so at most the insert's degree of uploads
    /// run, and encoding is at most one value ahead per slot), then uploads on the thread pool and returns at once. A
    /// second put of the same path within the insert is skipped (deferred puts are content-addressed).
    /// </summary>
    private async ValueTask PutDeferredAsync(IObjectStore store, string path, ReadOnlyMemory<byte> head, ReadOnlyMemory<byte> tail, EncodeContext? owner,
        CancellationToken cancellationToken)
    {
        ThrowIfFailed();
        var key = (store.Name, path);
        if (_pending.ContainsKey(key)) return;
        // Claimed before waiting for a slot, so a row with identical content finds it; the upload starts (on the
        // thread pool: the SDK hashes and signs the body synchronously, work that should overlap the encoding of the
        // next value) once a slot is free.
        var start = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_pending.TryAdd(key, new PendingUpload(UploadWhenStartedAsync(start.Task, store, path, head, tail, owner), (long)head.Length + tail.Length)))
        {
            start.TrySetResult(false); // another row queued the same content meanwhile
            return;
        }
        Record(store, path); // before the upload: a cancelled or failed upload may still have left (part of) the object
        try
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _abort.Token);
            await WaitForSlotAsync(linked.Token, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            start.TrySetException(ex);
            throw;
        }
        start.TrySetResult(true);
    }

    private async Task UploadWhenStartedAsync(Task<bool> start, IObjectStore store, string path, ReadOnlyMemory<byte> head, ReadOnlyMemory<byte> tail,
        EncodeContext? owner)
    {
        if (!await start.ConfigureAwait(false)) return;
        await UploadAsync(store, path, head, tail, owner).ConfigureAwait(false);
    }

    private async Task UploadAsync(IObjectStore store, string path, ReadOnlyMemory<byte> head, ReadOnlyMemory<byte> tail, EncodeContext? owner)
    {
        try
        {
            _abort.Token.ThrowIfCancellationRequested();
            await using var stream = new ReadOnlyMemoryStream(head, tail);
            await store.PutAsync(path, stream, stream.Length, _abort.Token).ConfigureAwait(false);
        }
        catch (Exception caught)
        {
            var ex = OwnedFailure(caught, store, path, owner);
            if (Interlocked.CompareExchange(ref _failure, ex, null) is null && !_abort.IsCancellationRequested)
            {
                try { _abort.Cancel(); } catch (AggregateException) { /* callbacks of cancelled uploads */ }
            }
            if (ex == caught) throw;
            throw ex;
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>
    /// A background upload's failure, located at the value it stores: a DataJoint exception gets the owner's schema,
    /// table and attribute (and the store) where it names none; anything else a store throws becomes a
    /// <see cref="StoreException"/> naming them. Cancellations stay as they are.
    /// </summary>
    private static Exception OwnedFailure(Exception caught, IObjectStore store, string path, EncodeContext? owner)
    {
        switch (caught)
        {
            case OperationCanceledException:
                return caught;
            case DataJointException dj:
                dj.Locate(owner?.Schema, owner?.Table, owner?.Attribute, store.Name);
                return dj;
            default:
                var where = owner is null ? "" : $" (attribute '{owner.Attribute}' of table `{owner.Schema}`.`{owner.Table}`)";
                return new StoreException($"Uploading {path} to store '{store.Name}' failed{where}: {caught.Message}", caught)
                {
                    Schema = owner?.Schema, Table = owner?.Table, Attribute = owner?.Attribute, Store = store.Name, ObjectPath = path,
                };
        }
    }

    /// <summary>The pending background upload of <paramref name="path"/>, if this insert queued one.</summary>
    private PendingUpload? Pending(IObjectStore store, string path) => _pending.TryGetValue((store.Name, path), out var p) ? p : null;

    /// <inheritdoc />
    public void Dispose()
    {
        _abort.Dispose();
        _slots.Dispose();
    }

    /// <summary>
    /// Rows of the insert (set once they are validated). With more than one, the first existence check of a hash path
    /// lists the schema's hash folder once (ordered) instead of one HEAD request per row, as
    /// <see cref="HashStorage.PutManyAsync(IObjectStore, string, IReadOnlyList{ReadOnlyMemory{byte}}, int, CancellationToken)"/> does.
    /// A path the listing says is absent is uploaded; if another client stored it meanwhile, the identical content is
    /// simply written again, so the shortcut never loses an object.
    /// </summary>
    internal int RowCount { get; set; }

    private sealed record HashListing(string Prefix, Dictionary<string, long> Existing, string? CoveredUpTo, bool Complete);

    private sealed class TrackingStore(IObjectStore inner, UploadTracker tracker) : IObjectStore
    {
        private readonly ConcurrentDictionary<string, Lazy<Task<HashListing>>> _listings = new(StringComparer.Ordinal);

        public string Name => inner.Name;

        public StoreSpec Spec => inner.Spec;

        public Task PutAsync(string path, Stream content, long? length, CancellationToken cancellationToken = default) =>
            tracker.RunInSlotAsync(async ct =>
            {
                // Recorded before the upload: a cancelled or failed upload may still have left (part of) the object.
                tracker.Record(inner, path);
                await inner.PutAsync(path, content, length, ct).ConfigureAwait(false);
            }, cancellationToken);

        public async Task<Stream> OpenReadAsync(string path, CancellationToken cancellationToken = default)
        {
            if (tracker.Pending(inner, path) is { } pending) await pending.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            return await inner.OpenReadAsync(path, cancellationToken).ConfigureAwait(false);
        }

        public async Task<long?> GetSizeAsync(string path, CancellationToken cancellationToken = default)
        {
            if (tracker.Pending(inner, path) is { } pending)
            {
                // Queued by this insert (identical content of another row): it exists once the upload is done.
                await pending.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
                return pending.Length;
            }
            if (tracker.RowCount > 1 && inner is not LocalObjectStore && HashFolderOf(path) is { } folder)
            {
                var listing = await _listings.GetOrAdd(folder, f => new Lazy<Task<HashListing>>(() => ListAsync(f, tracker.RowCount, cancellationToken)))
                    .Value.ConfigureAwait(false);
                if (listing.Existing.TryGetValue(path, out var size)) return size;
                if (listing.Complete || listing.CoveredUpTo is not null && string.CompareOrdinal(path, listing.CoveredUpTo) <= 0) return null;
            }
            return await inner.GetSizeAsync(path, cancellationToken).ConfigureAwait(false);
        }

        public async Task DeleteAsync(string path, CancellationToken cancellationToken = default)
        {
            if (tracker.Pending(inner, path) is { } pending)
            {
                try { await pending.Task.WaitAsync(cancellationToken).ConfigureAwait(false); }
                catch (Exception) when (!cancellationToken.IsCancellationRequested) { /* deleting what may be left of it */ }
            }
            await inner.DeleteAsync(path, cancellationToken).ConfigureAwait(false);
        }

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
            var existing = new Dictionary<string, long>(StringComparer.Ordinal);
            string? last = null;
            await foreach (var o in inner.ListAsync(folder, cancellationToken).ConfigureAwait(false))
            {
                existing[o.Path] = o.Size;
                last = o.Path;
                if (existing.Count >= budget) return new HashListing(folder, existing, last, false);
            }
            return new HashListing(folder, existing, last, true);
        }
    }
}
