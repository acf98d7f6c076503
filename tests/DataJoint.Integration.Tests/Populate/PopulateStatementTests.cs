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

    /// <summary>
    /// Every reservation runs outside a transaction (autocommit: other workers see it at once), and none is left open —
    /// unless the connection was lost (<paramref name="endsOpen"/>).
    /// </summary>
    private static void AssertNoReservationInsideATransaction(List<string[]> trips, bool endsOpen = false)
    {
        var open = false;
        foreach (var statement in trips.SelectMany(t => t))
        {
            if (statement.StartsWith("UPDATE", StringComparison.Ordinal) && statement.Contains("`status`='reserved'", StringComparison.Ordinal))
                Assert.That(open, Is.False, "a reservation inside a transaction: " + statement);
            if (statement == Start) open = true;
            else if (statement is "COMMIT" or "ROLLBACK") open = false;
        }
        if (!endsOpen) Assert.That(open, Is.False, "a transaction left open at the end of populate");
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
        // read of the first key, the second key's reservation given back if it was this connection's (here it was not:
        // the reservation is the statement that failed), the first key's completion again, and the second key's first
        // round trip on its own.
        var failed = trips.FindIndex(t => t.Length == 5);
        Assert.That(trips[failed + 1], Is.EqualTo(new[] { "ROLLBACK" }), shown);
        Assert.That(trips[failed + 2].Single(), Does.StartWith($"SELECT 1 FROM `{_database}`.`__target` WHERE `key_id`="), shown);
        Assert.That(trips[failed + 3].Single(), Does.StartWith($"UPDATE `{_database}`.`~~target` SET `status`='pending'")
            .And.Contains("WHERE `status`='reserved' AND `connection_id`=").And.EndsWith("`key_id`=2"), shown);
        Assert.That(trips[failed + 4].Single(), Does.StartWith($"DELETE FROM `{_database}`.`~~target` WHERE `key_id`="), shown);
        Assert.That(trips[failed + 5], Has.Length.EqualTo(3).And.Contains(Start), shown);
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

    /// <summary>A make whose insert meets a deadlock (error 1213, raised by a trigger) is rolled back and made again.</summary>
    [Test]
    public async Task AMakeThatMeetsADeadlock_IsRolledBack_AndMadeAgain()
    {
        var (_, target) = await DeclareAsync(Recorded(), 2);
        var jobs = await target.JobsAsync();
        await FailNextAsync(target, "INSERT", times: 1);
        var made = new List<int>();
        var result = await target.PopulateAsync(Counting(made), new PopulateOptions { ReserveJobs = true, HandleSignals = false });
        Assert.That(result.SuccessCount, Is.EqualTo(2));
        Assert.That(result.Errors, Is.Empty);
        Assert.That(made, Has.Count.EqualTo(3), "one make ran twice");
        Assert.That(await RemainingFailuresAsync(), Is.Zero);
        Assert.That(await target.CountAsync(), Is.EqualTo(2));
        Assert.That(await jobs.Table.CountAsync(), Is.Zero);
        AssertNoReservationInsideATransaction(ReservingRoundTrips());
    }

    /// <summary>A key whose make keeps failing transiently is tried three times, then recorded as any failed make.</summary>
    [Test]
    public async Task AMakeThatKeepsMeetingDeadlocks_IsRecordedAsAnError_AfterThreeAttempts()
    {
        var (_, target) = await DeclareAsync(Recorded(), 2);
        var jobs = await target.JobsAsync();
        await FailNextAsync(target, "INSERT", times: 3);
        var made = new List<int>();
        var result = await target.PopulateAsync(Counting(made), new PopulateOptions { ReserveJobs = true, SuppressErrors = true, HandleSignals = false });
        Assert.That(result.SuccessCount, Is.EqualTo(1));
        var error = result.Errors.Single();
        Assert.That(error.Message, Does.StartWith("DeadlockException: Deadlock found (test)"));
        Assert.That(made, Has.Count.EqualTo(4), "the failing key three times, the other once");
        Assert.That(made.Count(k => k == (int)error.Key["key_id"]!), Is.EqualTo(3));
        var recorded = (await jobs.Errors.FetchAsync()).Single();
        Assert.That(recorded["key_id"], Is.EqualTo(error.Key["key_id"]));
        Assert.That(recorded["error_message"], Is.EqualTo(error.Message));
        Assert.That(await jobs.Table.CountAsync(), Is.EqualTo(1), "only the error stays");
    }

    /// <summary>
    /// The connection is lost before a key's COMMIT reaches the server (a server restart): the server rolled the key back.
    /// The worker opens a new connection, finds the key not made, gives back the reservation the lost connection held,
    /// and makes the key again — it is made once.
    /// </summary>
    [Test]
    public async Task LostBeforeTheCommit_TheKeyIsMadeAgain_AndCountsOnce()
    {
        var (_, target) = await DeclareAsync(Recorded(), 2);
        var jobs = await target.JobsAsync();
        _recorder.CutAt(t => t.StartsWith("COMMIT;", StringComparison.Ordinal), QueryRecorder.Cut.BeforeTheServer);
        var made = new List<int>();
        var result = await target.PopulateAsync(Counting(made), new PopulateOptions { ReserveJobs = true, HandleSignals = false });
        Assert.That(_recorder.Cuts, Is.EqualTo(1));
        Assert.That(result.SuccessCount, Is.EqualTo(2));
        Assert.That(result.Errors, Is.Empty);
        Assert.That(made, Has.Count.EqualTo(3), "the key whose commit was lost is made again");
        Assert.That((await target.FetchAsync()).Select(r => (int)r["key_id"]!).Order(), Is.EqualTo(new[] { 1, 2 }));
        Assert.That(await jobs.Table.CountAsync(), Is.Zero, "no reservation left behind");
        var connections = WorkerConnections();
        var shown = string.Join("\n---\n", connections.Select(c => string.Join("\n", c.Select(t => string.Join(" ; ", t)))));
        // The new connection first gives back what the lost one held (the key whose commit was lost, by its connection id).
        var again = made.GroupBy(k => k).Single(g => g.Count() == 2).Key;
        Assert.That(connections[1].SelectMany(t => t).Where(x => x.StartsWith($"UPDATE `{_database}`.`~~target` SET `status`='pending'", StringComparison.Ordinal)
                                                                 && x.Contains("`connection_id`=", StringComparison.Ordinal) && x.EndsWith("`key_id`=" + again, StringComparison.Ordinal)),
            Is.Not.Empty, "the lost connection's reservation is given back\n" + shown);
        AssertNoReservationInsideATransactionOnAnyConnection(lost: 1);
    }

    /// <summary>
    /// The connection is lost after the server ran a key's COMMIT round trip — the key committed, its job completed and
    /// the next key reserved through the lost connection — but before the answer arrived: the worker finds the key made,
    /// completes its job again, gives the next key's reservation back and makes it. No key is made twice.
    /// </summary>
    [Test]
    public async Task LostAfterTheCommitRan_TheKeyCountsOnce_AndTheNextKeyIsGivenBackAndMade()
    {
        var (_, target) = await DeclareAsync(Recorded(), 3);
        var jobs = await target.JobsAsync();
        _recorder.CutAt(t => t.StartsWith("COMMIT;", StringComparison.Ordinal), QueryRecorder.Cut.BeforeTheAnswer);
        var made = new List<int>();
        var result = await target.PopulateAsync(Counting(made), new PopulateOptions { ReserveJobs = true, HandleSignals = false });
        Assert.That(_recorder.Cuts, Is.EqualTo(1));
        Assert.That(result.SuccessCount, Is.EqualTo(3));
        Assert.That(result.Errors, Is.Empty);
        Assert.That(made.Order(), Is.EqualTo(new[] { 1, 2, 3 }), "each key made once");
        Assert.That(await target.CountAsync(), Is.EqualTo(3));
        Assert.That(await jobs.Table.CountAsync(), Is.Zero, "every job completed, no reservation left behind");
        AssertNoReservationInsideATransactionOnAnyConnection(lost: 1);
    }

    /// <summary>
    /// The connection is lost after the server ran a key's first round trip (its reservation took) but before the answer:
    /// the worker gives the reservation back through a new connection and reserves the key again.
    /// </summary>
    [Test]
    public async Task LostAfterAReservationTook_ItIsGivenBack_AndTheKeyReservedAgain()
    {
        var (_, target) = await DeclareAsync(Recorded(), 2);
        var jobs = await target.JobsAsync();
        _recorder.CutAt(t => t.StartsWith($"UPDATE `{_database}`.`~~target` SET `status`='reserved'", StringComparison.Ordinal),
            QueryRecorder.Cut.BeforeTheAnswer);
        var made = new List<int>();
        var result = await target.PopulateAsync(Counting(made), new PopulateOptions { ReserveJobs = true, HandleSignals = false });
        Assert.That(_recorder.Cuts, Is.EqualTo(1));
        Assert.That(result.SuccessCount, Is.EqualTo(2));
        Assert.That(made.Order(), Is.EqualTo(new[] { 1, 2 }));
        Assert.That(await jobs.Table.CountAsync(), Is.Zero);
        AssertNoReservationInsideATransactionOnAnyConnection(lost: 1);
    }

    /// <summary>With <c>database.reconnect</c> off, a lost connection stops the populate (as in DataJoint Python).</summary>
    [Test]
    public async Task WithReconnectOff_ALostConnectionStopsThePopulate()
    {
        var connection = DataJointConnection.FromSettings(DataJointSettings.Load() with
        {
            Database = TestServices.Database with { Host = "127.0.0.1", Port = _recorder.Port, Tls = TlsMode.Off, Reconnect = false },
        });
        var (_, target) = await DeclareAsync(connection, 2);
        var jobs = await target.JobsAsync();
        _recorder.CutAt(t => t.StartsWith("COMMIT;", StringComparison.Ordinal), QueryRecorder.Cut.BeforeTheServer);
        var ex = await Assert.ThrowsAsync<LostConnectionException>(() =>
            target.PopulateAsync(Make, new PopulateOptions { ReserveJobs = true, SuppressErrors = true, HandleSignals = false }));
        Assert.That(ex!.Message, Does.Contain("database.reconnect is off").And.Contain("`__target`"));
        Assert.That(await target.CountAsync(), Is.Zero, "the key was rolled back by the server");
        Assert.That(await jobs.Reserved.CountAsync(), Is.EqualTo(1), "its job stays reserved until an orphan refresh");
    }

    /// <summary>A make that records the keys it was called for.</summary>
    private static MakeHandler Counting(List<int> made) => (context, ct) =>
    {
        lock (made) made.Add((int)context.Key["key_id"]!);
        return Make(context, ct);
    };

    /// <summary>
    /// The round trips of every connection that ran keys (a reconnect opens a new one), each from its first job statement
    /// on, in the order the connections were opened.
    /// </summary>
    private List<List<string[]>> WorkerConnections() =>
        _recorder.Queries().OrderBy(q => q.Key).Select(q => q.Value).Where(q => q.Any(t => t.Contains(Start, StringComparison.Ordinal)))
            .Select(q => q.SkipWhile(t => !t.StartsWith($"UPDATE `{_database}`.`~~target` SET `status`=", StringComparison.Ordinal))
                .Select(t => t.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).ToList())
            .ToList();

    /// <summary>
    /// As <see cref="AssertNoReservationInsideATransaction"/> for a populate that lost connections: every connection but
    /// the last was lost (the server rolled back what it had open); the last one ends with no transaction open.
    /// </summary>
    private void AssertNoReservationInsideATransactionOnAnyConnection(int lost)
    {
        var connections = WorkerConnections();
        Assert.That(connections, Has.Count.EqualTo(lost + 1), "one connection per loss, and the last\n" +
            string.Join("\n---\n", connections.Select(c => string.Join("\n", c.Select(t => string.Join(" ; ", t))))));
        for (var i = 0; i < connections.Count; i++) AssertNoReservationInsideATransaction(connections[i], endsOpen: i < connections.Count - 1);
    }

    /// <summary>
    /// Makes the <paramref name="verb"/> statements on the job table fail as a deadlock (error 1213) <paramref name="times"/>
    /// times after letting <paramref name="after"/> pass, through a trigger counting down in a MEMORY table (not
    /// transactional, so a failed statement still counts). The trigger fires once per row the statement would change.
    /// </summary>
    private Task FailNextAsync(JobTable jobs, string verb, int times, int after = 0) => FailNextAsync(jobs.Table, verb, times, after);

    private async Task FailNextAsync(Table table, string verb, int times, int after = 0)
    {
        await using var conn = await _shared.OpenAsync();
        foreach (var sql in new[]
                 {
                     $"CREATE TABLE `{_database}`.`fail_next` (skip int NOT NULL, n int NOT NULL) ENGINE=MEMORY",
                     $"INSERT INTO `{_database}`.`fail_next` VALUES ({after}, {times})",
                     $"CREATE TRIGGER `{_database}`.`fail_{verb.ToLowerInvariant()}` BEFORE {verb} ON {table.FullName} FOR EACH ROW " +
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
