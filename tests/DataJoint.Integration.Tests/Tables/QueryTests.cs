namespace DataJoint.Integration.Tests.Tables;

/// <summary>Restriction, anti-restriction, join, projection, ordering and paging return the documented rows.</summary>
public class QueryTests : SchemaFixture
{
    protected override string Purpose => "query";

    private Table _subject = null!;
    private Table _session = null!;

    [SetUp]
    public async Task Declare()
    {
        _subject = await Schema.DeclareAsync("Subject", TableTier.Manual, """
            subject_id : int32
            ---
            species : varchar(32)
            sex : enum('F','M')
            """);
        _session = await Schema.DeclareAsync("Session", TableTier.Manual, """
            -> Subject
            session_idx : int16
            ---
            quality = null : float64
            note = '' : varchar(64)
            """);
        await _subject.InsertAsync(new[]
        {
            new { subject_id = 1, species = "mouse", sex = "F" },
            new { subject_id = 2, species = "rat", sex = "M" },
            new { subject_id = 3, species = "mouse", sex = "M" },
        });
        await _session.InsertAsync(new object[]
        {
            new { subject_id = 1, session_idx = (short)1, quality = (double?)0.9, note = "good" },
            new { subject_id = 1, session_idx = (short)2, quality = (double?)null, note = "" },
            new { subject_id = 2, session_idx = (short)1, quality = (double?)0.5, note = "ok" },
        });
    }

    private static List<object?> Col(IEnumerable<Row> rows, string name) => rows.Select(r => r[name]).ToList();

    [Test]
    public async Task Restriction_ByObjectDictionaryStringConditionAndList()
    {
        Assert.That(Col(await _subject.Restrict(new { species = "mouse" }).FetchAsync(new FetchOptions { OrderBy = ["KEY"] }), "subject_id"),
            Is.EqualTo(new object[] { 1, 3 }));
        Assert.That(await (_subject & new Dictionary<string, object?> { ["sex"] = "M", ["unrelated"] = 5 }).CountAsync(), Is.EqualTo(2));
        Assert.That(await _subject.Restrict("species = 'rat'").Fetch1Async<int>("subject_id"), Is.EqualTo(2));
        Assert.That(await _subject.Restrict(new SqlCondition("subject_id > ? AND species = ?", 1, "mouse")).Fetch1Async<int>("subject_id"), Is.EqualTo(3));
        Assert.That(await _subject.Restrict(new object[] { new { subject_id = 1 }, new { subject_id = 3 } }).CountAsync(), Is.EqualTo(2));
        Assert.That(await _subject.Restrict(Array.Empty<object>()).CountAsync(), Is.Zero);
        Assert.That(await _session.Restrict(new Dictionary<string, object?> { ["quality"] = null }).Fetch1Async<short>("session_idx"), Is.EqualTo((short)2));
        Assert.That(await _subject.Restrict(false).CountAsync(), Is.Zero);
        Assert.That(await (_subject & new { species = "mouse" } & new { sex = "M" }).Fetch1Async<int>("subject_id"), Is.EqualTo(3));
    }

    [Test]
    public async Task AntiRestriction_AndSemiJoinByAnotherQuery()
    {
        Assert.That(Col(await (_subject - _session).FetchAsync(), "subject_id"), Is.EqualTo(new object[] { 3 }));
        Assert.That(Col(await (_subject & _session).FetchAsync(new FetchOptions { OrderBy = ["subject_id"] }), "subject_id"), Is.EqualTo(new object[] { 1, 2 }));
        Assert.That(Col(await _subject.Except(new { species = "mouse" }).FetchAsync(), "subject_id"), Is.EqualTo(new object[] { 2 }));
        Assert.That(await (_subject & (_session & "quality > 0.6")).Fetch1Async<int>("subject_id"), Is.EqualTo(1));
        Assert.That(await _subject.Restrict(new Not("sex = 'F'")).CountAsync(), Is.EqualTo(2));
    }

