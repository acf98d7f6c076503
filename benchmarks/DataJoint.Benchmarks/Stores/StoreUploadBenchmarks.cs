using BenchmarkDotNet.Attributes;
using DataJoint.Stores;

namespace DataJoint.Benchmarks.Stores;

/// <summary>
/// 200 × 1 MB objects to the S3 endpoint (DJ_S3_* variables) against a raw Minio <c>PutObject</c> loop over the same
/// bytes (baseline): DataJoint's per-object hash put (MD5 + HEAD existence check + upload) and the batch hash put
/// (MD5s, one LIST for existence, uploads), sequentially and with bounded parallelism. Every iteration uploads to
/// fresh paths and the objects are deleted afterwards (moto keeps data in memory).
/// Run: <c>dotnet run -c Release -- --filter '*StoreUpload*' --job short</c> with the DJ_S3_* variables exported.
/// </summary>
[MemoryDiagnoser]
public class StoreUploadBenchmarks
{
    private const int Degree = ParallelUploads.DefaultDegree;

    private BenchS3 _s3 = null!;
    private ReadOnlyMemory<byte>[] _memories = [];
    private S3ObjectStore _store = null!;
    private string _run = "";

    [GlobalSetup]
    public void Setup()
    {
        _s3 = BenchS3.Create();
        _store = new S3ObjectStore(_s3.Spec, _s3.Client);
        _memories = _s3.Payloads.Select(p => (ReadOnlyMemory<byte>)p).ToArray();
    }

    [IterationSetup]
    public void NewRun() => _run = "r" + Guid.NewGuid().ToString("N")[..12];

    [IterationCleanup]
    public void DeleteUploads() => _s3.DeleteAll();

    [GlobalCleanup]
    public void Cleanup()
    {
        _s3.DeleteAll();
        _s3.Dispose();
    }

    [Benchmark(Baseline = true, Description = "Raw Minio PutObject, sequential")]
    public Task RawMinioSequential() => _s3.RawSequentialAsync(_run);

    [Benchmark(Description = "DataJoint hash put, sequential")]
    public async Task HashPutSequential()
    {
        foreach (var payload in _s3.Payloads) await HashStorage.PutAsync(_store, _run, payload);
    }

    [Benchmark(Description = "DataJoint batch hash put, sequential")]
    public Task HashPutManySequential() => HashStorage.PutManyAsync(_store, _run, _memories, maxDegree: 1);

    [Benchmark(Description = "Raw Minio PutObject, parallel(4)")]
    public Task RawMinioParallel() => _s3.RawParallelAsync(_run, Degree);

    [Benchmark(Description = "DataJoint batch hash put, parallel(4)")]
    public Task HashPutManyParallel() => HashStorage.PutManyAsync(_store, _run, _memories, Degree);
}
