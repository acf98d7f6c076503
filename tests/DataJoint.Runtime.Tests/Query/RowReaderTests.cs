using System.Data;
using DataJoint.Dialects;

namespace DataJoint.Runtime.Tests.Query;

/// <summary>
/// Fetched rows without a server (a <see cref="DataTableReader"/> stands in for the driver's reader): a fetched list
/// keeps its rows' values by column in blocks, a streamed row keeps its own values; both read the same values, SQL
/// NULLs and codec values decoded through the table's plan.
/// </summary>
public class RowReaderTests
{
    private static readonly DataJointConnection Connection = new(new ConnectionSettings());

    private static Table Scan() => new(Connection, MySqlDialect.Instance, "lab", "scan", new Heading(new[]
    {
        HeadingAttribute.FromColumn("`lab`.`scan`", "id", "int(11)", false, null, "", ":int32:", true),
        HeadingAttribute.FromColumn("`lab`.`scan`", "gain", "double", true, null, "", ":float64:", false),
        HeadingAttribute.FromColumn("`lab`.`scan`", "note", "varchar(64)", true, null, "", ":<testshout>:", false),
    }));

    /// <summary>Rows as the server would send them: every third gain and every fifth note NULL; notes as stored by the codec.</summary>
    private static DataTableReader StoredRows(int count)
    {
        var table = new DataTable();
        table.Columns.Add("id", typeof(int));
        table.Columns.Add("gain", typeof(double));
        table.Columns.Add("note", typeof(string));
        for (var i = 0; i < count; i++)
            table.Rows.Add(i, i % 3 == 0 ? DBNull.Value : i * 2.0, i % 5 == 0 ? DBNull.Value : $"NOTE{i}!|x");
        return table.CreateDataReader();
    }

    private static Dictionary<string, object?> Expected(int i) => new()
    {
        ["id"] = i,
        ["gain"] = i % 3 == 0 ? null : i * 2.0,
        ["note"] = i % 5 == 0 ? null : $"note{i}",
    };

    private static List<Row> ReadAll(RowReader rows, DataTableReader reader)
    {
        var list = new List<Row>();
        while (reader.Read()) list.Add(rows.Read(reader));
        return list;
    }

    [Test]
    public void AFetchedListAndAStream_ReadTheSameValues_AcrossBlocksOfRows()
    {
        var table = Scan();
        using var forList = StoredRows(100);
        using var forStream = StoredRows(100);
        var listed = ReadAll(new RowReader(table, null, intoBlocks: true), forList);   // blocks of 16, 32, 64... rows
        var streamed = ReadAll(new RowReader(table, null), forStream);
        Assert.That(listed, Has.Count.EqualTo(100));
        for (var i = 0; i < 100; i++)
        {
            Assert.That(listed[i], Is.EquivalentTo(Expected(i)), $"listed row {i}");
            Assert.That(streamed[i], Is.EquivalentTo(Expected(i)), $"streamed row {i}");
        }
    }

    [Test]
    public void ARowOfABlock_IsAReadOnlyDictionaryInHeadingOrder()
    {
        using var reader = StoredRows(40);
        var row = ReadAll(new RowReader(Scan(), null, intoBlocks: true), reader)[17];
        Assert.That(row.Keys, Is.EqualTo(new[] { "id", "gain", "note" }));
        Assert.That(row.Values, Is.EqualTo(new object?[] { 17, 34.0, "note17" }));
        Assert.That(row.Count, Is.EqualTo(3));
        Assert.That(row.Get<int>("id"), Is.EqualTo(17));
        Assert.That(row["gain"], Is.EqualTo(34.0).And.TypeOf<double>());
        Assert.That(row.TryGetValue("note", out var note) && (string?)note == "note17", Is.True);
        Assert.That(row.ContainsKey("other"), Is.False);
        Assert.That(row.ToString(), Is.EqualTo("{id: 17, gain: 34, note: note17}"));
        var missing = Assert.Throws<DataJointException>(() => _ = row["other"]);
        Assert.That(missing!.Message, Is.EqualTo("`other` is not in the fetched row (id, gain, note)"));
    }
}
