namespace DataJoint.Integration.Tests.Tables;

/// <summary>Insert checks values before writing, is all-or-nothing, batches under the packet limit, and honours skip/replace.</summary>
public class InsertTests : SchemaFixture
{
    protected override string Purpose => "insert";

    private Task<Table> SubjectAsync() => Schema.DeclareAsync("Subject", TableTier.Manual, """
        subject_id : int32
        ---
        name : varchar(8)
        sex = 'U' : enum('F','M','U')
        weight = null : float64
        score : float32
        """);

    [Test]
    public async Task BadValues_AreRejectedBeforeAnythingIsWritten_NamingTableAttributeAndValue()
    {
        var t = await SubjectAsync();
        var good = new { subject_id = 1, name = "ok", sex = "F", weight = (double?)1.0, score = 1f };
        async Task<string> Reject(object bad)
        {
            var ex = await Assert.ThrowsAsync<DataJointException>(() => t.InsertAsync(new[] { good, bad }.Cast<object>()));
            Assert.That(await t.CountAsync(), Is.Zero, "nothing may be written when a later row is bad");
            return ex!.Message;
        }

        Assert.That(await Reject(new { subject_id = 2, name = "waytoolongname", sex = "F", weight = (double?)null, score = 1f }),
            Does.Contain("`name`").And.Contain("`subject`").And.Contain("varchar(8)").And.Contain("14 characters"));
        Assert.That(await Reject(new { subject_id = 2, name = "x", sex = "X", weight = (double?)null, score = 1f }),
            Does.Contain("`sex`").And.Contain("'X' is not one of the enum values"));
        Assert.That(await Reject(new { subject_id = 2, name = "x", sex = "F", weight = (double?)null, score = float.NaN }),
            Does.Contain("`score`").And.Contain("cannot store NaN").And.Contain("`subject`"));
        Assert.That(await Reject(new { subject_id = "2", name = "x", sex = "F", weight = (double?)null, score = 1f }),
            Does.Contain("`subject_id` (int32)").And.Contain("expects an integer").And.Contain("String \"2\""));
        Assert.That(await Reject(new { subject_id = 2L + int.MaxValue, name = "x", sex = "F", weight = (double?)null, score = 1f }),
            Does.Contain("out of range"));
        Assert.That(await Reject(new { subject_id = 2, name = "x", sex = "F", weight = (double?)null, score = 1f, extra = 5 }),
            Does.Contain("`extra` is not in the table heading"));
        var missing = await Assert.ThrowsAsync<DataJointException>(() => t.Insert1Async(new { subject_id = 3 }));
        Assert.That(missing!.Message, Does.Contain("the following attributes require values: [name, score]"));
        var mixed = await Assert.ThrowsAsync<DataJointException>(() => t.InsertAsync(new object[] { good, new { subject_id = 2, name = "x", score = 1f } }));
        Assert.That(mixed!.Message, Does.Contain("Attempt to insert rows with different fields"));
        Assert.That(await t.CountAsync(), Is.Zero);
    }

    [Test]
    public async Task NullAndNaN_SendDefault_ForNullableAndDefaultedColumns()
    {
        var t = await SubjectAsync();
        await t.Insert1Async(new Dictionary<string, object?> { ["subject_id"] = 1, ["name"] = "a", ["sex"] = null, ["weight"] = double.NaN, ["score"] = 2.5f });
        var row = await t.Fetch1Async();
        Assert.That(row["sex"], Is.EqualTo("U"));
        Assert.That(row["weight"], Is.Null);
        Assert.That(row["score"], Is.EqualTo(2.5f));
    }

    [Test]
    public async Task FailedBatch_LeavesZeroRows()
    {
        var t = await SubjectAsync();
        await t.Insert1Async(new { subject_id = 4_999, name = "old", score = 0f });
        // 10 000 rows in statements of 1000, one a duplicate in the fifth statement: the server fails that statement
        // after four were written, and the transaction takes all of them back.
        var rows = Enumerable.Range(0, 10_000).Select(i => new { subject_id = i, name = "n" + (i % 1000), score = i * 0.5f });
        var ex = await Assert.ThrowsAsync<DuplicateEntryException>(() => t.InsertAsync(rows, new InsertOptions { MaxRowsPerStatement = 1000 }));
        Assert.That(ex!.Message, Does.Contain("Duplicate entry '4999'").And.Contain("skip_duplicates=True"));
        Assert.That(await t.CountAsync(), Is.EqualTo(1));
    }

