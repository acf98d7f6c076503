using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;

namespace DataJoint.Benchmarks.Populate;

/// <summary>
/// Populate of 1 000 trivial keys (the make inserts one row) against the raw baseline a user would write without
/// DataJoint: one connection, and per key a transaction that inserts the same row and commits. Goals (issue #12): direct
/// populate ≤ 1.2× the raw loop, with reserved jobs ≤ 2× (DataJoint Python measures 1.7× and 4.8×). Needs the DJ_*
/// variables (eval "$(bash scripts/services.sh)"). Each iteration starts from an empty target and job table.
/// A second baseline, <see cref="RawJobProtocol"/>, sends the reserved-jobs protocol itself by hand — the statements and
/// round trips populate sends, with MySqlConnector and no DataJoint — to separate the protocol's own cost (a key check and
/// two more autocommit writes per key on the server) from DataJoint's.
/// <c>dotnet run -c Release -- interleaved-populate [--rounds 7]</c> runs the modes in turn, round after round (a shared
/// machine's drift then hits all alike), and prints medians and per-round ratios.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 8)]
public class PopulateBenchmarks
{
    private const int Keys = 1000;
    private DataJointConnection _connection = null!;
    private Schema _schema = null!;
    private Table _target = null!;

    private static readonly MakeHandler Make = (context, ct) =>
        context.Insert1Async(new { key_id = context.Key["key_id"], value = (int)context.Key["key_id"]! * 2.0 }, cancellationToken: ct);

    [GlobalSetup]
    public async Task Setup()
    {
        _connection = DataJointConnection.FromEnvironment();
        _schema = await Schema.ActivateAsync(_connection, $"djnet_bench_populate_{Guid.NewGuid():N}"[..40]);
        var source = await _schema.DeclareAsync("Source", TableTier.Manual, "key_id : int32");
        _target = await _schema.DeclareAsync("Target", TableTier.Computed, "-> Source\n---\nvalue : float64");
        await source.InsertAsync(Enumerable.Range(1, Keys).Select(i => new { key_id = i }));
        await _target.JobsAsync();
    }

    [IterationSetup]
    public void Empty() => EmptyAsync().GetAwaiter().GetResult();

    internal async Task EmptyAsync()
    {
        await using var conn = await _connection.OpenAsync();
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = $"DELETE FROM `{_schema.Database}`.`__target`; DELETE FROM `{_schema.Database}`.`~~target`";
        await cmd.ExecuteNonQueryAsync();
    }

    [GlobalCleanup]
    public Task Cleanup() => _schema.DropAsync(new SchemaDropOptions { Safemode = false });

    /// <summary>The same inserts by hand: per key BEGIN, one parameterized INSERT, COMMIT on one connection.</summary>
    [Benchmark(Baseline = true)]
    public async Task RawOneRowTransactions()
    {
        await using var conn = await _connection.OpenAsync();
        var sql = $"INSERT INTO `{_schema.Database}`.`__target` (`key_id`, `value`) VALUES (?, ?)";
        for (var i = 1; i <= Keys; i++)
        {
            await using var tx = await conn.BeginTransactionAsync();
            await using var cmd = conn.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = sql;
            var k = cmd.CreateParameter();
            k.Value = i;
            cmd.Parameters.Add(k);
            var v = cmd.CreateParameter();
            v.Value = i * 2.0;
            cmd.Parameters.Add(v);
            await cmd.ExecuteNonQueryAsync();
            await tx.CommitAsync();
        }
    }

    /// <summary>
    /// The reserved-jobs protocol by hand after the same refresh (through DataJoint), in populate's round trips: the first
    /// key's (reserve UPDATE, START TRANSACTION WITH CONSISTENT SNAPSHOT, key check); per key its INSERT, then (COMMIT, job
    /// DELETE) together with the next key's (reserve, START, key check). Parameterized as the raw loop.
    /// </summary>
    [Benchmark]
    public async Task RawJobProtocol()
    {
        var jobs = await _target.JobsAsync();
        await jobs.RefreshAsync(new JobRefreshOptions { Delay = TimeSpan.FromSeconds(-1) });
        var db = _schema.Database;
        var reserve = $"UPDATE `{db}`.`~~target` SET `status`='reserved', `host`=?, `pid`=?, `connection_id`=CONNECTION_ID(), `user`=USER(), " +
                      "`version`='', `reserved_time`=CURRENT_TIMESTAMP(3) WHERE `status`='pending' AND `scheduled_time` <= CURRENT_TIMESTAMP(3) AND `key_id`=?";
        var check = $"SELECT 1 FROM `{db}`.`__target` WHERE `key_id`=? LIMIT 1";
        var insert = $"INSERT INTO `{db}`.`__target` (`key_id`, `value`) VALUES (?, ?)";
        var complete = $"DELETE FROM `{db}`.`~~target` WHERE `key_id`=?";
        await using var conn = await _connection.OpenAsync();
        void Start(MySqlConnector.MySqlBatch batch, int key)
        {
            batch.BatchCommands.Add(Command(reserve, Environment.MachineName, Environment.ProcessId, key));
            batch.BatchCommands.Add(Command("START TRANSACTION WITH CONSISTENT SNAPSHOT"));
            batch.BatchCommands.Add(Command(check, key));
        }
        await using (var first = conn.CreateBatch())
        {
            Start(first, 1);
            await using var reader = await first.ExecuteReaderAsync();
            if (reader.RecordsAffected != 1 || await reader.ReadAsync()) throw new InvalidOperationException("key 1 not reserved or already made");
        }
        for (var i = 1; i <= Keys; i++)
        {
            await using (var cmd = conn.CreateCommand())
            {
                cmd.CommandText = insert;
                cmd.Parameters.AddWithValue("k", i);
                cmd.Parameters.AddWithValue("v", i * 2.0);
                await cmd.ExecuteNonQueryAsync();
            }
            await using var end = conn.CreateBatch();
            end.BatchCommands.Add(Command("COMMIT"));
            end.BatchCommands.Add(Command(complete, i));
            if (i < Keys) Start(end, i + 1);
            await using var reader = await end.ExecuteReaderAsync();
            if (i < Keys && (reader.RecordsAffected != 2 || await reader.ReadAsync()))
                throw new InvalidOperationException($"key {i + 1} not reserved or already made");
        }
    }

