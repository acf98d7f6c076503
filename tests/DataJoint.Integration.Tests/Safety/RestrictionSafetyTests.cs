using DataJoint.Integration.Tests.Tables;

namespace DataJoint.Integration.Tests.Safety;

/// <summary>
/// Issue #10 item 1 on MariaDB: a restriction key that matches no attribute never turns into an unrestricted delete,
/// and JSON-path keys select what DataJoint Python selects.
/// </summary>
public class RestrictionSafetyTests : SchemaFixture
{
    protected override string Purpose => "restrict_safety";

    private Table _t = null!;

    [SetUp]
    public async Task Declare()
    {
        _t = await Schema.DeclareAsync("Probe", TableTier.Manual, """
            id : int32
            ---
            meta = null : json
            note = '' : varchar(32)
            """);
        await _t.InsertAsync(new object[]
        {
            new { id = 1, meta = new { x = 1, name = "alpha", size = 1.5, tags = new[] { "a", "b" }, sub = new { depth = 3 } }, note = "one" },
            new { id = 2, meta = new { x = 2, name = "beta", size = 2.25, tags = new[] { "c" }, sub = new { depth = 4 } }, note = "two" },
        });
    }

    private async Task<List<int>> Ids(QueryExpression q) =>
        (await q.FetchAsync(new FetchOptions { OrderBy = ["id"] })).Select(r => (int)r["id"]!).ToList();

    [Test]
    public async Task JsonPathDelete_DeletesOnlyTheMatchingRow()
    {
        var n = await (_t & new Dictionary<string, object?> { ["meta.x"] = 1 }).DeleteAsync();
        Assert.That(n, Is.EqualTo(1));
        Assert.That(await Ids(_t), Is.EqualTo(new[] { 2 }));
    }

    [Test]
    public async Task TypoKey_DeleteRaises_AndDeletesNothing()
    {
        var ex = await Assert.ThrowsAsync<RestrictionException>(async () => await (_t & new { idd = 10 }).DeleteAsync());
        Assert.That(ex!.Message, Does.Contain("`idd`").And.Contain(Schema.Database));
        await Assert.ThrowsAsync<RestrictionException>(async () => await (_t & new Dictionary<string, object?> { ["metaa.x"] = 1 }).DeleteQuickAsync());
        Assert.That(await RawCountAsync("probe"), Is.EqualTo(2));
    }

    [Test]
    public async Task MixedJsonPathAndAttribute_ReturnsWhatPythonReturns()
    {
        Assert.That(await Ids(_t & new Dictionary<string, object?> { ["meta.x"] = 1, ["id"] = 2 }), Is.Empty);
        Assert.That(await Ids(_t & new Dictionary<string, object?> { ["meta.x"] = 2, ["id"] = 2 }), Is.EqualTo(new[] { 2 }));
        Assert.That(await (_t & new Dictionary<string, object?> { ["meta.x"] = 1, ["id"] = 2 }).DeleteAsync(), Is.Zero);
        Assert.That(await RawCountAsync("probe"), Is.EqualTo(2));
    }

    [Test]
    public async Task JsonPathForms_Strings_Nested_Arrays_Typed_Null()
    {
        Assert.That(await Ids(_t & new Dictionary<string, object?> { ["meta.name"] = "beta" }), Is.EqualTo(new[] { 2 }));
        Assert.That(await Ids(_t & new Dictionary<string, object?> { ["meta.sub.depth"] = 3 }), Is.EqualTo(new[] { 1 }));
        Assert.That(await Ids(_t & new Dictionary<string, object?> { ["meta.tags[1]"] = "b" }), Is.EqualTo(new[] { 1 }));
        Assert.That(await Ids(_t & new Dictionary<string, object?> { ["meta.size:decimal(10,2)"] = 2.25m }), Is.EqualTo(new[] { 2 }));
        Assert.That(await Ids(_t & new Dictionary<string, object?> { ["meta.x:unsigned"] = 2 }), Is.EqualTo(new[] { 2 }));
        Assert.That(await Ids(_t & new Dictionary<string, object?> { ["meta.missing"] = null }), Is.EqualTo(new[] { 1, 2 }));
        Assert.That(await Ids(_t - new Dictionary<string, object?> { ["meta.x"] = 1 }), Is.EqualTo(new[] { 2 }));
        Assert.That(await Ids(_t & new object[] { new Dictionary<string, object?> { ["meta.x"] = 1 }, new { id = 2 } }), Is.EqualTo(new[] { 1, 2 }));
        // a join keeps the JSON column addressable by its name
        var joined = _t * _t.Proj("n2=note");
        Assert.That(await Ids(joined & new Dictionary<string, object?> { ["meta.name"] = "alpha" }), Is.EqualTo(new[] { 1 }));
    }

    [Test]
    public async Task RestrictByTrue_IsTheExplicitWayToMeanEveryRow()
    {
        Assert.That(await (_t & true).CountAsync(), Is.EqualTo(2));
        Assert.That(await (_t & true).DeleteAsync(), Is.EqualTo(2));
    }
}
