using DataJoint.Stores;

namespace DataJoint.Integration.Tests.StoresTables;

/// <summary>Schema-level GC (spec §6.4, §9 case 25) over real tables, on a folder store and on S3.</summary>
[TestFixture("file")]
[TestFixture("s3")]
public class SchemaGarbageCollectionTests(string protocol) : StoresTablesFixture(protocol)
{
    [Test]
    public async Task KeepsEveryReferencedObjectAndReportsExactlyTheStrays()
    {
        var schema = await NewSchemaAsync("gc");
        var db = schema.Database;
        var table = await schema.DeclareAsync("Rec", TableTier.Manual, """
            rid : int
            ---
            blob : <blob@main>
            arr : <npy@main>
            folder : <object@main>
            graph : <atomic_shout@main>
            """);
        var dir = Directory.CreateTempSubdirectory("djnet-gc-folder-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "a.txt"), "alpha");
            Directory.CreateDirectory(Path.Combine(dir.FullName, "sub"));
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "sub", "b.txt"), "beta");
            await table.InsertAsync(new[]
            {
                new { rid = 1, blob = (object)"first", arr = new[] { 1.0, 2.0 }, folder = dir.FullName, graph = "only via the chain" },
                new { rid = 2, blob = (object)42L, arr = new[] { 3.0 }, folder = dir.FullName, graph = "second graph" },
            });
        }
        finally
        {
            dir.Delete(true);
        }

        var strayHash = $"_hash/{db}/aaaaaaaaaaaaaaaaaaaaaaaaaa";
        var strayNpy = $"_schema/{db}/t/rid=9/x_AAAA.npy";
        await PutAsync(strayHash, [1, 2, 3]);
        await PutAsync(strayNpy, [4, 5, 6, 7]);
        var before = await ListAsync("");

        var report = await schema.CollectGarbageAsync("main");
        Assert.That(report.DryRun, Is.True);
        Assert.That(report.OrphanedHashPaths, Is.EqualTo(new[] { strayHash }));
        Assert.That(report.OrphanedSchemaPaths, Is.EqualTo(new[] { strayNpy }));
        Assert.That((report.OrphanCount, report.OrphanedBytes), Is.EqualTo((2, 7L)));
        // 2 <blob> + 2 <atomic_shout>→<blob> objects; 2 .npy files + 2 folders × (2 files + manifest) stored.
        Assert.That((report.HashPathsReferenced, report.HashPathsStored), Is.EqualTo((4, 5)));
        Assert.That(report.SchemaPathsStored, Is.EqualTo(2 + 2 * 3 + 1));
        Assert.That(await ListAsync(""), Is.EqualTo(before), "a dry run deletes nothing");

        var deleted = await schema.CollectGarbageAsync("main", dryRun: false);
        Assert.That((deleted.HashPathsDeleted, deleted.SchemaPathsDeleted, deleted.BytesFreed), Is.EqualTo((1, 1, 7L)));
        Assert.That(deleted.Errors, Is.Empty);
        Assert.That(await ListAsync(""), Is.EqualTo(before.Where(p => p != strayHash && p != strayNpy)));

        // Everything the rows reference is still readable, the custom chained codec included.
        var rows = await table.FetchAsync(new FetchOptions { OrderBy = ["rid"] });
        Assert.That(rows.Select(r => r["graph"]), Is.EqualTo(new[] { "only via the chain", "second graph" }));
        Assert.That(rows[0]["blob"], Is.EqualTo("first"));
        Assert.That((await ((NpyRef)rows[0]["arr"]!).LoadAsync()).ToArray<double>(), Is.EqualTo(new[] { 1.0, 2.0 }));
        var folder = (ObjectRef)rows[1]["folder"]!;
        Assert.That(folder.IsDir, Is.True);
        using (var reader = new StreamReader(await folder.OpenReadAsync("sub/b.txt")))
            Assert.That(await reader.ReadToEndAsync(), Is.EqualTo("beta"));

        var clean = await schema.CollectGarbageAsync();
        Assert.That(clean.OrphanCount, Is.Zero);
    }

    [Test]
    public async Task DeletedRowsObjectsBecomeOrphansAcrossSchemas()
    {
        var a = await NewSchemaAsync("gca");
        var b = await NewSchemaAsync("gcb");
        var ta = await a.DeclareAsync("Rec", TableTier.Manual, "id : int\n---\nobj : <object@main>\nval : <blob@>\n");
        var tb = await b.DeclareAsync("Rec", TableTier.Manual, "id : int\n---\nobj : <object@main>\nval : <blob@>\n");
        foreach (var t in new[] { ta, tb })
            await t.InsertAsync(new[] { new { id = 1, obj = new byte[] { 1 }, val = (object)"same" }, new { id = 2, obj = new byte[] { 2, 2 }, val = (object)"other" } });
        var removed = (ObjectRef)(await (ta & new { id = 2 }).Fetch1Async())["obj"]!;
        await (ta & new { id = 2 }).DeleteAsync();

        var report = await SchemaGarbageCollector.CollectAsync([a, b]);
        Assert.That(report.OrphanedSchemaPaths, Is.EqualTo(new[] { removed.Path }));
        Assert.That(report.OrphanedHashPaths, Has.Count.EqualTo(1).And.All.StartWith($"_hash/{a.Database}/"));
        Assert.That(report.SchemaOrphanedBytes, Is.EqualTo(2));

        var done = await SchemaGarbageCollector.CollectAsync([a, b], dryRun: false);
        Assert.That(done.Deleted, Is.EqualTo(2));
        Assert.That((await SchemaGarbageCollector.CollectAsync([a, b])).OrphanCount, Is.Zero);
        Assert.That((await tb.FetchAsync()).Count, Is.EqualTo(2));
    }
}
