using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using DataJoint.Stores;
using DataJoint.Zarr;
using ZstdSharp;

namespace DataJoint.Benchmarks.Plugins;

/// <summary>
/// <c>&lt;zarr@&gt;</c> writing and reading a 1 GiB float32 array (256 × 1024 × 1024, chunks of one 4 MiB plane, a folder
/// store) against the raw baseline: the same chunks compressed with ZstdSharp at the same level and written/read with
/// the same store calls and the same parallelism, no codec. The goal is ≤ 1.2× the baseline.
/// Run: <c>dotnet run -c Release -- --filter '*ZarrBenchmarks*'</c> (needs ~3 GiB of memory and ~1.5 GiB of disk in the temp folder).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5, invocationCount: 1)]
public class ZarrBenchmarks
{
    private const int Planes = 256, Height = 1024, Width = 1024;
    private const int Parallelism = 4;
    private float[,,] _data = null!;
    private string _folder = null!;
    private LocalObjectStore _store = null!;
    private StoreProvider _stores = null!;
    private string _written = null!;          // a stored array for the read benchmarks (codec column JSON)
    private ZarrArrayMetadata _metadata = null!;
    private readonly ConcurrentBag<Compressor> _compressors = [];

    [GlobalSetup]
    public async Task Setup()
    {
        // A smooth signal plus a little noise: compressible, but not trivially (about 1.6:1 with zstd level 3).
        _data = new float[Planes, Height, Width];
        var flat = MemoryMarshal.CreateSpan(ref _data[0, 0, 0], _data.Length);
        var rng = new Random(42);
        for (var i = 0; i < flat.Length; i++) flat[i] = MathF.Sin(i * 0.0005f) * 100f + (float)rng.NextDouble();
        _folder = Directory.CreateTempSubdirectory("djnet-zarr-bench-").FullName;
        _store = new LocalObjectStore(StoreSpec.LocalFolder("main", _folder));
        _stores = new StoreProvider([_store], "main");
        _written = (string)(await Codecs.Resolve("<zarr@main>").EncodeAsync(Input(), Context()))!;
        _metadata = await ((ZarrArrayRef)(await Codecs.Resolve("<zarr@main>").DecodeAsync(_written, new DecodeContext { Stores = _stores }))!).GetMetadataAsync();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _stores.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>Removes what a write iteration stored (the read benchmarks' array stays).</summary>
    [IterationCleanup(Targets = [nameof(RawZstdWrite), nameof(ZarrCodecWrite)])]
    public void RemoveWritten()
    {
        var keep = System.Text.Json.JsonDocument.Parse(_written).RootElement.GetProperty("path").GetString()!;
        foreach (var dir in Directory.EnumerateDirectories(Path.Combine(_folder, "_schema", "bench", "recording")))
            if (!Path.Combine(_folder, keep).StartsWith(dir, StringComparison.Ordinal)) Directory.Delete(dir, recursive: true);
        var raw = Path.Combine(_folder, "raw");
        if (Directory.Exists(raw)) Directory.Delete(raw, recursive: true);
    }

    private ZarrInput Input() => new(_data) { ChunkShape = [1, Height, Width], MaxParallelism = Parallelism };

    private static int _row;

    private EncodeContext Context() => new()
    {
        Schema = "bench", Table = "recording", Attribute = "movie", Stores = _stores,
        PrimaryKey = new Dictionary<string, object?> { ["id"] = Interlocked.Increment(ref _row) },
    };

    [Benchmark(Baseline = true, Description = "raw zstd + store.PutAsync, 256 chunks")]
    public async Task RawZstdWrite()
    {
        var chunkBytes = Height * Width * sizeof(float);
        await ParallelUploads.ForEachAsync(Enumerable.Range(0, Planes), Parallelism, async (plane, ct) =>
        {
            var output = ArrayPool<byte>.Shared.Rent(Compressor.GetCompressBound(chunkBytes));
            try
            {
                var length = Compress(plane, output);
                await using var stream = new MemoryStream(output, 0, length, writable: false);
                await _store.PutAsync($"raw/c/{plane}/0/0", stream, length, ct);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(output);
            }
        }, CancellationToken.None);
    }

    private int Compress(int plane, byte[] output)
    {
        var source = MemoryMarshal.AsBytes(MemoryMarshal.CreateReadOnlySpan(ref _data[plane, 0, 0], Height * Width));
        if (!_compressors.TryTake(out var c)) c = new Compressor(0);
        var n = c.Wrap(source, output);
        _compressors.Add(c);
        return n;
    }

    [Benchmark(Description = "<zarr@> insert (CodecChain.EncodeAsync)")]
    public async Task<object?> ZarrCodecWrite() => await Codecs.Resolve("<zarr@main>").EncodeAsync(Input(), Context());

    [Benchmark(Description = "raw store reads + zstd, into one float[]")]
    public async Task<float[]> RawZstdRead()
    {
        var result = new float[(long)Planes * Height * Width];
        var path = System.Text.Json.JsonDocument.Parse(_written).RootElement.GetProperty("path").GetString()!;
        await ParallelUploads.ForEachAsync(Enumerable.Range(0, Planes), 8, async (plane, ct) =>
        {
            await using var stream = await _store.OpenReadAsync($"{path}/{_metadata.ChunkKey([plane, 0, 0])}", ct);
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer, ct);
            using var d = new Decompressor();
            d.Unwrap(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), MemoryMarshal.AsBytes(result.AsSpan(plane * Height * Width, Height * Width)));
        }, CancellationToken.None);
        return result;
    }

    [Benchmark(Description = "<zarr@> fetch + ZarrArrayRef.ReadAllAsync")]
    public async Task<float[]> ZarrCodecRead()
    {
        var r = (ZarrArrayRef)(await Codecs.Resolve("<zarr@main>").DecodeAsync(_written, new DecodeContext { Stores = _stores }))!;
        return await r.ReadAllAsync<float>();
    }
}
