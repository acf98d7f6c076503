using System.Text;
using BenchmarkDotNet.Attributes;
using MySqlConnector;

namespace DataJoint.Benchmarks.Tables;

/// <summary>
/// Bulk insert of 100 000 rows (int key, float64, varchar, 64-byte bytes) through <see cref="Table.InsertAsync{TRow}"/>
/// against a hand-written parameterized multi-row INSERT (1000 rows per statement, one transaction) on the same
/// server. Needs the DJ_* variables (eval "$(bash scripts/services.sh)").
/// </summary>
[MemoryDiagnoser]
public class TableInsertBenchmarks
{
    internal const int Rows = 100_000;
    private BenchTables _tables = null!;
    private Sample[] _rows = null!;

    internal sealed record Sample(int sample_id, double value, string label, byte[] payload);

    [GlobalSetup]
    public async Task Setup()
    {
        _tables = await BenchTables.CreateAsync("ins");
        _rows = BenchTables.MakeRows();
    }

    [IterationSetup]
    public void Truncate() => _tables.TruncateAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public Task Cleanup() => _tables.DropAsync();

    [Benchmark(Baseline = true)]
    public Task RawMultiRowInsert() => _tables.RawMultiRowInsertAsync(_rows);

    [Benchmark]
    public Task DataJointInsert() => _tables.Sample.InsertAsync(_rows);
}

/// <summary>
/// Fetch of the same 100 000 rows: <see cref="QueryExpression.FetchAsync(FetchOptions?, CancellationToken)"/> (rows as
/// dictionaries) against a hand-written <see cref="MySqlDataReader"/> loop into records.
/// </summary>
[MemoryDiagnoser]
public class TableFetchBenchmarks
{
    private BenchTables _tables = null!;

    [GlobalSetup]
    public async Task Setup()
    {
        _tables = await BenchTables.CreateAsync("fetch");
        await _tables.Sample.InsertAsync(BenchTables.MakeRows());
    }

    [GlobalCleanup]
    public Task Cleanup() => _tables.DropAsync();

    [Benchmark(Baseline = true)]
    public Task<int> RawDataReaderLoop() => _tables.RawFetchAsync();

    [Benchmark]
    public async Task<int> DataJointFetch() => (await _tables.Sample.FetchAsync()).Count;
}

internal sealed class BenchTables
{
    public required DataJointConnection Connection { get; init; }
    public required Schema Schema { get; init; }
    public required Table Sample { get; init; }
    public string Database => Schema.Database;

    public static async Task<BenchTables> CreateAsync(string purpose)
    {
        var connection = DataJointConnection.FromEnvironment();
        var schema = await Schema.ActivateAsync(connection, $"djnet_bench_{purpose}_{Guid.NewGuid():N}"[..40]);
        var sample = await schema.DeclareAsync("Sample", TableTier.Manual, """
            sample_id : int32
            ---
            value : float64
            label : varchar(32)
            payload : bytes
            """);
        return new BenchTables { Connection = connection, Schema = schema, Sample = sample };
    }

    public static TableInsertBenchmarks.Sample[] MakeRows()
    {
        var payload = new byte[64];
        new Random(1).NextBytes(payload);
        return Enumerable.Range(0, TableInsertBenchmarks.Rows)
            .Select(i => new TableInsertBenchmarks.Sample(i, i * 0.25, "label-" + i, payload)).ToArray();
    }

    public async Task TruncateAsync()
    {
        await using var conn = await Connection.OpenAsync();
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = $"TRUNCATE TABLE `{Database}`.`sample`";
        await cmd.ExecuteNonQueryAsync();
    }

    public Task DropAsync() => Schema.DropAsync(new SchemaDropOptions { Safemode = false });

    /// <summary>Baseline: hand-written parameterized multi-row INSERT, 1000 rows per statement, one transaction.</summary>
    public async Task RawMultiRowInsertAsync(TableInsertBenchmarks.Sample[] rows)
    {
        await using var conn = await Connection.OpenAsync();
        await using var tx = await conn.BeginTransactionAsync();
        const int batch = 1000;
        for (var start = 0; start < rows.Length; start += batch)
        {
            var n = Math.Min(batch, rows.Length - start);
            var sb = new StringBuilder($"INSERT INTO `{Database}`.`sample`(`sample_id`,`value`,`label`,`payload`) VALUES ");
            await using var cmd = conn.CreateCommand();
            cmd.Transaction = tx;
            for (var i = 0; i < n; i++)
            {
                if (i > 0) sb.Append(',');
                sb.Append("(?,?,?,?)");
                var r = rows[start + i];
                cmd.Parameters.Add(new MySqlParameter { Value = r.sample_id });
                cmd.Parameters.Add(new MySqlParameter { Value = r.value });
                cmd.Parameters.Add(new MySqlParameter { Value = r.label });
                cmd.Parameters.Add(new MySqlParameter { Value = r.payload });
            }
            cmd.CommandText = sb.ToString();
            await cmd.ExecuteNonQueryAsync();
        }
        await tx.CommitAsync();
    }

    /// <summary>Baseline: hand-written MySqlDataReader loop into records.</summary>
    public async Task<int> RawFetchAsync()
    {
        await using var conn = await Connection.OpenAsync();
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = $"SELECT `sample_id`,`value`,`label`,`payload` FROM `{Database}`.`sample`";
        await using var reader = await cmd.ExecuteReaderAsync();
        var list = new List<TableInsertBenchmarks.Sample>();
        while (await reader.ReadAsync())
            list.Add(new TableInsertBenchmarks.Sample(reader.GetInt32(0), reader.GetDouble(1), reader.GetString(2), (byte[])reader.GetValue(3)));
        return list.Count;
    }
}
