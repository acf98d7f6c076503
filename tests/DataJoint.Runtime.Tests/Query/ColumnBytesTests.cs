using System.Data;

namespace DataJoint.Runtime.Tests.Query;

/// <summary>
/// The buffer a fetch reads binary column values into (for codecs that decode from a span): every value reads back
/// exactly, whatever the sizes before it, and a value larger than <see cref="ColumnBytes.MaxKept"/> is not kept.
/// </summary>
public class ColumnBytesTests
{
    [Test]
    public void ValuesThatGrowAndShrink_ReadBackExactly_AndOnlySmallBuffersAreKept()
    {
        var random = new Random(3);
        byte[] Bytes(int n)
        {
            var b = new byte[n];
            random.NextBytes(b);
            return b;
        }
        var values = new[] { Bytes(10), Bytes(300), Bytes(5), Bytes(ColumnBytes.MaxKept + 1000), Bytes(0), Bytes(7000) };
        var table = new DataTable();
        table.Columns.Add("v", typeof(byte[]));
        foreach (var v in values) table.Rows.Add(v);

        var bytes = new ColumnBytes();
        var kept = new List<int>();
        using var reader = table.CreateDataReader();
        var i = 0;
        while (reader.Read())
        {
            Assert.That(bytes.Read(reader, 0).ToArray(), Is.EqualTo(values[i++]), $"value {i - 1}");
            kept.Add(bytes.Kept);
        }
        Assert.That(i, Is.EqualTo(values.Length));
        Assert.That(kept, Is.EqualTo(new[] { 10, 300, 300, 300, 300, 7000 }), "grown to the largest value it keeps; the large one had its own array");
    }
}
