using DataJoint.Integration.Tests.Tables;

namespace DataJoint.Integration.Tests.Query;

/// <summary>
/// update1, insert from a query, the dry-run validate, and delete/drop parity with DataJoint Python 2.x (part_integrity
/// enforce/ignore/cascade judged on the rows actually deleted, the dry-run preview, drop refusing parts, drop_quick), on
/// MariaDB against results written out by hand.
/// </summary>
/// <remarks>
/// <code>
/// person:    1 alice (note NULL, score 0) | 2 bob
/// subject:   1 | 2
/// session:   (1,1) | (1,2) | (2,1)                       master of session__trial
/// stimulus:  10 | 20 | 30
/// trial:     (1,1,1) stim 10 | (1,1,2) stim 20 | (1,2,1) stim 20 | (2,1,1) stim 10
/// </code>
/// </remarks>
public class DataManipulationTests : SchemaFixture
{
    protected override string Purpose => "dml";

    private Table _person = null!, _subject = null!, _session = null!, _stimulus = null!, _trial = null!;

    private static readonly DeleteOptions NoPrompt = new() { Safemode = false };

    [SetUp]
    public async Task Declare()
    {
        _person = await Schema.DeclareAsync("Person", TableTier.Manual, """
            person_id : int32
            ---
            name : varchar(32)
            note = null : varchar(32)
            score = 0 : float64
            sex = 'F' : enum('F','M')
            data = null : <blob>
            """);
        _subject = await Schema.DeclareAsync("Subject", TableTier.Manual, "subject_id : int32");
        _session = await Schema.DeclareAsync("Session", TableTier.Manual, "-> Subject\nsession_idx : int16");
        _stimulus = await Schema.DeclareAsync("Stimulus", TableTier.Manual, "stim_id : int32");
        _trial = await Schema.DeclareAsync("Trial", TableTier.Part, "-> master\ntrial : int32\n---\n-> Stimulus", masterClassName: "Session");
        await _person.InsertAsync(new object[] { new { person_id = 1, name = "alice", score = 0.0 }, new { person_id = 2, name = "bob", score = 2.5 } });
        await _subject.InsertAsync(new object[] { new { subject_id = 1 }, new { subject_id = 2 } });
        await _session.InsertAsync(new object[]
        {
            new { subject_id = 1, session_idx = (short)1 }, new { subject_id = 1, session_idx = (short)2 }, new { subject_id = 2, session_idx = (short)1 },
        });
        await _stimulus.InsertAsync(new object[] { new { stim_id = 10 }, new { stim_id = 20 }, new { stim_id = 30 } });
        await _trial.InsertAsync(new object[]
        {
            new { subject_id = 1, session_idx = (short)1, trial = 1, stim_id = 10 },
            new { subject_id = 1, session_idx = (short)1, trial = 2, stim_id = 20 },
            new { subject_id = 1, session_idx = (short)2, trial = 1, stim_id = 20 },
            new { subject_id = 2, session_idx = (short)1, trial = 1, stim_id = 10 },
        });
    }

    private async Task<(long Stimulus, long Session, long Trial)> Counts() =>
        (await RawCountAsync("stimulus"), await RawCountAsync("session"), await RawCountAsync("session__trial"));

    // ------------------------------------------------------------------ update1

    [Test]
    public async Task Update1_SetsAttributes_NullResetsToTheDefault()
    {
        await _person.Update1Async(new { person_id = 1, name = "Alice", note = "checked", score = 1.5, data = new[] { 1.0, 2.0 } });
        var row = await (_person & new { person_id = 1 }).Fetch1Async();
        Assert.That((row["name"], row["note"], row["score"], row["sex"]), Is.EqualTo(((object?)"Alice", (object?)"checked", (object?)1.5, (object?)"F")));
        Assert.That(((BlobArray<double>)row["data"]!).Data, Is.EqualTo(new[] { 1.0, 2.0 }));

        await _person.Update1Async(new Dictionary<string, object?> { ["person_id"] = 1, ["note"] = null, ["score"] = null, ["data"] = null });
        row = await (_person & new { person_id = 1 }).Fetch1Async();
        Assert.That((row["note"], row["score"], row["data"]), Is.EqualTo(((object?)null, (object?)0.0, (object?)null)));
        Assert.That((await (_person & new { person_id = 2 }).Fetch1Async())["name"], Is.EqualTo("bob"), "other rows are untouched");
    }

