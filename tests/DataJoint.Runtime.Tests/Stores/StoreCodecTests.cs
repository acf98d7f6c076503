using System.Text;
using System.Text.Json;
using DataJoint.Stores;

namespace DataJoint.Runtime.Tests.Stores;

/// <summary>The built-in store codecs through <see cref="CodecChain"/> on a temp-folder store (spec §9 cases 16–20).</summary>
public class StoreCodecTests
{
    private DirectoryInfo _root = null!;
    private StoreProvider _stores = null!;
    private IObjectStore _store = null!;

    [SetUp]
    public void SetUp()
    {
        _root = Directory.CreateTempSubdirectory("dj-codec-store-");
        Directory.CreateDirectory(Path.Combine(_root.FullName, "main"));
        var json = "{\"default\": \"main\", \"main\": {\"protocol\": \"file\", \"location\": " + JsonSerializer.Serialize(Path.Combine(_root.FullName, "main")) + "}}";
        _stores = new StoreProvider(StoresConfiguration.Parse(json));
        _store = _stores.GetStore("main");
    }

    [TearDown]
    public void TearDown()
    {
        _stores.Dispose();
        _root.Delete(recursive: true);
    }

    private EncodeContext Enc(string attribute = "raw", params (string, object?)[] pk) => new()
    {
        Schema = "lab", Table = "session", Attribute = attribute, Stores = _stores,
        PrimaryKey = pk.ToDictionary(p => p.Item1, p => p.Item2),
    };

    private DecodeContext Dec(string? download = null) => new() { Schema = "lab", Table = "session", Attribute = "raw", Stores = _stores, DownloadPath = download };

    [Test]
    public async Task HashCodec_BareAtWritesConcreteStoreAndTheGoldenColumn()
    {
        var chain = Codecs.Resolve("<hash@>");
        var column = await chain.EncodeAsync(Convert.FromHexString("646a30000a010005"), Enc());
        Assert.That(column, Is.EqualTo(
            """{"hash": "vwxmh6tkl2az5arxvlyvttcody", "path": "_hash/lab/vwxmh6tkl2az5arxvlyvttcody", "schema": "lab", "store": "main", "size": 8}"""),
            "DataJoint Python's json.dumps text");
        Assert.That(await _store.GetSizeAsync("_hash/lab/vwxmh6tkl2az5arxvlyvttcody"), Is.EqualTo(8));
        Assert.That(await chain.DecodeAsync(column, Dec()), Is.EqualTo(Convert.FromHexString("646a30000a010005")));
        // Compact text (MySQL's JSON normalization) and a JsonElement from the driver read the same.
        var python = """{"size":8,"store":"main","schema":"lab","path":"_hash/lab/vwxmh6tkl2az5arxvlyvttcody","hash":"vwxmh6tkl2az5arxvlyvttcody"}""";
        Assert.That(await chain.DecodeAsync(JsonDocument.Parse(python).RootElement, Dec()), Is.EqualTo(Convert.FromHexString("646a30000a010005")));
        Assert.That(Codecs.Get("hash").ReferencedPaths(column), Is.EqualTo(new[] { new StoredReference("_hash/lab/vwxmh6tkl2az5arxvlyvttcody", "main") }));
    }

    [Test]
    public async Task BlobInStore_Case16_EndToEnd()
    {
        var chain = Codecs.Resolve("<blob@main>");
        var column = await chain.EncodeAsync(5L, Enc("big"));
        Assert.That(column, Is.EqualTo(
            """{"hash": "vwxmh6tkl2az5arxvlyvttcody", "path": "_hash/lab/vwxmh6tkl2az5arxvlyvttcody", "schema": "lab", "store": "main", "size": 8}"""));
        var objectFile = Path.Combine(_root.FullName, "main", "_hash", "lab", "vwxmh6tkl2az5arxvlyvttcody");
        Assert.That(Convert.ToHexStringLower(await File.ReadAllBytesAsync(objectFile)), Is.EqualTo("646a30000a010005"));
        var written = File.GetLastWriteTimeUtc(objectFile);
        File.SetLastWriteTimeUtc(objectFile, written.AddHours(-1));
        Assert.That(await chain.EncodeAsync(5L, Enc("big")), Is.EqualTo(column));
        Assert.That(File.GetLastWriteTimeUtc(objectFile), Is.EqualTo(written.AddHours(-1)), "the second identical insert does not rewrite the object");
        Assert.That(Convert.ToInt64(await chain.DecodeAsync(column, Dec())), Is.EqualTo(5));
        await File.WriteAllBytesAsync(objectFile, Convert.FromHexString("646a30000a010006"));
        var ex = await Assert.ThrowsAsync<StoreIntegrityException>(async () => await chain.DecodeAsync(column, Dec()));
        Assert.That(ex!.Message, Does.StartWith("Hash mismatch: expected vwxmh6tkl2az5arxvlyvttcody, got "));
    }

