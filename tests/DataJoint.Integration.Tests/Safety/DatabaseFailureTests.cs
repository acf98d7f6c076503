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

    /// <summary>Kills (with KILL) the server connections of this test that run a statement containing <paramref name="marker"/>.</summary>
    private async Task<int> KillOwnConnectionsAsync(string marker)
    {
        var ids = (await QueryAsync(
                $"SELECT id FROM information_schema.processlist WHERE info LIKE '%{marker}%' AND id <> CONNECTION_ID()"))
            .Select(r => Convert.ToInt64(r[0])).ToList();
        foreach (var id in ids)
        {
            try { await ExecAsync($"KILL {id}"); }
            catch (MySqlException) { /* already gone */ }
        }
        return ids.Count;
    }

    [Test]
    public async Task FetchWhoseConnectionDies_RaisesLostConnection_NamingTheTable()
    {
        var t = await Schema.DeclareAsync("Bulk", TableTier.Manual, "id : int32\n---\npad : varchar(1000)");
        await ExecAsync($"INSERT INTO `{Schema.Database}`.`bulk` SELECT seq, REPEAT('x', 1000) FROM `{Schema.Database}`.seq_1_to_100000");
        var rows = 0;
        var ex = await Assert.ThrowsAsync<LostConnectionException>(async () =>
        {
            await foreach (var _ in t.StreamAsync())
            {
                if (++rows == 1) Assert.That(await KillOwnConnectionsAsync($"FROM `{Schema.Database}`.`bulk`"), Is.GreaterThan(0));
            }
        });
        Assert.That(rows, Is.LessThan(100000));
        Assert.That(ex!.IsTransient, Is.True);
        Assert.That((ex.Schema, ex.Table), Is.EqualTo((Schema.Database, "bulk")));
        Assert.That(ex.Message, Does.Contain("connection to the database server was lost").And.Contain("bulk"));
        // the whole-list fetch too, and Retry gets the rows once the connection is back
        var killer = Task.Run(async () =>
        {
            for (var i = 0; i < 2000; i++)
            {
                var killed = await KillOwnConnectionsAsync($"FROM `{Schema.Database}`.`bulk`");
                if (killed > 0) return killed;
                await Task.Delay(2);
            }
            return 0;
        });
        var attempts = 0;
        // A condition that sleeps 1 ms per row keeps the statement on the server for about 2 s, so the killer finds it.
        var slow = t & "id <= 2000 AND SLEEP(0.001) = 0";
        var all = await Retry.RunAsync(async ct =>
        {
            attempts++;
            return await slow.FetchAsync(cancellationToken: ct);
        }, new RetryOptions { MaxAttempts = 5, BaseDelay = TimeSpan.FromMilliseconds(50) });
        Assert.That(await killer, Is.GreaterThan(0), "the first fetch's connection was killed");
        Assert.That(all, Has.Count.EqualTo(2000));
        Assert.That(attempts, Is.GreaterThanOrEqualTo(2), "the killed fetch was retried");
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

        var attempts = 0;
        var insert = Retry.RunAsync(async ct =>
        {
            attempts++;
            try
            {
                // one row per statement: id 1 is locked first, then the insert waits for id 2
                await t.InsertAsync(new[] { new { id = 1, note = "a" }, new { id = 2, note = "b" } },
                    new InsertOptions { MaxRowsPerStatement = 1, SkipDuplicates = true }, ct);
            }
            catch (DeadlockException ex)
            {
                Assert.That(ex.IsTransient, Is.True);
                Assert.That((ex.Schema, ex.Table, ex.ErrorNumber), Is.EqualTo((Schema.Database, "item", 1213)));
                throw;
            }
        }, new RetryOptions { MaxAttempts = 3, BaseDelay = TimeSpan.FromMilliseconds(300) });

        await WaitForLockWaitAsync();
        // The other transaction now asks for id 1, which the insert holds: a deadlock; the insert is rolled back.
        await using (var cmd = new MySqlCommand($"INSERT INTO `{Schema.Database}`.`item` VALUES (1, 'other')", other, tx))
            await cmd.ExecuteNonQueryAsync();
        await tx.RollbackAsync();
        await insert;

        Assert.That(attempts, Is.EqualTo(2), "the first attempt was the deadlock victim, the retry succeeded");
        Assert.That(await RawCountAsync("item"), Is.EqualTo(2));
    }

    private async Task WaitForLockWaitAsync()
    {
        // The insert's statement for id 2 is running: the other transaction holds id 2, so it waits for that lock.
        // (MariaDB's innodb_trx does not always show the waiting statement; the process list does.)
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var waiting = await QueryAsync("SELECT COUNT(*) FROM information_schema.processlist " +
                                           $"WHERE info LIKE 'INSERT INTO `{Schema.Database}`.`item`%VALUES (2,%'");
            if (Convert.ToInt64(waiting[0][0]) > 0) return;
            await Task.Delay(25);
        }
        Assert.Fail("the insert never waited for the other transaction's lock");
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
