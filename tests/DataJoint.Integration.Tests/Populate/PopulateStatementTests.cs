using DataJoint.Settings;

namespace DataJoint.Integration.Tests.Populate;

/// <summary>
/// What MariaDB receives during populate, recorded on the wire by a forwarder of the test's own (<see cref="QueryRecorder"/>):
/// per key the statements and order of spec §3.5 — reserve, <c>START TRANSACTION WITH CONSISTENT SNAPSHOT</c>, key check,
/// make, <c>COMMIT</c>, job metadata, complete — in two round trips besides the make's (the commit's carries the next key's
/// first statements); and what happens when a statement after the COMMIT or the reservation fails.
/// </summary>
[NonParallelizable]
public class PopulateStatementTests
{
    private const string Start = "START TRANSACTION WITH CONSISTENT SNAPSHOT";
    private QueryRecorder _recorder = null!;
    private DataJointConnection _shared = null!;
    private string _database = null!;

    [SetUp]
    public async Task StartRecorder()
    {
        _shared = await TestServices.RequireDatabaseAsync();
        _recorder = new QueryRecorder(TestServices.Database.Host, TestServices.Database.Port);
        _database = TestServices.UniqueSchemaName("stmts");
    }

    [TearDown]
    public async Task StopRecorder()
    {
        await TestServices.DropSchemaAsync(_shared, _database);
        await _recorder.DisposeAsync();
    }

    /// <summary>A connection through the recorder (plain protocol, its own pool).</summary>
    private DataJointConnection Recorded(JobsSettings? jobs = null) =>
        DataJointConnection.FromSettings(DataJointSettings.Load() with
        {
            Database = TestServices.Database with { Host = "127.0.0.1", Port = _recorder.Port, Tls = TlsMode.Off },
            Jobs = jobs ?? new JobsSettings(),
        });

    private async Task<(Table Source, Table Target)> DeclareAsync(DataJointConnection connection, int keys)
    {
        var schema = await Schema.ActivateAsync(connection, _database);
        var source = await schema.DeclareAsync("Source", TableTier.Manual, "key_id : int32");
        var target = await schema.DeclareAsync("Target", TableTier.Computed, "-> Source\n---\nvalue : float64");
        await source.InsertAsync(Enumerable.Range(1, keys).Select(i => new { key_id = i }));
        return (source, target);
    }

    private static readonly MakeHandler Make = (context, ct) =>
        context.Insert1Async(new { key_id = context.Key["key_id"], value = (int)context.Key["key_id"]! * 2.0 }, cancellationToken: ct);

    /// <summary>The round trips of the connection that ran the keys, from its first key on: each one's statements.</summary>
    private List<string[]> WorkerRoundTrips(string firstStatementPrefix)
    {
        var worker = _recorder.Queries().Values.Single(q => q.Any(t => t.Contains(Start, StringComparison.Ordinal)));
        return worker.SkipWhile(t => !t.StartsWith(firstStatementPrefix, StringComparison.Ordinal))
            .Select(t => t.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).ToList();
    }

    /// <summary>The worker connection's round trips from its first reservation on.</summary>
    private List<string[]> ReservingRoundTrips() => WorkerRoundTrips($"UPDATE `{_database}`.`~~target` SET `status`='reserved'");

    private static int KeyOf(string statement) =>
        int.Parse(System.Text.RegularExpressions.Regex.Match(statement, @"`key_id`\s*=\s*(\d+)").Groups[1].Value);

