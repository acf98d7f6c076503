using System.Text.Json.Nodes;
using DataJoint.Stores;
using Minio;
using Minio.DataModel.Args;

namespace DataJoint.Integration.Tests.StoresTables;

/// <summary>
/// A fresh schema on MariaDB plus a fresh store named <c>main</c> (the default store), on either a temp folder
/// (<c>file</c>) or the S3 endpoint (<c>s3</c>). The provider is built from a <c>DJ_STORES</c>-shaped JSON: for S3 the
/// services' own <c>DJ_STORES</c> with a location unique to the test. Everything is removed afterwards.
/// </summary>
public abstract class StoresTablesFixture(string protocol)
{
    protected string Protocol { get; } = protocol;
    protected DataJointConnection Connection = null!;
    protected StoreProvider Provider = null!;
    protected IObjectStore Main = null!;
    private readonly List<string> _databases = [];
    private string? _folder;
    private IMinioClient? _client;
    private string? _bucket;
    private string? _location;

    [SetUp]
    public async Task CreateServices()
    {
        Connection = await TestServices.RequireDatabaseAsync();
        JsonObject main;
        if (Protocol == "file")
        {
            _folder = Directory.CreateTempSubdirectory("djnet-atomic-").FullName;
            main = new JsonObject { ["protocol"] = "file", ["location"] = _folder };
        }
        else
        {
            _client = TestServices.RequireS3();
            var env = Environment.GetEnvironmentVariable("DJ_STORES");
            main = env is not null && JsonNode.Parse(env)?["main"] is JsonObject fromEnv
                ? (JsonObject)fromEnv.DeepClone()
                : new JsonObject
                {
                    ["protocol"] = "s3", ["endpoint"] = TestServices.S3Endpoint, ["bucket"] = TestServices.S3Bucket,
                    ["access_key"] = TestServices.S3AccessKey, ["secret_key"] = TestServices.S3SecretKey, ["secure"] = false, ["region"] = "us-east-1",
                };
            _bucket = (string)main["bucket"]!;
            _location = $"djnet-test/atomic-{Guid.NewGuid():N}";
            main["location"] = _location;
            if (!await _client.BucketExistsAsync(new BucketExistsArgs().WithBucket(_bucket)))
                await _client.MakeBucketAsync(new MakeBucketArgs().WithBucket(_bucket));
        }
        var json = new JsonObject { ["default"] = "main", ["main"] = main }.ToJsonString();
        Provider = new StoreProvider(StoresConfiguration.Parse(json, "DJ_STORES"));
        Main = Provider.GetStore("main");
    }

    [TearDown]
    public async Task RemoveServices()
    {
        for (var i = _databases.Count - 1; i >= 0; i--) await TestServices.DropSchemaAsync(Connection, _databases[i]);
        _databases.Clear();
        Provider?.Dispose();
        if (_folder is not null && Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
        if (_client is not null)
        {
            var keys = new List<string>();
            await foreach (var item in _client.ListObjectsEnumAsync(new ListObjectsArgs().WithBucket(_bucket).WithPrefix(_location + "/").WithRecursive(true)))
                keys.Add(item.Key);
            foreach (var key in keys)
                await _client.RemoveObjectAsync(new RemoveObjectArgs().WithBucket(_bucket).WithObject(key));
            _client.Dispose();
        }
    }

    protected Task<Schema> NewSchemaAsync(string purpose) => NewSchemaAsync(purpose, Provider);

    /// <summary>A new schema (dropped afterwards) whose tables use <paramref name="stores"/> (e.g. a wrapper of <see cref="Provider"/>).</summary>
    protected async Task<Schema> NewSchemaAsync(string purpose, IStoreProvider stores)
    {
        var name = TestServices.UniqueSchemaName(purpose);
        _databases.Add(name);
        return await Schema.ActivateAsync(Connection, name, stores: stores);
    }

    /// <summary>Store-relative paths under <paramref name="prefix"/>, sorted.</summary>
    protected async Task<List<string>> ListAsync(string prefix)
    {
        var list = new List<string>();
        await foreach (var o in Main.ListAsync(prefix)) list.Add(o.Path);
        list.Sort(StringComparer.Ordinal);
        return list;
    }

    protected async Task PutAsync(string path, byte[] bytes)
    {
        using var ms = new MemoryStream(bytes);
        await Main.PutAsync(path, ms, bytes.Length);
    }

    protected static async Task<long> CountAsync(Table table) => (await table.FetchAsync()).Count;
}
