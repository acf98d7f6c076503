using BenchmarkDotNet.Attributes;

namespace DataJoint.Benchmarks.Tables;

/// <summary>The generated typed table of the benchmarks: same heading as <see cref="BenchTables"/>' <c>sample</c>.</summary>
[Table]
public partial class Sample : Manual
{
    public const string Definition = """
        sample_id : int32
        ---
        value : float64
        label : varchar(32)
        payload : bytes
        """;
}

/// <summary>
/// The typed API next to the dynamic one and a raw MySqlConnector baseline, 100 000 rows: insert of generated
/// <c>Sample.Row</c> records against inserting records through the dynamic API; fetch into <c>Sample.Row</c> against a
/// hand-written data-reader loop. Shows what the generated mappers add on top of the dynamic path.
/// </summary>
[MemoryDiagnoser]
public class TypedTableBenchmarks
{
    private BenchTables _tables = null!;
    private TypedTable<Sample, Sample.Row, Sample.Key> _typed = null!;
    private Sample.Row[] _typedRows = null!;
    private TableInsertBenchmarks.Sample[] _rows = null!;

    [GlobalSetup]
    public async Task Setup()
    {
        _tables = await BenchTables.CreateAsync("typed");
        _typed = await Sample.TableAsync(_tables.Schema);   // same class name: opens the declared `sample`
        _rows = BenchTables.MakeRows();
        _typedRows = _rows.Select(r => new Sample.Row { SampleId = r.sample_id, Value = r.value, Label = r.label, Payload = r.payload }).ToArray();
        await _tables.Sample.InsertAsync(_rows);
    }

    [GlobalCleanup]
    public Task Cleanup() => _tables.DropAsync();

    [Benchmark(Baseline = true)]
    public Task<int> RawFetch() => _tables.RawFetchAsync();

    [Benchmark]
    public async Task<int> DynamicFetch() => (await _tables.Sample.FetchAsync()).Count;

    [Benchmark]
    public async Task<int> TypedFetch() => (await _typed.FetchAsync()).Count;

}

/// <summary>
/// Insert of 100 000 rows: generated <c>Sample.Row</c> records through the typed handle, records through the dynamic
/// API, and a hand-written parameterized multi-row INSERT (1000 rows per statement, one transaction) as baseline.
/// </summary>
[MemoryDiagnoser]
public class TypedTableInsertBenchmarks
{
    private BenchTables _tables = null!;
    private TypedTable<Sample, Sample.Row, Sample.Key> _typed = null!;
    private TableInsertBenchmarks.Sample[] _rows = null!;
    private Sample.Row[] _typedRows = null!;

    [GlobalSetup]
    public async Task Setup()
    {
        _tables = await BenchTables.CreateAsync("tins");
        _typed = TypedTable<Sample, Sample.Row, Sample.Key>.Wrap(_tables.Sample);
        _rows = BenchTables.MakeRows();
        _typedRows = _rows.Select(r => new Sample.Row { SampleId = r.sample_id, Value = r.value, Label = r.label, Payload = r.payload }).ToArray();
    }

    [IterationSetup]
    public void Truncate() => _tables.TruncateAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public Task Cleanup() => _tables.DropAsync();

    [Benchmark(Baseline = true)]
    public Task RawMultiRowInsert() => _tables.RawMultiRowInsertAsync(_rows);

    [Benchmark]
    public Task DynamicInsert() => _tables.Sample.InsertAsync(_rows);

    [Benchmark]
    public Task TypedInsert() => _typed.InsertAsync(_typedRows);
}
