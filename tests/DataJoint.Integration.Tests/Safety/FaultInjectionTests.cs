using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using DataJoint.Stores;
using Minio;
using Minio.DataModel.Args;
using DataJoint.Integration.Tests.Connection;
using MySqlConnector;

namespace DataJoint.Integration.Tests.Safety;

/// <summary>
/// Issue #10's fault-injection suite: workers run a mixed insert / fetch / delete workload on a table with a
/// hash-addressed (<c>&lt;blob@main&gt;</c>) and a schema-addressed (<c>&lt;object@main&gt;</c>) column while the test kills
/// the workload's own database connections (<c>KILL</c>) and cuts or stalls a proxy in front of the S3 endpoint, then
/// restores everything and checks: no row without its objects, every successful insert's rows present unless deleted
/// (rows lost: 0), no row of a failed insert, no <c>_schema/</c> object left by a failed insert except when the store was
/// unreachable during that insert, no operation longer than the configured timeouts allow, and every error a
/// <see cref="DataJointException"/> subtype naming the table or store that failed. The counts go to the test output
/// (and docs/errors.md).
/// </summary>
public class FaultInjectionTests
{
    private static readonly TimeSpan Workload = TimeSpan.FromSeconds(TestServices.IsCi ? 40 : 30);
    private const double RequestTimeoutSeconds = 2;
    /// <summary>The longest any one operation may take: a few store requests, each bounded by the request timeout.</summary>
    private static readonly TimeSpan OperationBound = TimeSpan.FromSeconds(RequestTimeoutSeconds * 8);

    private enum RowState { Inserted, Deleted, Failed, Uncertain }

    private sealed record Attempt(int[] Ids, DateTime Start, DateTime End, bool Succeeded, Exception? Error);

    [Test]
    public async Task MixedWorkload_UnderKilledConnectionsAndAnUnreachableStore_LosesNothing()
    {
        // A MariaDB server of the test's own: killing connections at random once crashed MariaDB 10.11 (a KILL landing
        // while an information_schema query builds its temporary table), and that must never take the shared server down.
        await using var server = await OwnMariaDb.CreateAsync();
        await server.StartAsync();
        await server.ExecuteAsync("CREATE USER 'djfaults'@'%' IDENTIFIED BY 'djfaults'");
        await server.ExecuteAsync("GRANT ALL PRIVILEGES ON *.* TO 'djfaults'@'%' WITH GRANT OPTION");
        var connection = new DataJointConnection(new ConnectionSettings { Host = "127.0.0.1", Port = server.Port, User = "djfaults", Password = "djfaults" });
        using var s3 = TestServices.RequireS3();
        var database = TestServices.UniqueSchemaName("faults");
        var location = $"djnet-test/faults-{Guid.NewGuid():N}";
        await using var proxy = new CuttableProxy(TestServices.S3Endpoint);
        var spec = new JsonObject
        {
            ["protocol"] = "s3", ["endpoint"] = proxy.Endpoint, ["bucket"] = TestServices.S3Bucket, ["location"] = location,
            ["access_key"] = TestServices.S3AccessKey, ["secret_key"] = TestServices.S3SecretKey, ["secure"] = false, ["region"] = "us-east-1",
            ["request_timeout"] = RequestTimeoutSeconds, ["connect_timeout"] = RequestTimeoutSeconds,
        };
        using var stores = new StoreProvider(StoresConfiguration.Parse(new JsonObject { ["default"] = "main", ["main"] = spec }.ToJsonString()));
        if (!await s3.BucketExistsAsync(new BucketExistsArgs().WithBucket(TestServices.S3Bucket)))
            await s3.MakeBucketAsync(new MakeBucketArgs().WithBucket(TestServices.S3Bucket));
        // The workload logs in as a user of its own, so the test can KILL exactly its connections (busy or idle in the pool).
        var user = "djnet_faults_" + Guid.NewGuid().ToString("N")[..12];
        var password = Guid.NewGuid().ToString("N");
        try
        {
            var schema = await Schema.ActivateAsync(connection, database, stores: stores);
            await schema.DeclareAsync("Rec", TableTier.Manual, "id : int32\n---\npayload : <blob@main>\nraw : <object@main>\nnote : varchar(32)");
            await ExecAsync(connection, $"CREATE USER '{user}'@'%' IDENTIFIED BY '{password}'");
            await ExecAsync(connection, $"GRANT ALL PRIVILEGES ON `{database}`.* TO '{user}'@'%'");
            var workload = new DataJointConnection(connection.Settings with { User = user, Password = password });
            var workSchema = await Schema.ActivateAsync(workload, database, stores: stores);
            var table = await workSchema.OpenTableAsync("rec");
            await RunAsync(connection, workSchema, table, proxy, stores.GetStore("main"), user);
        }
        finally
        {
            proxy.Restore();
            var keys = new List<string>();
            await foreach (var item in s3.ListObjectsEnumAsync(new ListObjectsArgs().WithBucket(TestServices.S3Bucket).WithPrefix(location + "/").WithRecursive(true)))
                keys.Add(item.Key);
            foreach (var key in keys) await s3.RemoveObjectAsync(new RemoveObjectArgs().WithBucket(TestServices.S3Bucket).WithObject(key));
        }
    }

