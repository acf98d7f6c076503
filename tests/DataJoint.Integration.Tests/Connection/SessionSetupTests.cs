using MySqlConnector;

namespace DataJoint.Integration.Tests.Connection;

/// <summary>
/// Connections come from a MySqlDataSource: a server session gets DataJoint's sql_mode once, when it is opened; reopening
/// a pooled session sends no SET (only a ping), finds no transaction left by the previous user (an abandoned transaction
/// is rolled back when the connection is closed), and a session the server killed is replaced, not handed out.
/// </summary>
public class SessionSetupTests
{
    private static async Task<object?> ScalarAsync(MySqlConnection conn, string sql)
    {
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        return await cmd.ExecuteScalarAsync();
    }

    private static async Task<DataJointConnection> OwnPoolAsync()
    {
        var shared = await TestServices.RequireDatabaseAsync();
        // Its own connection string, so its own pool: the session reopened below is the one this test closed.
        return new DataJointConnection(shared.Settings with { ConnectTimeoutSeconds = 15 + Random.Shared.Next(1, 1000) });
    }

    [Test]
    public async Task ASessionGetsSqlModeOnce_AndIsReusedWithoutAnotherStatement()
    {
        var connection = await OwnPoolAsync();
        long id;
        long setStatements;
        await using (var conn = await connection.OpenAsync())
        {
            Assert.That(await ScalarAsync(conn, "SELECT @@SESSION.sql_mode"), Does.Contain("STRICT_ALL_TABLES").And.Contain("ONLY_FULL_GROUP_BY"));
            id = Convert.ToInt64(await ScalarAsync(conn, "SELECT CONNECTION_ID()"));
            setStatements = Convert.ToInt64(await ScalarAsync(conn, "SELECT VARIABLE_VALUE FROM information_schema.SESSION_STATUS WHERE VARIABLE_NAME = 'COM_SET_OPTION'"));
            Assert.That(setStatements, Is.GreaterThanOrEqualTo(1), "the session was set up with a SET statement");
        }
        for (var i = 0; i < 3; i++)
        {
            await using var conn = await connection.OpenAsync();
            Assert.That(Convert.ToInt64(await ScalarAsync(conn, "SELECT CONNECTION_ID()")), Is.EqualTo(id), "the pooled session is reused");
            Assert.That(Convert.ToInt64(await ScalarAsync(conn, "SELECT VARIABLE_VALUE FROM information_schema.SESSION_STATUS WHERE VARIABLE_NAME = 'COM_SET_OPTION'")),
                Is.EqualTo(setStatements), "reopening sends no SET");
            Assert.That(await ScalarAsync(conn, "SELECT @@SESSION.sql_mode"), Does.Contain("STRICT_ALL_TABLES"));
        }
    }

    [Test]
    public async Task AnAbandonedTransactionDoesNotOutliveItsConnection()
    {
        var connection = await OwnPoolAsync();
        var schema = TestServices.UniqueSchemaName("sess");
        try
        {
            await using (var conn = await connection.OpenAsync())
            {
                await ScalarAsync(conn, $"CREATE DATABASE `{schema}`");
                await ScalarAsync(conn, $"CREATE TABLE `{schema}`.`t` (`id` int NOT NULL, PRIMARY KEY (`id`)) ENGINE=InnoDB");
                var tx = await conn.BeginTransactionAsync();
                await using var insert = conn.CreateCommand();
                insert.Transaction = tx;
                insert.CommandText = $"INSERT INTO `{schema}`.`t` VALUES (1)";
                await insert.ExecuteNonQueryAsync();
                // neither committed nor disposed: the connection is closed with the transaction open
            }
            await using (var conn = await connection.OpenAsync())
            {
                Assert.That(Convert.ToInt64(await ScalarAsync(conn, "SELECT @@in_transaction")), Is.Zero);
                Assert.That(Convert.ToInt64(await ScalarAsync(conn, $"SELECT COUNT(*) FROM `{schema}`.`t`")), Is.Zero);
            }
        }
        finally
        {
            await TestServices.DropSchemaAsync(connection, schema);
        }
    }

    [Test]
    public async Task APooledSessionTheServerKilled_IsNotHandedOutAgain()
    {
        var connection = await OwnPoolAsync();
        long id;
        await using (var conn = await connection.OpenAsync())
            id = Convert.ToInt64(await ScalarAsync(conn, "SELECT CONNECTION_ID()"));
        await using (var killer = await (await TestServices.RequireDatabaseAsync()).OpenAsync())
            await ScalarAsync(killer, $"KILL {id}");
        await Task.Delay(100);
        await using (var conn = await connection.OpenAsync())
        {
            Assert.That(Convert.ToInt64(await ScalarAsync(conn, "SELECT 1")), Is.EqualTo(1), "the next open works");
            Assert.That(Convert.ToInt64(await ScalarAsync(conn, "SELECT CONNECTION_ID()")), Is.Not.EqualTo(id));
            Assert.That(await ScalarAsync(conn, "SELECT @@SESSION.sql_mode"), Does.Contain("STRICT_ALL_TABLES"));
        }
    }

    /// <summary>
    /// A connection that drops while its session is being set up (the server restarting: the answer to the SET comes back
    /// incomplete) is a transient <see cref="LostConnectionException"/> — one <see cref="Retry"/> retries — not a plain
    /// database error.
    /// </summary>
    [Test]
    public async Task AConnectionLostDuringTheSessionSetup_IsATransientLostConnection()
    {
        await TestServices.RequireDatabaseAsync();
        await using var recorder = new Populate.QueryRecorder(TestServices.Database.Host, TestServices.Database.Port);
        recorder.CutAt(t => t.StartsWith("SET SESSION sql_mode", StringComparison.Ordinal), Populate.QueryRecorder.Cut.BeforeTheAnswer);
        var connection = new DataJointConnection(TestServices.Database with { Host = "127.0.0.1", Port = recorder.Port, Tls = TlsMode.Off });
        var ex = await Assert.ThrowsAsync<LostConnectionException>(async () => await (await connection.OpenAsync()).DisposeAsync());
        Assert.That(ex!.IsTransient, Is.True);
        Assert.That(ex.Message, Does.StartWith("Cannot connect to the database server at "));
        Assert.That(recorder.Cuts, Is.EqualTo(1));
        await using var again = await connection.OpenAsync(); // the next attempt works
        Assert.That(again.State, Is.EqualTo(System.Data.ConnectionState.Open));
    }
}
