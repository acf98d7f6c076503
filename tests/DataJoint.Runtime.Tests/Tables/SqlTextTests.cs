using DataJoint.Dialects;

namespace DataJoint.Runtime.Tests.Tables;

/// <summary>The SQL the tables write where it is deterministic (spec §9 cases 21 and 22), without a server.</summary>
public class SqlTextTests
{
    private static readonly DataJointConnection Connection = new(new ConnectionSettings());

    private static HeadingAttribute Column(string name, string sqlType, string comment, bool pk, bool nullable = false, string? def = null) =>
        HeadingAttribute.FromColumn("`db`.`t`", name, sqlType, nullable, def, "", comment, pk);

    private static Table NoteTable() => new(Connection, MySqlDialect.Instance, "db", "t", new Heading(new[]
    {
        Column("id", "int(11)", ":int32:", pk: true),
        Column("note", "varchar(64)", ":varchar(64):", pk: false, nullable: true),
    }));

    private static async Task<List<(string Sql, object?[] Args, int Count)>> Batches(Table t, object[] rows, InsertOptions options, long maxBytes = 1 << 20)
    {
        var plan = new InsertPlan(t, options, uploads: null);
        plan.AddRows(rows);
        var prepared = await plan.FinishAsync(CancellationToken.None);
        return InsertBatcher.Statements(t, prepared, options.Mode, maxBytes, options.MaxRowsPerStatement)
            .Select(s => (s.Sql, s.Args.ToArray(), s.Count)).ToList();
    }

    [Test]
    public async Task Case22_SkipDuplicates_InsertSql_WithDefaultForNull()
    {
        var batches = await Batches(NoteTable(), [new Dictionary<string, object?> { ["id"] = 1, ["note"] = null }], new InsertOptions { SkipDuplicates = true });
        Assert.That(batches, Has.Count.EqualTo(1));
        Assert.That(batches[0].Sql, Is.EqualTo("INSERT INTO `db`.`t`(`id`,`note`) VALUES (?,DEFAULT) ON DUPLICATE KEY UPDATE `id`=`db`.`t`.`id`"));
        Assert.That(batches[0].Args, Is.EqualTo(new object[] { 1 }));
    }

    [Test]
    public async Task Case22_Replace_UsesReplaceInto()
    {
        var batches = await Batches(NoteTable(), [new { id = 1, note = (string?)null }], new InsertOptions { Replace = true });
        Assert.That(batches[0].Sql, Is.EqualTo("REPLACE INTO `db`.`t`(`id`,`note`) VALUES (?,DEFAULT)"));
    }

    [Test]
    public async Task MultiRowInsert_FieldsInHeadingOrder_SplitByRowsAndBytes()
    {
        var rows = Enumerable.Range(0, 5).Select(i => (object)new { note = "n" + i, id = i }).ToArray();
        var byRows = await Batches(NoteTable(), rows, new InsertOptions { MaxRowsPerStatement = 2 });
        Assert.That(byRows.Select(b => b.Count), Is.EqualTo(new[] { 2, 2, 1 }));
        Assert.That(byRows[0].Sql, Is.EqualTo("INSERT INTO `db`.`t`(`id`,`note`) VALUES (?,?),(?,?)"));
        Assert.That(byRows[0].Args, Is.EqualTo(new object[] { 0, "n0", 1, "n1" }));

        var bySize = await Batches(NoteTable(), rows, new InsertOptions(), maxBytes: 300);
        Assert.That(bySize.Sum(b => b.Count), Is.EqualTo(5));
        Assert.That(bySize, Has.Count.GreaterThan(1));
        Assert.That(bySize.Select(b => b.Sql.Length), Is.All.LessThan(300));
    }

    [Test]
    public void Case21_UuidRestriction_ComparesBinary16BigEndian()
    {
        var t = new Table(Connection, MySqlDialect.Instance, "db", "t", new Heading(new[]
        {
            Column("uid", "binary(16)", ":uuid:", pk: true),
            Column("x", "int", ":int32:", pk: false),
        }));
        var q = t.Restrict(new { uid = Guid.Parse("12345678-1234-5678-1234-567812345678") });
        Assert.That(q.ToSql(), Is.EqualTo("SELECT `uid`,`x` FROM `db`.`t` WHERE (`uid`=?)"));
        Assert.That(Convert.ToHexString((byte[])q.SqlArguments.Single()!), Is.EqualTo("12345678123456781234567812345678"));
        var fromString = t.Restrict(new Dictionary<string, object?> { ["uid"] = "12345678-1234-5678-1234-567812345678", ["other"] = 1 });
        Assert.That(fromString.ToSql(), Is.EqualTo("SELECT `uid`,`x` FROM `db`.`t` WHERE (`uid`=?)"));
        Assert.That(Convert.ToHexString((byte[])fromString.SqlArguments.Single()!), Is.EqualTo("12345678123456781234567812345678"));
        var ex = Assert.Throws<DataJointException>(() => t.Restrict(new { uid = "not-a-uuid" }));
        Assert.That(ex!.Message, Does.StartWith("badly formed UUID value not-a-uuid for attribute `uid`"));
    }

    [Test]
    public void Restrictions_AreParameterized_NullBecomesIsNull_AntiRestrictionNegates()
    {
        var t = NoteTable();
        var q = t.Restrict(new { id = 3, note = (string?)null }).Except(new SqlCondition("note LIKE ?", "x%"));
        Assert.That(q.ToSql(), Is.EqualTo("SELECT `id`,`note` FROM `db`.`t` WHERE (`id`=? AND `note` IS NULL) AND (NOT (note LIKE ?))"));
        Assert.That(q.SqlArguments, Is.EqualTo(new object[] { 3, "x%" }));
        var injected = t.Restrict(new { note = "'; DROP TABLE t; --" });
        Assert.That(injected.ToSql(), Does.Not.Contain("DROP"));
    }

    [Test]
    public void Projection_RenamesWithAlias_AndJoinUsesCommonNames()
    {
        var t = NoteTable();
        var p = t.Proj("ident=id", "text=note");
        Assert.That(p.ToSql(), Is.EqualTo("SELECT `id` AS `ident`,`note` AS `text` FROM `db`.`t`"));
        var other = new Table(Connection, MySqlDialect.Instance, "db", "u", new Heading(new[]
        {
            Column("id", "int", ":int32:", pk: true), Column("k", "int", ":int32:", pk: true),
        }));
        var j = t * other;
        // u determines t (t's key is in u's heading): u's key and attributes come first, as in DataJoint Python's heading.
        Assert.That(j.ToSql(), Is.EqualTo("SELECT `id`,`k`,`note` FROM `db`.`t` JOIN `db`.`u` USING (`id`)"));
        Assert.That(j.PrimaryKey, Is.EqualTo(new[] { "id", "k" }));
    }
}
