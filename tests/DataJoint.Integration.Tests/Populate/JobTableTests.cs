using DataJoint.Settings;
using DataJoint.Integration.Tests.Tables;

namespace DataJoint.Integration.Tests.Populate;

/// <summary>The job table `~~name` against MariaDB: DDL, refresh, reserve, complete, error, ignore, orphans, stale jobs (spec §3.5).</summary>
public class JobTableTests : SchemaFixture
{
    protected override string Purpose => "jobs";

    private static readonly Guid[] Items = [Guid.Parse("12345678-1234-5678-1234-567812345678"), Guid.Parse("9abcdef0-0000-4000-8000-000000000001")];

    private async Task<Table> DeclarePipelineAsync(int subjects = 3)
    {
        var subject = await Schema.DeclareAsync("Subject", TableTier.Manual, "subject_id : int32\n---\nname : varchar(16)");
        var item = await Schema.DeclareAsync("Item", TableTier.Manual, "item : uuid");
        var analysis = await Schema.DeclareAsync("Analysis", TableTier.Computed, "-> Subject\n-> Item\n---\nvalue : float64");
        await subject.InsertAsync(Enumerable.Range(1, subjects).Select(i => new { subject_id = i, name = "s" + i }));
        await item.InsertAsync(Items.Select(g => new { item = g }));
        return analysis;
    }

    [Test]
    public async Task Jobs_DeclaresThePythonDdl_WithUuidKeyAsBinary()
    {
        var analysis = await DeclarePipelineAsync();
        var jobs = await analysis.JobsAsync();
        Assert.That(jobs.Name, Is.EqualTo("~~analysis"));
        Assert.That(jobs.PrimaryKey, Is.EqualTo(new[] { "subject_id", "item" }));
        var create = (string)(await QueryAsync($"SHOW CREATE TABLE `{Schema.Database}`.`~~analysis`"))[0][1]!;
        Assert.That(create, Does.Contain("`subject_id` int(11) NOT NULL"));
        Assert.That(create, Does.Contain("`item` binary(16) NOT NULL COMMENT ':uuid:'"));
        Assert.That(create, Does.Contain("`status` enum('pending','reserved','success','error','ignore') NOT NULL"));
        Assert.That(create, Does.Contain("`error_stack` longblob DEFAULT NULL COMMENT ':<blob>:'"));
        Assert.That(create, Does.Contain("KEY `status` (`status`,`priority`,`scheduled_time`)"));
        Assert.That(create, Does.Contain("COMMENT='Job queue for `" + Schema.Database + "`.`__analysis`'"));
        // Opening again does not redeclare.
        Assert.That((await analysis.JobsAsync()).Name, Is.EqualTo("~~analysis"));
    }

    [Test]
    public async Task Refresh_AddsEachMissingKeyOnce_WithPriorityAndServerScheduledTime()
    {
        var analysis = await DeclarePipelineAsync();
        var jobs = await analysis.JobsAsync();
        var result = await jobs.RefreshAsync(new JobRefreshOptions { Priority = 3, Delay = TimeSpan.FromHours(1) });
        Assert.That(result, Is.EqualTo(new JobRefreshResult(6, 0, 0, 0)));
        Assert.That((await jobs.RefreshAsync()).Added, Is.Zero);
        var rows = await QueryAsync($"SELECT status, priority, TIMESTAMPDIFF(MINUTE, CURRENT_TIMESTAMP(3), scheduled_time), HEX(item) FROM `{Schema.Database}`.`~~analysis`");
        Assert.That(rows, Has.Count.EqualTo(6));
        Assert.That(rows.Select(r => (string)r[0]!), Is.All.EqualTo("pending"));
        Assert.That(rows.Select(r => Convert.ToInt32(r[1])), Is.All.EqualTo(3));
        Assert.That(rows.Select(r => Convert.ToInt64(r[2])), Is.All.InRange(58L, 60L));
        Assert.That(rows.Select(r => (string)r[3]!), Does.Contain("12345678123456781234567812345678"));
        // Not due for an hour: nothing to reserve.
        Assert.That(await jobs.ReserveAsync(new { subject_id = 1, item = Items[0] }), Is.False);
        Assert.That((await jobs.CountsAsync()).Pending, Is.EqualTo(6));
    }

    [Test]
    public async Task Refresh_WithRestriction_AddsOnlyThoseKeys_AndSkipsKeysAlreadyInTarget()
    {
        var analysis = await DeclarePipelineAsync();
        await analysis.Insert1Async(new { subject_id = 1, item = Items[0], value = 1.0 }, new InsertOptions { AllowDirectInsert = true });
        var jobs = await analysis.JobsAsync();
        var result = await jobs.RefreshAsync(new JobRefreshOptions { Restrictions = [new { subject_id = 1 }] });
        Assert.That(result.Added, Is.EqualTo(1));
        Assert.That((await jobs.Pending.FetchAsync()).Single()["item"], Is.EqualTo(Items[1]));
    }