    [Test]
    public async Task BlobInStore_LargeArraysStoreThePackedBytesWithoutPacking()
    {
        // A large incompressible array goes to <hash@> as its blob header plus its own memory: the object, its path
        // and the column must be exactly what packing it gives (so it deduplicates against packed copies).
        var chain = Codecs.Resolve("<blob@main>");
        var values = new double[60_000]; // random bits: doubles drawn from [0, 1) share exponent bytes and compress
        new Random(5).NextBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
        var packed = DataJoint.Blob.Pack(values);
        Assert.That(DataJoint.Blob.IsCompressed(packed), Is.False);
        var hash = ContentHash.Compute(packed);

        var column = (string)(await chain.EncodeAsync(values, Enc("big")))!;
        Assert.That(column, Is.EqualTo(
            $$"""{"hash": "{{hash}}", "path": "_hash/lab/{{hash}}", "schema": "lab", "store": "main", "size": {{packed.Length}}}"""));
        Assert.That(await File.ReadAllBytesAsync(Path.Combine(_root.FullName, "main", "_hash", "lab", hash)), Is.EqualTo(packed));
        var decoded = ((BlobArray<double>)(await chain.DecodeAsync(column, Dec()))!).Data;
        Assert.That(System.Runtime.InteropServices.MemoryMarshal.AsBytes(decoded.AsSpan()).ToArray(),
            Is.EqualTo(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray()));
        Assert.That(await Codecs.Resolve("<hash@main>").EncodeAsync(packed, Enc("big")), Is.EqualTo(column), "the packed bytes hash to the same object");

        // A compressible one of the same size is packed (and compressed) as before.
        var ramp = Enumerable.Range(0, 60_000).Select(i => (double)(i % 50)).ToArray();
        var rampColumn = (string)(await chain.EncodeAsync(ramp, Enc("big")))!;
        Assert.That(rampColumn, Does.Contain(ContentHash.Compute(DataJoint.Blob.Pack(ramp))));
        Assert.That(((BlobArray<double>)(await chain.DecodeAsync(rampColumn, Dec()))!).Data, Is.EqualTo(ramp));
    }

    [Test]
    public async Task HashCodec_TamperedObjectFailsOnFetch()
    {
        var chain = Codecs.Resolve("<hash@main>");
        var column = await chain.EncodeAsync("payload"u8.ToArray(), Enc());
        var path = JsonDocument.Parse((string)column!).RootElement.GetProperty("path").GetString()!;
        await File.WriteAllTextAsync(Path.Combine(_root.FullName, "main", path), "tampered");
        var ex = await Assert.ThrowsAsync<StoreIntegrityException>(async () => await chain.DecodeAsync(column, Dec()));
        Assert.That(ex!.Message, Does.StartWith($"Hash mismatch: expected {ContentHash.Compute("payload"u8)}, got {ContentHash.Compute("tampered"u8)}. Data at {path} may be corrupted"));
    }

    [Test]
    public async Task AttachCodec_InStoreGoesThroughHash()
    {
        var src = Path.Combine(_root.FullName, "notes.txt");
        await File.WriteAllTextAsync(src, "hello");
        var chain = Codecs.Resolve("<attach@main>");
        var column = (string)(await chain.EncodeAsync(src, Enc()))!;
        using var doc = JsonDocument.Parse(column);
        Assert.That(doc.RootElement.GetProperty("path").GetString(), Is.EqualTo("_hash/lab/5fqnjqbaytkumoeqcdiynhw6wu"));
        Assert.That(doc.RootElement.GetProperty("size").GetInt64(), Is.EqualTo(15));
        Assert.That(await File.ReadAllBytesAsync(Path.Combine(_root.FullName, "main", "_hash", "lab", "5fqnjqbaytkumoeqcdiynhw6wu")),
            Is.EqualTo(Convert.FromHexString("6e6f7465732e7478740068656c6c6f")));
        var download = Path.Combine(_root.FullName, "dl");
        Assert.That(await chain.DecodeAsync(column, Dec(download)), Is.EqualTo(Path.Combine(download, "notes.txt")));
        await File.WriteAllTextAsync(Path.Combine(download, "notes.txt"), "changed locally");
        Assert.That(await chain.DecodeAsync(column, Dec(download)), Is.EqualTo(Path.Combine(download, "notes_1.txt")));
    }