    [Test]
    public async Task Update1_RefusesWhatPythonRefuses()
    {
        Assert.That((await Assert.ThrowsAsync<DataJointException>(() => _person.Update1Async(new { name = "x" })))!.Message,
            Is.EqualTo("The argument of update1 must supply all primary key values."));
        Assert.That((await Assert.ThrowsAsync<DataJointException>(() => _person.Update1Async(new { person_id = 1, nope = 1 })))!.Message,
            Is.EqualTo("Attribute `nope` not found."));
        Assert.That((await Assert.ThrowsAsync<DataJointException>(() => _person.Update1Async(new { person_id = 9, name = "x" })))!.Message,
            Is.EqualTo("Update can only be applied to one existing entry."));
        Assert.That((await Assert.ThrowsAsync<DataJointException>(() => (_person & new { person_id = 1 }).Update1Async(new { person_id = 1, name = "x" })))!.Message,
            Is.EqualTo("Update cannot be applied to a restricted table."));
        var noDefault = await Assert.ThrowsAsync<DataJointException>(() => _person.Update1Async(new Dictionary<string, object?> { ["person_id"] = 1, ["name"] = null }));
        Assert.That(noDefault!.Message, Does.Contain("`name` has no default"));
        var badValue = await Assert.ThrowsAsync<DataJointException>(() => _person.Update1Async(new { person_id = 1, sex = "X" }));
        Assert.That((badValue!.Attribute, badValue.Table), Is.EqualTo(("sex", "person")));
        Assert.That((await (_person & new { person_id = 1 }).Fetch1Async())["sex"], Is.EqualTo("F"), "nothing was changed");
    }

    // ------------------------------------------------------------------ insert from a query

    [Test]
    public async Task InsertFromQuery_RunsOnTheServer_WithSkipDuplicatesReplaceAndExtraFields()
    {
        var archive = await Schema.DeclareAsync("Archive", TableTier.Manual, "person_id : int32\n---\nname : varchar(32)");
        var extra = await Assert.ThrowsAsync<DataJointException>(() => archive.InsertAsync(_person.Proj("name", "score")));
        Assert.That(extra!.Message, Does.StartWith("Attribute score not found. To ignore extra attributes in insert, set ignore_extra_fields=True"));

        await archive.InsertAsync(_person.Proj("name", "score"), new InsertOptions { IgnoreExtraFields = true });
        Assert.That((await archive.FetchAsync(new FetchOptions { OrderBy = ["KEY"] })).Select(r => r["name"]), Is.EqualTo(new[] { "alice", "bob" }));

        await Assert.ThrowsAsync<DuplicateEntryException>(() => archive.InsertAsync(_person.Proj("name")));
        await archive.InsertAsync(_person.Proj("name"), new InsertOptions { SkipDuplicates = true });
        Assert.That(await archive.CountAsync(), Is.EqualTo(2));

        await _person.Update1Async(new { person_id = 2, name = "robert" });
        await archive.InsertAsync(_person.Proj("name") & new { person_id = 2 }, new InsertOptions { Replace = true });
        Assert.That(await (archive & new { person_id = 2 }).Fetch1Async<string>("name"), Is.EqualTo("robert"));
    }

    [Test]
    public async Task InsertFromQuery_OfAnAggregation_AndItsChecks()
    {
        var counts = await Schema.DeclareAsync("SessionCount", TableTier.Manual, "-> Subject\n---\nn : int64");
        await counts.InsertAsync(_subject.Aggr(_session, "n=count(session_idx)"));
        Assert.That((await counts.FetchAsync(new FetchOptions { OrderBy = ["KEY"] })).Select(r => (r["subject_id"], r["n"])),
            Is.EqualTo(new[] { ((object?)1, (object?)2L), (2, 1L) }));
        var missing = await Assert.ThrowsAsync<DataJointException>(() => counts.InsertAsync(_subject.Proj()));
        Assert.That(missing!.Message, Does.Contain("the following attributes require values: [n]"));
        var blobs = await Schema.DeclareAsync("Blobs", TableTier.Manual, "person_id : int32\n---\ndata = null : <blob>");
        var codec = await Assert.ThrowsAsync<DataJointException>(() => blobs.InsertAsync(_person.Proj("data=name")));
        Assert.That(codec!.Message, Does.Contain("`data` is <blob> in the table but varchar(32) in the query"));
    }