    [Test]
    public async Task ReservedJobs_TheServerSeesPythonsOrder_InTwoRoundTripsPerKey()
    {
        var (_, target) = await DeclareAsync(Recorded(), 3);
        var result = await target.PopulateAsync(Make, new PopulateOptions { ReserveJobs = true, HandleSignals = false });
        Assert.That(result.SuccessCount, Is.EqualTo(3));

        var trips = ReservingRoundTrips();
        var shown = string.Join("\n", trips.Select(t => string.Join(" ; ", t)));
        // Per key, in this order: (1) reserve (autocommit), (2) START TRANSACTION WITH CONSISTENT SNAPSHOT, (3) key check,
        // (4) the make's insert, (5) COMMIT, (6) complete (jobs.keep_completed off: the job row is deleted).
        var statements = trips.SelectMany(t => t).ToList();
        Assert.That(statements, Has.Count.EqualTo(3 * 6), shown);
        var made = new List<int>();
        for (var i = 0; i < statements.Count; i += 6)
        {
            var key = KeyOf(statements[i]);
            made.Add(key);
            Assert.That(statements[i], Does.StartWith($"UPDATE `{_database}`.`~~target` SET `status`='reserved', `host`=")
                .And.EndWith("WHERE `status`='pending' AND `scheduled_time` <= CURRENT_TIMESTAMP(3) AND `key_id`=" + key), shown);
            Assert.That(statements[i + 1], Is.EqualTo(Start), shown);
            Assert.That(statements[i + 2], Is.EqualTo($"SELECT 1 FROM `{_database}`.`__target` WHERE `key_id`={key} LIMIT 1"), shown);
            Assert.That(statements[i + 3], Does.StartWith($"INSERT INTO `{_database}`.`__target`"), shown);
            Assert.That(statements[i + 4], Is.EqualTo("COMMIT"), shown);
            Assert.That(statements[i + 5], Is.EqualTo($"DELETE FROM `{_database}`.`~~target` WHERE `key_id`={key}"), shown);
        }
        Assert.That(made.Order(), Is.EqualTo(new[] { 1, 2, 3 }));
        // Round trips: (1)-(3) of the first key; then per key its insert, and (5)-(6) with the next key's (1)-(3).
        Assert.That(trips.Select(t => t.Length), Is.EqualTo(new[] { 3, 1, 5, 1, 5, 1, 2 }), shown);
        AssertNoReservationInsideATransaction(trips);
    }

    [Test]
    public async Task WithoutJobs_TheJobMetadataFollowsTheCommit_InTwoRoundTripsPerKey()
    {
        var connection = Recorded(new JobsSettings { AddJobMetadata = true });
        var (_, target) = await DeclareAsync(connection, 2);
        Assert.That((await target.PopulateAsync(Make, new PopulateOptions { HandleSignals = false })).SuccessCount, Is.EqualTo(2));

        var trips = WorkerRoundTrips(Start);
        var shown = string.Join("\n", trips.Select(t => string.Join(" ; ", t)));
        var statements = trips.SelectMany(t => t).ToList();
        Assert.That(statements, Has.Count.EqualTo(2 * 5), shown);
        for (var i = 0; i < statements.Count; i += 5)
        {
            var key = KeyOf(statements[i + 1]);
            Assert.That(statements[i], Is.EqualTo(Start), shown);
            Assert.That(statements[i + 1], Is.EqualTo($"SELECT 1 FROM `{_database}`.`__target` WHERE `key_id`={key} LIMIT 1"), shown);
            Assert.That(statements[i + 2], Does.StartWith($"INSERT INTO `{_database}`.`__target`"), shown);
            Assert.That(statements[i + 3], Is.EqualTo("COMMIT"), shown);
            Assert.That(statements[i + 4], Does.StartWith($"UPDATE `{_database}`.`__target` SET `_job_start_time`=").And.EndWith($"WHERE `key_id`={key}"), shown);
        }
        Assert.That(trips.Select(t => t.Length), Is.EqualTo(new[] { 2, 1, 4, 1, 2 }), shown);
        var rows = await (await Schema.ActivateAsync(_shared, _database)).OpenTableAsync("__target");
        Assert.That(await rows.CountAsync(), Is.EqualTo(2));
    }

