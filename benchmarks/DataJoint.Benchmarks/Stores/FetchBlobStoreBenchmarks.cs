using System.Text.Json;
using BenchmarkDotNet.Attributes;
using DataJoint.Stores;

namespace DataJoint.Benchmarks.Stores;

/// <summary>
/// Issue #14's fetch benchmark: 1 000 rows × 256 KiB <c>&lt;blob@main&gt;</c> fetched through the table API (each value's
/// object read from the S3 endpoint, its hash checked and the blob unpacked) one row after the other
/// (<see cref="FetchOptions.MaxParallelDownloads"/> = 1) and with 4 reads at once, against a raw Minio
/// <c>GetObject</c> loop over the same objects (baseline), itself also run with 4 at once. Every S3 request goes
/// through a <see cref="LatencyProxy"/> with <see cref="LinkLatencyMs"/> one-way latency (the 10 ms link of the
/// store benchmarks); the rows are inserted once, before the measurements.
/// Run: <c>eval "$(bash scripts/services.sh)"; dotnet run -c Release -- --filter '*FetchBlobStore*'</c>.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class FetchBlobStoreBenchmarks
{
    private const int Rows = 1000;
    private const int Size = 256 * 1024;

    private BenchS3 _s3 = null!;
    private StoreProvider _provider = null!;
    private Schema _schema = null!;
    private Table _table = null!;
    private string[] _paths = [];

    /// <summary>One-way latency added to every S3 request and response.</summary>
    [Params(10)]
    public int LinkLatencyMs { get; set; }

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        _s3 = BenchS3.Create(LinkLatencyMs, Rows, Size);
        _provider = _s3.CreateStoreProvider();
        _schema = await Schema.ActivateAsync(DataJointConnection.FromEnvironment(), $"djnet_bench_fetchstore_{Guid.NewGuid():N}"[..40], stores: _provider);
        _table = await BenchS3.DeclareBlobTableAsync(_schema);
        await _table.InsertAsync(_s3.BlobRows(), new InsertOptions { MaxParallelUploads = 8 });
        // The objects' paths as the rows record them (the raw loop reads exactly these objects).
        await using var conn = await _schema.Connection.OpenAsync();
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = $"SELECT `data` FROM `{_schema.Database}`.`rec` ORDER BY `id`";
        var paths = new List<string>();
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync())
                paths.Add(JsonDocument.Parse(r.GetString(0)).RootElement.GetProperty("path").GetString()!);
        _paths = [.. paths];

        // What is measured returns every payload intact, in both modes.
        foreach (var degree in new[] { 1, 4 })
        {
            var rows = await _table.FetchAsync(new FetchOptions { OrderBy = ["id"], MaxParallelDownloads = degree });
            if (rows.Count != Rows || rows.Any(r => !((byte[])r["data"]!).AsSpan().SequenceEqual(_s3.Payloads[(int)r["id"]!])))
                throw new InvalidOperationException($"The fetch (degree {degree}) did not return the {Rows} payloads inserted.");
        }
        if ((await _s3.RawGetAsync(_paths[0], CancellationToken.None)).Length <= Size)
            throw new InvalidOperationException("The raw loop does not read the stored blobs.");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _schema.DropAsync(new SchemaDropOptions { Safemode = false }).GetAwaiter().GetResult();
        _s3.DeleteAll();
        _s3.Dispose();
        _provider.Dispose();
    }

    [Benchmark(Baseline = true, Description = "Raw Minio GetObject loop")]
    public async Task<long> RawMinioSequential()
    {
        long n = 0;
        foreach (var p in _paths) n += (await _s3.RawGetAsync(p, CancellationToken.None)).Length;
        return n;
    }

    [Benchmark(Description = "Raw Minio GetObject, parallel(4)")]
    public async Task<long> RawMinioParallel()
    {
        var sizes = await ParallelUploads.SelectAsync(_paths, 4, async (p, ct) => (long)(await _s3.RawGetAsync(p, ct)).Length);
        return sizes.Sum();
    }

    [Benchmark(Description = "Table fetch <blob@main>, sequential")]
    public Task<IReadOnlyList<Row>> FetchSequential() => _table.FetchAsync(new FetchOptions { MaxParallelDownloads = 1 });

    [Benchmark(Description = "Table fetch <blob@main>, parallel(4)")]
    public Task<IReadOnlyList<Row>> FetchParallel() => _table.FetchAsync(new FetchOptions { MaxParallelDownloads = 4 });
}
