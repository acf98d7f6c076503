using DataJoint.Stores;
using Minio;
using Minio.DataModel.Args;

namespace DataJoint.Integration.Tests.Stores;

/// <summary>
/// One fresh store per test, on either protocol: a temp folder (<c>file</c>) or a unique location prefix in the test
/// bucket of the S3 endpoint (<c>s3</c>, from the DJ_S3_* variables). Everything is removed after the test.
/// </summary>
public abstract class StoreFixture(string protocol)
{
    protected string Protocol { get; } = protocol;
    protected IObjectStore Store { get; private set; } = null!;
    protected StoreSpec Spec { get; private set; } = null!;
    private string? _folder;
    private IMinioClient? _client;

    /// <summary>Layout options applied on top of the per-test store (subfolding, prefixes...).</summary>
    protected virtual StoreSpec Customize(StoreSpec spec) => spec;

    [SetUp]
    public async Task CreateStore()
    {
        if (Protocol == "file")
        {
            _folder = Directory.CreateTempSubdirectory("djnet-store-").FullName;
            Spec = Customize(StoreSpec.LocalFolder("local", _folder));
            Store = new LocalObjectStore(Spec);
        }
        else
        {
            _client = TestServices.RequireS3();
            var bucket = TestServices.S3Bucket;
            if (!await _client.BucketExistsAsync(new BucketExistsArgs().WithBucket(bucket)))
                await _client.MakeBucketAsync(new MakeBucketArgs().WithBucket(bucket));
            Spec = Customize(new StoreSpec
            {
                Name = "s3main", Protocol = "s3", Endpoint = TestServices.S3Endpoint, Bucket = bucket,
                Location = $"djnet-test/{Guid.NewGuid():N}", AccessKey = TestServices.S3AccessKey, SecretKey = TestServices.S3SecretKey,
                Secure = false, Region = "us-east-1",
            });
            Store = new S3ObjectStore(Spec);
        }
    }

    [TearDown]
    public async Task RemoveStore()
    {
        if (_folder is not null && Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
        if (_client is not null && Store is not null)
        {
            // moto keeps objects in memory: delete everything under this test's location.
            var keys = new List<string>();
            await foreach (var item in _client.ListObjectsEnumAsync(new ListObjectsArgs().WithBucket(Spec.Bucket).WithPrefix(Spec.Location + "/").WithRecursive(true)))
                keys.Add(item.Key);
            foreach (var key in keys)
                await _client.RemoveObjectAsync(new RemoveObjectArgs().WithBucket(Spec.Bucket).WithObject(key));
            (Store as IDisposable)?.Dispose();
            _client.Dispose();
        }
    }

    protected async Task<List<StoreObjectInfo>> ListAll(string prefix = "")
    {
        var list = new List<StoreObjectInfo>();
        await foreach (var o in Store.ListAsync(prefix)) list.Add(o);
        return list;
    }

    /// <summary>Overwrites an object's bytes behind DataJoint's back (a corruption).</summary>
    protected async Task Tamper(string path, byte[] bytes)
    {
        using var ms = new MemoryStream(bytes);
        await Store.PutAsync(path, ms, bytes.Length);
    }

    protected static async Task<byte[]> ReadAll(Stream s)
    {
        await using (s)
        {
            using var ms = new MemoryStream();
            await s.CopyToAsync(ms);
            return ms.ToArray();
        }
    }
}
