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
/// hand-written <c>MySqlDataReader</c> loop that unpacks each value with <see cref="DataJoint.Blob.Unpack(ReadOnlySpan{byte}, BlobReadOptions?)"/>
/// (the baseline: each value read as a new array, as <c>GetValue</c> gives it), and the same loop reading each value into
/// one reused buffer, as the fetch does. Shows what the codec plan (one resolved chain per column, the column's bytes
/// decoded where they are read) adds per value.
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

    /// <summary>
    /// The same loop reading each value into one reused buffer (<c>GetBytes</c>) instead of a new array: what a fetch
    /// does for a <c>&lt;blob&gt;</c> column, so the ratio to it is the cost of the codec plan and the row mapping alone.
    /// </summary>
    [Benchmark]
    public async Task<int> RawReaderUnpackInPlace()
    {
        await using var conn = await _connection.OpenAsync();
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = $"SELECT `trace_id`,`samples` FROM `{_schema.Database}`.`trace`";
        await using var reader = await cmd.ExecuteReaderAsync();
        var list = new List<RawTrace>();
        var buffer = new byte[256];
        while (await reader.ReadAsync())
        {
            var length = (int)reader.GetBytes(1, 0, null, 0, 0);
            if (length > buffer.Length) buffer = new byte[length];
            reader.GetBytes(1, 0, buffer, 0, length);
            list.Add(new RawTrace(reader.GetInt32(0), DataJoint.Blob.Unpack(buffer.AsSpan(0, length))!));
        }
        return list.Count;
    }

    [Benchmark]
    public async Task<int> DynamicFetch() => (await _table.FetchAsync()).Count;

    [Benchmark]
    public async Task<int> TypedFetch() => (await _typed.FetchAsync()).Count;
}
