using System.Collections.Concurrent;
using DataJoint.Stores;

namespace DataJoint.Runtime.Tests.Stores;

/// <summary>
/// The insert's upload tracker: background uploads of owned content (the pipeline that lets the next value encode
/// while one uploads), the degree bound, failure reporting, same-path dedup and rollback, on an in-memory store.
/// </summary>
public class UploadTrackerTests
{
    [TestCase(1)]
    [TestCase(3)]
    public async Task OwnedPutsReturnBeforeTheUploadAndNeverExceedTheDegree(int degree)
    {
        var store = new GatedStore();
        using var tracker = new UploadTracker(new OneStore(store), degree);

        // The first `degree` puts are queued and return while their uploads are still blocked in the store.
        for (var i = 0; i < degree; i++)
            await tracker.PutOwnedAsync("main", $"_hash/s/{i}", new byte[] { (byte)i }, default, CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        await store.WaitForRunningAsync(degree);

        // One more has to wait for a free slot.
        var next = tracker.PutOwnedAsync("main", $"_hash/s/{degree}", new byte[] { 9 }, default, CancellationToken.None).AsTask();
        await Task.Delay(50);
        Assert.That(next.IsCompleted, Is.False, "a put beyond the degree waits for a slot");
        Assert.That(store.MaxRunning, Is.EqualTo(degree));

        store.Open();
        await next.WaitAsync(TimeSpan.FromSeconds(10));
        await tracker.DrainAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(store.Objects.Keys, Is.EquivalentTo(Enumerable.Range(0, degree + 1).Select(i => $"_hash/s/{i}")));
        Assert.That(store.MaxRunning, Is.EqualTo(degree));
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task ABackgroundFailure_NamesTheAttributeWhoseValueItStores_WhereverItSurfaces(bool raw)
    {
        var store = new GatedStore { FailPath = "_hash/s/1", FailsRaw = raw };
        store.Open();
        using var tracker = new UploadTracker(new OneStore(store), 1);
        var data = new EncodeContext { Schema = "lab", Table = "rec", Attribute = "data" };
        var other = data with { Attribute = "other" };
        await tracker.PutOwnedAsync("main", "_hash/s/1", new byte[] { 1 }, default, CancellationToken.None, data);
        var ex = await Assert.CatchAsync<DataJointException>(async () =>
        {
            await tracker.DrainAsync();
            await tracker.PutOwnedAsync("main", "_hash/s/2", new byte[] { 2 }, default, CancellationToken.None, other);
        });
        Assert.That((ex!.Schema, ex.Table, ex.Attribute, ex.Store), Is.EqualTo(("lab", "rec", "data", "main")));
        if (raw)
        {
            Assert.That(ex, Is.TypeOf<StoreException>());
            Assert.That(ex.Message, Is.EqualTo("Uploading _hash/s/1 to store 'main' failed (attribute 'data' of table `lab`.`rec`): disk refused _hash/s/1"));
            Assert.That(((StoreException)ex).ObjectPath, Is.EqualTo("_hash/s/1"));
            Assert.That(ex.InnerException, Is.TypeOf<IOException>());
        }
        // a later value's put rethrows the same failure, still naming the attribute whose upload failed
        var again = await Assert.CatchAsync<DataJointException>(async () =>
            await tracker.PutOwnedAsync("main", "_hash/s/3", new byte[] { 3 }, default, CancellationToken.None, other));
        Assert.That(again, Is.SameAs(ex));
    }

    [Test]
    public async Task ABackgroundFailureIsThrownByDrainAndByTheNextPut()
    {
        var store = new GatedStore { FailPath = "_hash/s/1" };
        store.Open();
        using var tracker = new UploadTracker(new OneStore(store), 1);
        await tracker.PutOwnedAsync("main", "_hash/s/0", new byte[] { 0 }, default, CancellationToken.None);
        await tracker.PutOwnedAsync("main", "_hash/s/1", new byte[] { 1 }, default, CancellationToken.None);
        var ex = await Assert.ThrowsAsync<DataJointException>(() => tracker.DrainAsync());
        Assert.That(ex!.Message, Does.Contain("refused _hash/s/1"));
        await Assert.ThrowsAsync<DataJointException>(async () => await tracker.PutOwnedAsync("main", "_hash/s/2", new byte[] { 2 }, default, CancellationToken.None));
        Assert.That(store.Objects.ContainsKey("_hash/s/2"), Is.False, "nothing is uploaded after a failure");
    }

    [Test]
    public async Task TheSamePathIsUploadedOnceAndReadsWaitForIt()
    {
        var store = new GatedStore();
        using var tracker = new UploadTracker(new OneStore(store), 2);
        var wrapped = tracker.GetStore("main");
        await tracker.PutOwnedAsync("main", "_hash/s/x", new byte[] { 1 }, new byte[] { 2, 3 }, CancellationToken.None); // header + data
        await tracker.PutOwnedAsync("main", "_hash/s/x", new byte[] { 1, 2, 3 }, default, CancellationToken.None);

        var size = wrapped.GetSizeAsync("_hash/s/x");
        await Task.Delay(50);
        Assert.That(size.IsCompleted, Is.False, "the size of a queued object is known once its upload is done");
        store.Open();
        Assert.That(await size.WaitAsync(TimeSpan.FromSeconds(10)), Is.EqualTo(3));
        await using (var read = await wrapped.OpenReadAsync("_hash/s/x"))
        {
            using var ms = new MemoryStream();
            await read.CopyToAsync(ms);
            Assert.That(ms.ToArray(), Is.EqualTo(new byte[] { 1, 2, 3 }));
        }
        await tracker.DrainAsync();
        Assert.That(store.PutCount, Is.EqualTo(1));
    }

    [Test]
    public async Task RollbackWaitsForUploadsInFlightThenRemovesOnlySchemaAddressedObjects()
    {
        var store = new GatedStore { IgnoresCancellation = true }; // a backend that finishes a request it has started
        using var tracker = new UploadTracker(new OneStore(store), 2);
        var wrapped = tracker.GetStore("main");
        await tracker.PutOwnedAsync("main", "_hash/s/h", new byte[] { 1 }, default, CancellationToken.None);
        var schemaPut = Task.Run(async () =>
        {
            using var ms = new MemoryStream([7]);
            await wrapped.PutAsync("_schema/s/t/id=1/f_abc", ms, 1);
        });
        await store.WaitForRunningAsync(2);

        var rollback = tracker.RollbackAsync();
        await Task.Delay(50);
        Assert.That(rollback.IsCompleted, Is.False, "rollback waits for uploads still running");
        store.Open();
        await rollback.WaitAsync(TimeSpan.FromSeconds(10));
        await schemaPut;
        Assert.That(store.Objects.ContainsKey("_schema/s/t/id=1/f_abc"), Is.False, "the schema-addressed object is removed");
        Assert.That(store.Objects.ContainsKey("_hash/s/h"), Is.True, "hash-addressed objects are left for GC");
    }

    /// <summary>An in-memory store whose uploads block until <see cref="Open"/> and which records the peak of concurrent uploads.</summary>
    private sealed class GatedStore : IObjectStore
    {
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _running;
        private int _max;
        private int _puts;

        public ConcurrentDictionary<string, byte[]> Objects { get; } = new(StringComparer.Ordinal);
        public string? FailPath { get; init; }
        /// <summary>Fail <see cref="FailPath"/> with a raw <see cref="IOException"/> instead of a DataJoint exception.</summary>
        public bool FailsRaw { get; init; }
        public bool IgnoresCancellation { get; init; }
        public int MaxRunning => Volatile.Read(ref _max);
        public int PutCount => Volatile.Read(ref _puts);
        public string Name => "main";
        public StoreSpec Spec { get; } = StoreSpec.LocalFolder("main", "/tmp/unused");

        public void Open() => _gate.TrySetResult();

        public async Task WaitForRunningAsync(int count)
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (Volatile.Read(ref _running) < count)
            {
                if (DateTime.UtcNow > deadline) Assert.Fail($"expected {count} uploads running, saw {Volatile.Read(ref _running)}");
                await Task.Delay(5);
            }
        }

        public async Task PutAsync(string path, Stream content, long? length, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _puts);
            var running = Interlocked.Increment(ref _running);
            for (var max = Volatile.Read(ref _max); running > max; max = Volatile.Read(ref _max))
                if (Interlocked.CompareExchange(ref _max, running, max) == max) break;
            try
            {
                await (IgnoresCancellation ? _gate.Task : _gate.Task.WaitAsync(cancellationToken));
                if (path == FailPath) throw FailsRaw ? new IOException($"disk refused {path}") : new DataJointException($"store refused {path}");
                using var ms = new MemoryStream();
                await content.CopyToAsync(ms, IgnoresCancellation ? CancellationToken.None : cancellationToken);
                Objects[path] = ms.ToArray();
            }
            finally
            {
                Interlocked.Decrement(ref _running);
            }
        }

        public Task<Stream> OpenReadAsync(string path, CancellationToken cancellationToken = default) =>
            Objects.TryGetValue(path, out var b) ? Task.FromResult<Stream>(new MemoryStream(b)) : throw new DataJointException($"missing {path}");

        public Task<long?> GetSizeAsync(string path, CancellationToken cancellationToken = default) =>
            Task.FromResult(Objects.TryGetValue(path, out var b) ? (long?)b.Length : null);

        public Task DeleteAsync(string path, CancellationToken cancellationToken = default)
        {
            Objects.TryRemove(path, out _);
            return Task.CompletedTask;
        }

        public async IAsyncEnumerable<StoreObjectInfo> ListAsync(string prefix, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            foreach (var (k, v) in Objects.OrderBy(p => p.Key, StringComparer.Ordinal))
                if (k.StartsWith(prefix, StringComparison.Ordinal)) yield return new StoreObjectInfo(k, v.Length);
        }
    }

    private sealed class OneStore(IObjectStore store) : IStoreProvider
    {
        public string? DefaultStoreName => store.Name;
        public IObjectStore GetStore(string? name) => store;
    }
}
