using DataJoint.Dialects;

namespace DataJoint.Runtime.Tests.Tables;

/// <summary>
/// Dictionary and object restrictions (issue #10 item 1): JSON-path keys render as DataJoint Python renders them,
/// and a restriction that matches no attribute raises instead of selecting every row.
/// </summary>
public class KeyConditionTests
{
    private static readonly DataJointConnection Connection = new(new ConnectionSettings());

    private static HeadingAttribute Column(string name, string sqlType, string comment, bool pk, bool nullable = false) =>
        HeadingAttribute.FromColumn("`db`.`t`", name, sqlType, nullable, null, "", comment, pk);

    private static Table JsonTable(MySqlDialect dialect) => new(Connection, dialect, "db", "t", new Heading(new[]
    {
        Column("id", "int(11)", ":int32:", pk: true),
        Column("meta", "longtext", ":json:", pk: false, nullable: true),
        Column("note", "varchar(64)", ":varchar(64):", pk: false, nullable: true),
    }));

    private static string Where(QueryExpression q) => q.ToSql()[q.ToSql().IndexOf(" WHERE ", StringComparison.Ordinal)..];

    [Test]
    public void JsonPathKey_RendersPythonsJsonValue()
    {
        var q = JsonTable(MySqlDialect.Instance) & new Dictionary<string, object?> { ["meta.x"] = 1 };
        Assert.That(Where(q), Is.EqualTo(" WHERE (json_value(`meta`, _utf8mb4'$.x')=?)"));
        Assert.That(q.SqlArguments, Is.EqualTo(new object[] { 1 }));

        var nested = JsonTable(MySqlDialect.Instance) & new Dictionary<string, object?> { ["meta.subject.tags[0]"] = "a", ["meta.y"] = null };
        Assert.That(Where(nested), Is.EqualTo(" WHERE (json_value(`meta`, _utf8mb4'$.subject.tags[0]')=? AND json_value(`meta`, _utf8mb4'$.y') IS NULL)"));
        Assert.That(nested.SqlArguments, Is.EqualTo(new object[] { "a" }));
    }

    [Test]
    public void TypedJsonPathKey_ReturningOnMySql_CastOnMariaDb()
    {
        var key = new Dictionary<string, object?> { ["meta.size:decimal(10,2)"] = 1.5m };
        Assert.That(Where(JsonTable(MySqlDialect.Instance) & key),
            Is.EqualTo(" WHERE (json_value(`meta`, _utf8mb4'$.size' returning decimal(10,2))=?)"));
        Assert.That(Where(JsonTable(MySqlDialect.MariaDb) & key),
            Is.EqualTo(" WHERE (CAST(json_value(`meta`, _utf8mb4'$.size') AS decimal(10,2))=?)"));
        // Python compares decimals, dates and times as their str() text
        Assert.That((JsonTable(MySqlDialect.Instance) & key).SqlArguments, Is.EqualTo(new object[] { "1.5" }));
        Assert.That((JsonTable(MySqlDialect.Instance) & new Dictionary<string, object?> { ["meta.when"] = new DateTime(2024, 1, 2, 3, 4, 5) }).SqlArguments,
            Is.EqualTo(new object[] { "2024-01-02 03:04:05" }));
    }

    [Test]
    public void MixedJsonPathAndAttribute_AreBothApplied()
    {
        var q = JsonTable(MySqlDialect.Instance) & new Dictionary<string, object?> { ["meta.x"] = 1, ["id"] = 2 };
        Assert.That(Where(q), Is.EqualTo(" WHERE (json_value(`meta`, _utf8mb4'$.x')=? AND `id`=?)"));
        Assert.That(q.SqlArguments, Is.EqualTo(new object[] { 1, 2 }));
    }

    [Test]
    public void KeysMatchingNoAttribute_Raise_NamingTheKeysAndTheHeading()
    {
        var t = JsonTable(MySqlDialect.Instance);
        var ex = Assert.Throws<RestrictionException>(() => _ = t & new { idd = 10 });
        Assert.That(ex!.Message, Does.Contain("`db`.`t`").And.Contain("`idd`").And.Contain("id, meta, note").And.Contain("every row"));
        Assert.Throws<RestrictionException>(() => _ = t & new Dictionary<string, object?> { ["metaa.x"] = 1 });
        Assert.Throws<RestrictionException>(() => _ = t & new Dictionary<string, object?>());
        Assert.Throws<RestrictionException>(() => _ = t - new { idd = 10 });
        Assert.Throws<RestrictionException>(() => _ = t & new object[] { new { idd = 1 }, new { id = 2 } });
        // one matching key is enough: the others are ignored, as in Python
        Assert.That(Where(t & new { id = 1, unrelated = 5 }), Is.EqualTo(" WHERE (`id`=?)"));
    }

    [Test]
    public void InvalidJsonPathKeys_Raise()
    {
        var t = JsonTable(MySqlDialect.Instance);
        // a JSON path on a non-json attribute
        var ex = Assert.Throws<RestrictionException>(() => _ = t & new Dictionary<string, object?> { ["note.x"] = 1 });
        Assert.That(ex!.Message, Does.Contain("`note.x`").And.Contain("not json"));
        Assert.That(ex.Attribute, Is.EqualTo("note"));
        // characters that could leave the quoted path, and a type that could leave the expression
        Assert.Throws<RestrictionException>(() => _ = t & new Dictionary<string, object?> { ["meta.x'--"] = 1 });
        Assert.Throws<RestrictionException>(() => _ = t & new Dictionary<string, object?> { ["meta.x:int) OR (1"] = 1 });
        Assert.Throws<RestrictionException>(() => _ = t & new Dictionary<string, object?> { ["meta:int"] = 1 });
    }
}
