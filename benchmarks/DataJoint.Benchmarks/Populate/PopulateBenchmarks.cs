using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;

namespace DataJoint.Benchmarks.Populate;

/// <summary>
/// Populate of 1 000 trivial keys (the make inserts one row) against the raw baseline a user would write without
/// DataJoint: one connection, and per key a transaction that inserts the same row and commits. Goals (issue #12): direct
/// populate ≤ 1.2× the raw loop, with reserved jobs ≤ 2× (DataJoint Python measures 1.7× and 4.8×). Needs the DJ_*
/// variables (eval "$(bash scripts/services.sh)"). Each iteration starts from an empty target and job table.
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
    public void Empty()
    {
        using var conn = _connection.OpenAsync().GetAwaiter().GetResult();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = $"DELETE FROM `{_schema.Database}`.`__target`; DELETE FROM `{_schema.Database}`.`~~target`";
        cmd.ExecuteNonQuery();
    }

    [GlobalCleanup]
    public Task Cleanup() => _schema.DropAsync();

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

    [Benchmark]
    public async Task<int> Populate() => (await _target.PopulateAsync(Make, new PopulateOptions { HandleSignals = false })).SuccessCount;

    [Benchmark]
    public async Task<int> PopulateReserveJobs() =>
        (await _target.PopulateAsync(Make, new PopulateOptions { ReserveJobs = true, HandleSignals = false })).SuccessCount;
}
