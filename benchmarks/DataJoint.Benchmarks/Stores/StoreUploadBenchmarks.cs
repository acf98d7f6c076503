using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using DataJoint.Stores;
using Minio;
using Minio.DataModel.Args;

namespace DataJoint.Benchmarks.Stores;

/// <summary>
/// 200 × 1 MB objects to the S3 endpoint (DJ_S3_* variables) against a raw Minio <c>PutObject</c> loop over the same
/// bytes (baseline): DataJoint's per-object hash put (MD5 + HEAD existence check + upload) and the batch hash put a
/// multi-row insert uses (MD5s, one LIST for existence, uploads), sequentially and with bounded parallelism. Every iteration uploads to fresh paths and the objects are deleted afterwards (moto keeps
/// data in memory).
/// Run: <c>dotnet run -c Release -- --filter '*Store*' --job short</c> with the DJ_S3_* variables exported.
/// </summary>
[MemoryDiagnoser]
public class StoreUploadBenchmarks
{
    private const int Count = 200;
    private const int Size = 1024 * 1024;
    private const int Degree = ParallelUploads.DefaultDegree;

    private byte[][] _payloads = [];
    private ReadOnlyMemory<byte>[] _memories = [];
    private IMinioClient _client = null!;
    private S3ObjectStore _store = null!;
    private string _bucket = "";
    private string _location = "";
    private string _run = "";

    [GlobalSetup]
    public void Setup()
    {
        var endpoint = Environment.GetEnvironmentVariable("DJ_S3_ENDPOINT")
                       ?? throw new InvalidOperationException("Export the DJ_S3_* variables first: eval \"$(bash scripts/services.sh)\"");
        _bucket = Environment.GetEnvironmentVariable("DJ_S3_BUCKET") ?? "datajoint-test";
        var key = Environment.GetEnvironmentVariable("DJ_S3_ACCESS_KEY") ?? "datajoint";
        var secret = Environment.GetEnvironmentVariable("DJ_S3_SECRET_KEY") ?? "datajoint";
        _location = $"djnet-bench/{Guid.NewGuid():N}";
        var spec = new StoreSpec
        {
            Name = "bench", Protocol = "s3", Endpoint = endpoint, Bucket = _bucket, Location = _location,
            AccessKey = key, SecretKey = secret, Secure = false, Region = "us-east-1",
        };
        _client = S3ObjectStore.CreateClient(spec);
        _store = new S3ObjectStore(spec, _client);
        if (!_client.BucketExistsAsync(new BucketExistsArgs().WithBucket(_bucket)).GetAwaiter().GetResult())
            _client.MakeBucketAsync(new MakeBucketArgs().WithBucket(_bucket)).GetAwaiter().GetResult();
        _payloads = Enumerable.Range(0, Count).Select(_ => RandomNumberGenerator.GetBytes(Size)).ToArray();
        _memories = _payloads.Select(p => (ReadOnlyMemory<byte>)p).ToArray();
    }

    [IterationSetup]
    public void NewRun() => _run = "r" + Guid.NewGuid().ToString("N")[..12];

    [IterationCleanup]
    public void DeleteUploads()
    {
        var keys = new List<string>();
        var list = _client.ListObjectsEnumAsync(new ListObjectsArgs().WithBucket(_bucket).WithPrefix(_location + "/").WithRecursive(true));
        var e = list.GetAsyncEnumerator();
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
        DeleteUploads();
        _client.Dispose();
    }

    private async Task RawPut(int i, CancellationToken ct)
    {
        using var stream = new MemoryStream(_payloads[i], writable: false);
        await _client.PutObjectAsync(new PutObjectArgs().WithBucket(_bucket).WithObject($"{_location}/raw/{_run}/{i}")
            .WithStreamData(stream).WithObjectSize(Size).WithContentType("application/octet-stream"), ct);
    }

    [Benchmark(Baseline = true, Description = "Raw Minio PutObject, sequential")]
    public async Task RawMinioSequential()
    {
        for (var i = 0; i < Count; i++) await RawPut(i, CancellationToken.None);
    }

    [Benchmark(Description = "DataJoint hash put, sequential")]
    public async Task HashPutSequential()
    {
        for (var i = 0; i < Count; i++) await HashStorage.PutAsync(_store, _run, _payloads[i]);
    }

    [Benchmark(Description = "DataJoint batch hash put, sequential")]
    public Task<HashMetadata[]> HashPutManySequential() => HashStorage.PutManyAsync(_store, _run, _memories, maxDegree: 1);

    [Benchmark(Description = "Raw Minio PutObject, parallel(4)")]
    public Task RawMinioParallel() =>
        ParallelUploads.ForEachAsync(Enumerable.Range(0, Count), Degree, async (i, ct) => await RawPut(i, ct));

    [Benchmark(Description = "DataJoint batch hash put, parallel(4)")]
    public Task<HashMetadata[]> HashPutManyParallel() => HashStorage.PutManyAsync(_store, _run, _memories, Degree);
}
