using System.Text;
using System.Text.Json;
using DataJoint.Stores;

namespace DataJoint.Integration.Tests.Stores;

/// <summary>DataJoint's layouts on a real store of each protocol: hash dedup and verification, objects, folders, .npy, filepath, GC.</summary>
[TestFixture("file")]
[TestFixture("s3")]
public class StorageLayerTests(string protocol) : StoreFixture(protocol)
{
    private static readonly byte[] BlobFive = Convert.FromHexString("646a30000a010005");

    private IObjectStore StoreWith(StoreSpec spec) => spec.Protocol == "file" ? new LocalObjectStore(spec) : new S3ObjectStore(spec);

    private static ObjectLocation Row(string schema, string table, string field, params (string, object?)[] pk) =>
        new(schema, table, field, pk.Select(p => KeyValuePair.Create(p.Item1, p.Item2)).ToList());

    [Test]
    public async Task HashPutWritesPythonLayoutAndMetadata()
    {
        var meta = await HashStorage.PutAsync(Store, "lab", BlobFive);
        Assert.That(meta.ToJson(), Is.EqualTo(
            $$"""{"hash": "vwxmh6tkl2az5arxvlyvttcody", "path": "_hash/lab/vwxmh6tkl2az5arxvlyvttcody", "schema": "lab", "store": "{{Store.Name}}", "size": 8}"""));
        Assert.That(await ReadAll(await Store.OpenReadAsync("_hash/lab/vwxmh6tkl2az5arxvlyvttcody")), Is.EqualTo(BlobFive));
        Assert.That(await HashStorage.GetAsync(Store, HashMetadata.Parse(meta.ToJson())), Is.EqualTo(BlobFive));
    }

    [Test]
    public async Task HashPutDeduplicatesWithoutRewriting()
    {
        var first = await HashStorage.PutAsync(Store, "lab", BlobFive);
        // Replace the stored bytes; a second put of the same content must not rewrite the object,
        // so the tampering stays visible (and is caught on read).
        await Tamper(first.HashPath, Encoding.ASCII.GetBytes("tampered"));
        var second = await HashStorage.PutAsync(Store, "lab", BlobFive);
        Assert.That(second, Is.EqualTo(first));
        Assert.That(await ReadAll(await Store.OpenReadAsync(first.HashPath)), Is.EqualTo(Encoding.ASCII.GetBytes("tampered")));
        Assert.That((await ListAll("_hash/")).Count, Is.EqualTo(1));

        // The same content in another schema is a separate object (dedup is per schema).
        var other = await HashStorage.PutAsync(Store, "lab2", BlobFive);
        Assert.That(other.HashPath, Is.EqualTo("_hash/lab2/vwxmh6tkl2az5arxvlyvttcody"));
        Assert.That((await ListAll("_hash/")).Count, Is.EqualTo(2));
    }

    [Test]
    public async Task CorruptedObjectIsDetectedOnRead()
    {
        var meta = await HashStorage.PutAsync(Store, "lab", BlobFive);
        await Tamper(meta.HashPath, Convert.FromHexString("646a30000a010006"));
        var ex = await Assert.ThrowsAsync<StoreIntegrityException>(() => HashStorage.GetAsync(Store, meta));
        Assert.That((ex!.Store, ex.ObjectPath), Is.EqualTo((Store.Name, meta.HashPath)));
        var actual = ContentHash.Compute(Convert.FromHexString("646a30000a010006"));
        Assert.That(ex!.Message, Is.EqualTo(
            $"Hash mismatch: expected vwxmh6tkl2az5arxvlyvttcody, got {actual}. Data at _hash/lab/vwxmh6tkl2az5arxvlyvttcody may be corrupted (store '{Store.Name}')."));
        using var sink = new MemoryStream();
        await Assert.ThrowsAsync<StoreIntegrityException>(() => HashStorage.CopyToAsync(Store, meta, sink));
    }