    [TestCase(1, TestName = "{m}(first key: its own round trip)")]
    [TestCase(2, TestName = "{m}(second key: sent with the first key's commit)")]
    public async Task AKeyAnotherWorkerReservesMeanwhile_IsSkipped_AndItsTransactionEndsBeforeTheNextReservation(int taken)
    {
        var (_, target) = await DeclareAsync(Recorded(), 3);
        var jobs = await target.JobsAsync();
        for (var k = 1; k <= 3; k++) // priorities fix the order: key 1, 2, 3
            await jobs.RefreshAsync(new JobRefreshOptions { Restrictions = [new { key_id = k }], Priority = k, Delay = TimeSpan.FromSeconds(-1) });
        // Another worker (its own connection) takes a key after this populate listed the pending jobs (its first progress report).
        var otherJobs = await (await (await Schema.ActivateAsync(_shared, _database)).OpenTableAsync("__target")).JobsAsync();
        var progress = new Synchronous(p =>
        {
            if (p.Done == 0) Assert.That(otherJobs.ReserveAsync(new { key_id = taken }).GetAwaiter().GetResult(), Is.True);
        });
        var result = await target.PopulateAsync(Make, new PopulateOptions { ReserveJobs = true, Refresh = false, Progress = progress, HandleSignals = false });
        Assert.That(result.SuccessCount, Is.EqualTo(2));

        var trips = ReservingRoundTrips();
        var shown = string.Join("\n", trips.Select(t => string.Join(" ; ", t)));
        var tried = trips.FindIndex(t => t.Contains(Start) && t.Any(x => x.StartsWith("UPDATE", StringComparison.Ordinal) &&
                                                                    x.Contains("'reserved'", StringComparison.Ordinal) && KeyOf(x) == taken));
        Assert.That(tried, Is.GreaterThanOrEqualTo(0), shown);
        var after = trips.Skip(tried + 1).ToList();
        if (taken == 2)
        {
            // The commit's round trip also changed the first key's job row, so its row count cannot tell whether the
            // reservation took: the job table is asked, in the key's transaction.
            Assert.That(after[0].Single(), Does.StartWith($"SELECT 1 FROM `{_database}`.`~~target` WHERE `status`='reserved' AND `connection_id`=CONNECTION_ID()"), shown);
            after = after.Skip(1).ToList();
        }
        Assert.That(after[0], Is.EqualTo(new[] { "ROLLBACK" }), "the transaction that began with the failed reservation ends at once\n" + shown);
        Assert.That(trips.SelectMany(t => t).Count(x => x.StartsWith("INSERT", StringComparison.Ordinal)), Is.EqualTo(2), shown);
        Assert.That(trips.SelectMany(t => t).Where(x => x.StartsWith("INSERT", StringComparison.Ordinal) && x.EndsWith($"VALUES ({taken},{taken * 2})", StringComparison.Ordinal)), Is.Empty, shown);
        Assert.That((await jobs.Reserved.FetchAsync()).Single()["key_id"], Is.EqualTo(taken), "the other worker's reservation is left alone");
        Assert.That((await target.FetchAsync()).Select(r => (int)r["key_id"]!).Order(), Is.EqualTo(new[] { 1, 2, 3 }.Where(k => k != taken)));
        AssertNoReservationInsideATransaction(trips);
    }

    /// <summary>Progress reported on the populate's own flow (Progress&lt;T&gt; would post it elsewhere).</summary>
    private sealed class Synchronous(Action<PopulateProgress> report) : IProgress<PopulateProgress>
    {
        public void Report(PopulateProgress value) => report(value);
    }

    /// <summary>Every reservation runs outside a transaction (autocommit: other workers see it at once), and none is left open.</summary>
    private static void AssertNoReservationInsideATransaction(List<string[]> trips)
    {
        var open = false;
        foreach (var statement in trips.SelectMany(t => t))
        {
            if (statement.StartsWith("UPDATE", StringComparison.Ordinal) && statement.Contains("`status`='reserved'", StringComparison.Ordinal))
                Assert.That(open, Is.False, "a reservation inside a transaction: " + statement);
            if (statement == Start) open = true;
            else if (statement is "COMMIT" or "ROLLBACK") open = false;
        }
        Assert.That(open, Is.False, "a transaction left open at the end of populate");
    }

    [Test]
    public async Task ACompletionThatFailsAfterTheCommit_IsRetried_AndTheKeyCounts()
    {
        var (_, target) = await DeclareAsync(Recorded(), 2);
        var jobs = await target.JobsAsync();
        await FailNextAsync(jobs, "DELETE", times: 1);

        var result = await target.PopulateAsync(Make, new PopulateOptions { ReserveJobs = true, HandleSignals = false });
        Assert.That(result.SuccessCount, Is.EqualTo(2));
        Assert.That(result.Errors, Is.Empty);
        Assert.That(await target.CountAsync(), Is.EqualTo(2));
        Assert.That(await jobs.Table.CountAsync(), Is.Zero, "both jobs completed, one of them on the retry");
        Assert.That(await RemainingFailuresAsync(), Is.Zero);
        AssertNoReservationInsideATransaction(ReservingRoundTrips());
    }

