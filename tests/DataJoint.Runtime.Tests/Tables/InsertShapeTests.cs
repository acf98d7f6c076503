using DataJoint.Dialects;

namespace DataJoint.Runtime.Tests.Tables;

/// <summary>
/// The fields of an insert's row shape are worked out once per table and shape (<see cref="InsertShape"/>): object types
/// and typed rows by their names array, dictionaries by their keys. Reusing a shape changes no rule: unknown, missing
/// and differing fields are refused with the same messages, and every row's values land in their fields.
/// </summary>
public class InsertShapeTests
{
    private static readonly DataJointConnection Connection = new(new ConnectionSettings());

    private static Table SampleTable() => new(Connection, MySqlDialect.Instance, "db", "sample", new Heading(new[]
    {
        HeadingAttribute.FromColumn("`db`.`sample`", "id", "int(11)", false, null, "", ":int32:", true),
        HeadingAttribute.FromColumn("`db`.`sample`", "value", "double", false, null, "", ":float64:", false),
        HeadingAttribute.FromColumn("`db`.`sample`", "note", "varchar(64)", true, null, "", ":varchar(64):", false),
    }));

    private static async Task<PreparedRows> PrepareAsync(Table table, IEnumerable<object> rows, InsertOptions? options = null)
    {
        var plan = new InsertPlan(table, options ?? new InsertOptions(), uploads: null);
        plan.AddRows(rows);
        return await plan.FinishAsync(CancellationToken.None);
    }

    [Test]
    public async Task InsertsOfOneObjectType_ShareTheirShape_AndTheStatementText()
    {
        var table = SampleTable();
        var first = await PrepareAsync(table, [new { value = 0.5, id = 1, note = "a" }]);
        var second = await PrepareAsync(table, [new { value = 1.5, id = 2, note = "b" }]);
        Assert.That(second.Shape, Is.SameAs(first.Shape), "the same anonymous type: one shape");
        Assert.That(first.Fields, Is.EqualTo(new[] { "id", "value", "note" }), "heading order");
        Assert.That(second.Rows[0], Is.EqualTo(new object?[] { 2, 1.5, "b" }));

        var sql = InsertBatcher.Statements(table, first, InsertMode.Insert, 1 << 20).Single().Sql;
        Assert.That(sql, Is.EqualTo("INSERT INTO `db`.`sample`(`id`,`value`,`note`) VALUES (?,?,?)"));
        Assert.That(first.Shape!.Prefix(InsertMode.Insert), Is.SameAs(second.Shape!.Prefix(InsertMode.Insert)), "made once per shape");

        var typedNames = new[] { "id", "value", "note" };
        var typed = new InsertPlan(table, new InsertOptions(), uploads: null);
        typed.AddRows(typedNames, [new object?[] { 3, 2.5, null }]);
        var again = new InsertPlan(table, new InsertOptions(), uploads: null);
        again.AddRows(typedNames, [new object?[] { 4, 3.5, null }]);
        Assert.That(again.Fields, Is.SameAs(typed.Fields), "typed rows: one shape per names array");
    }

    [Test]
    public async Task DictionaryRows_InAnyKeyOrder_FillTheirFields_AndTheLastKeysAreKept()
    {
        var table = SampleTable();
        var prepared = await PrepareAsync(table,
        [
            new Dictionary<string, object?> { ["id"] = 1, ["value"] = 0.5, ["note"] = "a" },
            new Dictionary<string, object?> { ["note"] = "b", ["id"] = 2, ["value"] = 1.5 },
            new Dictionary<string, object?> { ["value"] = 2.5, ["note"] = null, ["id"] = 3 },
        ]);
        Assert.That(prepared.Rows, Is.EqualTo(new[]
        {
            new object?[] { 1, 0.5, "a" }, new object?[] { 2, 1.5, "b" }, new object?[] { 3, 2.5, SqlDefault.Instance },
        }));
        var next = await PrepareAsync(table, [new Dictionary<string, object?> { ["id"] = 4, ["value"] = 0.0, ["note"] = "c" }]);
        Assert.That(next.Shape, Is.SameAs(prepared.Shape), "the same keys as the last dictionary insert: its shape");
    }

    [Test]
    public async Task ReusedShapes_RefuseWhatTheRulesRefuse_WithTheSameMessages()
    {
        var table = SampleTable();
        var different = await Assert.ThrowsAsync<DataJointException>(() => PrepareAsync(table,
        [
            new Dictionary<string, object?> { ["id"] = 1, ["value"] = 0.5, ["note"] = "a" },
            new Dictionary<string, object?> { ["id"] = 2, ["value"] = 1.5, ["other"] = "b" },
        ], new InsertOptions { IgnoreExtraFields = true }));
        Assert.That(different!.Message, Is.EqualTo("Attempt to insert rows with different fields (table `db`.`sample`, row 1)."));

        // the shape with an extra field was made (and kept) by an insert that ignores it; one that does not still refuses it
        var row = new { id = 1, value = 0.5, extra = "x" };
        await Assert.DoesNotThrowAsync(() => PrepareAsync(table, [row], new InsertOptions { IgnoreExtraFields = true }));
        var unknown = await Assert.ThrowsAsync<DataJointException>(() => PrepareAsync(table, [row]));
        Assert.That(unknown!.Message, Is.EqualTo("`extra` is not in the table heading of `db`.`sample`"));

        var missing = await Assert.ThrowsAsync<DataJointException>(() => PrepareAsync(table, [new { id = 1 }]));
        Assert.That(missing!.Message, Is.EqualTo("Cannot insert into `db`.`sample`: the following attributes require values: [value]"));
        await Assert.ThrowsAsync<DataJointException>(() => PrepareAsync(table, [new { id = 1 }]), "refused again from the kept shape");

        var mixed = await Assert.ThrowsAsync<DataJointException>(() => PrepareAsync(table,
            [new { id = 1, value = 0.5, note = "a" }, new Dictionary<string, object?> { ["id"] = 2, ["value"] = 1.5 }]));
        Assert.That(mixed!.Message, Is.EqualTo("Attempt to insert rows with different fields (table `db`.`sample`, row 1)."));
    }
}