    [Test]
    public async Task MissingHashObjectIsReported()
    {
        var meta = new HashMetadata("vwxmh6tkl2az5arxvlyvttcody", "_hash/lab/vwxmh6tkl2az5arxvlyvttcody", "lab", Store.Name, 8);
        var ex = await Assert.ThrowsAsync<MissingExternalFileException>(() => HashStorage.GetAsync(Store, meta));
        Assert.That(ex!.Message, Does.StartWith("Missing external file ").And.Contain("_hash/lab/vwxmh6tkl2az5arxvlyvttcody"));
    }

    [Test]
    public async Task HashSubfoldingAndLargeStreamPut()
    {
        var folded = StoreWith(Spec with { Subfolding = [2, 2] });
        var content = new byte[3 * 1024 * 1024 + 17];
        new Random(7).NextBytes(content);
        await using var file = new MemoryStream(content);
        var meta = await HashStorage.PutAsync(folded, "lab", file);
        var h = ContentHash.Compute(content);
        Assert.That(meta.HashPath, Is.EqualTo($"_hash/lab/{h[..2]}/{h[2..4]}/{h}"));
        Assert.That(meta.Size, Is.EqualTo(content.Length));
        using var copy = new MemoryStream();
        await HashStorage.CopyToAsync(folded, meta, copy);
        Assert.That(copy.ToArray(), Is.EqualTo(content));
        (folded as IDisposable)?.Dispose();
    }

