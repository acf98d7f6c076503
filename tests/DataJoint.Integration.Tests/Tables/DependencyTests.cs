namespace DataJoint.Integration.Tests.Tables;

/// <summary>Foreign keys, cascading delete in one transaction, drop, singleton tables and ~lineage.</summary>
public class DependencyTests : SchemaFixture
{
    protected override string Purpose => "deps";

    private async Task<(Table Subject, Table Session, Table Trial, Table User)> DeclareAsync()
    {
        var user = await Schema.DeclareAsync("User", TableTier.Lookup, "user_id : varchar(16)\n---\nfull_name : varchar(64)");
        var subject = await Schema.DeclareAsync("Subject", TableTier.Manual, "subject_id : int32  # subject id\n---\nspecies : varchar(32)");
        var session = await Schema.DeclareAsync("Session", TableTier.Manual, """
            -> Subject
            session_idx : int16
            ---
            -> [nullable] User
            """);
        var trial = await Schema.DeclareAsync("Trial", TableTier.Part, "-> master\ntrial : int32\n---\nresponse : float64", masterClassName: "Session");
        return (subject, session, trial, user);
    }

    [Test]
    public async Task Declare_UsesDataJointNames_ForeignKeysAndLineage_Case23()
    {
        var (subject, session, trial, user) = await DeclareAsync();
        Assert.That(new[] { user.Name, subject.Name, session.Name, trial.Name }, Is.EqualTo(new[] { "#user", "subject", "session", "session__trial" }));
        Assert.That(trial.Tier, Is.EqualTo(TableTier.Part));
        Assert.That(await Schema.ListTablesAsync(), Is.EquivalentTo(new[] { "#user", "subject", "session", "session__trial" }));

        var ddl = await QueryAsync($"SHOW CREATE TABLE `{Schema.Database}`.`session`");
        Assert.That((string)ddl[0][1]!, Does.Contain("`subject_id` int(11) NOT NULL COMMENT 'subject id'")
            .And.Contain("FOREIGN KEY (`subject_id`) REFERENCES `subject` (`subject_id`) ON UPDATE CASCADE"));
        Assert.That(session.TableHeading.ForeignKeys.Select(f => f.ParentTable), Is.EquivalentTo(new[] { "subject", "#user" }));
        Assert.That(session.Heading["user_id"].IsNullable, Is.True);

        var lineage = await QueryAsync($"SELECT table_name, attribute_name, lineage FROM `{Schema.Database}`.`~lineage` ORDER BY table_name, attribute_name");
        var db = Schema.Database;
        Assert.That(lineage.Select(r => $"{r[0]}|{r[1]}|{r[2]}"), Is.EqualTo(new[]
        {
            $"#user|user_id|{db}.#user.user_id",
            $"session|session_idx|{db}.session.session_idx",
            $"session|subject_id|{db}.subject.subject_id",
            $"session|user_id|{db}.#user.user_id",
            $"session__trial|session_idx|{db}.session.session_idx",
            $"session__trial|subject_id|{db}.subject.subject_id",
            $"session__trial|trial|{db}.session__trial.trial",
            $"subject|subject_id|{db}.subject.subject_id",
        }));
    }

    [Test]
    public async Task ForeignKey_RejectsOrphans_AndDeleteCascadesLeavesFirstInOneTransaction()
    {
        var (subject, session, trial, user) = await DeclareAsync();
        await user.Insert1Async(new { user_id = "ann", full_name = "Ann" });
        await subject.InsertAsync(new[] { new { subject_id = 1, species = "mouse" }, new { subject_id = 2, species = "rat" } });
        await session.InsertAsync(new object[]
        {
            new { subject_id = 1, session_idx = (short)1, user_id = "ann" },
            new { subject_id = 1, session_idx = (short)2, user_id = (string?)null },
            new { subject_id = 2, session_idx = (short)1, user_id = (string?)null },
        });
        await trial.InsertAsync(Enumerable.Range(0, 5).Select(i => new { subject_id = 1, session_idx = (short)(1 + i % 2), trial = i, response = i * 1.0 })
            .Concat(new[] { new { subject_id = 2, session_idx = (short)1, trial = 0, response = 0.0 } }));

        var orphan = await Assert.ThrowsAsync<IntegrityException>(() => session.Insert1Async(new { subject_id = 9, session_idx = (short)1 }));
        Assert.That(orphan!.Message, Does.Contain("foreign key constraint fails"));
        var blocked = await Assert.ThrowsAsync<IntegrityException>(() => subject.Restrict(new { subject_id = 1 }).DeleteQuickAsync());
        Assert.That(blocked!.Message, Does.Contain("foreign key constraint fails"));

        var partFirst = await Assert.ThrowsAsync<DataJointException>(() => trial.Restrict(new { trial = 0 }).DeleteAsync());
        Assert.That(partFirst!.Message, Does.StartWith($"Attempt to delete part table `{Schema.Database}`.`session__trial` before its master `{Schema.Database}`.`session`."));
        Assert.That(await trial.CountAsync(), Is.EqualTo(6));
        Assert.That(await trial.Restrict(new { subject_id = 1, trial = 4 }).DeleteAsync(PartIntegrity.Ignore), Is.EqualTo(1));

        var deleted = await subject.Restrict(new { subject_id = 1 }).DeleteAsync();
        Assert.That(deleted, Is.EqualTo(1));
        Assert.That(await subject.CountAsync(), Is.EqualTo(1));
        Assert.That(await session.CountAsync(), Is.EqualTo(1));
        Assert.That(await trial.CountAsync(), Is.EqualTo(1));
        Assert.That(await trial.Fetch1Async<int>("subject_id"), Is.EqualTo(2));

        // Deleting a lookup row cascades through the nullable reference.
        await session.Insert1Async(new { subject_id = 2, session_idx = (short)5, user_id = "ann" });
        Assert.That(await user.DeleteAsync(), Is.EqualTo(1));
        Assert.That(Col(await session.FetchAsync(), "session_idx"), Is.EqualTo(new object[] { (short)1 }));

        // Unrestricted delete of the root empties every dependent.
        Assert.That(await subject.DeleteAsync(), Is.EqualTo(1));
        Assert.That(await RawCountAsync("session__trial") + await RawCountAsync("session") + await RawCountAsync("subject"), Is.Zero);
    }