    [Test]
    public async Task ObjectCodec_TupleBytesAndFolder()
    {
        var chain = Codecs.Resolve("<object@main>");
        var column = (string)(await chain.EncodeAsync((".npy", new byte[] { 1, 2, 3 }), Enc("raw", ("subject_id", 1), ("session_date", new DateOnly(2024, 1, 2)))))!;
        using (var doc = JsonDocument.Parse(column))
        {
            Assert.That(doc.RootElement.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "path", "store", "size", "ext", "is_dir", "item_count", "timestamp" }));
            Assert.That(doc.RootElement.GetProperty("path").GetString(), Does.Match(@"^_schema/lab/session/subject_id=1/session_date=2024-01-02/raw_[A-Za-z0-9_-]{8}\.npy$"));
            Assert.That(doc.RootElement.GetProperty("store").GetString(), Is.EqualTo("main"));
            Assert.That(doc.RootElement.GetProperty("ext").GetString(), Is.EqualTo(".npy"));
            Assert.That(doc.RootElement.GetProperty("size").GetInt64(), Is.EqualTo(3));
        }
        var objectRef = (ObjectRef)(await chain.DecodeAsync(column, Dec()))!;
        Assert.That(await objectRef.ReadAllBytesAsync(), Is.EqualTo(new byte[] { 1, 2, 3 }));

        var plain = (string)(await chain.EncodeAsync(new byte[] { 9 }, Enc("blobby", ("id", 4))))!;
        Assert.That(JsonDocument.Parse(plain).RootElement.GetProperty("ext").ValueKind, Is.EqualTo(JsonValueKind.Null));

        var folder = Directory.CreateDirectory(Path.Combine(_root.FullName, "src"));
        foreach (var n in new[] { "a", "b", "c" }) await File.WriteAllTextAsync(Path.Combine(folder.FullName, n + ".txt"), n);
        var dirColumn = (string)(await chain.EncodeAsync(folder, Enc("files", ("id", 5))))!;
        var dirRef = (ObjectRef)(await chain.DecodeAsync(dirColumn, Dec()))!;
        Assert.That(dirRef.IsDir, Is.True);
        Assert.That(dirRef.ItemCount, Is.EqualTo(3));
        Assert.That(await _store.GetSizeAsync(dirRef.Path + ".manifest.json"), Is.GreaterThan(0));

        // Pre-computed metadata passes through unchanged.
        var again = await chain.EncodeAsync(objectRef, Enc());
        Assert.That(JsonDocument.Parse((string)again!).RootElement.GetProperty("path").GetString(), Is.EqualTo(objectRef.Path));
    }

    [Test]
    public async Task NpyCodec_WritesNpyAndFetchesALazyRef()
    {
        var chain = Codecs.Resolve("<npy@main>");
        var column = (string)(await chain.EncodeAsync(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } }, Enc("trace", ("id", 1))))!;
        Assert.That(column, Does.Match("""^\{"path": "_schema/lab/session/id=1/trace_[A-Za-z0-9_-]{8}\.npy", "store": "main", "dtype": "float64", "shape": \[2, 3\]\}$"""));
        var npyRef = (NpyRef)(await chain.DecodeAsync(column, Dec()))!;
        Assert.That(npyRef.IsLoaded, Is.False);
        Assert.That(npyRef.Shape, Is.EqualTo(new long[] { 2, 3 }));
        Assert.That(npyRef.Dtype, Is.EqualTo("float64"));
        var file = await File.ReadAllBytesAsync(Path.Combine(_root.FullName, "main", npyRef.Path));
        Assert.That(file[..8], Is.EqualTo(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0 }));
        Assert.That(Encoding.ASCII.GetString(file, 10, 59), Is.EqualTo("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }"));
        Assert.That(file, Has.Length.EqualTo(128 + 48));
        Assert.That((double[,])(await npyRef.LoadAsync()).ToMultiDimensionalArray(), Is.EqualTo(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } }));

        var ints = (string)(await chain.EncodeAsync(new[] { 1, 2 }, Enc("trace", ("id", 2))))!;
        Assert.That(ints, Does.EndWith("\"dtype\": \"int32\", \"shape\": [2]}"));

        var bad = await Assert.ThrowsAsync<CodecException>(async () => await chain.EncodeAsync(new object[] { 1 }, Enc()));
        Assert.That(bad!.Message, Does.EndWith(": <npy> does not support object dtype arrays"));
        var notArray = await Assert.ThrowsAsync<CodecException>(async () => await chain.EncodeAsync(5, Enc()));
        Assert.That(notArray!.Message, Does.EndWith(": <npy> requires an array (a numeric .NET array or NpyArray), got int"));
    }

    [Test]
    public async Task FilepathCodec_ReferencesExistingFiles()
    {
        var target = Directory.CreateDirectory(Path.Combine(_root.FullName, "main", "subject01"));
        await File.WriteAllBytesAsync(Path.Combine(target.FullName, "data.bin"), new byte[1024]);
        var chain = Codecs.Resolve("<filepath@main>");
        var column = (string)(await chain.EncodeAsync("subject01/data.bin", Enc()))!;
        Assert.That(column, Does.Match("""^\{"path": "subject01/data.bin", "store": "main", "size": 1024, "is_dir": false, "timestamp": "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00"\}$"""));
        var objectRef = (ObjectRef)(await chain.DecodeAsync(column, Dec()))!;
        Assert.That(await objectRef.ReadAllBytesAsync(), Has.Length.EqualTo(1024));

        var reserved = await Assert.ThrowsAsync<CodecException>(async () => await chain.EncodeAsync("_hash/x", Enc()));
        Assert.That(reserved!.Message, Does.EndWith(": <filepath@> cannot use reserved section '_hash' (hash_prefix). This section is managed by DataJoint. Got path: _hash/x"));
        var missing = await Assert.ThrowsAsync<CodecException>(async () => await chain.EncodeAsync("subject02/x.bin", Enc()));
        Assert.That(missing!.Message, Does.EndWith(": File not found in store 'main': subject02/x.bin"));
        var wrongType = await Assert.ThrowsAsync<CodecException>(async () => await chain.EncodeAsync(3.5, Enc()));
        Assert.That(wrongType!.Message, Does.EndWith(": <filepath> expects a path string or Path, got double"));
    }

    [Test]
    public async Task BareFilepathAtUsesFilepathDefault()
    {
        var raw = Directory.CreateDirectory(Path.Combine(_root.FullName, "raw"));
        await File.WriteAllTextAsync(Path.Combine(raw.FullName, "a.txt"), "abc");
        var json = "{\"default\": \"main\", \"filepath_default\": \"raw\", " +
                   "\"main\": {\"protocol\": \"file\", \"location\": " + JsonSerializer.Serialize(Path.Combine(_root.FullName, "main")) + "}, " +
                   "\"raw\": {\"protocol\": \"file\", \"location\": " + JsonSerializer.Serialize(raw.FullName) + "}}";
        using var stores = new StoreProvider(StoresConfiguration.Parse(json));
        var ctx = new EncodeContext { Schema = "lab", Table = "t", Attribute = "f", Stores = stores };
        var column = (string)(await Codecs.Resolve("<filepath@>").EncodeAsync("a.txt", ctx))!;
        Assert.That(JsonDocument.Parse(column).RootElement.GetProperty("store").GetString(), Is.EqualTo("raw"));
        var hashColumn = (string)(await Codecs.Resolve("<hash@>").EncodeAsync(new byte[] { 1 }, ctx))!;
        Assert.That(JsonDocument.Parse(hashColumn).RootElement.GetProperty("store").GetString(), Is.EqualTo("main"));
        var objectRef = (ObjectRef)(await Codecs.Resolve("<filepath@>").DecodeAsync(column, new DecodeContext { Stores = stores }))!;
        Assert.That(await objectRef.ReadAllBytesAsync(), Is.EqualTo("abc"u8.ToArray()));
    }

    [Test]
    public async Task UnknownStoreAtFetchNamesIt()
    {
        var chain = Codecs.Resolve("<hash@main>");
        var ex = await Assert.ThrowsAsync<DataJoint.Settings.SettingsException>(async () => await chain.DecodeAsync(
            """{"hash":"vwxmh6tkl2az5arxvlyvttcody","path":"_hash/lab/vwxmh6tkl2az5arxvlyvttcody","schema":"lab","store":"elsewhere","size":8}""", Dec()));
        Assert.That(ex!.Message, Does.StartWith("Storage 'elsewhere' is requested but not configured in stores"));
    }
}
