using System.Text;
using DataJoint.Stores;

namespace DataJoint.Integration.Tests.StoresTables;

/// <summary>Tables with store-backed columns: round trips, atomic failure clean-up, parallel vs sequential uploads.</summary>
[TestFixture("file")]
[TestFixture("s3")]
public class StoreTableInsertTests(string protocol) : StoresTablesFixture(protocol)
{
    private const string Definition = """
        id : int
        ---
        data : <blob@main>
        obj : <object@main>
        """;

    private static FetchOptions ById => new() { OrderBy = ["id"] };

    [Test]
    public async Task BlobAndObjectRoundTrip()
    {
        var schema = await NewSchemaAsync("rt");
        var table = await schema.DeclareAsync("Rec", TableTier.Manual, Definition);
        await table.Insert1Async(new Dictionary<string, object?> { ["id"] = 1, ["data"] = "hello store", ["obj"] = new byte[] { 1, 2, 3, 250 } });

        var row = await table.Fetch1Async();
        Assert.That(row["data"], Is.EqualTo("hello store"));
        var obj = (ObjectRef)row["obj"]!;
        Assert.That(await obj.ReadAllBytesAsync(), Is.EqualTo(new byte[] { 1, 2, 3, 250 }));
        Assert.That(obj.Path, Does.StartWith($"_schema/{schema.Database}/rec/id=1/obj_"));
        Assert.That(await ListAsync($"_hash/{schema.Database}/"), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task LargeArrayRoundTripsWithoutAPackedCopy()
    {
        // 12 MB of random doubles: stored from the array's own memory (S3: a multipart upload), read back with the
        // hash verified; the object is byte for byte what packing the array gives.
        var schema = await NewSchemaAsync("big");
        var table = await schema.DeclareAsync("Trace", TableTier.Manual, """
            id : int
            ---
            samples : <blob@main>
            """);
        var samples = new double[1_500_000];
        new Random(17).NextBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(samples.AsSpan()));
        await table.InsertAsync([new Dictionary<string, object?> { ["id"] = 1, ["samples"] = samples }], new InsertOptions { MaxParallelUploads = 1 });

        var packed = DataJoint.Blob.Pack(samples);
        var hash = ContentHash.Compute(packed);
        Assert.That(await ListAsync($"_hash/{schema.Database}/"), Is.EqualTo(new[] { $"_hash/{schema.Database}/{hash}" }));
        Assert.That(await Main.GetSizeAsync($"_hash/{schema.Database}/{hash}"), Is.EqualTo(packed.Length));
        var fetched = ((BlobArray<double>)(await table.Fetch1Async())["samples"]!).Data;
        Assert.That(System.Runtime.InteropServices.MemoryMarshal.AsBytes(fetched.AsSpan()).SequenceEqual(
            System.Runtime.InteropServices.MemoryMarshal.AsBytes(samples.AsSpan())), Is.True);
    }

    [Test]
    public async Task DuplicateKeyInLastRowLeavesNoRowsAndNoSchemaObjects()
    {
        var schema = await NewSchemaAsync("dup");
        var table = await schema.DeclareAsync("Rec", TableTier.Manual, Definition);
        var rows = Enumerable.Range(0, 6)
            .Select(i => new Dictionary<string, object?> { ["id"] = i == 5 ? 0 : i, ["data"] = $"row {i}", ["obj"] = new[] { (byte)i } })
            .ToList();

        var ex = await Assert.ThrowsAsync<DuplicateEntryException>(() => table.InsertAsync(rows));
        Assert.That(ex!.Message, Does.Contain("Duplicate"));
        Assert.That(await CountAsync(table), Is.Zero);
        Assert.That(await ListAsync("_schema/"), Is.Empty);
        // Hash-addressed objects may be shared, so the failed insert leaves them; GC reports them as orphans.
        var report = await schema.CollectGarbageAsync();
        Assert.That(report.HashPathsOrphaned, Is.EqualTo(6));
        Assert.That(report.SchemaPathsStored, Is.Zero);
    }

    [Test]
    public async Task DuplicateOfAnExistingRowRemovesOnlyThisInsertsObjects()
    {
        var schema = await NewSchemaAsync("dup2");
        var table = await schema.DeclareAsync("Rec", TableTier.Manual, Definition);
        await table.Insert1Async(new { id = 7, data = "kept", obj = new byte[] { 7 } });
        var before = await ListAsync("_schema/");
        Assert.That(before, Has.Count.EqualTo(1));

        await Assert.ThrowsAsync<DuplicateEntryException>(() => table.InsertAsync(new[]
        {
            new { id = 8, data = "new", obj = new byte[] { 8 } },
            new { id = 7, data = "clash", obj = new byte[] { 9 } },
        }, new InsertOptions { MaxParallelUploads = 1 }));
        Assert.That(await ListAsync("_schema/"), Is.EqualTo(before));
        var row = await table.Fetch1Async();
        Assert.That(await ((ObjectRef)row["obj"]!).ReadAllBytesAsync(), Is.EqualTo(new byte[] { 7 }));
    }

    [Test]
    public async Task InvalidValueInLastRowUploadsNothing()
    {
        var schema = await NewSchemaAsync("inv");
        var table = await schema.DeclareAsync("Rec", TableTier.Manual, Definition);
        var rows = new List<Dictionary<string, object?>>
        {
            new() { ["id"] = 1, ["data"] = 1.5, ["obj"] = new byte[] { 1 } },
            new() { ["id"] = 2, ["data"] = 2.5, ["obj"] = 42 }, // <object> takes bytes or a path, not an int
        };
        var ex = await Assert.ThrowsAsync<CodecException>(() => table.InsertAsync(rows));
        Assert.That(ex!.Message, Does.Contain("<object> expects bytes or path, got int"));
        Assert.That((ex.Attribute, ex.Codec, ex.Operation), Is.EqualTo(("obj", "object", CodecOperation.Validate)));
        Assert.That(await CountAsync(table), Is.Zero);
        Assert.That(await ListAsync(""), Is.Empty, "rows are validated before the first upload");
    }

    [TestCase(1)]
    [TestCase(4)]
    public async Task EncodeFailureAfterOtherUploadsRemovesTheirSchemaObjects(int degree)
    {
        var schema = await NewSchemaAsync("enc");
        var table = await schema.DeclareAsync("Note", TableTier.Manual, """
            id : int
            ---
            text : <atomic_text@main>
            """);
        var rows = Enumerable.Range(0, 12).Select(i => new { id = i, text = i == 9 ? "boom" : $"note {i}" }).ToList();
        var ex = await Assert.ThrowsAsync<CodecException>(() => table.InsertAsync(rows, new InsertOptions { MaxParallelUploads = degree }));
        Assert.That(ex!.Message, Does.Contain("atomic_text refuses to encode 'boom'"));
        Assert.That((ex.Attribute, ex.Codec, ex.Store), Is.EqualTo(("text", "atomic_text", "main")));
        Assert.That(await CountAsync(table), Is.Zero);
        Assert.That(await ListAsync("_schema/"), Is.Empty);

        // The same codec works end to end once the bad value is gone.
        await table.InsertAsync(rows.Where(r => r.text != "boom"), new InsertOptions { MaxParallelUploads = degree });
        var fetched = await table.FetchAsync(ById);
        Assert.That(fetched.Select(r => (string)r["text"]!), Is.EqualTo(rows.Where(r => r.text != "boom").Select(r => r.text)));
    }

    [TestCase(1)]
    [TestCase(4)]
    public async Task InsertCancelledDuringUploadsLeavesNoRowsAndNoSchemaObjects(int degree)
    {
        var schema = await NewSchemaAsync("cancel");
        var table = await schema.DeclareAsync("Note", TableTier.Manual, """
            id : int
            ---
            text : <atomic_text@main>
            """);
        using var cts = new CancellationTokenSource();
        AtomicTextCodec.CancelOnEncode = cts; // encoding the text "cancel" cancels the insert's token, mid-upload
        try
        {
            var rows = Enumerable.Range(0, 10).Select(i => new { id = i, text = i == 4 ? "cancel" : $"note {i}" });
            Assert.That(async () => await table.InsertAsync(rows, new InsertOptions { MaxParallelUploads = degree }, cts.Token),
                Throws.InstanceOf<OperationCanceledException>());
        }
        finally
        {
            AtomicTextCodec.CancelOnEncode = null;
        }
        Assert.That(await CountAsync(table), Is.Zero);
        Assert.That(await ListAsync("_schema/"), Is.Empty);
    }

    [TestCase(1)]
    [TestCase(4)]
    public async Task FailedBackgroundHashUploadLeavesNoRowsAndNoSchemaObjects(int degree)
    {
        // <blob@> uploads run in the background while later rows encode; the 5th one fails at the store. The insert
        // must report that failure, write no row, and remove the <object@> files its rows already uploaded.
        var faulty = new FaultyProvider(Provider, failOnHashPut: 5);
        var name = TestServices.UniqueSchemaName("bgfail");
        var schema = await Schema.ActivateAsync(Connection, name, stores: faulty);
        try
        {
            var table = await schema.DeclareAsync("Rec", TableTier.Manual, Definition);
            var rows = Enumerable.Range(0, 12).Select(i => new Dictionary<string, object?>
            {
                ["id"] = i, ["data"] = $"payload {i}", ["obj"] = Encoding.UTF8.GetBytes($"object {i}"),
            }).ToList();
            // the failed background upload stores `data`'s value: the error names `data`, wherever the insert notices it
            var ex = await Assert.CatchAsync<DataJointException>(() => table.InsertAsync(rows, new InsertOptions { MaxParallelUploads = degree }));
            Assert.That(ex!.Message, Does.Contain("injected upload failure"));
            Assert.That((ex.Table, ex.Attribute, ex.Store), Is.EqualTo(("rec", "data", "main")));
            Assert.That(await CountAsync(table), Is.Zero);
            Assert.That(await ListAsync("_schema/"), Is.Empty);
            Assert.That(faulty.MaxConcurrentPuts, Is.LessThanOrEqualTo(degree), "uploads of one insert never exceed its degree");

            // Without the fault the same rows go in, and every hash object the rows point at exists.
            faulty.FailOnHashPut = 0;
            await table.InsertAsync(rows, new InsertOptions { MaxParallelUploads = degree });
            var fetched = await table.FetchAsync(ById);
            Assert.That(fetched.Select(r => (string)r["data"]!), Is.EqualTo(rows.Select(r => (string)r["data"]!)));
            Assert.That(faulty.MaxConcurrentPuts, Is.LessThanOrEqualTo(degree));
        }
        finally
        {
            await TestServices.DropSchemaAsync(Connection, name);
        }
    }

    /// <summary>The fixture's stores, with a store that fails its n-th upload of a hash-addressed object and counts concurrent uploads.</summary>
    private sealed class FaultyProvider(IStoreProvider inner, int failOnHashPut) : IStoreProvider
    {
        private int _hashPuts;
        private int _running;
        private int _max;

        public int FailOnHashPut { get; set; } = failOnHashPut;
        public int MaxConcurrentPuts => Volatile.Read(ref _max);
        public string? DefaultStoreName => inner.DefaultStoreName;
        public IObjectStore GetStore(string? name) => new FaultyStore(inner.GetStore(name), this);

        private sealed class FaultyStore(IObjectStore store, FaultyProvider owner) : IObjectStore
        {
            public string Name => store.Name;
            public StoreSpec Spec => store.Spec;

            public async Task PutAsync(string path, Stream content, long? length, CancellationToken cancellationToken = default)
            {
                var running = Interlocked.Increment(ref owner._running);
                for (var max = Volatile.Read(ref owner._max); running > max; max = Volatile.Read(ref owner._max))
                    if (Interlocked.CompareExchange(ref owner._max, running, max) == max) break;
                try
                {
                    await Task.Delay(5, cancellationToken); // long enough for overlapping uploads to be seen
                    if (path.StartsWith("_hash/", StringComparison.Ordinal) && Interlocked.Increment(ref owner._hashPuts) == owner.FailOnHashPut)
                        throw new DataJointException($"injected upload failure at {path}");
                    await store.PutAsync(path, content, length, cancellationToken);
                }
                finally
                {
                    Interlocked.Decrement(ref owner._running);
                }
            }

            public Task<Stream> OpenReadAsync(string path, CancellationToken cancellationToken = default) => store.OpenReadAsync(path, cancellationToken);
            public Task<long?> GetSizeAsync(string path, CancellationToken cancellationToken = default) => store.GetSizeAsync(path, cancellationToken);
            public Task DeleteAsync(string path, CancellationToken cancellationToken = default) => store.DeleteAsync(path, cancellationToken);
            public IAsyncEnumerable<StoreObjectInfo> ListAsync(string prefix, CancellationToken cancellationToken = default) => store.ListAsync(prefix, cancellationToken);
        }
    }

    [Test]
    public async Task ParallelAndSequentialInsertsProduceTheSameRowsAndObjects()
    {
        var sequential = await NewSchemaAsync("seq");
        var parallel = await NewSchemaAsync("par");
        var rows = Enumerable.Range(0, 24)
            .Select(i => new { id = i, data = Enumerable.Range(0, 1000).Select(k => (double)(k * i)).ToArray(), obj = Encoding.UTF8.GetBytes($"object {i}") })
            .ToList();
        var results = new List<(List<string> Hash, List<string> Objects, IReadOnlyList<Row> Rows)>();
        foreach (var (schema, degree) in new[] { (sequential, 1), (parallel, 8) })
        {
            var table = await schema.DeclareAsync("Rec", TableTier.Manual, Definition);
            await table.InsertAsync(rows, new InsertOptions { MaxParallelUploads = degree });
            var hash = (await ListAsync($"_hash/{schema.Database}/")).Select(p => p[(p.LastIndexOf('/') + 1)..]).ToList();
            // Object paths carry a random token: compare them without it.
            var objects = (await ListAsync($"_schema/{schema.Database}/")).Select(p => p[..(p.LastIndexOf("/obj_", StringComparison.Ordinal) + 5)]).ToList();
            results.Add((hash, objects, await table.FetchAsync(ById)));
        }
        Assert.That(results[1].Hash, Is.EqualTo(results[0].Hash));
        Assert.That(results[0].Hash, Has.Count.EqualTo(24));
        Assert.That(results[1].Objects.Select(p => p[(p.IndexOf("/rec/", StringComparison.Ordinal))..]),
            Is.EqualTo(results[0].Objects.Select(p => p[(p.IndexOf("/rec/", StringComparison.Ordinal))..])));
        for (var i = 0; i < rows.Count; i++)
        {
            foreach (var r in new[] { results[0].Rows[i], results[1].Rows[i] })
            {
                Assert.That(r["id"], Is.EqualTo(i));
                Assert.That(((BlobArray<double>)r["data"]!).ToArray(), Is.EqualTo(rows[i].data), $"row {i}");
                var obj = (ObjectRef)r["obj"]!;
                Assert.That(obj.Path, Does.Contain($"/rec/id={i}/obj_"));
                Assert.That(Encoding.UTF8.GetString(await obj.ReadAllBytesAsync()), Is.EqualTo($"object {i}"));
            }
        }
    }

    [TestCase(1)]
    [TestCase(4)]
    public async Task MultiRowInsertDeduplicatesAgainstExistingHashObjects(int degree)
    {
        var schema = await NewSchemaAsync("dedup");
        var first = await schema.DeclareAsync("First", TableTier.Manual, "id : int\n---\nval : <blob@main>\n");
        var second = await schema.DeclareAsync("Second", TableTier.Manual, "id : int\n---\nval : <blob@main>\n");
        await first.InsertAsync(Enumerable.Range(0, 5).Select(i => new { id = i, val = (object)$"shared {i}" }), new InsertOptions { MaxParallelUploads = degree });
        var stored = await ListAsync($"_hash/{schema.Database}/");
        Assert.That(stored, Has.Count.EqualTo(5));

        // Rows 0-4 reuse the stored objects (listed once, not re-checked per row); rows 5-7 add new ones.
        await second.InsertAsync(Enumerable.Range(0, 8).Select(i => new { id = i, val = (object)$"shared {i}" }), new InsertOptions { MaxParallelUploads = degree });
        var after = await ListAsync($"_hash/{schema.Database}/");
        Assert.That(after, Has.Count.EqualTo(8));
        Assert.That(after, Is.SupersetOf(stored));
        var rows = await second.FetchAsync(ById);
        Assert.That(rows.Select(r => r["val"]), Is.EqualTo(Enumerable.Range(0, 8).Select(i => $"shared {i}")));
        Assert.That((await schema.CollectGarbageAsync()).OrphanCount, Is.Zero);
    }
}