    private static List<object?> Col(IEnumerable<Row> rows, string name) => rows.Select(r => r[name]).ToList();

    [Test]
    public async Task Drop_RemovesDependentsAndTheirLineage()
    {
        var (subject, _, _, _) = await DeclareAsync();
        await subject.DropAsync();
        Assert.That(await Schema.ListTablesAsync(), Is.EqualTo(new[] { "#user" }));
        var lineage = await QueryAsync($"SELECT DISTINCT table_name FROM `{Schema.Database}`.`~lineage`");
        Assert.That(lineage.Select(r => r[0]), Is.EqualTo(new object[] { "#user" }));
    }

    [Test]
    public async Task SingletonTable_HoldsOneRow_HidesItsKey_Case6()
    {
        var t = await Schema.DeclareAsync("Config", TableTier.Manual, "---\nx : int32");
        var ddl = await QueryAsync($"SHOW CREATE TABLE `{Schema.Database}`.`config`");
        Assert.That((string)ddl[0][1]!, Does.Contain("`_singleton` tinyint(4) NOT NULL DEFAULT 1 COMMENT ':bool:singleton primary key'")
            .And.Contain("PRIMARY KEY (`_singleton`)"));
        await t.Insert1Async(new { x = 1 });
        await Assert.ThrowsAsync<DuplicateEntryException>(() => t.Insert1Async(new { x = 2 }));
        var row = await t.Fetch1Async();
        Assert.That(row.Keys, Is.EqualTo(new[] { "x" }));
        Assert.That(row["x"], Is.EqualTo(1));
        Assert.That(t.PrimaryKey, Is.Empty);
        await t.Insert1Async(new { x = 3 }, new InsertOptions { Replace = true });
        Assert.That(await t.Fetch1Async<int>("x"), Is.EqualTo(3));
        await t.Insert1Async(new { x = 4 }, new InsertOptions { SkipDuplicates = true });
        Assert.That(await t.Fetch1Async<int>("x"), Is.EqualTo(3));
    }

    [Test]
    public async Task Redeclare_IdenticalIsNoOp_DifferentIsReported()
    {
        var first = await Schema.DeclareAsync("Subject", TableTier.Manual, "subject_id : int32\n---\nspecies : varchar(32)");
        await first.Insert1Async(new { subject_id = 1, species = "mouse" });
        var again = await Schema.DeclareAsync("Subject", TableTier.Manual, "subject_id : int32\n---\nspecies : varchar(32)");
        Assert.That(await again.CountAsync(), Is.EqualTo(1));

        var ex = await Assert.ThrowsAsync<DataJointException>(() =>
            Schema.DeclareAsync("Subject", TableTier.Manual, "subject_id : int32\n---\nspecies : varchar(64)\nweight = null : float32"));
        Assert.That(ex!.Message, Does.Contain($"Table `{Schema.Database}`.`subject` already exists with a different heading")
            .And.Contain("`species` has SQL type varchar(32) in the table but varchar(64) in the definition")
            .And.Contain("attribute `weight` (float32) is in the definition but not in the table"));
        Assert.That(await Schema.ListTablesAsync(), Is.EqualTo(new[] { "subject" }), "no scratch table may be left behind");
        var heading = (await Schema.OpenTableAsync("subject")).Heading;
        Assert.That(heading["species"].SqlType, Is.EqualTo("varchar(32)"), "the existing table is not altered");
    }
}