    [Test]
    public async Task ObjectBytesAndLazyObjectRef()
    {
        var row = Row("lab", "session", "raw", ("subject_id", 1), ("session_date", new DateOnly(2024, 1, 2)));
        var data = Encoding.UTF8.GetBytes("not really npy");
        var meta = await ObjectStorage.PutBytesAsync(Store, row, data, ".npy");
        Assert.That(meta.ObjectPath, Does.Match(@"^_schema/lab/session/subject_id=1/session_date=2024-01-02/raw_[A-Za-z0-9_-]{8}\.npy$"));
        using (var doc = JsonDocument.Parse(meta.ToJson()))
        {
            Assert.That(doc.RootElement.EnumerateObject().Select(p => p.Name),
                Is.EqualTo(new[] { "path", "store", "size", "ext", "is_dir", "item_count", "timestamp" }));
            Assert.That(doc.RootElement.GetProperty("size").GetInt64(), Is.EqualTo(data.Length));
            Assert.That(doc.RootElement.GetProperty("store").GetString(), Is.EqualTo(Store.Name));
            Assert.That(doc.RootElement.GetProperty("timestamp").GetString(), Does.Match(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$"));
        }

        var provider = new StoreProvider([Store], defaultStore: Store.Name);
        var objectRef = ObjectRef.FromJson(meta.ToJson(), provider);
        Assert.That(objectRef.Path, Is.EqualTo(meta.ObjectPath));
        Assert.That(objectRef.Size, Is.EqualTo(data.Length));
        Assert.That(objectRef.Ext, Is.EqualTo(".npy"));
        Assert.That(await objectRef.ExistsAsync(), Is.True);
        Assert.That(await objectRef.ReadAllBytesAsync(), Is.EqualTo(data));
        Assert.That(await ReadAll(await objectRef.OpenReadAsync()), Is.EqualTo(data));
        Assert.That(await objectRef.VerifyAsync(), Is.True);

        var dir = Directory.CreateTempSubdirectory("djnet-dl-");
        try
        {
            var local = await objectRef.DownloadAsync(dir.FullName);
            Assert.That(local, Is.EqualTo(Path.Combine(dir.FullName, Path.GetFileName(meta.ObjectPath))));
            Assert.That(await File.ReadAllBytesAsync(local), Is.EqualTo(data));
            var named = await objectRef.DownloadAsync(Path.Combine(dir.FullName, "renamed.bin"));
            Assert.That(await File.ReadAllBytesAsync(named), Is.EqualTo(data));
        }
        finally
        {
            dir.Delete(true);
        }

        var sub = await Assert.ThrowsAsync<DataJointException>(() => objectRef.OpenReadAsync("x"));
        Assert.That(sub!.Message, Does.StartWith("Cannot use subpath on a file object"));
        await Store.DeleteAsync(meta.ObjectPath);
        Assert.That(await objectRef.ExistsAsync(), Is.False);
        Assert.That(await objectRef.VerifyAsync(), Is.False);
    }

    [Test]
    public async Task FolderObjectWithManifest()
    {
        var src = Directory.CreateTempSubdirectory("djnet-folder-");
        var dest = Directory.CreateTempSubdirectory("djnet-folder-dl-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(src.FullName, "a.txt"), "aaa");
            await File.WriteAllTextAsync(Path.Combine(src.FullName, "b.txt"), "bbbb");
            Directory.CreateDirectory(Path.Combine(src.FullName, "sub"));
            await File.WriteAllTextAsync(Path.Combine(src.FullName, "sub", "c.txt"), "cc");

            var meta = await ObjectStorage.PutPathAsync(Store, Row("lab", "recording", "files", ("rid", 3)), src.FullName);
            Assert.That(meta.IsDir, Is.True);
            Assert.That(meta.ItemCount, Is.EqualTo(3));
            Assert.That(meta.Size, Is.EqualTo(9));
            Assert.That(meta.Ext, Is.Null);
            Assert.That(meta.ObjectPath, Does.Match(@"^_schema/lab/recording/rid=3/files_[A-Za-z0-9_-]{8}$"));

            var stored = (await ListAll("_schema/")).Select(o => o.Path).ToList();
            Assert.That(stored, Is.EquivalentTo(new[]
            {
                meta.ObjectPath + "/a.txt", meta.ObjectPath + "/b.txt", meta.ObjectPath + "/sub/c.txt", meta.ObjectPath + ".manifest.json",
            }));
            using (var manifest = JsonDocument.Parse(await ReadAll(await Store.OpenReadAsync(meta.ObjectPath + ".manifest.json"))))
            {
                var root = manifest.RootElement;
                Assert.That(root.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "files", "total_size", "item_count", "created" }));
                Assert.That(root.GetProperty("files").EnumerateArray().Select(f => (f.GetProperty("path").GetString(), f.GetProperty("size").GetInt64())),
                    Is.EqualTo(new[] { ("a.txt", 3L), ("b.txt", 4L), ("sub/c.txt", 2L) }));
                Assert.That(root.GetProperty("total_size").GetInt64(), Is.EqualTo(9));
                Assert.That(root.GetProperty("item_count").GetInt64(), Is.EqualTo(3));
            }

            var objectRef = new ObjectRef(ObjectMetadata.Parse(meta.ToJson()), Store);
            Assert.That(await objectRef.ExistsAsync(), Is.True);
            Assert.That(await objectRef.ExistsAsync("sub/c.txt"), Is.True);
            var files = new List<StoreObjectInfo>();
            await foreach (var f in objectRef.ListAsync()) files.Add(f);
            Assert.That(files.Select(f => f.Path), Is.EqualTo(new[] { "a.txt", "b.txt", "sub/c.txt" }));
            Assert.That(Encoding.UTF8.GetString(await ReadAll(await objectRef.OpenReadAsync("sub/c.txt"))), Is.EqualTo("cc"));
            var dirRead = await Assert.ThrowsAsync<DataJointException>(() => objectRef.ReadAllBytesAsync());
            Assert.That(dirRead!.Message, Does.StartWith("Cannot read() a directory."));

            await objectRef.DownloadAsync(dest.FullName);
            Assert.That(await File.ReadAllTextAsync(Path.Combine(dest.FullName, "sub", "c.txt")), Is.EqualTo("cc"));
            Assert.That(await File.ReadAllTextAsync(Path.Combine(dest.FullName, "b.txt")), Is.EqualTo("bbbb"));
            Assert.That(await objectRef.VerifyAsync(), Is.True);
            await Store.DeleteAsync(meta.ObjectPath + "/b.txt");
            Assert.That(await objectRef.VerifyAsync(), Is.False);

            var missing = await Assert.ThrowsAsync<DataJointException>(() => ObjectStorage.PutPathAsync(Store, Row("lab", "t", "f"), Path.Combine(src.FullName, "nope")));
            Assert.That(missing!.Message, Is.EqualTo($"Source path not found: {Path.Combine(src.FullName, "nope")}"));
        }
        finally
        {
            src.Delete(true);
            dest.Delete(true);
        }
    }

