using BenchmarkDotNet.Attributes;
using DataJoint.Metadata;

namespace DataJoint.Benchmarks.Tables;

/// <summary>
/// The generated mappers alone, without a database (100 000 rows of <see cref="Sample"/>): building typed rows from
/// fetched dynamic rows (the path of <c>Fetch1Async</c> and of codecs that decode with store I/O) against hand-written
/// casts of the same values, and writing them to value arrays (the insert path). Shows the per-row cost of the
/// generated code and the runtime helpers around it (positions looked up once per fetch), apart from the server's time.
/// The data reader path is measured against the server by <c>TypedTableBenchmarks</c> and the interleaved-tables probe.
/// </summary>
[MemoryDiagnoser]
public class TypedMapperBenchmarks
{
    private const int Rows = 100_000;
    private Row[] _rows = null!;
    private Sample.Row[] _typed = null!;

    [GlobalSetup]
    public void Setup()
    {
        var shape = new RowShape(["sample_id", "value", "label", "payload"]);
        _rows = new Row[Rows];
        _typed = new Sample.Row[Rows];
        for (var i = 0; i < Rows; i++)
        {
            var payload = new byte[64];
            _rows[i] = new Row(new RowValues(shape, [i, i * 0.5, "label " + i, payload]), 0);
            _typed[i] = new Sample.Row { SampleId = i, Value = i * 0.5, Label = "label " + i, Payload = payload };
        }
    }

    /// <summary>What a hand-written mapper does with the same decoded values: cast each to its property.</summary>
    [Benchmark(Baseline = true)]
    public int HandWrittenFromFetchedRows()
    {
        var n = 0;
        foreach (var row in _rows)
        {
            var r = new Sample.Row { SampleId = (int)row.ValueAt(0)!, Value = (double)row.ValueAt(1)!, Label = (string)row.ValueAt(2)!, Payload = (byte[])row.ValueAt(3)! };
            n += r.SampleId & 1;
        }
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
