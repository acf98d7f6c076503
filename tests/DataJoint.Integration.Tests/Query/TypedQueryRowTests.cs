using System.ComponentModel.DataAnnotations.Schema;
using DataJoint.Integration.Tests.Tables;

namespace DataJoint.Integration.Tests.Query;

/// <summary>A query's rows into user record types by attribute name (generated <c>IQueryRow</c> mappers), on MariaDB.</summary>
public partial class TypedQueryRowTests : SchemaFixture
{
    protected override string Purpose => "qrows";

    [QueryRow]
    public sealed partial record SubjectCount(int SubjectId, long N, double? BestQuality);

    [QueryRow]
    public sealed partial class SubjectInfo
    {
        public int SubjectId { get; init; }
        [Column("species")] public string Kind { get; init; } = "";
        public string? Note { get; init; }
    }

    [QueryRow]
    public sealed partial record Missing(int SubjectId, string Nope);

    [QueryRow]
    public sealed partial record Animal(int SubjectId, [property: Column("species")] string Kind);

    private Table _subject = null!, _session = null!;

    [SetUp]
    public async Task Declare()
    {
        _subject = await Schema.DeclareAsync("Subject", TableTier.Manual, "subject_id : int32\n---\nspecies : varchar(32)\nnote = null : varchar(32)");
        _session = await Schema.DeclareAsync("Session", TableTier.Manual, "-> Subject\nsession_idx : int16\n---\nquality = null : float64");
        await _subject.InsertAsync(new object[]
        {
            new { subject_id = 1, species = "mouse", note = (string?)"first" }, new { subject_id = 2, species = "rat", note = (string?)null },
        });
        await _session.InsertAsync(new object[]
        {
            new { subject_id = 1, session_idx = (short)1, quality = (double?)0.9 }, new { subject_id = 1, session_idx = (short)2, quality = (double?)0.4 },
        });
    }

    [Test]
    public async Task AnAggregation_IntoAPositionalRecord_ComputedValuesConverted()
    {
        var counts = await _subject.Aggr(_session, "n=count(session_idx)", "best_quality=max(quality)")
            .FetchAsync<SubjectCount>(new FetchOptions { OrderBy = ["subject_id"] });
        Assert.That(counts, Is.EqualTo(new[] { new SubjectCount(1, 2, 0.9), new SubjectCount(2, 0, null) }));
        var one = await (_subject.Aggr(_session, "n=count(session_idx)", "best_quality=max(quality)") & new { subject_id = 1 }).Fetch1Async<SubjectCount>();
        Assert.That(one, Is.EqualTo(new SubjectCount(1, 2, 0.9)));
    }

    [Test]
    public async Task AWindowOfComputedRows_AppliesOnce_ListedStreamedAndOne()
    {
        // Computed attributes map from dynamic rows; the fetch's order and window still apply exactly once.
        var counts = _subject.Aggr(_session, "n=count(session_idx)", "best_quality=max(quality)");
        var window = new FetchOptions { OrderBy = ["subject_id DESC"], Limit = 1, Offset = 1 };
        Assert.That(await counts.FetchAsync<SubjectCount>(window), Is.EqualTo(new[] { new SubjectCount(1, 2, 0.9) }));
        var streamed = new List<SubjectCount>();
        await foreach (var r in counts.StreamAsync<SubjectCount>(window)) streamed.Add(r);
        Assert.That(streamed, Is.EqualTo(new[] { new SubjectCount(1, 2, 0.9) }));
        Assert.That(await counts.Fetch1Async<SubjectCount>(window), Is.EqualTo(new SubjectCount(1, 2, 0.9)));
        var direct = await _subject.FetchAsync<Animal>(new FetchOptions { Limit = 1, Offset = 1 });
        Assert.That(direct, Is.EqualTo(new[] { new Animal(2, "rat") }), "straight from the reader, key order");
    }

    [Test]
    public async Task ATable_IntoAClassByName_StraightFromTheReader_AndStreamed()
    {
        var rows = await _subject.FetchAsync<SubjectInfo>(new FetchOptions { OrderBy = ["subject_id DESC"] });
        Assert.That(rows.Select(r => (r.SubjectId, r.Kind, r.Note)), Is.EqualTo(new[] { (2, "rat", (string?)null), (1, "mouse", "first") }));
        var streamed = new List<int>();
        await foreach (var r in (_subject * _session).StreamAsync<SubjectInfo>(new FetchOptions { OrderBy = ["KEY"] })) streamed.Add(r.SubjectId);
        Assert.That(streamed, Is.EqualTo(new[] { 1, 1 }));
    }

    [Test]
    public async Task APositionalRecord_NamesAnAttributeWithColumnOnItsProperty()
    {
        var rows = await _subject.FetchAsync<Animal>(new FetchOptions { OrderBy = ["KEY"] });
        Assert.That(rows, Is.EqualTo(new[] { new Animal(1, "mouse"), new Animal(2, "rat") }));
    }

    [Test]
    public async Task AnAttributeTheQueryLacks_IsNamedWithItsProperty()
    {
        var ex = await Assert.ThrowsAsync<DataJointException>(() => _subject.FetchAsync<Missing>());
        Assert.That(ex!.Message, Does.StartWith("Missing.Nope reads the attribute `nope`, which is not in the query's heading"));
        var nulls = await Assert.ThrowsAsync<DataJointException>(() => _subject.Proj("note").FetchAsync<SubjectCount>());
        Assert.That(nulls!.Message, Does.Contain("`n`"));
    }
}
