using System.Text.Json;
using System.Text.Json.Nodes;
using DataJoint.Stores;
using DataJoint.Zarr;
using DataJoint.Tests.Tools;

namespace DataJoint.Plugins.Tests;

/// <summary>
/// &lt;zarr@&gt;: what it writes is a Zarr v3 array exactly as the specification lays it out (golden files in Data/zarr,
/// reasoned out from the spec; chunks checked with the zstd command-line tool), the column JSON has the Python plugin's
/// members, arrays written by others (zarr-python's layout, v2 keys, gzip, big-endian) read back, and reads touch only
/// the chunks they need.
/// </summary>
public class ZarrCodecTests : PluginStoreTest
{
    private static string DataFolder(string name) => Path.Combine(AppContext.BaseDirectory, "Data", "zarr", name);

    private EncodeContext Ctx(string attribute = "movie") => new()
    {
        Schema = "lab", Table = "recording", Attribute = attribute, Stores = Stores,
        PrimaryKey = new Dictionary<string, object?> { ["recording_id"] = 1 },
    };

    private async Task<(JsonElement Column, ZarrArrayRef Ref)> StoreAsync(object value, string spec = "<zarr@main>")
    {
        var chain = Codecs.Resolve(spec);
        var json = (string)(await chain.EncodeAsync(value, Ctx()))!;
        var element = JsonDocument.Parse(json).RootElement.Clone();
        var r = (ZarrArrayRef)(await chain.DecodeAsync(json, new DecodeContext { Stores = Stores }))!;
        return (element, r);
    }