    [Test]
    public async Task InsertRows_IgnoreExtraFields_DropsWhatTheTableLacks()
    {
        var rows = new object[]
        {
            new Dictionary<string, object?> { ["person_id"] = 3, ["name"] = "carol", ["shoe_size"] = 38 },
            new Dictionary<string, object?> { ["person_id"] = 4, ["name"] = "dave", ["shoe_size"] = 44 },
        };
        var refused = await Assert.ThrowsAsync<DataJointException>(() => _person.InsertAsync(rows));
        Assert.That(refused!.Message, Does.Contain("`shoe_size` is not in the table heading"));
        Assert.That(_person.Validate(rows).IsValid, Is.False);
        Assert.That(_person.Validate(rows, new InsertOptions { IgnoreExtraFields = true }).IsValid, Is.True);
        await _person.InsertAsync(rows, new InsertOptions { IgnoreExtraFields = true });
        Assert.That(await QueryAsync($"SELECT person_id, name, score FROM `{Schema.Database}`.`person` WHERE person_id > 2 ORDER BY person_id"),
            Is.EqualTo(new[] { new object?[] { 3, "carol", 0.0 }, new object?[] { 4, "dave", 0.0 } }));
    }

    // ------------------------------------------------------------------ validate

    [Test]
    public void Validate_ReportsEveryProblem_WithoutWriting()
    {
        var result = _person.Validate(new object[]
        {
            new { person_id = 3, name = "carol" },
            new { person_id = 4, name = "dave", sex = "X" },
            new Dictionary<string, object?> { ["person_id"] = 5 },
            new { person_id = "six", name = "eve" },
            new { person_id = 7, name = "frank", nope = 1 },
        });
        Assert.That(result.IsValid, Is.False);
        Assert.That(result.RowsChecked, Is.EqualTo(5));
        Assert.That(result.Errors.Select(e => (e.Row, e.Attribute)), Is.EqualTo(new[] { (1, (string?)"sex"), (2, null), (3, "person_id"), (4, null) }));
        Assert.That(result.Errors[1].Message, Does.Contain("the following attributes require values: [name]"));
        Assert.That(result.Errors[3].Message, Does.Contain("`nope` is not in the table heading"));
        Assert.That(_person.Validate(new[] { new { person_id = 3, name = "carol" } }).IsValid, Is.True);
    }

    // ------------------------------------------------------------------ delete parity

    [Test]
    public async Task Delete_Enforce_JudgesTheRowsActuallyDeleted()
    {
        // Stimulus 30 has no trials: the part is reached but loses nothing, so the delete goes ahead.
        Assert.That(await (_stimulus & new { stim_id = 30 }).DeleteAsync(NoPrompt), Is.EqualTo(1));
        // Stimulus 20 has two trials whose sessions stay: refused, and nothing is deleted.
        var ex = await Assert.ThrowsAsync<DataJointException>(() => (_stimulus & new { stim_id = 20 }).DeleteAsync(NoPrompt));
        Assert.That(ex!.Message, Is.EqualTo(
            $"Attempt to delete part table `{Schema.Database}`.`session__trial` before its master `{Schema.Database}`.`session`. " +
            "Delete from the master first, or use part_integrity='ignore' or 'cascade'."));
        Assert.That(await Counts(), Is.EqualTo((2L, 3L, 4L)));
        // A part's own rows: refused when some are deleted, fine when none match.
        await Assert.ThrowsAsync<DataJointException>(() => (_trial & new { trial = 2 }).DeleteAsync(NoPrompt));
        Assert.That(await (_trial & new { trial = 99 }).DeleteAsync(NoPrompt), Is.Zero);
        // From the master, its parts go with it.
        Assert.That(await (_session & new { subject_id = 1, session_idx = 2 }).DeleteAsync(NoPrompt), Is.EqualTo(1));
        Assert.That(await Counts(), Is.EqualTo((2L, 2L, 3L)));
    }

