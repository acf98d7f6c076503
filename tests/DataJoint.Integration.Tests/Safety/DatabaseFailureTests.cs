using DataJoint.Integration.Tests.Tables;
using MySqlConnector;

namespace DataJoint.Integration.Tests.Safety;

/// <summary>
/// Issue #10 item 9 (database): a fetch whose connection is killed, and a deadlock between concurrent inserts, surface
/// as <see cref="DataJointException"/> subtypes marked transient (never raw MySqlConnector exceptions), and
/// <see cref="Retry"/> runs the failed operation again.
/// </summary>
public class DatabaseFailureTests : SchemaFixture
{
    protected override string Purpose => "dbfail";

    /// <summary>
    /// Waits until exactly one server connection (never this one) runs a SELECT containing <paramref name="marker"/>
    /// while its state is <paramref name="state"/> (null: any state), and kills it with <c>KILL</c>. Only a plain
    /// SELECT on a user table is ever killed (never a catalogue or DDL statement: that crashed MariaDB 10.11 once).
    /// </summary>
    private async Task<long> KillOwnSelectAsync(string marker, string? state)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var ids = (await QueryAsync(
                    "SELECT id FROM information_schema.processlist WHERE id <> CONNECTION_ID() " +
                    $"AND info LIKE 'SELECT %{marker}%'" + (state is null ? "" : $" AND state = '{state}'")))
                .Select(r => Convert.ToInt64(r[0])).ToList();
            if (ids.Count > 1) Assert.Fail($"{ids.Count} connections run the marked statement; expected one");
            if (ids.Count == 1)
            {
                await ExecAsync($"KILL {ids[0]}");
                return ids[0];
            }
            await Task.Delay(10);
        }
        Assert.Fail($"no connection reached the marked statement ({marker}, state {state ?? "any"}) within 60 s");
        return 0;
    }

    [Test]
    public async Task FetchWhoseConnectionDies_RaisesLostConnection_NamingTheTable()
    {
        var t = await Schema.DeclareAsync("Bulk", TableTier.Manual, "id : int32\n---\npad : varchar(1000)");
        await ExecAsync($"INSERT INTO `{Schema.Database}`.`bulk` SELECT seq, REPEAT('x', 1000) FROM `{Schema.Database}`.seq_1_to_100000");
        var marker = $"FROM `{Schema.Database}`.`bulk`";

        // A stream: its first row has arrived, so its SELECT is still sending the other ~100 MB (the client reads no
        // further until the kill): the statement is certainly on the server when it is killed.
        var rows = 0;
        var ex = await Assert.ThrowsAsync<LostConnectionException>(async () =>
        {
            await foreach (var _ in t.StreamAsync())
            {
                if (++rows == 1) await KillOwnSelectAsync(marker, state: null);
            }
        });
        Assert.That(rows, Is.LessThan(100000));
        Assert.That(ex!.IsTransient, Is.True);
        Assert.That((ex.Schema, ex.Table), Is.EqualTo((Schema.Database, "bulk")));
        Assert.That(ex.Message, Does.Contain("connection to the database server was lost").And.Contain("bulk"));

        // The whole-list fetch: at row 1000 its condition asks for a named lock this test holds, so the statement stops
        // on the server in state 'User lock' until the test lets go. The test kills it there (an observed server state,
        // not a time), then releases the lock; Retry's second attempt gets every row.
        var lockName = Schema.Database + ".fetch";
        await using var holder = await Connection.OpenAsync();
        await using (var cmd = new MySqlCommand($"SELECT GET_LOCK('{lockName}', 0)", holder))
            Assert.That(Convert.ToInt64(await cmd.ExecuteScalarAsync()), Is.EqualTo(1), "the test holds the lock");
        var blocked = t & $"id <= 2000 AND (id <> 1000 OR GET_LOCK('{lockName}', 120) = 1)";
        var failures = new List<Exception>();
        var attempts = 0;
        var fetch = Retry.RunAsync(async ct =>
        {
            attempts++;
            try { return await blocked.FetchAsync(cancellationToken: ct); }
            catch (Exception e) { failures.Add(e); throw; }
        }, new RetryOptions { MaxAttempts = 3, BaseDelay = TimeSpan.FromMilliseconds(50) });

        await KillOwnSelectAsync(marker, state: "User lock");
        await using (var cmd = new MySqlCommand($"SELECT RELEASE_LOCK('{lockName}')", holder))
            await cmd.ExecuteScalarAsync();
        var all = await fetch;

        Assert.That(all, Has.Count.EqualTo(2000));
        Assert.That(attempts, Is.EqualTo(2), "the killed fetch failed once and was retried once");
        Assert.That(failures, Has.Count.EqualTo(1));
        var lost = failures[0] as LostConnectionException;
        Assert.That(lost, Is.Not.Null, $"the killed fetch raised {failures[0].GetType().Name}: {failures[0].Message}");
        Assert.That((lost!.Schema, lost.Table, lost.IsTransient), Is.EqualTo((Schema.Database, "bulk", true)));
    }

    [Test]
    public async Task DeadlockBetweenConcurrentInserts_IsTransient_AndRetrySucceeds()
    {
        var t = await Schema.DeclareAsync("Item", TableTier.Manual, "id : int32\n---\nnote : varchar(16)");
        // A heavier transaction (100 rows) holds id 2 and will ask for id 1: InnoDB picks the lighter one, the insert, as victim.
        await using var other = await Connection.OpenAsync();
        var tx = await other.BeginTransactionAsync();
        await using (var cmd = new MySqlCommand($"INSERT INTO `{Schema.Database}`.`item` SELECT 1000 + seq, 'heavy' FROM `{Schema.Database}`.seq_1_to_100; " +
                                                $"INSERT INTO `{Schema.Database}`.`item` VALUES (2, 'other')", other, tx))
            await cmd.ExecuteNonQueryAsync();
        long otherThread;
        await using (var cmd = new MySqlCommand("SELECT CONNECTION_ID()", other, tx))
            otherThread = Convert.ToInt64(await cmd.ExecuteScalarAsync());

        var deadlocks = new List<DeadlockException>();
        var attempts = 0;
        var insert = Retry.RunAsync(async ct =>
        {
            attempts++;
            try
            {
                // one row per statement, in order: id 1 is locked first, then the insert waits for id 2
                await t.InsertAsync(new[] { new { id = 1, note = "a" }, new { id = 2, note = "b" } },
                    new InsertOptions { MaxRowsPerStatement = 1, SkipDuplicates = true }, ct);
            }
            catch (DeadlockException ex)
            {
                deadlocks.Add(ex);
                throw;
            }
        }, new RetryOptions { MaxAttempts = 3, BaseDelay = TimeSpan.FromMilliseconds(300) });

        await WaitForInsertToHoldOneAndWaitForTwoAsync(otherThread);
        // The other transaction now asks for id 1, which the insert holds: a deadlock; the insert is rolled back.
        await using (var cmd = new MySqlCommand($"INSERT INTO `{Schema.Database}`.`item` VALUES (1, 'other')", other, tx))
            await cmd.ExecuteNonQueryAsync();
        await tx.RollbackAsync();
        await insert;

        Assert.That(attempts, Is.EqualTo(2), "the first attempt was the deadlock victim, the retry succeeded");
        Assert.That(deadlocks, Has.Count.EqualTo(1));
        Assert.That(deadlocks[0].IsTransient, Is.True);
        Assert.That((deadlocks[0].Schema, deadlocks[0].Table, deadlocks[0].ErrorNumber), Is.EqualTo((Schema.Database, "item", 1213)));
        Assert.That(await QueryAsync($"SELECT id, note FROM `{Schema.Database}`.`item` ORDER BY id"),
            Is.EqualTo(new[] { new object?[] { 1, "a" }, new object?[] { 2, "b" } }));
    }

    /// <summary>
    /// Waits for the exact lock state the deadlock needs: the insert's transaction has written one row (id 1, so it holds
    /// that row's lock) and waits for the lock on id 2, which the other transaction (on connection
    /// <paramref name="otherThread"/>) holds.
    /// </summary>
    private async Task WaitForInsertToHoldOneAndWaitForTwoAsync(long otherThread)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        // First the process list (read live): the insert's second statement runs, so its first one (id 1) is done.
        while (Convert.ToInt64((await QueryAsync("SELECT COUNT(*) FROM information_schema.processlist " +
                   $"WHERE info LIKE 'INSERT INTO `{Schema.Database}`.`item`%VALUES (2,%'"))[0][0]) == 0)
        {
            if (DateTime.UtcNow > deadline) Assert.Fail("the insert's statement for id 2 never ran");
            await Task.Delay(10);
        }
        // Then the lock wait itself. InnoDB's information_schema lock tables come from a cache that is refreshed only
        // when nobody has read it for 100 ms, so this polls every 250-450 ms (polling faster would keep it stale forever;
        // the random part keeps two such tests on the shared server from keeping it stale together).
        while (DateTime.UtcNow < deadline)
        {
            await Task.Delay(250 + Random.Shared.Next(200));
            var waiting = await QueryAsync(
                "SELECT r.trx_rows_modified FROM information_schema.innodb_lock_waits w " +
                "JOIN information_schema.innodb_trx r ON r.trx_id = w.requesting_trx_id " +
                "JOIN information_schema.innodb_trx b ON b.trx_id = w.blocking_trx_id " +
                "JOIN information_schema.innodb_locks l ON l.lock_id = w.requested_lock_id " +
                $"WHERE b.trx_mysql_thread_id = {otherThread} AND r.trx_mysql_thread_id <> {otherThread} " +
                $"AND l.lock_table = '`{Schema.Database}`.`item`' AND l.lock_data = '2'");
            if (waiting.Count == 1)
            {
                Assert.That(Convert.ToInt64(waiting[0][0]), Is.EqualTo(1), "the waiting insert has written id 1");
                return;
            }
        }
        Assert.Fail("the insert never waited for the other transaction's lock on id 2");
    }

    [Test]
    public async Task MissingPrivilege_IsAccessDenied_NotARawDriverException()
    {
        var user = "djnet_noprivs_" + Guid.NewGuid().ToString("N")[..12];
        await ExecAsync($"CREATE USER '{user}'@'%' IDENTIFIED BY 'pw'");
        try
        {
            var limited = new DataJointConnection(TestServices.Database with { User = user, Password = "pw" });
            var name = TestServices.UniqueSchemaName("noprivs");
            var ex = await Assert.ThrowsAsync<AccessDeniedException>(() => Schema.ActivateAsync(limited, name));
            Assert.That((ex!.Schema, ex.ErrorNumber), Is.EqualTo((name, 1044)));
            Assert.That(ex.Message, Does.Contain($"activate schema `{name}`"));
        }
        finally
        {
            await ExecAsync($"DROP USER IF EXISTS '{user}'@'%'");
        }
    }

    [Test]
    public async Task WrongPassword_IsAccessDenied_UnreachableServer_IsLostConnection()
    {
        var bad = new DataJointConnection(TestServices.Database with { Password = "definitely-wrong" });
        var denied = await Assert.ThrowsAsync<AccessDeniedException>(() => bad.OpenAsync());
        Assert.That(denied!.IsTransient, Is.False);
        var nowhere = new DataJointConnection(TestServices.Database with { Port = SilentListener.ClosedPort(), ConnectTimeoutSeconds = 2 });
        var lost = await Assert.ThrowsAsync<LostConnectionException>(() => nowhere.OpenAsync());
        Assert.That(lost!.IsTransient, Is.True);
    }
}