    [Test]
    public async Task Write_MatchesTheGoldenArray_ReasonedOutFromTheZarrV3Spec()
    {
        var value = new short[3, 5];
        for (var i = 0; i < 3; i++) for (var j = 0; j < 5; j++) value[i, j] = (short)(i * 5 + j);
        var (column, _) = await StoreAsync(new ZarrInput(value) { ChunkShape = [2, 2] });
        var root = Path.Combine(Store.Folder, column.GetProperty("path").GetString()!);

        var expected = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(DataFolder("expected_int16_3x5"), "zarr.json")));
        var actual = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(root, "zarr.json")));
        Assert.That(JsonNode.DeepEquals(actual, expected), Is.True, $"zarr.json:\n{actual}\nexpected:\n{expected}");

        var keys = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/')).Order(StringComparer.Ordinal).ToList();
        Assert.That(keys, Is.EqualTo(new[] { "c/0/0", "c/0/1", "c/0/2", "c/1/0", "c/1/1", "c/1/2", "zarr.json" }));
        foreach (var key in keys.Where(k => k != "zarr.json"))
        {
            var frame = await File.ReadAllBytesAsync(Path.Combine(root, key));
            // A zstd frame (magic 0xFD2FB528) that records its content size, as numcodecs' decoder wants.
            Assert.That(frame.AsSpan(0, 4).ToArray(), Is.EqualTo(new byte[] { 0x28, 0xB5, 0x2F, 0xFD }), key);
            var descriptor = frame[4];
            Assert.That((descriptor >> 6) != 0 || (descriptor & 0x20) != 0, Is.True, $"{key}: the frame header has no content size");
            var golden = await File.ReadAllBytesAsync(Path.Combine(DataFolder("expected_int16_3x5"), key + ".raw"));
            Assert.That(new ZstdSharp.Decompressor().Unwrap(frame).ToArray(), Is.EqualTo(golden), $"{key} (decoded with ZstdSharp)");
            Assert.That(ExternalTool.Run("zstd", ["-d", "-q", "-c"], frame), Is.EqualTo(golden), $"{key} (decoded with the zstd command-line tool)");
        }
    }

    [Test]
    public async Task Column_HasThePythonPluginsMembers_InItsOrder_AndASchemaAddressedPath()
    {
        var (column, r) = await StoreAsync(new float[2, 3]);
        Assert.That(column.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "path", "store", "shape", "dtype", "provenance" }));
        Assert.That(column.GetProperty("path").GetString(), Does.Match(@"^_schema/lab/recording/recording_id=1/movie_[A-Za-z0-9_-]{8}\.zarr$"));
        Assert.That(column.GetProperty("store").GetString(), Is.EqualTo("main"));
        Assert.That(column.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()), Is.EqualTo(new long[] { 2, 3 }));
        Assert.That(column.GetProperty("dtype").GetString(), Is.EqualTo("float32"));
        Assert.That(column.GetProperty("provenance").EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "datajoint-dotnet", "DataJoint.Codecs.Zarr" }));
        Assert.That((r.Shape, r.Dtype), Is.EqualTo((new long[] { 2, 3 }, "float32")));
        Assert.That(Store.Reads, Is.Empty, "decoding the column reads nothing");
    }

    [Test]
    public async Task PythonPluginsColumn_OpensTheArray()
    {
        await CopyGolden("python_float32_4x4", "lab/recording/recording_id=7/movie_AbCdEfGh.zarr");
        var pythonColumn = """{"path": "lab/recording/recording_id=7/movie_AbCdEfGh.zarr", "store": "main", "shape": [4, 4], "dtype": "float32", "provenance": {"datajoint-python": "2.1.0", "dj-zarr-codecs": "0.1.0"}}""";
        var r = (ZarrArrayRef)(await Codecs.Resolve("<zarr@main>").DecodeAsync(pythonColumn, new DecodeContext { Stores = Stores }))!;
        var all = await r.ReadAllAsync<float>();
        for (var i = 0; i < 4; i++)
            for (var j = 0; j < 4; j++)
                Assert.That(all[i * 4 + j], i >= 2 && j >= 2 ? Is.NaN : Is.EqualTo(i * 4 + j + 0.5f), $"[{i},{j}]");
        var metadata = await r.GetMetadataAsync();
        Assert.That(metadata.Attributes["units"]!.GetValue<string>(), Is.EqualTo("mV"));
        Assert.That(r.Column.Provenance["datajoint-python"], Is.EqualTo("2.1.0"));
    }

    [Test]
    public async Task ReadsV2ChunkKeys_Gzip_AndBigEndian()
    {
        await CopyGolden("v2keys_gzip_bigendian_int32", "other/array");
        var r = await ZarrArrayRef.Open(Store, "other/array");
        Assert.That((r.Shape, r.Dtype), Is.EqualTo((new long[] { 2, 3 }, "int32")));
        Assert.That((int[,])await r.ToArrayAsync(), Is.EqualTo(new[,] { { 0, 1, 2 }, { 100, 101, 102 } }));
    }

    [Test]
    public async Task ReadingOneElement_TouchesOnlyItsChunk_AndOneChunkRead_OnlyThatChunk()
    {
        var value = new float[64, 64, 64];
        for (var i = 0; i < 64; i++) for (var j = 0; j < 64; j++) for (var k = 0; k < 64; k++) value[i, j, k] = i * 10000 + j * 100 + k;
        var (_, r) = await StoreAsync(new ZarrInput(value) { ChunkShape = [16, 16, 16] });   // 64 chunks
        Assert.That(Store.Puts.Count(p => p.Contains("/c/")), Is.EqualTo(64));

        Assert.That(await r.ReadAsync<float>([37, 5, 63], [1, 1, 1]), Is.EqualTo(new[] { 370563f }));
        Assert.That(Store.Reads.Select(p => p[(r.Path.Length + 1)..]), Is.EqualTo(new[] { "zarr.json", "c/2/0/3" }));

        Store.Reads.Clear();
        var chunk = await r.ReadChunkAsync<float>([1, 2, 3]);
        Assert.That(chunk, Has.Length.EqualTo(16 * 16 * 16));
        Assert.That(chunk[0], Is.EqualTo(16 * 10000 + 32 * 100 + 48));
        Assert.That(Store.Reads.Select(p => p[(r.Path.Length + 1)..]), Is.EqualTo(new[] { "c/1/2/3" }), "zarr.json is read once per reference");

        Store.Reads.Clear();
        var slab = await r.ReadAsync<float>([10, 0, 0], [1, 64, 64]);   // one frame: the 4 x 4 chunks of i-chunk 0
        Assert.That(slab[64 * 3 + 2], Is.EqualTo(10 * 10000 + 3 * 100 + 2));
        Assert.That(Store.Reads, Has.Count.EqualTo(16));
        Assert.That(Store.Reads.All(p => p.Contains("/c/0/")), Is.True);
    }

    [TestCase(typeof(sbyte))]
    [TestCase(typeof(byte))]
    [TestCase(typeof(short))]
    [TestCase(typeof(ushort))]
    [TestCase(typeof(int))]
    [TestCase(typeof(uint))]
    [TestCase(typeof(long))]
    [TestCase(typeof(ulong))]
    [TestCase(typeof(float))]
    [TestCase(typeof(double))]
    [TestCase(typeof(bool))]
    [TestCase(typeof(Half))]
    public async Task EveryElementType_RoundTrips_WithEdgeChunks(Type element)
    {
        var value = Array.CreateInstance(element, 5, 7, 3);
        var n = 0;
        for (var i = 0; i < 5; i++)
            for (var j = 0; j < 7; j++)
                for (var k = 0; k < 3; k++, n++)
                    value.SetValue(element == typeof(bool) ? n % 3 == 0 : element == typeof(Half) ? (Half)(n / 4.0) : Convert.ChangeType(n % 120, element), i, j, k);
        var (column, r) = await StoreAsync(new ZarrInput(value) { ChunkShape = [2, 3, 2] });
        Assert.That(column.GetProperty("dtype").GetString(), Is.EqualTo(NpyDtype.For(element).Name));
        Assert.That(await r.ToArrayAsync(), Is.EqualTo(value));
    }

    [Test]
    public async Task OneDimensionalAndNpyArrays_RoundTrip_AndDefaultChunksHoldAtMost4MiB()
    {
        var samples = Enumerable.Range(0, 3_000_000).Select(i => (float)Math.Sin(i / 100.0)).ToArray();
        var (_, r) = await StoreAsync(samples);
        var metadata = await r.GetMetadataAsync();
        Assert.That(metadata.ChunkShape, Is.EqualTo(new[] { 750_000 }), "3 000 000 float32 halved twice to fit 4 MiB");
        Assert.That(await r.ReadAllAsync<float>(), Is.EqualTo(samples));

        var npy = NpyArray.Create<double>([1, 2, 3, 4, 5, 6], 2, 3);
        var (_, r2) = await StoreAsync(npy);
        Assert.That((double[,])await r2.ToArrayAsync(), Is.EqualTo(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } }));
    }

    [Test]
    public void InTableUse_IsRefused_WithThePythonPluginsText()
    {
        var e = Assert.Throws<DataJointException>(() => Codecs.Resolve("<zarr>"));
        Assert.That(e!.Message, Is.EqualTo("<zarr> requires @ (store only)"));
    }

    [Test]
    public async Task BadValues_AreRefusedBeforeAnythingIsWritten()
    {
        var chain = Codecs.Resolve("<zarr@main>");
        Assert.That((await Assert.ThrowsAsync<CodecException>(async () => await chain.EncodeAsync(new[] { "a" }, Ctx())))!.InnerException!.Message,
            Is.EqualTo("<zarr> does not support object dtype arrays"));
        Assert.That((await Assert.ThrowsAsync<CodecException>(async () => await chain.EncodeAsync(new ZarrInput(new float[4, 4]) { ChunkShape = [2] }, Ctx())))!.InnerException!.Message,
            Is.EqualTo("<zarr> chunk shape [2] does not fit an array of shape [4, 4]: give one positive length per dimension."));
        Assert.That((await Assert.ThrowsAsync<CodecException>(async () => await chain.EncodeAsync(DateTime.Now, Ctx())))!.InnerException!.Message,
            Does.StartWith("<zarr> requires a numeric array"));
        Assert.That(Store.Puts, Is.Empty);
    }

    [Test]
    public async Task AFailedChunkUpload_LeavesNoObjectsBehind()
    {
        Store.FailPutNumber = 5;
        var e = await Assert.ThrowsAsync<CodecException>(async () =>
            await Codecs.Resolve("<zarr@main>").EncodeAsync(new ZarrInput(new int[8, 8]) { ChunkShape = [2, 2], MaxParallelism = 1 }, Ctx()));
        Assert.That(e!.InnerException!.Message, Does.StartWith("injected failure writing _schema/lab/recording/recording_id=1/movie_"));
        var left = new List<string>();
        await foreach (var o in Store.ListAsync("")) left.Add(o.Path);
        Assert.That(left, Is.Empty);
    }

    [Test]
    public async Task WrongElementType_AndRegionsOutsideTheArray_SayWhatAndWhere()
    {
        var (_, r) = await StoreAsync(new double[4, 4]);
        var e = await Assert.ThrowsAsync<DataJointException>(async () => await r.ReadAllAsync<float>());
        Assert.That(e!.Message, Does.Match(@"^Zarr array _schema/.+\.zarr in store 'main' holds float64 elements; read them as Double, not Single\.$"));
        e = await Assert.ThrowsAsync<DataJointException>(async () => await r.ReadAsync<double>([3, 0], [2, 1]));
        Assert.That(e!.Message, Does.EndWith("the region start [3, 0] count [2, 1] is outside the shape [4, 4]."));
    }

    private async Task CopyGolden(string name, string toPath)
    {
        var source = DataFolder(name);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var key = toPath + "/" + Path.GetRelativePath(source, file).Replace('\\', '/');
            await using var s = File.OpenRead(file);
            await Store.PutAsync(key, s, s.Length);
        }
    }
}