    private static async Task ExecAsync(DataJointConnection connection, string sql)
    {
        await using var conn = await connection.OpenAsync();
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync();
    }

    private static async Task RunAsync(DataJointConnection connection, Schema schema, Table table, CuttableProxy proxy, IObjectStore store, string user)
    {
        var states = new ConcurrentDictionary<int, RowState>();
        var inserts = new ConcurrentBag<Attempt>();
        var violations = new ConcurrentQueue<string>();
        var counts = new ConcurrentDictionary<string, int>();
        var storeFaults = new ConcurrentQueue<(DateTime Start, DateTime End)>();
        var nextId = 0;
        var longest = TimeSpan.Zero;
        var stop = DateTime.UtcNow + Workload;
        void Count(string key) => counts.AddOrUpdate(key, 1, (_, n) => n + 1);

        void CheckError(Exception ex, string op)
        {
            if (ex is not DataJointException dj)
            {
                violations.Enqueue($"{op}: {ex.GetType().FullName} is not a DataJointException: {ex.Message}");
                return;
            }
            if (dj.Table is null && dj.Store is null)
                violations.Enqueue($"{op}: {dj.GetType().Name} names neither the table nor the store: {dj.Message}");
            Count($"error {dj.GetType().Name}");
        }

        async Task Timed(string op, Func<Task> action)
        {
            var watch = Stopwatch.StartNew();
            try
            {
                await action();
            }
            finally
            {
                watch.Stop();
                lock (violations)
                    if (watch.Elapsed > longest) longest = watch.Elapsed;
                if (watch.Elapsed > OperationBound) violations.Enqueue($"{op} took {watch.Elapsed.TotalSeconds:0.0} s (bound {OperationBound.TotalSeconds} s)");
            }
        }

        async Task WorkerAsync(int seed)
        {
            var random = new Random(seed);
            while (DateTime.UtcNow < stop)
            {
                var pick = random.Next(10);
                if (pick < 5)
                {
                    var n = random.Next(1, 5);
                    var ids = Enumerable.Range(Interlocked.Add(ref nextId, n) - n + 1, n).ToArray();
                    var rows = ids.Select(id => new
                    {
                        id,
                        payload = Enumerable.Range(0, 64).Select(_ => random.NextDouble()).ToArray(),
                        raw = Enumerable.Range(0, 200).Select(_ => (byte)random.Next(256)).ToArray(),
                        note = $"row {id}",
                    }).ToList();
                    var start = DateTime.UtcNow;
                    Count("insert");
                    await Timed("insert", async () =>
                    {
                        try
                        {
                            await table.InsertAsync(rows, new InsertOptions { MaxParallelUploads = 2 });
                            foreach (var id in ids) states[id] = RowState.Inserted;
                            inserts.Add(new Attempt(ids, start, DateTime.UtcNow, true, null));
                            Count("insert ok");
                        }
                        catch (Exception ex)
                        {
                            CheckError(ex, "insert");
                            var state = ex is LostConnectionException { CommitOutcomeUnknown: true } ? RowState.Uncertain : RowState.Failed;
                            foreach (var id in ids) states[id] = state;
                            inserts.Add(new Attempt(ids, start, DateTime.UtcNow, false, ex));
                            await Task.Delay(20);
                        }
                    });
                }
                else if (pick < 8)
                {
                    Count("fetch");
                    await Timed("fetch", async () =>
                    {
                        try
                        {
                            var known = states.Keys.ToArray();
                            IReadOnlyList<Row> rows = random.Next(2) == 0 || known.Length == 0
                                ? await table.FetchAsync()
                                : await (table & new { id = known[random.Next(known.Length)] }).FetchAsync();
                            foreach (var r in rows)
                                if (states.TryGetValue((int)r["id"]!, out var st) && st == RowState.Failed)
                                    violations.Enqueue($"fetch returned row {r["id"]} of a failed insert");
                            Count("fetch ok");
                        }
                        catch (Exception ex)
                        {
                            CheckError(ex, "fetch");
                            await Task.Delay(20);
                        }
                    });
                }
                else
                {
                    var candidates = states.Where(kv => kv.Value == RowState.Inserted).Select(kv => kv.Key).ToArray();
                    if (candidates.Length == 0) continue;
                    var id = candidates[random.Next(candidates.Length)];
                    Count("delete");
                    await Timed("delete", async () =>
                    {
                        try
                        {
                            var n = await (table & new { id }).DeleteAsync(new DeleteOptions { Safemode = false });
                            if (n == 1) states[id] = RowState.Deleted;
                            Count("delete ok");
                        }
                        catch (Exception ex)
                        {
                            CheckError(ex, "delete");
                            if (ex is LostConnectionException { CommitOutcomeUnknown: true }) states[id] = RowState.Uncertain;
                        }
                    });
                }
            }
        }

        async Task FaultsAsync()
        {
            var random = new Random(99);
            await using var admin = new MySqlConnection(connection.Settings.ToConnectionString());
            await admin.OpenAsync();
            while (DateTime.UtcNow < stop - TimeSpan.FromSeconds(2))
            {
                await Task.Delay(random.Next(600, 1400));
                switch (random.Next(4))
                {
                    case 0 or 1:
                    {
                        // Only this test's own connections: those of the workload's own user, polled for about a second,
                        // so statements in flight are hit.
                        for (var round = 0; round < 100; round++)
                        {
                            var ids = new List<long>();
                            // Statements in flight only, and not catalogue reads (the MariaDB crash above) or a session's
                            // first statement (which is followed by one).
                            await using (var find = new MySqlCommand(
                                             "SELECT id FROM information_schema.processlist WHERE user = @u AND command = 'Query' " +
                                             "AND info NOT LIKE '%information_schema%' AND info NOT LIKE 'SET SESSION%'", admin))
                            {
                                find.Parameters.AddWithValue("@u", user);
                                await using var r = await find.ExecuteReaderAsync();
                                while (await r.ReadAsync()) ids.Add(r.GetInt64(0));
                            }
                            foreach (var id in ids)
                            {
                                try
                                {
                                    await using var kill = new MySqlCommand($"KILL {id}", admin);
                                    await kill.ExecuteNonQueryAsync();
                                    Count("fault: KILL connection");
                                }
                                catch (MySqlException) { /* closed meanwhile */ }
                            }
                            await Task.Delay(5);
                        }
                        break;
                    }
                    case 2:
                    {
                        var start = DateTime.UtcNow;
                        proxy.Cut();
                        Count("fault: S3 unreachable");
                        await Task.Delay(random.Next(800, 2500));
                        proxy.Restore();
                        storeFaults.Enqueue((start, DateTime.UtcNow));
                        break;
                    }
                    default:
                    {
                        var start = DateTime.UtcNow;
                        proxy.Stall();
                        Count("fault: S3 not answering");
                        await Task.Delay(random.Next(1500, 3000));
                        proxy.Restore();
                        storeFaults.Enqueue((start, DateTime.UtcNow));
                        break;
                    }
                }
            }
        }

        await Task.WhenAll(Task.Run(() => WorkerAsync(1)), Task.Run(() => WorkerAsync(2)), Task.Run(() => WorkerAsync(3)), Task.Run(FaultsAsync));
        proxy.Restore();

        // ---- checks, on a quiet system
        var present = (await table.FetchAsync(new FetchOptions { Attributes = ["id"] })).Select(r => (int)r["id"]!).ToHashSet();
        var lost = states.Where(kv => kv.Value == RowState.Inserted && !present.Contains(kv.Key)).Select(kv => kv.Key).ToList();
        var phantom = states.Where(kv => kv.Value == RowState.Failed && present.Contains(kv.Key)).Select(kv => kv.Key).ToList();
        var resurrected = states.Where(kv => kv.Value == RowState.Deleted && present.Contains(kv.Key)).Select(kv => kv.Key).ToList();

        // Every present row reads back with both of its objects (fetch decodes the blob, and the object is verified).
        var all = await table.FetchAsync();
        foreach (var row in all)
        {
            Assert.That(Blob.ConvertValue<double[]>(row["payload"]), Has.Length.EqualTo(64), $"row {row["id"]} payload");
            var objectRef = (ObjectRef)row["raw"]!;
            Assert.That(await objectRef.VerifyAsync(), Is.True, $"row {row["id"]}: its <object@> file exists with its size");
        }

        // _schema/ objects no row references: only from inserts that failed while the store was unreachable (their
        // clean-up could not reach it either), or whose commit outcome is unknown.
        var referenced = (await SchemaGarbageCollector.ReferencedPathsAsync(schema, "main")).ToHashSet(StringComparer.Ordinal);
        var stored = new List<string>();
        await foreach (var o in store.ListAsync($"_schema/{schema.Database}/")) stored.Add(o.Path);
        var faults = storeFaults.ToArray();
        static int IdOf(string path) => int.Parse(path.Split("/id=")[1].Split('/')[0], System.Globalization.CultureInfo.InvariantCulture);
        // Objects of rows deleted later stay until garbage collection (as in Python): only those of failed inserts count.
        var failedIds = inserts.Where(a => !a.Succeeded).SelectMany(a => a.Ids).ToHashSet();
        var leftovers = stored.Where(p => !referenced.Contains(p) && failedIds.Contains(IdOf(p))).ToList();
        var unexplained = new List<string>();
        foreach (var path in leftovers)
        {
            var id = IdOf(path);
            var attempt = inserts.FirstOrDefault(a => a.Ids.Contains(id));
            var explained = attempt is not null && !attempt.Succeeded
                && (attempt.Error is LostConnectionException { CommitOutcomeUnknown: true }
                    || faults.Any(f => f.Start <= attempt.End.AddSeconds(1) && f.End >= attempt.Start.AddSeconds(-1)));
            if (!explained)
                unexplained.Add($"{path} (insert {(attempt is null ? "unknown" : $"{attempt.Start:HH:mm:ss.fff}-{attempt.End:HH:mm:ss.fff} {(attempt.Succeeded ? "ok" : attempt.Error!.GetType().Name)}")}, state {states.GetValueOrDefault(id)})");
        }

        var summary = string.Join(Environment.NewLine, counts.OrderBy(kv => kv.Key).Select(kv => $"  {kv.Key}: {kv.Value}"));
        TestContext.Out.WriteLine(
            $"fault injection over {Workload.TotalSeconds} s:{Environment.NewLine}{summary}{Environment.NewLine}" +
            $"  rows present: {present.Count}, rows lost: {lost.Count}, rows of failed inserts present: {phantom.Count}, deleted rows back: {resurrected.Count}{Environment.NewLine}" +
            $"  uncertain outcomes (connection lost during COMMIT): {states.Count(kv => kv.Value == RowState.Uncertain)}{Environment.NewLine}" +
            $"  _schema/ objects left by failed inserts: {leftovers.Count} (all while the store was unreachable: {unexplained.Count == 0}){Environment.NewLine}" +
            $"  longest operation: {longest.TotalSeconds:0.0} s (bound {OperationBound.TotalSeconds} s); violations: {violations.Count}");

        Assert.That(violations, Is.Empty);
        Assert.That(lost, Is.Empty, "rows of successful inserts that are gone");
        Assert.That(phantom, Is.Empty, "rows of failed inserts that are present");
        Assert.That(resurrected, Is.Empty, "rows of successful deletes that are back");
        Assert.That(unexplained, Is.Empty, "_schema/ objects left by failed inserts while the store was reachable");
        Assert.That(counts.GetValueOrDefault("fault: KILL connection") + counts.GetValueOrDefault("fault: S3 unreachable")
                    + counts.GetValueOrDefault("fault: S3 not answering"), Is.GreaterThan(5), "faults were injected");
        Assert.That(counts.GetValueOrDefault("insert ok"), Is.GreaterThan(0));
        Assert.That(counts.Keys.Count(k => k.StartsWith("error ", StringComparison.Ordinal)), Is.GreaterThan(0), "faults made operations fail");
    }
}