    [Test]
    public async Task ACompletionThatKeepsFailingAfterTheCommit_StopsThePopulate_SayingTheKeyWasMade()
    {
        var (_, target) = await DeclareAsync(Recorded(), 1);
        var jobs = await target.JobsAsync();
        await FailNextAsync(jobs, "DELETE", times: 100);

        var ex = await Assert.ThrowsAsync<DataJointException>(() =>
            target.PopulateAsync(Make, new PopulateOptions { ReserveJobs = true, SuppressErrors = true, HandleSignals = false }));
        Assert.That(ex!.Message, Does.Contain("key_id=1").And.Contain("was made and committed, but its job metadata or completion could not be written"));
        Assert.That(await target.CountAsync(), Is.EqualTo(1), "the key is made");
        Assert.That((await jobs.Reserved.FetchAsync()).Single()["key_id"], Is.EqualTo(1), "its job stays reserved (an orphan refresh re-pends it)");
    }

    [Test]
    public async Task AReservationThatDeadlocks_IsRetried()
    {
        var (_, target) = await DeclareAsync(Recorded(), 2);
        var jobs = await target.JobsAsync();
        await jobs.RefreshAsync(new JobRefreshOptions { Delay = TimeSpan.FromSeconds(-1) });
        await FailNextAsync(jobs, "UPDATE", times: 2);

        var result = await target.PopulateAsync(Make, new PopulateOptions { ReserveJobs = true, Refresh = false, HandleSignals = false });
        Assert.That(result.SuccessCount, Is.EqualTo(2));
        Assert.That(await target.CountAsync(), Is.EqualTo(2));
        Assert.That(await RemainingFailuresAsync(), Is.Zero);
        AssertNoReservationInsideATransaction(ReservingRoundTrips());
    }

    [Test]
    public async Task TheNextKeysReservationFailing_InTheCommitsRoundTrip_LeavesTheKeyCommitted_AndTheNextKeyIsStartedAgain()
    {
        var (_, target) = await DeclareAsync(Recorded(), 2);
        var jobs = await target.JobsAsync();
        await jobs.RefreshAsync(new JobRefreshOptions { Delay = TimeSpan.FromSeconds(-1) });
        await FailNextAsync(jobs, "UPDATE", times: 1, after: 1); // the first key's reservation passes, the second's fails once

        var result = await target.PopulateAsync(Make, new PopulateOptions { ReserveJobs = true, Refresh = false, HandleSignals = false });
        Assert.That(result.SuccessCount, Is.EqualTo(2));
        Assert.That(result.Errors, Is.Empty);
        Assert.That(await target.CountAsync(), Is.EqualTo(2));
        Assert.That(await jobs.Table.CountAsync(), Is.Zero);
        Assert.That(await RemainingFailuresAsync(), Is.Zero);
        var trips = ReservingRoundTrips();
        var shown = string.Join("\n", trips.Select(t => string.Join(" ; ", t)));
        // The failed round trip ([COMMIT, complete, reserve, START, check]) is followed by a ROLLBACK, the committed-or-not
        // read of the first key, its completion again, and the second key's first round trip on its own.
        var failed = trips.FindIndex(t => t.Length == 5);
        Assert.That(trips[failed + 1], Is.EqualTo(new[] { "ROLLBACK" }), shown);
        Assert.That(trips[failed + 2].Single(), Does.StartWith($"SELECT 1 FROM `{_database}`.`__target` WHERE `key_id`="), shown);
        Assert.That(trips[failed + 3].Single(), Does.StartWith($"DELETE FROM `{_database}`.`~~target` WHERE `key_id`="), shown);
        Assert.That(trips[failed + 4], Has.Length.EqualTo(3).And.Contains(Start), shown);
        AssertNoReservationInsideATransaction(trips);
    }

