using System.Security.Cryptography;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using DataJoint.Stores;
using Minio;
using Minio.DataModel.Args;

namespace DataJoint.Benchmarks.Stores;

/// <summary>
/// 200 rows × 1 MB <c>&lt;blob@main&gt;</c> inserted through the table API into MariaDB + the S3 endpoint (blob pack,
/// MD5, one LIST of the schema's hash folder for existence, upload, then one INSERT transaction), sequentially and with
/// <see cref="InsertOptions.MaxParallelUploads"/> = 4, against a raw Minio <c>PutObject</c> loop over the same bytes
/// (baseline). Each iteration starts from an empty table and store area (hash-addressed objects would otherwise be
/// deduplicated and not uploaded again).
/// Run: <c>eval "$(bash scripts/services.sh)"; dotnet run -c Release -- --filter '*InsertBlobStore*' --job short</c>.
/// </summary>
[MemoryDiagnoser]
public class InsertBlobStoreBenchmarks
{
    private const int Count = 200;
    private const int Size = 1024 * 1024;

    private byte[][] _payloads = [];
    private Dictionary<string, object?>[] _rows = [];
    private IMinioClient _client = null!;
    private StoreProvider _provider = null!;
    private DataJointConnection _connection = null!;
    private Schema _schema = null!;
    private Table _table = null!;
    private string _bucket = "";
    private string _location = "";
    private string _run = "";

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        var endpoint = Environment.GetEnvironmentVariable("DJ_S3_ENDPOINT")
                       ?? throw new InvalidOperationException("Export the services' variables first: eval \"$(bash scripts/services.sh)\"");
        _bucket = Environment.GetEnvironmentVariable("DJ_S3_BUCKET") ?? "datajoint-test";
        _location = $"djnet-bench/{Guid.NewGuid():N}";
        var main = new JsonObject
        {
            ["protocol"] = "s3", ["endpoint"] = endpoint, ["bucket"] = _bucket, ["location"] = _location,
            ["access_key"] = Environment.GetEnvironmentVariable("DJ_S3_ACCESS_KEY") ?? "datajoint",
            ["secret_key"] = Environment.GetEnvironmentVariable("DJ_S3_SECRET_KEY") ?? "datajoint",
            ["secure"] = false, ["region"] = "us-east-1",
        };
        _provider = new StoreProvider(StoresConfiguration.Parse(new JsonObject { ["default"] = "main", ["main"] = main }.ToJsonString()));
        var spec = _provider.GetStore("main").Spec;
        _client = S3ObjectStore.CreateClient(spec);
        if (!await _client.BucketExistsAsync(new BucketExistsArgs().WithBucket(_bucket)))
            await _client.MakeBucketAsync(new MakeBucketArgs().WithBucket(_bucket));

        _connection = DataJointConnection.FromEnvironment();
        _schema = await Schema.ActivateAsync(_connection, $"djnet_bench_blobstore_{Guid.NewGuid():N}"[..40], stores: _provider);
        _table = await _schema.DeclareAsync("Rec", TableTier.Manual, """
            id : int32
            ---
            data : <blob@main>
            """);
        _payloads = Enumerable.Range(0, Count).Select(_ => RandomNumberGenerator.GetBytes(Size)).ToArray();
        _rows = _payloads.Select((p, i) => new Dictionary<string, object?> { ["id"] = i, ["data"] = p }).ToArray();
    }

    [IterationSetup]
    public void NewRun() => _run = "r" + Guid.NewGuid().ToString("N")[..12];

    [IterationCleanup]
    public void Reset()
    {
        _table.DeleteQuickAsync().GetAwaiter().GetResult();
        var keys = new List<string>();
        var e = _client.ListObjectsEnumAsync(new ListObjectsArgs().WithBucket(_bucket).WithPrefix(_location + "/").WithRecursive(true)).GetAsyncEnumerator();
        try
        {
            while (e.MoveNextAsync().AsTask().GetAwaiter().GetResult()) keys.Add(e.Current.Key);
        }
        finally
        {
            e.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        Parallel.ForEach(keys, new ParallelOptions { MaxDegreeOfParallelism = 8 },
            k => _client.RemoveObjectAsync(new RemoveObjectArgs().WithBucket(_bucket).WithObject(k)).GetAwaiter().GetResult());
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Reset();
        _schema.DropAsync().GetAwaiter().GetResult();
        _client.Dispose();
        _provider.Dispose();
    }

    private async Task RawPut(int i, CancellationToken ct)
    {
        using var stream = new MemoryStream(_payloads[i], writable: false);
        await _client.PutObjectAsync(new PutObjectArgs().WithBucket(_bucket).WithObject($"{_location}/raw/{_run}/{i}")
            .WithStreamData(stream).WithObjectSize(Size).WithContentType("application/octet-stream"), ct);
    }

    [Benchmark(Baseline = true, Description = "Raw Minio PutObject loop")]
    public async Task RawMinioSequential()
    {
        for (var i = 0; i < Count; i++) await RawPut(i, CancellationToken.None);
    }

    /// <summary>The CPU part of the insert alone: blob packing (with the zlib attempt DataJoint makes for values over 1000 bytes) and MD5.</summary>
    [Benchmark(Description = "Blob pack + MD5 only (no I/O)")]
    public int PackAndHashOnly()
    {
        var n = 0;
        foreach (var p in _payloads) n += ContentHash.Compute(DataJoint.Blob.Pack(p, compress: true)).Length;
        return n;
    }

    [Benchmark(Description = "Table insert <blob@main>, sequential")]
    public Task InsertSequential() => _table.InsertAsync(_rows, new InsertOptions { MaxParallelUploads = 1 });

    [Benchmark(Description = "Table insert <blob@main>, parallel(4)")]
    public Task InsertParallel() => _table.InsertAsync(_rows, new InsertOptions { MaxParallelUploads = 4 });
}