    [Test]
    public async Task Join_OnCommonAttributes_WithPrimaryKeyOfTheDependentSide()
    {
        var joined = _session * _subject;
        Assert.That(joined.Heading.Names, Is.EqualTo(new[] { "subject_id", "session_idx", "quality", "note", "species", "sex" }));
        Assert.That(joined.PrimaryKey, Is.EqualTo(new[] { "subject_id", "session_idx" }));
        var rows = await joined.Restrict(new { species = "mouse" }).FetchAsync(new FetchOptions { OrderBy = ["KEY"] });
        Assert.That(rows.Select(r => (r["subject_id"], r["session_idx"], r["sex"])),
            Is.EqualTo(new[] { ((object?)1, (object?)(short)1, (object?)"F"), (1, (short)2, "F") }));
        Assert.That(await (_subject * _session).CountAsync(), Is.EqualTo(3));
    }

    [Test]
    public async Task Projection_KeepsKey_RenamesAndComputes()
    {
        var p = _subject.Proj("species");
        Assert.That(p.Heading.Names, Is.EqualTo(new[] { "subject_id", "species" }));

        var renamed = _subject.Proj("animal=species", "id=subject_id");
        Assert.That(renamed.Heading.Names, Is.EqualTo(new[] { "id", "animal" }));
        Assert.That(renamed.PrimaryKey, Is.EqualTo(new[] { "id" }));
        var rows = await renamed.Restrict(new { id = 2 }).FetchAsync();
        Assert.That(rows.Single()["animal"], Is.EqualTo("rat"));
        Assert.That(await renamed.Restrict("animal = 'mouse'").CountAsync(), Is.EqualTo(2));

        var keysOnly = await _session.Proj().FetchAsync(new FetchOptions { OrderBy = ["KEY DESC"] });
        Assert.That(keysOnly[0].Keys, Is.EqualTo(new[] { "subject_id", "session_idx" }));
        Assert.That(keysOnly[0]["subject_id"], Is.EqualTo(2));

        var computed = await _session.Proj("double_q=(quality * 2)").Restrict(new { subject_id = 2 }).Fetch1Async();
        Assert.That(Convert.ToDouble(computed["double_q"]), Is.EqualTo(1.0));

        // a renamed projection joins on its new names
        var owners = _subject.Proj("owner=subject_id") * _session.Proj("owner=subject_id", "note");
        Assert.That(await owners.CountAsync(), Is.EqualTo(3));
        Assert.That(owners.Heading.Names, Is.EqualTo(new[] { "owner", "session_idx", "note" }));
    }

    [Test]
    public async Task Fetch_OrderLimitOffset_Keys_Fetch1_Count()
    {
        var page = await _subject.FetchAsync(new FetchOptions { OrderBy = ["subject_id DESC"], Limit = 2, Offset = 1 });
        Assert.That(Col(page, "subject_id"), Is.EqualTo(new object[] { 2, 1 }));
        var keys = await _session.KeysAsync();
        Assert.That(keys.Select(k => k.Count), Is.All.EqualTo(2));
        Assert.That(keys, Has.Count.EqualTo(3));
        var ex = await Assert.ThrowsAsync<DataJointException>(() => _subject.Fetch1Async());
        Assert.That(ex!.Message, Does.StartWith("fetch1 requires exactly one tuple in the input set"));
        Assert.That(await _session.CountAsync(), Is.EqualTo(3));
        Assert.That(await _subject.Restrict(new { subject_id = 99 }).AnyAsync(), Is.False);
        var bad = await Assert.ThrowsAsync<DataJointException>(() => _subject.FetchAsync("nope"));
        Assert.That(bad!.Message, Does.Contain("`nope` is not in the heading"));
        var streamed = new List<Row>();
        await foreach (var row in _subject) streamed.Add(row);
        Assert.That(streamed, Has.Count.EqualTo(3));
    }
}
