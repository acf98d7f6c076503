using DataJoint.Stores;

namespace DataJoint.Integration.Tests.StoresTables;

/// <summary>
/// Store-backed columns decode with bounded parallelism on fetch (issue #14): the same rows in the same order at every
/// degree, for lists and streams, never more reads at once than the degree, and a failed read fails the fetch.
/// </summary>
[TestFixture("file")]
[TestFixture("s3")]
public class StoreFetchTests(string protocol) : StoresTablesFixture(protocol)
{
    private const string Definition = "id : int32\n---\ndata : <blob@main>\nnote = null : <attach@main>";

    private async Task<(Table Table, CountingProvider Reads)> FillAsync(string purpose, int rows)
    {
        var counting = new CountingProvider(Provider);
        var schema = await NewSchemaAsync(purpose, counting);
        var table = await schema.DeclareAsync("Rec", TableTier.Manual, Definition);
        await table.InsertAsync(Enumerable.Range(0, rows).Select(i => new { id = i, data = Enumerable.Range(0, 500).Select(k => (double)(k + i)).ToArray() }));
        return (table, counting);
    }

    [Test]
    public async Task EveryDegree_GivesTheSameRowsInOrder_WithinItsBound([Values(1, 6)] int degree)
    {
        var (table, reads) = await FillAsync("fetchpar", 30);
        reads.Reset();
        var rows = await table.FetchAsync(new FetchOptions { OrderBy = ["id"], MaxParallelDownloads = degree });
        Assert.That(rows.Select(r => r["id"]), Is.EqualTo(Enumerable.Range(0, 30).Cast<object>()));
        for (var i = 0; i < rows.Count; i++)
            Assert.That(((BlobArray<double>)rows[i]["data"]!).Data[0], Is.EqualTo((double)i), $"row {i} decoded its own object");
        Assert.That(reads.MaxConcurrentReads, degree == 1 ? Is.EqualTo(1) : Is.InRange(2, degree), "reads at once");

        reads.Reset();
        var streamed = new List<int>();
        await foreach (var row in table.StreamAsync(new FetchOptions { OrderBy = ["id DESC"], MaxParallelDownloads = degree }))
        {
            Assert.That(((BlobArray<double>)row["data"]!).Data[0], Is.EqualTo((double)(int)row["id"]!));
            streamed.Add((int)row["id"]!);
        }
        Assert.That(streamed, Is.EqualTo(Enumerable.Range(0, 30).Reverse()));
        Assert.That(reads.MaxConcurrentReads, Is.LessThanOrEqualTo(degree));
    }

    [Test]
    public async Task AFailedRead_FailsTheFetch_AndStopsTheOtherReads()
    {
        var (table, reads) = await FillAsync("fetchfail", 20);
        reads.Reset();
        reads.FailOnRead = 7;
        // The codec's failure names the table and attribute (a CodecException, a DataJointException).
        var ex = await Assert.ThrowsAsync<CodecException>(() => table.FetchAsync(new FetchOptions { MaxParallelDownloads = 4 }));
        Assert.That(ex!.Message, Does.Contain("injected read failure"));
        Assert.That(ex.Message, Does.Contain("Attribute 'data' of table"));
        reads.Reset();
        reads.FailOnRead = 3;
        var streamEx = await Assert.ThrowsAsync<CodecException>(async () =>
        {
            await foreach (var _ in table.StreamAsync(new FetchOptions { MaxParallelDownloads = 4 })) { }
        });
        Assert.That(streamEx!.Message, Does.Contain("injected read failure"));
        Assert.That(reads.Running, Is.Zero, "no read is left running after the fetch failed");
        await Assert.ThrowsAsync<DataJointException>(() => table.FetchAsync(new FetchOptions { MaxParallelDownloads = 0 }));
    }

    /// <summary>The fixture's stores, counting the object reads running at once (and failing the n-th when asked).</summary>
    private sealed class CountingProvider(IStoreProvider inner) : IStoreProvider
    {
        private int _running, _max, _reads;

        public int MaxConcurrentReads => Volatile.Read(ref _max);
        public int Running => Volatile.Read(ref _running);
        public int FailOnRead { get; set; }
        public string? DefaultStoreName => inner.DefaultStoreName;
        public IObjectStore GetStore(string? name) => new CountingStore(inner.GetStore(name), this);

        public void Reset()
        {
            _max = 0;
            _reads = 0;
        }

        private sealed class CountingStore(IObjectStore store, CountingProvider owner) : IObjectStore
        {
            public string Name => store.Name;
            public StoreSpec Spec => store.Spec;

            public async Task<Stream> OpenReadAsync(string path, CancellationToken cancellationToken = default)
            {
                var running = Interlocked.Increment(ref owner._running);
                for (var max = Volatile.Read(ref owner._max); running > max; max = Volatile.Read(ref owner._max))
                    if (Interlocked.CompareExchange(ref owner._max, running, max) == max) break;
                try
                {
                    await Task.Delay(10, cancellationToken); // long enough for overlapping reads to be seen
                    if (Interlocked.Increment(ref owner._reads) == owner.FailOnRead) throw new DataJointException($"injected read failure at {path}");
                    return await store.OpenReadAsync(path, cancellationToken);
                }
                finally
                {
                    Interlocked.Decrement(ref owner._running);
                }
            }

            public Task PutAsync(string path, Stream content, long? length, CancellationToken cancellationToken = default) =>
                store.PutAsync(path, content, length, cancellationToken);
            public Task<long?> GetSizeAsync(string path, CancellationToken cancellationToken = default) => store.GetSizeAsync(path, cancellationToken);
            public Task DeleteAsync(string path, CancellationToken cancellationToken = default) => store.DeleteAsync(path, cancellationToken);
            public IAsyncEnumerable<StoreObjectInfo> ListAsync(string prefix, CancellationToken cancellationToken = default) => store.ListAsync(prefix, cancellationToken);
        }
    }
}
