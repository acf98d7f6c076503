using DataJoint.Settings;

namespace DataJoint.Integration.Tests.Populate;

/// <summary>
/// What MariaDB receives during populate, recorded on the wire by a forwarder of the test's own (<see cref="QueryRecorder"/>):
/// per key the statements and order of spec §3.5 — reserve, <c>START TRANSACTION WITH CONSISTENT SNAPSHOT</c>, key check,
/// make, <c>COMMIT</c>, job metadata, complete — in three round trips; and what happens when a statement after the COMMIT or
/// the reservation fails.
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

    private static int KeyOf(string statement) =>
        int.Parse(System.Text.RegularExpressions.Regex.Match(statement, @"`key_id`\s*=\s*(\d+)").Groups[1].Value);

    [Test]
    public async Task ReservedJobs_EachKeyIsThreeRoundTrips_InPythonsOrder()
    {
        var (_, target) = await DeclareAsync(Recorded(), 3);
        var result = await target.PopulateAsync(Make, new PopulateOptions { ReserveJobs = true, HandleSignals = false });
        Assert.That(result.SuccessCount, Is.EqualTo(3));

        var trips = WorkerRoundTrips($"UPDATE `{_database}`.`~~target` SET `status`='reserved'");
        Assert.That(trips, Has.Count.EqualTo(9), string.Join("\n", trips.Select(t => string.Join(" ; ", t))));
        var made = new List<int>();
        for (var i = 0; i < trips.Count; i += 3)
        {
            var key = KeyOf(trips[i][0]);
            made.Add(key);
            // (1) reserve (autocommit), (2) START TRANSACTION WITH CONSISTENT SNAPSHOT, (3) key check: one round trip.
            Assert.That(trips[i], Has.Length.EqualTo(3));
            Assert.That(trips[i][0], Does.Contain("WHERE `status`='pending' AND `scheduled_time` <= CURRENT_TIMESTAMP(3) AND `key_id`=" + key));
            Assert.That(trips[i][1], Is.EqualTo(Start));
            Assert.That(trips[i][2], Is.EqualTo($"SELECT 1 FROM `{_database}`.`__target` WHERE `key_id`={key} LIMIT 1"));
            // (4) the make's insert.
            Assert.That(trips[i + 1], Has.Length.EqualTo(1));
            Assert.That(trips[i + 1][0], Does.StartWith($"INSERT INTO `{_database}`.`__target`"));
            // (5) COMMIT and (6) complete (jobs.keep_completed off: the job row is deleted): one round trip.
            Assert.That(trips[i + 2], Is.EqualTo(new[] { "COMMIT", $"DELETE FROM `{_database}`.`~~target` WHERE `key_id`={key}" }));
        }
        Assert.That(made.Order(), Is.EqualTo(new[] { 1, 2, 3 }));
    }

    [Test]
    public async Task WithoutJobs_EachKeyIsThreeRoundTrips_AndTheJobMetadataFollowsTheCommit()
    {
        var connection = Recorded(new JobsSettings { AddJobMetadata = true });
        var (_, target) = await DeclareAsync(connection, 2);
        Assert.That((await target.PopulateAsync(Make, new PopulateOptions { HandleSignals = false })).SuccessCount, Is.EqualTo(2));

        var trips = WorkerRoundTrips(Start);
        Assert.That(trips, Has.Count.EqualTo(6), string.Join("\n", trips.Select(t => string.Join(" ; ", t))));
        for (var i = 0; i < trips.Count; i += 3)
        {
            var key = KeyOf(trips[i][1]);
            Assert.That(trips[i], Is.EqualTo(new[] { Start, $"SELECT 1 FROM `{_database}`.`__target` WHERE `key_id`={key} LIMIT 1" }));
            Assert.That(trips[i + 1].Single(), Does.StartWith($"INSERT INTO `{_database}`.`__target`"));
            Assert.That(trips[i + 2], Has.Length.EqualTo(2));
            Assert.That(trips[i + 2][0], Is.EqualTo("COMMIT"));
            Assert.That(trips[i + 2][1], Does.StartWith($"UPDATE `{_database}`.`__target` SET `_job_start_time`=").And.EndWith($"WHERE `key_id`={key}"));
        }
        var rows = await (await Schema.ActivateAsync(_shared, _database)).OpenTableAsync("__target");
        Assert.That(await rows.CountAsync(), Is.EqualTo(2));
    }

    [Test]
    public async Task AKeyAnotherWorkerReservesMeanwhile_IsSkipped_AndItsTransactionEndsBeforeTheNextReservation()
    {
        var (_, target) = await DeclareAsync(Recorded(), 2);
        var jobs = await target.JobsAsync();
        // Another worker takes key 1 after this populate listed the pending jobs (its first progress report) and before
        // it reserves them.
        var progress = new Synchronous(p =>
        {
            if (p.Done == 0) Assert.That(jobs.ReserveAsync(new { key_id = 1 }).GetAwaiter().GetResult(), Is.True);
        });
        var result = await target.PopulateAsync(Make, new PopulateOptions { ReserveJobs = true, Progress = progress, HandleSignals = false });
        Assert.That(result.SuccessCount, Is.EqualTo(1));

        var trips = WorkerRoundTrips($"UPDATE `{_database}`.`~~target` SET `status`='reserved'");
        var skipped = trips.FindIndex(t => t.Length == 3 && t[1] == Start && KeyOf(t[0]) == 1);
        Assert.That(skipped, Is.GreaterThanOrEqualTo(0), "key 1 was tried");
        Assert.That(trips[skipped + 1], Is.EqualTo(new[] { "ROLLBACK" }), "the transaction that began with the failed reservation ends at once");
        Assert.That((await jobs.Reserved.FetchAsync()).Single()["key_id"], Is.EqualTo(1), "the other worker's reservation is left alone");
        Assert.That((await target.FetchAsync()).Single()["key_id"], Is.EqualTo(2));
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
        AssertNoReservationInsideATransaction(WorkerRoundTrips($"UPDATE `{_database}`.`~~target` SET `status`='reserved'"));
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
        AssertNoReservationInsideATransaction(WorkerRoundTrips($"UPDATE `{_database}`.`~~target` SET `status`='reserved'"));
    }

    /// <summary>
    /// Makes the next <paramref name="times"/> <paramref name="verb"/> statements on the job table fail as a deadlock (error
    /// 1213), through a trigger counting down in a MEMORY table (not transactional, so a failed statement still counts).
    /// </summary>
    private async Task FailNextAsync(JobTable jobs, string verb, int times)
    {
        await using var conn = await _shared.OpenAsync();
        foreach (var sql in new[]
                 {
                     $"CREATE TABLE `{_database}`.`fail_next` (n int NOT NULL) ENGINE=MEMORY",
                     $"INSERT INTO `{_database}`.`fail_next` VALUES ({times})",
                     $"CREATE TRIGGER `{_database}`.`fail_job_{verb.ToLowerInvariant()}` BEFORE {verb} ON {jobs.Table.FullName} FOR EACH ROW " +
                     $"BEGIN IF (SELECT n FROM `{_database}`.`fail_next`) > 0 THEN UPDATE `{_database}`.`fail_next` SET n = n - 1; " +
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