    [Test]
    public async Task FileObjectKeepsItsSuffix()
    {
        var src = Path.Combine(Path.GetTempPath(), $"djnet-{Guid.NewGuid():N}.tif");
        await File.WriteAllBytesAsync(src, [1, 2, 3]);
        try
        {
            var meta = await ObjectStorage.PutPathAsync(Store, Row("lab", "t", "img", ("id", "a/b c")), src);
            Assert.That(meta.ObjectPath, Does.Match(@"^_schema/lab/t/id=a%2Fb%20c/img_[A-Za-z0-9_-]{8}\.tif$"));
            Assert.That(meta.Ext, Is.EqualTo(".tif"));
            Assert.That(meta.Size, Is.EqualTo(3));
            Assert.That(await Store.GetSizeAsync(meta.ObjectPath), Is.EqualTo(3));
        }
        finally
        {
            File.Delete(src);
        }
    }

    [Test]
    public async Task NpyRefIsLazy()
    {
        var array = NpyArray.FromArray(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        var meta = await ObjectStorage.PutNpyAsync(Store, Row("lab", "t", "trace", ("id", 1)), array);
        Assert.That(meta.ToJson(), Does.Match(
            "^\\{\"path\": \"_schema/lab/t/id=1/trace_[A-Za-z0-9_-]{8}\\.npy\", \"store\": \"" + Store.Name + "\", \"dtype\": \"float64\", \"shape\": \\[2, 3\\]\\}$"));
        var bytes = await ReadAll(await Store.OpenReadAsync(meta.ObjectPath));
        Assert.That(bytes.Length, Is.EqualTo(128 + 48));
        Assert.That(Encoding.ASCII.GetString(bytes, 10, 60), Is.EqualTo("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), } "));

        // A ref to a store path that does not exist yet shows that shape and dtype need no I/O.
        var lazy = new NpyRef(meta with { ObjectPath = meta.ObjectPath + ".absent" }, Store);
        Assert.That(lazy.Shape, Is.EqualTo(new long[] { 2, 3 }));
        Assert.That(lazy.Dtype, Is.EqualTo("float64"));
        Assert.That(lazy.Ndim, Is.EqualTo(2));
        Assert.That(lazy.Size, Is.EqualTo(6));
        Assert.That(lazy.Nbytes, Is.EqualTo(48));
        Assert.That(lazy.IsLoaded, Is.False);

        var npyRef = NpyRef.FromJson(meta.ToJson(), new StoreProvider([Store], Store.Name));
        var loaded = await npyRef.LoadAsync();
        Assert.That(npyRef.IsLoaded, Is.True);
        Assert.That((double[,])loaded.ToMultiDimensionalArray(), Is.EqualTo(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } }));
        Assert.That(await npyRef.LoadAsync(), Is.SameAs(loaded), "loaded once, then cached");
    }

    [Test]
    public async Task FilepathReferences()
    {
        var data = new byte[1024];
        using (var s = new MemoryStream(data)) await Store.PutAsync("subject01/data.bin", s, data.Length);
        var meta = await FilepathReference.CreateAsync(Store, "subject01/data.bin");
        Assert.That(meta.ToJson(), Does.Match(
            "^\\{\"path\": \"subject01/data.bin\", \"store\": \"" + Store.Name + "\", \"size\": 1024, \"is_dir\": false, \"timestamp\": \"[^\"]+\"\\}$"));
        var folder = await FilepathReference.CreateAsync(Store, "subject01");
        Assert.That(folder.IsDir, Is.True);
        Assert.That(folder.Size, Is.Null);
        var missing = await Assert.ThrowsAsync<DataJointException>(() => FilepathReference.CreateAsync(Store, "subject02/data.bin"));
        Assert.That(missing!.Message, Is.EqualTo($"File not found in store '{Store.Name}': subject02/data.bin"));
        var reserved = await Assert.ThrowsAsync<DataJointException>(() => FilepathReference.CreateAsync(Store, "_hash/x"));
        Assert.That(reserved!.Message, Does.StartWith("<filepath@> cannot use reserved section '_hash' (hash_prefix)."));

        var objectRef = ObjectRef.FromJson(meta.ToJson(), new StoreProvider([Store], Store.Name));
        Assert.That(await objectRef.ReadAllBytesAsync(), Is.EqualTo(data));
    }

    [TestCase(null)]
    [TestCase(2)]
    public async Task PutManyDeduplicatesAndKeepsOrder(int? listBudget)
    {
        // Existing objects (one changed at the same size, to prove an intact-looking object is not rewritten; one
        // truncated, which is repaired), duplicates inside the batch, new contents.
        var existing = Encoding.UTF8.GetBytes("already stored");
        var tamperedContent = Encoding.UTF8.GetBytes("stored and tampered");
        var truncatedContent = Encoding.UTF8.GetBytes("stored and then truncated");
        var pre1 = await HashStorage.PutAsync(Store, "lab", existing);
        var pre2 = await HashStorage.PutAsync(Store, "lab", tamperedContent);
        await Tamper(pre2.HashPath, Encoding.ASCII.GetBytes("tampered at samesize"[..tamperedContent.Length]));
        var pre3 = await HashStorage.PutAsync(Store, "lab", truncatedContent);
        await Tamper(pre3.HashPath, Encoding.ASCII.GetBytes("stored"));
        var fresh = Enumerable.Range(0, 8).Select(i => Encoding.UTF8.GetBytes($"fresh {i}")).ToList();
        var batch = new List<ReadOnlyMemory<byte>> { existing, fresh[0], tamperedContent, fresh[0], truncatedContent };
        batch.AddRange(fresh.Skip(1).Select(f => (ReadOnlyMemory<byte>)f));

        var metas = await HashStorage.PutManyAsync(Store, "lab", batch, 3, listBudget, CancellationToken.None);
        Assert.That(metas.Select(m => m.Hash), Is.EqualTo(batch.Select(b => ContentHash.Compute(b.Span))));
        Assert.That(metas.Select(m => m.Size), Is.EqualTo(batch.Select(b => (long)b.Length)));
        Assert.That(metas[0], Is.EqualTo(pre1));
        Assert.That(await ReadAll(await Store.OpenReadAsync(pre2.HashPath)), Is.EqualTo(Encoding.ASCII.GetBytes("tampered at samesize"[..tamperedContent.Length])),
            "an existing object of the right size is not rewritten");
        Assert.That(await ReadAll(await Store.OpenReadAsync(pre3.HashPath)), Is.EqualTo(truncatedContent), "a truncated object is replaced");
        foreach (var m in metas.Where(m => m.HashPath != pre2.HashPath))
            Assert.That(await HashStorage.GetAsync(Store, m), Is.EqualTo(batch[Array.IndexOf(metas, m)].ToArray()));
        Assert.That((await ListAll("_hash/lab/")).Count, Is.EqualTo(11));
    }

    [Test]
    public async Task ParallelUploadsKeepOrder()
    {
        var payloads = Enumerable.Range(0, 12).Select(i => Encoding.UTF8.GetBytes($"row {i}")).ToList();
        var metas = await ParallelUploads.SelectAsync(payloads, 4, async (p, ct) => await HashStorage.PutAsync(Store, "lab", p, ct));
        Assert.That(metas.Select(m => m.Hash), Is.EqualTo(payloads.Select(p => ContentHash.Compute(p))));
        Assert.That((await ListAll("_hash/lab/")).Count, Is.EqualTo(12));
    }

    [Test]
    public async Task GarbageCollectionKeepsReferencedAndRemovesOrphans()
    {
        const string schema = "gc_lab";
        // Referenced: a <blob@> hash object, an <npy@> array, an <object@> folder (files + manifest).
        var blob = await HashStorage.PutAsync(Store, schema, BlobFive);
        var npy = await ObjectStorage.PutNpyAsync(Store, Row(schema, "t", "arr", ("rid", 1)), NpyArray.Create<int>([1, 2, 3], 3));
        var src = Directory.CreateTempSubdirectory("djnet-gc-");
        ObjectMetadata folder;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(src.FullName, "x.txt"), "x");
            await File.WriteAllTextAsync(Path.Combine(src.FullName, "y.txt"), "yy");
            folder = await ObjectStorage.PutPathAsync(Store, Row(schema, "t", "dir", ("rid", 2)), src.FullName);
        }
        finally
        {
            src.Delete(true);
        }
        // A chained custom codec (<graph@> → <blob@> → <hash@>) reference: seen because the caller follows the whole chain.
        var graph = await HashStorage.PutAsync(Store, schema, Encoding.UTF8.GetBytes("graph blob"));
        // Strays: an unreferenced hash object and an unreferenced schema-addressed file; plus another schema's object.
        var strayHash = await HashStorage.PutAsync(Store, schema, Encoding.UTF8.GetBytes("nobody points here"));
        using (var s = new MemoryStream(new byte[10])) await Store.PutAsync($"_schema/{schema}/t/rid=9/x_AAAA.npy", s, 10);
        var otherSchema = await HashStorage.PutAsync(Store, "other_schema", Encoding.UTF8.GetBytes("nobody points here"));

        var referenced = new[] { blob.ToJson(), npy.ToJson(), folder.ToJson(), graph.ToJson() }
            .Select(j => StoreMetadata.ReferencedPath(j)!.Value)
            .Where(r => r.Store == Store.Name)
            .Select(r => r.Path)
            .ToList();

        var dry = await StoreGarbageCollector.CollectAsync(Store, [schema], referenced);
        Assert.That(dry.DryRun, Is.True);
        Assert.That(dry.OrphanedHashPaths, Is.EqualTo(new[] { strayHash.HashPath }));
        Assert.That(dry.OrphanedSchemaPaths, Is.EqualTo(new[] { $"_schema/{schema}/t/rid=9/x_AAAA.npy" }));
        Assert.That(dry.OrphanCount, Is.EqualTo(2));
        Assert.That(dry.OrphanedBytes, Is.EqualTo(strayHash.Size + 10));
        Assert.That(dry.HashPathsStored, Is.EqualTo(3));
        Assert.That(dry.HashPathsReferenced, Is.EqualTo(2));
        Assert.That(dry.SchemaPathsStored, Is.EqualTo(5), "npy + 2 folder files + manifest + stray");
        Assert.That(dry.SchemaPathsReferenced, Is.EqualTo(2));
        Assert.That(dry.Deleted, Is.EqualTo(0));
        Assert.That(await Store.GetSizeAsync(strayHash.HashPath), Is.Not.Null, "dry run deletes nothing");

        var run = await StoreGarbageCollector.CollectAsync(Store, [schema], referenced, dryRun: false);
        Assert.That(run.HashPathsDeleted, Is.EqualTo(1));
        Assert.That(run.SchemaPathsDeleted, Is.EqualTo(1));
        Assert.That(run.BytesFreed, Is.EqualTo(strayHash.Size + 10));
        Assert.That(run.Errors, Is.Empty);
        Assert.That(await Store.GetSizeAsync(strayHash.HashPath), Is.Null);
        Assert.That(await Store.GetSizeAsync($"_schema/{schema}/t/rid=9/x_AAAA.npy"), Is.Null);
        foreach (var kept in new[] { blob.HashPath, graph.HashPath, npy.ObjectPath, folder.ObjectPath + "/x.txt", folder.ObjectPath + ".manifest.json", otherSchema.HashPath })
            Assert.That(await Store.GetSizeAsync(kept), Is.Not.Null, kept);

        var again = await StoreGarbageCollector.CollectAsync(Store, [schema], referenced);
        Assert.That(again.OrphanCount, Is.EqualTo(0));
        if (Protocol == "file")
            Assert.That(Directory.Exists(Path.Combine(Spec.Location, "_schema", schema, "t", "rid=9")), Is.False, "empty folders pruned");
    }
}