    [Test]
    public async Task Delete_Ignore_LeavesTheMasters()
    {
        Assert.That(await (_stimulus & new { stim_id = 20 }).DeleteAsync(new DeleteOptions { Safemode = false, PartIntegrity = PartIntegrity.Ignore }),
            Is.EqualTo(1));
        Assert.That(await Counts(), Is.EqualTo((2L, 3L, 2L)));
    }

    [Test]
    public async Task Delete_Cascade_DeletesTheMastersAndTheirOtherParts()
    {
        var preview = await (_stimulus & new { stim_id = 20 }).PreviewDeleteAsync(PartIntegrity.Cascade);
        Assert.That(preview.Tables.Select(t => (t.Table, t.Rows)), Is.EquivalentTo(new[] { ("stimulus", 1L), ("session", 2L), ("session__trial", 3L) }));
        Assert.That(preview.PartIntegrityViolation, Is.Null);
        Assert.That(await Counts(), Is.EqualTo((3L, 3L, 4L)), "a preview changes nothing");

        Assert.That(await (_stimulus & new { stim_id = 20 }).DeleteAsync(new DeleteOptions { Safemode = false, PartIntegrity = PartIntegrity.Cascade }),
            Is.EqualTo(1));
        Assert.That(await Counts(), Is.EqualTo((2L, 1L, 1L)));
        Assert.That((await _session.FetchAsync()).Single()["subject_id"], Is.EqualTo(2));
        Assert.That((await _trial.FetchAsync()).Single()["stim_id"], Is.EqualTo(10));
    }

    [Test]
    public async Task PreviewDelete_IsADryRun_ThatSaysWhetherEnforceWouldRefuse()
    {
        var refused = await (_stimulus & new { stim_id = 20 }).PreviewDeleteAsync();
        Assert.That(refused.Tables.Select(t => (t.Table, t.Rows)), Is.EqualTo(new[] { ("stimulus", 1L), ("session__trial", 2L) }));
        Assert.That(refused.PartIntegrityViolation, Does.StartWith($"Attempt to delete part table `{Schema.Database}`.`session__trial`"));
        Assert.That(refused.ToString(), Does.Contain("Refused: Attempt to delete part table"));
        var fine = await (_subject & new { subject_id = 2 }).PreviewDeleteAsync();
        Assert.That(fine.Tables.Select(t => (t.Table, t.Rows)), Is.EqualTo(new[] { ("subject", 1L), ("session", 1L), ("session__trial", 1L) }));
        Assert.That(fine.PartIntegrityViolation, Is.Null);
        Assert.That(await Counts(), Is.EqualTo((3L, 3L, 4L)));
    }

    // ------------------------------------------------------------------ drop parity

    [Test]
    public async Task Drop_RefusesPartsWithoutTheirMaster_DropQuickDropsOneTable()
    {
        var noPrompt = new DropOptions { Safemode = false };
        var part = await Assert.ThrowsAsync<DataJointException>(() => _trial.DropAsync(noPrompt));
        Assert.That(part!.Message, Is.EqualTo(
            $"Attempt to drop part table `{Schema.Database}`.`session__trial` before its master `{Schema.Database}`.`session`. Drop the master first."));
        // Dropping stimulus would drop the part (it references stimulus) without its master.
        await Assert.ThrowsAsync<DataJointException>(() => _stimulus.DropAsync(noPrompt));
        Assert.That(await Schema.ListTablesAsync(), Does.Contain("session__trial").And.Contain("stimulus"));

        await Assert.ThrowsAsync<IntegrityException>(() => _subject.DropQuickAsync(), "a referenced table cannot be dropped alone");
        Assert.That(await _trial.DropQuickAsync(), Is.True);
        Assert.That(await _trial.DropQuickAsync(), Is.False, "it is gone");
        Assert.That(await QueryAsync($"SELECT * FROM `{Schema.Database}`.`~lineage` WHERE table_name = 'session__trial'"), Is.Empty);
        Assert.That(await _stimulus.DropAsync(new DropOptions { Safemode = false, PartIntegrity = PartIntegrity.Ignore }), Is.True);
        Assert.That(await Schema.ListTablesAsync(), Does.Not.Contain("stimulus"));
    }
}
