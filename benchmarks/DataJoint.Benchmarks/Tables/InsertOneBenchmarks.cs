using BenchmarkDotNet.Attributes;
using MySqlConnector;

namespace DataJoint.Benchmarks.Tables;

/// <summary>
/// One row per call, as a <c>make</c> inserts its result: <see cref="Table.Insert1Async"/> of an anonymous object and of a
/// dictionary, <c>TypedTable.Insert1Async</c> of a generated <c>Sample.Row</c>, against a hand-written one-row INSERT
/// (a pooled connection, four parameters, autocommit) on the same server. Each call writes a new key.
/// </summary>
[MemoryDiagnoser]
public class InsertOneBenchmarks
{
    private BenchTables _tables = null!;
    private TypedTable<Sample, Sample.Row, Sample.Key> _typed = null!;
    private readonly byte[] _payload = new byte[64];
    private int _next;

    [GlobalSetup]
    public async Task Setup()
    {
        _tables = await BenchTables.CreateAsync("one");
        _typed = TypedTable<Sample, Sample.Row, Sample.Key>.Wrap(_tables.Sample);
        new Random(1).NextBytes(_payload);
    }

    [GlobalCleanup]
    public Task Cleanup() => _tables.DropAsync();

    [Benchmark(Baseline = true)]
    public async Task RawInsert()
    {
        await using var conn = await _tables.Connection.OpenAsync();
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = $"INSERT INTO `{_tables.Database}`.`sample`(`sample_id`,`value`,`label`,`payload`) VALUES (?,?,?,?)";
        cmd.Parameters.Add(new MySqlParameter { Value = ++_next });
        cmd.Parameters.Add(new MySqlParameter { Value = 0.5 });
        cmd.Parameters.Add(new MySqlParameter { Value = "label" });
        cmd.Parameters.Add(new MySqlParameter { Value = _payload });
        await cmd.ExecuteNonQueryAsync();
    }

    [Benchmark]
    public Task AnonymousObject() =>
        _tables.Sample.Insert1Async(new { sample_id = ++_next, value = 0.5, label = "label", payload = _payload });

    [Benchmark]
    public Task Dictionary() =>
        _tables.Sample.Insert1Async(new Dictionary<string, object?> { ["sample_id"] = ++_next, ["value"] = 0.5, ["label"] = "label", ["payload"] = _payload });

    [Benchmark]
    public Task TypedRow() =>
        _typed.Insert1Async(new Sample.Row { SampleId = ++_next, Value = 0.5, Label = "label", Payload = _payload });
}
