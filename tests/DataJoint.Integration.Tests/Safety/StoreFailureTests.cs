using System.Diagnostics;
using System.Text.Json.Nodes;
using DataJoint.Stores;

namespace DataJoint.Integration.Tests.Safety;

/// <summary>
/// Issue #10 items 3 and 9 (stores): an endpoint that never answers times out instead of hanging; a refused connection,
/// bad credentials (an own moto_server that checks signatures) and a missing bucket surface as
/// <see cref="StoreException"/> subtypes naming the store — never raw HttpRequestException/Minio exceptions — and an
/// insert that fails on them writes no row.
/// </summary>
public class StoreFailureTests
{
    private DataJointConnection _connection = null!;
    private readonly List<string> _databases = [];

    [SetUp]
    public async Task Connect() => _connection = await TestServices.RequireDatabaseAsync();

    [TearDown]
    public async Task Drop()
    {
        foreach (var db in _databases) await TestServices.DropSchemaAsync(_connection, db);
        _databases.Clear();
    }

    private static StoreProvider Provider(string endpoint, string bucket = "datajoint-test", string accessKey = "datajoint", double requestTimeout = 2,
        double connectTimeout = 2)
    {
        var spec = new JsonObject
        {
            ["protocol"] = "s3", ["endpoint"] = endpoint, ["bucket"] = bucket, ["location"] = $"djnet-test/fail-{Guid.NewGuid():N}",
            ["access_key"] = accessKey, ["secret_key"] = "datajoint", ["secure"] = false, ["region"] = "us-east-1",
            ["request_timeout"] = requestTimeout, ["connect_timeout"] = connectTimeout,
        };
        return new StoreProvider(StoresConfiguration.Parse(new JsonObject { ["default"] = "remote", ["remote"] = spec }.ToJsonString()));
    }

    private async Task<Table> BlobTableAsync(StoreProvider stores)
    {
        var name = TestServices.UniqueSchemaName("storefail");
        _databases.Add(name);
        var schema = await Schema.ActivateAsync(_connection, name, stores: stores);
        return await schema.DeclareAsync("Payload", TableTier.Manual, "id : int32\n---\nvalue : <blob@remote>");
    }

    private static async Task<long> RowsAsync(Table t) => await t.CountAsync();

    [Test]
    public async Task HungEndpoint_InsertTimesOut_WithinTheConfiguredTimeout()
    {
        await using var hung = new SilentListener();
        using var stores = Provider(hung.Endpoint, requestTimeout: 1.5);
        var table = await BlobTableAsync(stores);
        var watch = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<StoreTimeoutException>(() => table.Insert1Async(new { id = 1, value = new double[] { 1, 2, 3 } }));
        watch.Stop();
        Assert.That(hung.Accepted, Is.GreaterThan(0), "the client did connect; the endpoint just never answered");
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(15)), "no hang beyond the request timeout (plus the upload's own steps)");
        Assert.That(ex!.Store, Is.EqualTo("remote"));
        Assert.That(ex.IsTransient, Is.True);
        Assert.That(ex.Message, Does.Contain("request_timeout"));
        Assert.That(await RowsAsync(table), Is.Zero);

        // Every store operation is bounded the same way.
        var store = stores.GetStore("remote");
        await Assert.ThrowsAsync<StoreTimeoutException>(() => store.GetSizeAsync("x"));
        await Assert.ThrowsAsync<StoreTimeoutException>(() => store.OpenReadAsync("x"));
        await Assert.ThrowsAsync<StoreTimeoutException>(async () => { await foreach (var _ in store.ListAsync("x/")) { } });
    }

    [Test]
    public async Task RefusedConnection_IsStoreUnavailable_NamingTheStore()
    {
        using var stores = Provider($"127.0.0.1:{SilentListener.ClosedPort()}");
        var table = await BlobTableAsync(stores);
        var ex = await Assert.ThrowsAsync<StoreUnavailableException>(() => table.Insert1Async(new { id = 1, value = "x" }));
        Assert.That(ex!.Store, Is.EqualTo("remote"));
        Assert.That(ex.IsTransient, Is.True);
        Assert.That(ex.Message, Does.Contain("store 'remote'").And.Contain("cannot be reached"));
        Assert.That(ex.InnerException, Is.InstanceOf<HttpRequestException>());
        Assert.That(await RowsAsync(table), Is.Zero);
    }

    [Test]
    public async Task BadCredentials_OnAnEndpointThatChecksSignatures_AreAccessDenied()
    {
        await using var s3 = await AuthCheckingS3.StartAsync();
        using var stores = Provider(s3.Endpoint, accessKey: "not-a-known-key");
        var table = await BlobTableAsync(stores);
        var ex = await Assert.ThrowsAsync<StoreAccessDeniedException>(() => table.Insert1Async(new { id = 1, value = "x" }));
        Assert.That(ex!.Store, Is.EqualTo("remote"));
        Assert.That(ex.IsTransient, Is.False);
        Assert.That(ex.Message, Does.Contain("access denied").And.Contain("store 'remote'"));
        Assert.That(await RowsAsync(table), Is.Zero);
        var store = stores.GetStore("remote");
        await Assert.ThrowsAsync<StoreAccessDeniedException>(() => store.OpenReadAsync("x"));
        await Assert.ThrowsAsync<StoreAccessDeniedException>(async () => { await foreach (var _ in store.ListAsync("x/")) { } });
    }

    [Test]
    public async Task MissingBucket_IsBucketInaccessible()
    {
        TestServices.RequireS3().Dispose();
        using var stores = Provider(TestServices.S3Endpoint, bucket: $"djnet-no-such-bucket-{Guid.NewGuid():N}"[..40]);
        var table = await BlobTableAsync(stores);
        var ex = await Assert.ThrowsAsync<BucketInaccessibleException>(() => table.Insert1Async(new { id = 1, value = "x" }));
        Assert.That(ex!.Store, Is.EqualTo("remote"));
        Assert.That(ex.Message, Does.Contain("does not exist"));
        Assert.That(await RowsAsync(table), Is.Zero);
    }
}
