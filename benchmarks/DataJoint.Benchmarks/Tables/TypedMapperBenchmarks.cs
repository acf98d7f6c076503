using System.Data;
using System.Data.Common;
using BenchmarkDotNet.Attributes;
using DataJoint.Metadata;

namespace DataJoint.Benchmarks.Tables;

/// <summary>
/// The generated mappers alone, without a database (100 000 rows of <see cref="Sample"/>): reading typed rows from a
/// data reader (an in-memory <see cref="DataTableReader"/>) against a hand-written reader loop, building them from
/// fetched dynamic rows (the codec path), and writing them to value arrays (the insert path). Shows the per-row cost of
/// the generated code and the runtime helpers around it, apart from the server's time.
/// </summary>
[MemoryDiagnoser]
public class TypedMapperBenchmarks
{
    private const int Rows = 100_000;
    private DataTable _table = null!;
    private Row[] _rows = null!;
    private Sample.Row[] _typed = null!;

    [GlobalSetup]
    public void Setup()
    {
        _table = new DataTable();
        _table.Columns.Add("sample_id", typeof(int));
        _table.Columns.Add("value", typeof(double));
        _table.Columns.Add("label", typeof(string));
        _table.Columns.Add("payload", typeof(byte[]));
        var shape = new RowShape(["sample_id", "value", "label", "payload"]);
        _rows = new Row[Rows];
        _typed = new Sample.Row[Rows];
        for (var i = 0; i < Rows; i++)
        {
            var payload = new byte[64];
            _table.Rows.Add(i, i * 0.5, "label " + i, payload);
            _rows[i] = new Row(shape, [i, i * 0.5, "label " + i, payload]);
            _typed[i] = new Sample.Row { SampleId = i, Value = i * 0.5, Label = "label " + i, Payload = payload };
        }
    }

    private sealed record Raw(int SampleId, double Value, string Label, byte[] Payload);

    [Benchmark(Baseline = true)]
    public int RawReaderLoop()
    {
        using DbDataReader reader = _table.CreateDataReader();
        var n = 0;
        while (reader.Read())
        {
            var r = new Raw(reader.GetInt32(0), reader.GetDouble(1), reader.GetString(2), reader.GetFieldValue<byte[]>(3));
            n += r.SampleId & 1;
        }
        return n;
    }

    [Benchmark]
    public int TypedFromReader()
    {
        using DbDataReader reader = _table.CreateDataReader();
        var n = 0;
        while (reader.Read()) n += TypedMapping<Sample, Sample.Row, Sample.Key>.ReadRow(reader).SampleId & 1;
        return n;
    }

    [Benchmark]
    public int TypedFromFetchedRows()
    {
        var n = 0;
        foreach (var row in _rows) n += TypedMapping<Sample, Sample.Row, Sample.Key>.ReadRow(row).SampleId & 1;
        return n;
    }

    [Benchmark]
    public int TypedToValues()
    {
        var n = 0;
        foreach (var row in _typed) n += TypedMapping<Sample, Sample.Row, Sample.Key>.Values(row).Length;
        return n;
    }
}