    [Test]
    public async Task CancelledWhileTheNextKeyIsAlreadyReserved_ItsReservationIsGivenBack()
    {
        var (_, target) = await DeclareAsync(Recorded(), 3);
        var jobs = await target.JobsAsync();
        using var cts = new CancellationTokenSource();
        // The first key's commit round trip reserved the second; the cancellation comes before it is made.
        var progress = new Synchronous(p => { if (p.Done == 1) cts.Cancel(); });
        Assert.That(async () => await target.PopulateAsync(Make, new PopulateOptions { ReserveJobs = true, Progress = progress, HandleSignals = false }, cancellationToken: cts.Token),
            Throws.InstanceOf<OperationCanceledException>());
        Assert.That(await target.CountAsync(), Is.EqualTo(1));
        Assert.That(await jobs.Reserved.CountAsync(), Is.Zero, "no stale reservation");
        Assert.That(await jobs.Pending.CountAsync(), Is.EqualTo(2));
        var trips = ReservingRoundTrips();
        var shown = string.Join("\n", trips.Select(t => string.Join(" ; ", t)));
        var rollback = trips.FindLastIndex(t => t is ["ROLLBACK"]);
        Assert.That(rollback, Is.GreaterThan(0), shown);
        Assert.That(trips[rollback - 1], Has.Length.EqualTo(5), "the round trip that committed the first key and reserved the second\n" + shown);
        Assert.That(trips[rollback + 1].Single(), Does.StartWith($"UPDATE `{_database}`.`~~target` SET `status`='pending'"), shown);
        AssertNoReservationInsideATransaction(trips);
    }

    [Test]
    public async Task AProgressCallbackThatThrows_LeavesNoReservationAndNoOpenTransaction()
    {
        var (_, target) = await DeclareAsync(Recorded(), 3);
        var jobs = await target.JobsAsync();
        var progress = new Synchronous(p => { if (p.Done == 1) throw new InvalidOperationException("progress bar broke"); });
        Assert.That(async () => await target.PopulateAsync(Make, new PopulateOptions { ReserveJobs = true, Progress = progress, HandleSignals = false }),
            Throws.InstanceOf<InvalidOperationException>().With.Message.EqualTo("progress bar broke"));
        Assert.That(await target.CountAsync(), Is.EqualTo(1));
        Assert.That(await jobs.Reserved.CountAsync(), Is.Zero);
        AssertNoReservationInsideATransaction(ReservingRoundTrips());
    }

    /// <summary>
    /// Makes the <paramref name="verb"/> statements on the job table fail as a deadlock (error 1213) <paramref name="times"/>
    /// times after letting <paramref name="after"/> pass, through a trigger counting down in a MEMORY table (not
    /// transactional, so a failed statement still counts). The trigger fires once per row the statement would change.
    /// </summary>
    private async Task FailNextAsync(JobTable jobs, string verb, int times, int after = 0)
    {
        await using var conn = await _shared.OpenAsync();
        foreach (var sql in new[]
                 {
                     $"CREATE TABLE `{_database}`.`fail_next` (skip int NOT NULL, n int NOT NULL) ENGINE=MEMORY",
                     $"INSERT INTO `{_database}`.`fail_next` VALUES ({after}, {times})",
                     $"CREATE TRIGGER `{_database}`.`fail_job_{verb.ToLowerInvariant()}` BEFORE {verb} ON {jobs.Table.FullName} FOR EACH ROW " +
                     $"BEGIN IF (SELECT skip FROM `{_database}`.`fail_next`) > 0 THEN UPDATE `{_database}`.`fail_next` SET skip = skip - 1; " +
                     $"ELSEIF (SELECT n FROM `{_database}`.`fail_next`) > 0 THEN UPDATE `{_database}`.`fail_next` SET n = n - 1; " +
                     "SIGNAL SQLSTATE '40001' SET MESSAGE_TEXT = 'Deadlock found (test)', MYSQL_ERRNO = 1213; END IF; END",
                 })
        {
            await using var cmd = conn.CreateCommand();
            cmd.CommandText = sql;
            await cmd.ExecuteNonQueryAsync();
        }
    }

    private async Task<long> RemainingFailuresAsync()
    {
        await using var conn = await _shared.OpenAsync();
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = $"SELECT n FROM `{_database}`.`fail_next`";
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }
}
