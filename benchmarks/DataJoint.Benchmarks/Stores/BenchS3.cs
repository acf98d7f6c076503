using System.Security.Cryptography;
using System.Text.Json.Nodes;
using DataJoint.Stores;
using Minio;
using Minio.DataModel.Args;

namespace DataJoint.Benchmarks.Stores;

/// <summary>
/// The S3 side shared by the store benchmarks: the endpoint from the services' DJ_S3_* variables, a location unique
/// to the run, the random payloads (200 × 1 MB unless asked otherwise), the raw Minio <c>PutObject</c>/<c>GetObject</c>
/// baselines and the clean-up between iterations (moto keeps every object in memory).
/// </summary>
internal sealed class BenchS3 : IDisposable
{
    public const int DefaultCount = 200;
    public const int DefaultSize = 1024 * 1024;

    private readonly LatencyProxy? _proxy;

    private BenchS3(StoreSpec spec, IMinioClient client, byte[][] payloads, LatencyProxy? proxy)
    {
        Spec = spec;
        Client = client;
        Payloads = payloads;
        _proxy = proxy;
    }

    /// <summary>A store spec named <c>main</c> for a fresh location in the services' bucket.</summary>
    public StoreSpec Spec { get; }

    public IMinioClient Client { get; }

    public byte[][] Payloads { get; }

    /// <summary>The number of payloads.</summary>
    public int Count => Payloads.Length;

    public string Bucket => Spec.Bucket!;

    /// <summary>
    /// Reads the DJ_S3_* variables, makes the bucket if needed and draws <paramref name="count"/> payloads of
    /// <paramref name="size"/> bytes. With <paramref name="linkLatencyMs"/> above 0 every request goes through a
    /// <see cref="LatencyProxy"/> with that one-way latency.
    /// </summary>
    public static BenchS3 Create(int linkLatencyMs = 0, int count = DefaultCount, int size = DefaultSize)
    {
        var endpoint = Environment.GetEnvironmentVariable("DJ_S3_ENDPOINT")
                       ?? throw new InvalidOperationException("Export the services' variables first: eval \"$(bash scripts/services.sh)\"");
        var proxy = linkLatencyMs > 0 ? new LatencyProxy(endpoint, TimeSpan.FromMilliseconds(linkLatencyMs)) : null;
        if (proxy is not null) endpoint = proxy.Endpoint;
        var spec = new StoreSpec
        {
            Name = "main", Protocol = "s3", Endpoint = endpoint,
            Bucket = Environment.GetEnvironmentVariable("DJ_S3_BUCKET") ?? "datajoint-test",
            Location = $"djnet-bench/{Guid.NewGuid():N}",
            AccessKey = Environment.GetEnvironmentVariable("DJ_S3_ACCESS_KEY") ?? "datajoint",
            SecretKey = Environment.GetEnvironmentVariable("DJ_S3_SECRET_KEY") ?? "datajoint",
            Secure = false, Region = "us-east-1",
        };
        var client = S3ObjectStore.CreateClient(spec);
        if (!client.BucketExistsAsync(new BucketExistsArgs().WithBucket(spec.Bucket)).GetAwaiter().GetResult())
            client.MakeBucketAsync(new MakeBucketArgs().WithBucket(spec.Bucket)).GetAwaiter().GetResult();
        var payloads = Enumerable.Range(0, count).Select(_ => RandomNumberGenerator.GetBytes(size)).ToArray();
        return new BenchS3(spec, client, payloads, proxy);
    }

    /// <summary>A store provider whose default store <c>main</c> is <see cref="Spec"/> (configured as a user writes DJ_STORES).</summary>
    public StoreProvider CreateStoreProvider()
    {
        var main = new JsonObject
        {
            ["protocol"] = "s3", ["endpoint"] = Spec.Endpoint, ["bucket"] = Spec.Bucket, ["location"] = Spec.Location,
            ["access_key"] = Spec.AccessKey, ["secret_key"] = Spec.SecretKey, ["secure"] = false, ["region"] = Spec.Region,
        };
        return new StoreProvider(StoresConfiguration.Parse(new JsonObject { ["default"] = "main", ["main"] = main }.ToJsonString()));
    }

    /// <summary>Declares the insert benchmark's table <c>Rec(id; data : &lt;blob@main&gt;)</c> in <paramref name="schema"/>.</summary>
    public static Task<Table> DeclareBlobTableAsync(Schema schema) =>
        schema.DeclareAsync("Rec", TableTier.Manual, """
            id : int32
            ---
            data : <blob@main>
            """);

    /// <summary>One row per payload for <see cref="DeclareBlobTableAsync"/>'s table.</summary>
    public Dictionary<string, object?>[] BlobRows() =>
        Payloads.Select((p, i) => new Dictionary<string, object?> { ["id"] = i, ["data"] = p }).ToArray();

    /// <summary>The baseline: one raw Minio <c>PutObject</c> of payload <paramref name="i"/> under <c>raw/{run}/</c>.</summary>
    public async Task RawPutAsync(int i, string run, CancellationToken cancellationToken)
    {
        using var stream = new MemoryStream(Payloads[i], writable: false);
        await Client.PutObjectAsync(new PutObjectArgs().WithBucket(Bucket).WithObject($"{Spec.Location}/raw/{run}/{i}")
            .WithStreamData(stream).WithObjectSize(Payloads[i].Length).WithContentType("application/octet-stream"), cancellationToken);
    }

    /// <summary>The fetch baseline: one raw Minio <c>GetObject</c> of the object at <paramref name="path"/> (relative to the store's location), read into memory.</summary>
    public async Task<byte[]> RawGetAsync(string path, CancellationToken cancellationToken)
    {
        byte[]? bytes = null;
        await Client.GetObjectAsync(new GetObjectArgs().WithBucket(Bucket).WithObject($"{Spec.Location}/{path}")
            .WithCallbackStream(async (s, ct) =>
            {
                using var buffer = new MemoryStream();
                await s.CopyToAsync(buffer, ct);
                bytes = buffer.ToArray();
            }), cancellationToken);
        return bytes!;
    }

    /// <summary>The raw loop, one object after the other.</summary>
    public async Task RawSequentialAsync(string run)
    {
        for (var i = 0; i < Count; i++) await RawPutAsync(i, run, CancellationToken.None);
    }

    /// <summary>The raw loop with <paramref name="degree"/> uploads at once.</summary>
    public Task RawParallelAsync(string run, int degree) =>
        ParallelUploads.ForEachAsync(Enumerable.Range(0, Count), degree, async (i, ct) => await RawPutAsync(i, run, ct));

    /// <summary>Deletes everything under the run's location (between iterations).</summary>
    public void DeleteAll()
    {
        var keys = new List<string>();
        var e = Client.ListObjectsEnumAsync(new ListObjectsArgs().WithBucket(Bucket).WithPrefix(Spec.Location + "/").WithRecursive(true)).GetAsyncEnumerator();
        try
        {
            while (e.MoveNextAsync().AsTask().GetAwaiter().GetResult()) keys.Add(e.Current.Key);
        }
        finally
        {
            e.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        Parallel.ForEach(keys, new ParallelOptions { MaxDegreeOfParallelism = 8 },
            k => Client.RemoveObjectAsync(new RemoveObjectArgs().WithBucket(Bucket).WithObject(k)).GetAwaiter().GetResult());
    }

    public void Dispose()
    {
        Client.Dispose();
        _proxy?.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