    [Test]
    public async Task Reserve_IsAtomic_RecordsWorker_AndCompleteDeletesOrKeeps()
    {
        var analysis = await DeclarePipelineAsync(1);
        var jobs = await analysis.JobsAsync();
        await jobs.RefreshAsync(new JobRefreshOptions { Delay = TimeSpan.FromSeconds(-1) });
        var key = new { subject_id = 1, item = Items[0] };
        var attempts = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => jobs.ReserveAsync(key)));
        Assert.That(attempts.Count(a => a), Is.EqualTo(1), "exactly one of eight concurrent reservations wins");
        var row = (await (jobs.Table & key).FetchAsync()).Single();
        Assert.That(row["status"], Is.EqualTo("reserved"));
        Assert.That(row["host"], Is.EqualTo(Environment.MachineName));
        Assert.That(row["pid"], Is.EqualTo(Environment.ProcessId));
        Assert.That((string)row["user"]!, Does.Contain("@"));
        Assert.That((long)row["connection_id"]!, Is.GreaterThan(0));
        Assert.That(row["reserved_time"], Is.Not.Null);

        await jobs.CompleteAsync(key, TimeSpan.FromSeconds(1.5));
        Assert.That(await (jobs.Table & key).CountAsync(), Is.Zero, "keep_completed off: the row is deleted");

        var keeping = await analysis.JobsAsync(new JobsSettings { KeepCompleted = true });
        await keeping.RefreshAsync(new JobRefreshOptions { Delay = TimeSpan.FromSeconds(-1) });
        Assert.That(await keeping.ReserveAsync(key), Is.True);
        await keeping.CompleteAsync(key, TimeSpan.FromSeconds(1.5));
        var done = (await (keeping.Table & key).FetchAsync()).Single();
        Assert.That(done["status"], Is.EqualTo("success"));
        Assert.That(done["duration"], Is.EqualTo(1.5));
        Assert.That(done["completed_time"], Is.Not.Null);
        // Completing a vanished job is not an error.
        await (keeping.Table & key).DeleteQuickAsync();
        await keeping.CompleteAsync(key, TimeSpan.FromSeconds(1));
    }

    [Test]
    public async Task Error_TruncatesAsPython_StoresBlobPackedStack_AndRecreatesAVanishedRow()
    {
        var analysis = await DeclarePipelineAsync(1);
        var jobs = await analysis.JobsAsync();
        await jobs.RefreshAsync(new JobRefreshOptions { Delay = TimeSpan.FromSeconds(-1) });
        var key = new { subject_id = 1, item = Items[1] };
        Assert.That(await jobs.ReserveAsync(key), Is.True);
        var message = "ValueError: " + new string('x', 3000);
        await jobs.ErrorAsync(key, message, "Traceback (most recent call last):\n  boom");
        var row = (await (jobs.Errors & key).FetchAsync()).Single();
        var text = (string)row["error_message"]!;
        Assert.That(text, Has.Length.EqualTo(2047));
        Assert.That(text, Does.StartWith("ValueError: xxx").And.EndWith("...truncated"));
        Assert.That(text, Is.EqualTo(message[..2035] + "...truncated"));
        Assert.That(row["error_stack"], Is.EqualTo("Traceback (most recent call last):\n  boom"), "the <blob> column decodes to the string");
        var raw = await QueryAsync($"SELECT error_stack FROM `{Schema.Database}`.`~~analysis` WHERE status = 'error'");
        Assert.That(Blob.Unpack((byte[])raw[0][0]!), Is.EqualTo("Traceback (most recent call last):\n  boom"));

        await (jobs.Table & key).DeleteQuickAsync();
        await jobs.ErrorAsync(key, "RuntimeError: again", null);
        Assert.That((await (jobs.Errors & key).FetchAsync()).Single()["error_message"], Is.EqualTo("RuntimeError: again"));
    }

    [Test]
    public async Task Ignore_BlocksAKeyForGood_AndStatusViewsCount()
    {
        var analysis = await DeclarePipelineAsync(2);
        var jobs = await analysis.JobsAsync();
        await jobs.IgnoreAsync(new { subject_id = 1, item = Items[0] });
        await jobs.RefreshAsync();
        await jobs.IgnoreAsync(new { subject_id = 2, item = Items[0] });
        var counts = await jobs.CountsAsync();
        Assert.That(counts, Is.EqualTo(new JobCounts(2, 0, 0, 0, 2)));
        Assert.That(counts.Total, Is.EqualTo(4));
        Assert.That(await jobs.Ignored.CountAsync(), Is.EqualTo(2));
        Assert.That((await jobs.RefreshAsync()).Added, Is.Zero, "ignored keys are never re-added");
    }

    [Test]
    public async Task Refresh_OrphanTimeout_RePendsOldReservations_ResettingPriorityAndTimes()
    {
        var analysis = await DeclarePipelineAsync(2);
        var jobs = await analysis.JobsAsync();
        await jobs.RefreshAsync(new JobRefreshOptions { Delay = TimeSpan.FromSeconds(-1), Priority = 1 });
        Assert.That(await jobs.ReserveAsync(new { subject_id = 1, item = Items[0] }), Is.True);
        Assert.That(await jobs.ReserveAsync(new { subject_id = 2, item = Items[0] }), Is.True);
        await ExecAsync($"UPDATE `{Schema.Database}`.`~~analysis` SET reserved_time = CURRENT_TIMESTAMP(3) - INTERVAL 2 HOUR WHERE subject_id = 1");
        var result = await jobs.RefreshAsync(new JobRefreshOptions { OrphanTimeout = TimeSpan.FromHours(1) });
        Assert.That(result, Is.EqualTo(new JobRefreshResult(0, 0, 1, 0)));
        var orphan = (await (jobs.Table & new { subject_id = 1, item = Items[0] }).FetchAsync()).Single();
        Assert.That(orphan["status"], Is.EqualTo("pending"));
        Assert.That(orphan["priority"], Is.EqualTo((sbyte)5), "priority reset to the refresh's (default) priority");
        Assert.That(orphan["host"], Is.EqualTo(""));
        Assert.That(orphan["reserved_time"], Is.Null);
        Assert.That((await (jobs.Table & new { subject_id = 2, item = Items[0] }).FetchAsync()).Single()["status"], Is.EqualTo("reserved"));
    }

    [Test]
    public async Task Refresh_Stale_RemovesOnlyJobsWhoseKeyLeftTheKeySource_EvenWhenRestricted()
    {
        var analysis = await DeclarePipelineAsync(3);
        var jobs = await analysis.JobsAsync();
        await jobs.RefreshAsync();
        await ExecAsync($"UPDATE `{Schema.Database}`.`~~analysis` SET created_time = CURRENT_TIMESTAMP(3) - INTERVAL 2 HOUR");
        await ExecAsync($"DELETE FROM `{Schema.Database}`.`subject` WHERE subject_id = 3");
        // Python's defect: a restricted refresh also purged other keys' jobs. Here only subject 3's jobs are stale.
        var result = await jobs.RefreshAsync(new JobRefreshOptions { Restrictions = [new { subject_id = 1 }], StaleTimeout = TimeSpan.FromHours(1) });
        Assert.That(result, Is.EqualTo(new JobRefreshResult(0, 2, 0, 0)));
        Assert.That(await jobs.Table.CountAsync(), Is.EqualTo(4));
    }

    [Test]
    public async Task Refresh_KeepCompleted_RePendsSuccessJobsWhoseRowWasDeleted()
    {
        var analysis = await DeclarePipelineAsync(1);
        var jobs = await analysis.JobsAsync(new JobsSettings { KeepCompleted = true });
        await jobs.RefreshAsync(new JobRefreshOptions { Delay = TimeSpan.FromSeconds(-1) });
        var key = new { subject_id = 1, item = Items[0] };
        Assert.That(await jobs.ReserveAsync(key), Is.True);
        await analysis.Insert1Async(new { subject_id = 1, item = Items[0], value = 2.0 }, new InsertOptions { AllowDirectInsert = true });
        await jobs.CompleteAsync(key, TimeSpan.FromSeconds(2));
        Assert.That((await jobs.RefreshAsync()).RePended, Is.Zero, "the row is still there");
        await (analysis & key).DeleteAsync();
        Assert.That((await jobs.RefreshAsync()).RePended, Is.EqualTo(1));
        Assert.That((await (jobs.Table & key).FetchAsync()).Single()["status"], Is.EqualTo("pending"));
    }

    [Test]
    public async Task Jobs_RefusedForManualTables_AndForTablesWithoutForeignKeyInTheKey()
    {
        var subject = await Schema.DeclareAsync("Subject", TableTier.Manual, "subject_id : int32");
        await Assert.ThrowsAsync<DataJointException>(() => subject.JobsAsync());
        var ex = await Assert.ThrowsAsync<DataJointException>(() => subject.KeySourceAsync());
        Assert.That(ex!.Message, Does.Contain("must have dependencies from its primary key"));
    }
    [Test]
    public async Task FirstUse_ByManyWorkersAtOnce_DeclaresTheJobTableOnce_AndEveryWorkerReadsItsKey()
    {
        // Workers that start together all find no job table and declare it; one whose heading read ran while another's
        // CREATE TABLE completed must still see the primary key (an empty key made the reserve UPDATE end in "AND ").
        var subject = await Schema.DeclareAsync("Subject", TableTier.Manual, "subject_id : int32");
        for (var round = 0; round < 12; round++)
        {
            var work = await Schema.DeclareAsync("Work" + round, TableTier.Computed, "-> Subject\n---\nvalue : float64");
            var opened = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => work.JobsAsync())));
            Assert.That(opened.Select(j => string.Join(",", j.PrimaryKey)), Is.All.EqualTo("subject_id"), $"round {round}");
        }
    }
}
