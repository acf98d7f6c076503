using System.Text.Json;
using DataJoint.Stores;

namespace DataJoint.Integration.Tests.Stores;

/// <summary>The built-in store codecs through their chains against a folder store and the S3 endpoint.</summary>
[TestFixture("file")]
[TestFixture("s3")]
public class StoreCodecIntegrationTests(string protocol) : StoreFixture(protocol)
{
    private StoreProvider Provider => new([Store], defaultStore: Store.Name);

    private EncodeContext Enc(string attribute, params (string, object?)[] pk) => new()
    {
        Schema = "lab", Table = "session", Attribute = attribute, Stores = Provider,
        PrimaryKey = pk.ToDictionary(p => p.Item1, p => p.Item2),
    };

    private DecodeContext Dec(string? download = null) => new() { Schema = "lab", Table = "session", Attribute = "x", Stores = Provider, DownloadPath = download };

    [Test]
    public async Task HashBareAtRoundTripAndGc()
    {
        var chain = Codecs.Resolve("<hash@>");
        var column = (string)(await chain.EncodeAsync(Convert.FromHexString("646a30000a010005"), Enc("big")))!;
        Assert.That(column, Is.EqualTo(
            $$"""{"hash": "vwxmh6tkl2az5arxvlyvttcody", "path": "_hash/lab/vwxmh6tkl2az5arxvlyvttcody", "schema": "lab", "store": "{{Store.Name}}", "size": 8}"""));
        Assert.That(await chain.DecodeAsync(column, Dec()), Is.EqualTo(Convert.FromHexString("646a30000a010005")));

        var orphan = (string)(await chain.EncodeAsync("forgotten"u8.ToArray(), Enc("big")))!;
        var refs = Codecs.Get("hash").ReferencedPaths(column).Select(r => r.Path);
        var report = await StoreGarbageCollector.CollectAsync(Store, ["lab"], refs);
        Assert.That(report.OrphanedHashPaths, Is.EqualTo(new[] { JsonDocument.Parse(orphan).RootElement.GetProperty("path").GetString() }));
    }

    [Test]
    public async Task BlobInStoreRoundTrip()
    {
        var chain = Codecs.Resolve($"<blob@{Store.Name}>");
        var column = (string)(await chain.EncodeAsync(5L, Enc("big")))!;
        Assert.That(JsonDocument.Parse(column).RootElement.GetProperty("path").GetString(), Is.EqualTo("_hash/lab/vwxmh6tkl2az5arxvlyvttcody"));
        Assert.That(Convert.ToHexStringLower(await ReadAll(await Store.OpenReadAsync("_hash/lab/vwxmh6tkl2az5arxvlyvttcody"))), Is.EqualTo("646a30000a010005"));
        Assert.That(Convert.ToInt64(await chain.DecodeAsync(column, Dec())), Is.EqualTo(5));
        var matrix = new double[,] { { 1, 2 }, { 3, 4 } };
        var big = (string)(await chain.EncodeAsync(matrix, Enc("big")))!;
        var back = (BlobArray<double>)(await chain.DecodeAsync(big, Dec()))!;
        Assert.That(back.Shape, Is.EqualTo(new[] { 2, 2 }));
        Assert.That(new[] { back[0, 0], back[0, 1], back[1, 0], back[1, 1] }, Is.EqualTo(new[] { 1.0, 2, 3, 4 }));
    }

    [Test]
    public async Task AttachThroughHash()
    {
        var dir = Directory.CreateTempSubdirectory("djnet-attach-");
        try
        {
            var src = Path.Combine(dir.FullName, "notes.txt");
            await File.WriteAllTextAsync(src, "hello");
            var chain = Codecs.Resolve($"<attach@{Store.Name}>");
            var column = (string)(await chain.EncodeAsync(src, Enc("att")))!;
            Assert.That(JsonDocument.Parse(column).RootElement.GetProperty("path").GetString(), Is.EqualTo("_hash/lab/5fqnjqbaytkumoeqcdiynhw6wu"));
            var local = (string)(await chain.DecodeAsync(column, Dec(Path.Combine(dir.FullName, "dl"))))!;
            Assert.That(await File.ReadAllTextAsync(local), Is.EqualTo("hello"));
            Assert.That(Path.GetFileName(local), Is.EqualTo("notes.txt"));
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Test]
    public async Task NpyAndObjectRefsAreLazyOnBothProtocols()
    {
        var npy = Codecs.Resolve($"<npy@{Store.Name}>");
        var column = (string)(await npy.EncodeAsync(new float[,] { { 1.5f, 2 }, { 3, 4 } }, Enc("trace", ("id", 7))))!;
        var npyRef = (NpyRef)(await npy.DecodeAsync(column, Dec()))!;
        Assert.That((npyRef.Dtype, npyRef.Shape), Is.EqualTo(("float32", (IReadOnlyList<long>)new long[] { 2, 2 })));
        Assert.That((await npyRef.LoadAsync()).ToArray<float>(), Is.EqualTo(new[] { 1.5f, 2, 3, 4 }));

        var obj = Codecs.Resolve($"<object@{Store.Name}>");
        var objColumn = (string)(await obj.EncodeAsync((".bin", new byte[] { 5, 6, 7 }), Enc("raw", ("id", 7))))!;
        var objectRef = (ObjectRef)(await obj.DecodeAsync(objColumn, Dec()))!;
        Assert.That(objectRef.Path, Does.Match(@"^_schema/lab/session/id=7/raw_[A-Za-z0-9_-]{8}\.bin$"));
        Assert.That(await objectRef.ExistsAsync(), Is.True);
        Assert.That(await objectRef.ReadAllBytesAsync(), Is.EqualTo(new byte[] { 5, 6, 7 }));
    }

    [Test]
    public async Task FilepathReferencesAUserFile()
    {
        using (var s = new MemoryStream(new byte[1024])) await Store.PutAsync("subject01/data.bin", s, 1024);
        var chain = Codecs.Resolve("<filepath@>");
        var column = (string)(await chain.EncodeAsync("subject01/data.bin", Enc("f")))!;
        using var doc = JsonDocument.Parse(column);
        Assert.That(doc.RootElement.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "path", "store", "size", "is_dir", "timestamp" }));
        Assert.That(doc.RootElement.GetProperty("size").GetInt64(), Is.EqualTo(1024));
        var objectRef = (ObjectRef)(await chain.DecodeAsync(column, Dec()))!;
        Assert.That(await objectRef.ReadAllBytesAsync(), Has.Length.EqualTo(1024));
    }
}