    private static MySqlConnector.MySqlBatchCommand Command(string sql, params object[] args)
    {
        var cmd = new MySqlConnector.MySqlBatchCommand(sql);
        foreach (var a in args) cmd.Parameters.Add(new MySqlConnector.MySqlParameter { Value = a });
        return cmd;
    }

    [Benchmark]
    public async Task<int> Populate() => (await _target.PopulateAsync(Make, new PopulateOptions { HandleSignals = false })).SuccessCount;

    [Benchmark]
    public async Task<int> PopulateReserveJobs() =>
        (await _target.PopulateAsync(Make, new PopulateOptions { ReserveJobs = true, HandleSignals = false })).SuccessCount;
}

/// <summary>The populate benchmark's three modes in turn, round after round; medians and the range of per-round ratios.</summary>
internal static class InterleavedPopulateProbe
{
    private const string RawMode = "raw one-row transactions";

    public static async Task<int> RunAsync(string[] args)
    {
        var rounds = Option(args, "--rounds") is { } r ? int.Parse(r, System.Globalization.CultureInfo.InvariantCulture) : 7;
        var only = Option(args, "--only");   // run one mode only (e.g. under a profiler)
        var bench = new PopulateBenchmarks();
        await bench.Setup();
        try
        {
            var modes = new (string Name, Func<Task> Run)[]
            {
                (RawMode, bench.RawOneRowTransactions),
                ("job protocol by hand", bench.RawJobProtocol),
                ("populate", bench.Populate),
                ("populate, reserve jobs", bench.PopulateReserveJobs),
            };
            if (only is not null) modes = modes.Where(m => m.Name.StartsWith(only, StringComparison.Ordinal)).ToArray();
            var wall = modes.ToDictionary(m => m.Name, _ => new List<double>());
            var cpu = modes.ToDictionary(m => m.Name, _ => new List<double>());
            var idle = modes.ToDictionary(m => m.Name, _ => new List<double>()); // a second call with every key made: the fixed cost
            for (var round = 0; round <= rounds; round++) // round 0 warms up
            {
                foreach (var (name, run) in modes)
                {
                    await bench.EmptyAsync();
                    var cpu0 = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds;
                    var clock = System.Diagnostics.Stopwatch.StartNew();
                    await run();
                    if (round == 0) continue;
                    wall[name].Add(clock.Elapsed.TotalMilliseconds);
                    cpu[name].Add(System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds - cpu0);
                    if (!name.StartsWith("populate", StringComparison.Ordinal)) continue;
                    clock.Restart();
                    await run();
                    idle[name].Add(clock.Elapsed.TotalMilliseconds);
                }
            }
            Console.WriteLine($"populate of 1000 trivial keys, {rounds} interleaved rounds");
            var raw = wall[modes[0].Name]; // with --only, ratios are to that mode
            foreach (var (name, _) in modes)
            {
                var ratios = wall[name].Select((ms, i) => ms / raw[i]).OrderBy(r => r).ToList();
                Console.WriteLine($"  {name,-26} median {Median(wall[name]),7:F0} ms (client CPU {Median(cpu[name]),5:F0} ms)   " +
                                  $"ratio to raw: median {Median(ratios):F2}, range {ratios[0]:F2}-{ratios[^1]:F2}" +
                                  (idle[name].Count == 0 ? "" : $"   again with nothing to do: {Median(idle[name]),5:F0} ms"));
            }
            return 0;
        }
        finally
        {
            await bench.Cleanup();
        }
    }

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
