using BenchmarkDotNet.Attributes;

namespace DataJoint.Benchmarks.Tables;

/// <summary>The generated typed table of <see cref="BlobFetchBenchmarks"/>: a key and a <c>&lt;blob&gt;</c> column.</summary>
[Table]
public partial class Trace : Manual
{
    public const string Definition = """
        trace_id : int32
        ---
        samples : <blob>
        """;
}

/// <summary>
/// Fetch of 100 000 rows with a <c>&lt;blob&gt;</c> column (a 10-element float64 array each): the dynamic
/// <see cref="QueryExpression.FetchAsync(FetchOptions?, CancellationToken)"/> and the typed <c>Trace.Row</c> fetch against a
/// hand-written <c>MySqlDataReader</c> loop that unpacks each value with <see cref="DataJoint.Blob.Unpack(ReadOnlySpan{byte}, BlobReadOptions?)"/>.
/// Shows what the codec plan (one resolved chain per column, decoded in place) adds per value.
/// </summary>
[MemoryDiagnoser]
public class BlobFetchBenchmarks
{
    internal const int Rows = 100_000;
    private DataJointConnection _connection = null!;
    private Schema _schema = null!;
    private Table _table = null!;
    private TypedTable<Trace, Trace.Row, Trace.Key> _typed = null!;

    internal sealed record RawTrace(int TraceId, object Samples);

    [GlobalSetup]
    public async Task Setup()
    {
        _connection = DataJointConnection.FromEnvironment();
        _schema = await Schema.ActivateAsync(_connection, $"djnet_bench_blob_{Guid.NewGuid():N}"[..40]);
        _typed = await Trace.TableAsync(_schema);
        _table = _typed.Table;
        var rows = Enumerable.Range(0, Rows).Select(i => new Trace.Row
        {
            TraceId = i,
            Samples = Enumerable.Range(0, 10).Select(k => i + k * 0.5).ToArray(),
        });
        await _typed.InsertAsync(rows);
    }

    [GlobalCleanup]
    public Task Cleanup() => _schema.DropAsync(new SchemaDropOptions { Safemode = false });

    [Benchmark(Baseline = true)]
    public async Task<int> RawReaderUnpack()
    {
        await using var conn = await _connection.OpenAsync();
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = $"SELECT `trace_id`,`samples` FROM `{_schema.Database}`.`trace`";
        await using var reader = await cmd.ExecuteReaderAsync();
        var list = new List<RawTrace>();
        while (await reader.ReadAsync())
            list.Add(new RawTrace(reader.GetInt32(0), DataJoint.Blob.Unpack((byte[])reader.GetValue(1))!));
        return list.Count;
    }

    [Benchmark]
    public async Task<int> DynamicFetch() => (await _table.FetchAsync()).Count;

    [Benchmark]
    public async Task<int> TypedFetch() => (await _typed.FetchAsync()).Count;
}
