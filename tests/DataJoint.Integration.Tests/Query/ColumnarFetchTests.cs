using Apache.Arrow;
using Apache.Arrow.Types;
using DataJoint.Arrow;
using DataJoint.Integration.Tests.Tables;

namespace DataJoint.Integration.Tests.Query;

/// <summary>Columns as arrays (to_arrays) and an Apache Arrow record batch (to_arrow), on MariaDB, against values written out by hand.</summary>
public class ColumnarFetchTests : SchemaFixture
{
    protected override string Purpose => "columns";

    private Table _probe = null!;
    private static readonly Guid Uid = Guid.Parse("12345678-1234-5678-1234-567812345678");

    [SetUp]
    public async Task Declare()
    {
        _probe = await Schema.DeclareAsync("Probe", TableTier.Manual, """
            probe_id : int32
            ---
            depth = null : float64
            label : varchar(16)
            kind : enum('a','b')
            ok : bool
            uid : uuid
            day : date
            stamp : datetime(3)
            meta = null : json
            raw = null : bytes
            price : decimal(6,2)
            trace = null : <blob>
            """);
        await _probe.InsertAsync(new object[]
        {
            new { probe_id = 1, depth = (double?)1.5, label = "one", kind = "a", ok = true, uid = Uid, day = new DateOnly(2024, 1, 2),
                stamp = new DateTime(2024, 1, 2, 3, 4, 5, 600), meta = (object?)new { x = 1 }, raw = (byte[]?)[1, 2], price = 9.99m,
                trace = (object?)new[] { 1.0, 2.0, 3.0 } },
            new { probe_id = 2, depth = (double?)null, label = "two", kind = "b", ok = false, uid = Guid.Empty, day = new DateOnly(2024, 2, 3),
                stamp = new DateTime(2024, 2, 3, 0, 0, 0), meta = (object?)null, raw = (byte[]?)null, price = 0.5m, trace = (object?)null },
        });
    }

    [Test]
    public async Task Columns_AsTypedArrays_StraightOrConverted()
    {
        Assert.That(await _probe.FetchColumnAsync<int>("probe_id", new FetchOptions { OrderBy = ["probe_id DESC"] }), Is.EqualTo(new[] { 2, 1 }));
        Assert.That(await _probe.FetchColumnAsync<double?>("depth"), Is.EqualTo(new double?[] { 1.5, null }));
        var ex = await Assert.ThrowsAsync<DataJointException>(() => _probe.FetchColumnAsync<double>("depth"));
        Assert.That(ex!.Message, Does.Contain("`depth` is NULL"));
        var traces = await _probe.FetchColumnAsync<BlobArray<double>?>("trace");
        Assert.That(traces[0]!.Data, Is.EqualTo(new[] { 1.0, 2.0, 3.0 }));
        Assert.That(traces[1], Is.Null);

        var columns = await _probe.FetchColumnsAsync("KEY", "label", "price");
        Assert.That(columns.Names, Is.EqualTo(new[] { "probe_id", "label", "price" }));
        Assert.That(columns.Get<string>("label"), Is.EqualTo(new[] { "one", "two" }));
        Assert.That(columns.Get<decimal>("price"), Is.EqualTo(new[] { 9.99m, 0.5m }));
        Assert.That(columns.Get<double>("price"), Is.EqualTo(new[] { 9.99, 0.5 }).Within(1e-12), "numbers convert when they fit");
        var counts = await new U().Aggr(_probe, "n=count(*)", "mean_depth=avg(depth)").FetchColumnsAsync();
        Assert.That((counts.Get<int>("n")[0], counts.Get<double>("mean_depth")[0]), Is.EqualTo((2, 1.5)));
    }

    [Test]
    public async Task RecordBatch_TypesFollowTheAttributes()
    {
        var batch = await _probe.ToArrowAsync(new FetchOptions { OrderBy = ["KEY"] });
        Assert.That(batch.Length, Is.EqualTo(2));
        Assert.That(batch.Schema.FieldsList.Select(f => (f.Name, f.DataType.TypeId)), Is.EqualTo(new[]
        {
            ("probe_id", ArrowTypeId.Int32), ("depth", ArrowTypeId.Double), ("label", ArrowTypeId.String), ("kind", ArrowTypeId.String),
            ("ok", ArrowTypeId.Boolean), ("uid", ArrowTypeId.Extension), ("day", ArrowTypeId.Date32), ("stamp", ArrowTypeId.Timestamp),
            ("meta", ArrowTypeId.String), ("raw", ArrowTypeId.Binary), ("price", ArrowTypeId.Decimal128), ("trace", ArrowTypeId.List),
        }));
        Assert.That(batch.Schema.GetFieldByName("depth").IsNullable, Is.True);
        Assert.That(((Int32Array)batch.Column("probe_id")).Values.ToArray(), Is.EqualTo(new[] { 1, 2 }));
        var depth = (DoubleArray)batch.Column("depth");
        Assert.That((depth.GetValue(0), depth.IsNull(1)), Is.EqualTo(((double?)1.5, true)));
        Assert.That(((StringArray)batch.Column("label")).GetString(1), Is.EqualTo("two"));
        Assert.That(((BooleanArray)batch.Column("ok")).GetValue(0), Is.True);
        Assert.That(((GuidArray)batch.Column("uid")).GetGuid(0), Is.EqualTo(Uid));
        Assert.That(((Date32Array)batch.Column("day")).GetDateOnly(1), Is.EqualTo(new DateOnly(2024, 2, 3)));
        Assert.That(((TimestampArray)batch.Column("stamp")).GetTimestamp(0)!.Value.DateTime, Is.EqualTo(new DateTime(2024, 1, 2, 3, 4, 5, 600)));
        Assert.That(((StringArray)batch.Column("meta")).GetString(0), Is.EqualTo("{\"x\":1}"));
        Assert.That(((BinaryArray)batch.Column("raw")).GetBytes(0).ToArray(), Is.EqualTo(new byte[] { 1, 2 }));
        Assert.That(((Decimal128Array)batch.Column("price")).GetValue(0), Is.EqualTo(9.99m));
        var trace = (ListArray)batch.Column("trace");
        Assert.That(((DoubleArray)trace.GetSlicedValues(0)).Values.ToArray(), Is.EqualTo(new[] { 1.0, 2.0, 3.0 }));
        Assert.That(trace.IsNull(1), Is.True);

        var computed = await (_probe.Proj("twice=probe_id * 2")).ToArrowAsync(new FetchOptions { Attributes = ["twice"], OrderBy = ["KEY"] });
        Assert.That(computed.Schema.FieldsList.Single().DataType.TypeId, Is.EqualTo(ArrowTypeId.Int64));
        Assert.That(((Int64Array)computed.Column(0)).Values.ToArray(), Is.EqualTo(new long[] { 2, 4 }));
    }
}