    [Test]
    public async Task SkipDuplicates_KeepsOld_Replace_Overwrites()
    {
        var t = await SubjectAsync();
        await t.InsertAsync(new[] { new { subject_id = 1, name = "one", score = 1f }, new { subject_id = 2, name = "two", score = 2f } });
        await Assert.ThrowsAsync<DuplicateEntryException>(() => t.Insert1Async(new { subject_id = 1, name = "uno", score = 9f }));

        await t.InsertAsync(new[] { new { subject_id = 1, name = "uno", score = 9f }, new { subject_id = 3, name = "three", score = 3f } },
            new InsertOptions { SkipDuplicates = true });
        var names = (await t.FetchAsync(new FetchOptions { OrderBy = ["subject_id"] })).Select(r => r["name"]).ToList();
        Assert.That(names, Is.EqualTo(new[] { "one", "two", "three" }));

        await t.Insert1Async(new { subject_id = 2, name = "dos", score = 22f }, new InsertOptions { Replace = true });
        var two = await t.Restrict(new { subject_id = 2 }).Fetch1Async();
        Assert.That(two["name"], Is.EqualTo("dos"));
        Assert.That(two["score"], Is.EqualTo(22f));
        Assert.That(await t.CountAsync(), Is.EqualTo(3));
    }

    [Test]
    public async Task HundredThousandRows_InOneCall_AreAllWritten_AndStreamBack()
    {
        var t = await Schema.DeclareAsync("Sample", TableTier.Manual, """
            sample_id : int32
            ---
            value : float64
            label : varchar(32)
            payload : bytes
            """);
        const int n = 100_000;
        var payload = new byte[64];
        var rows = Enumerable.Range(0, n).Select(i => new { sample_id = i, value = i * 0.25, label = "label-" + i, payload });
        await t.InsertAsync(rows);
        Assert.That(await RawCountAsync("sample"), Is.EqualTo(n));

        long count = 0, sum = 0;
        await foreach (var row in t.StreamAsync(new FetchOptions { Attributes = ["sample_id", "label"] }))
        {
            count++;
            sum += (int)row["sample_id"]!;
        }
        Assert.That(count, Is.EqualTo(n));
        Assert.That(sum, Is.EqualTo((long)n * (n - 1) / 2));
        var last = await t.Restrict(new { sample_id = n - 1 }).Fetch1Async();
        Assert.That(last["label"], Is.EqualTo("label-99999"));
        Assert.That(last["value"], Is.EqualTo((n - 1) * 0.25));
        Assert.That(last["payload"], Is.EqualTo(payload));
    }

    [Test]
    public async Task Rows_AsRecordsDictionariesAndClasses_MapByName()
    {
        var t = await SubjectAsync();
        await t.Insert1Async(new SubjectRecord(1, "rec", 1.5f));
        await t.Insert1Async(new Dictionary<string, object?> { ["subject_id"] = 2, ["name"] = "dict", ["score"] = 2.5f });
        await t.Insert1Async(new System.Collections.Hashtable { ["subject_id"] = 3, ["name"] = "hash", ["score"] = 3.5f });
        var rows = await t.FetchAsync(new FetchOptions { Attributes = ["name", "score"], OrderBy = ["subject_id DESC"] });
        Assert.That(rows.Select(r => r["name"]), Is.EqualTo(new[] { "hash", "dict", "rec" }));
        Assert.That(rows[2]["score"], Is.EqualTo(1.5f));
        Assert.That(rows[0].Keys, Is.EqualTo(new[] { "name", "score" }));
    }

#pragma warning disable IDE1006 // attribute names are snake_case
    private sealed record SubjectRecord(int subject_id, string name, float score);
#pragma warning restore IDE1006
}
