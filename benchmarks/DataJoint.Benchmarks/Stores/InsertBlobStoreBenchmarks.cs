using BenchmarkDotNet.Attributes;
using DataJoint.Stores;

namespace DataJoint.Benchmarks.Stores;

/// <summary>
/// Issue #6's benchmark: 200 rows × 1 MB <c>&lt;blob@main&gt;</c> inserted through the table API into MariaDB + the S3
/// endpoint, sequentially (<see cref="InsertOptions.MaxParallelUploads"/> = 1: one upload at a time, the next value
/// hashed while one uploads) and with 4 uploads at once, against a raw Minio <c>PutObject</c> loop over the same bytes
/// (baseline), itself also run with 4 at once to show what the endpoint allows. Each iteration starts from an empty
/// table and store area (hash-addressed objects would otherwise be deduplicated and not uploaded again).
/// <see cref="LinkLatencyMs"/> = 0 talks to the endpoint on loopback; above 0 every S3 request goes through a
/// <see cref="LatencyProxy"/> with that one-way latency (the endpoint as seen over a network link).
/// Run: <c>eval "$(bash scripts/services.sh)"; dotnet run -c Release -- --filter '*InsertBlobStore*' --job short</c>.
/// </summary>
[MemoryDiagnoser]
public class InsertBlobStoreBenchmarks
{
    private BenchS3 _s3 = null!;
    private Dictionary<string, object?>[] _rows = [];
    private StoreProvider _provider = null!;
    private Schema _schema = null!;
    private Table _table = null!;
    private string _run = "";

    /// <summary>One-way latency added to every S3 request and response (0: plain loopback).</summary>
    [Params(0, 10)]
    public int LinkLatencyMs { get; set; }

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        _s3 = BenchS3.Create(LinkLatencyMs);
        _provider = _s3.CreateStoreProvider();
        _schema = await Schema.ActivateAsync(DataJointConnection.FromEnvironment(), $"djnet_bench_blobstore_{Guid.NewGuid():N}"[..40], stores: _provider);
        _table = await BenchS3.DeclareBlobTableAsync(_schema);
        _rows = _s3.BlobRows();
    }

    [IterationSetup]
    public void NewRun() => _run = "r" + Guid.NewGuid().ToString("N")[..12];

    [IterationCleanup]
    public void Reset()
    {
        _table.DeleteQuickAsync().GetAwaiter().GetResult();
        _s3.DeleteAll();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Reset();
        _schema.DropAsync(new SchemaDropOptions { Safemode = false }).GetAwaiter().GetResult();
        _s3.Dispose();
        _provider.Dispose();
    }

    [Benchmark(Baseline = true, Description = "Raw Minio PutObject loop")]
    public Task RawMinioSequential() => _s3.RawSequentialAsync(_run);

    [Benchmark(Description = "Raw Minio PutObject, parallel(4)")]
    public Task RawMinioParallel() => _s3.RawParallelAsync(_run, 4);

    /// <summary>The CPU part of the insert alone: blob packing (with the compressibility probe) and MD5.</summary>
    [Benchmark(Description = "Blob pack + MD5 only (no I/O)")]
    public int PackAndHashOnly()
    {
        var n = 0;
        foreach (var p in _s3.Payloads) n += ContentHash.Compute(DataJoint.Blob.Pack(p, compress: true)).Length;
        return n;
    }

    [Benchmark(Description = "Table insert <blob@main>, sequential")]
    public Task InsertSequential() => _table.InsertAsync(_rows, new InsertOptions { MaxParallelUploads = 1 });

    [Benchmark(Description = "Table insert <blob@main>, parallel(4)")]
    public Task InsertParallel() => _table.InsertAsync(_rows, new InsertOptions { MaxParallelUploads = 4 });
}
