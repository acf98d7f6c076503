using DataJoint.Settings;
using System.Data.Common;
using System.Globalization;
using System.Text;
using DataJoint.Declare;
using DataJoint.Definitions;

namespace DataJoint;

/// <summary>The status of a job in a job table (the <c>status</c> enum of DataJoint Python 2.x).</summary>
public enum JobStatus
{
    /// <summary>Waiting for a worker (<c>pending</c>).</summary>
    Pending,
    /// <summary>A worker holds it (<c>reserved</c>).</summary>
    Reserved,
    /// <summary>Made and kept because <c>jobs.keep_completed</c> is on (<c>success</c>).</summary>
    Success,
    /// <summary>Make failed; the message and stack are recorded (<c>error</c>).</summary>
    Error,
    /// <summary>Never to be made (<c>ignore</c>).</summary>
    Ignore,
}

/// <summary>What <see cref="JobTable.RefreshAsync"/> does; unset values come from <see cref="JobsSettings"/>.</summary>
public sealed record JobRefreshOptions
{
    /// <summary>Conditions on the key source (AND); only keys matching them are added or re-pended.</summary>
    public IReadOnlyList<object> Restrictions { get; init; } = [];
    /// <summary>New jobs become available this long after the server's current time (negative: already due).</summary>
    public TimeSpan Delay { get; init; }
    /// <summary>Priority of the jobs added (lower is more urgent); default <see cref="JobsSettings.DefaultPriority"/>.</summary>
    public int? Priority { get; init; }
    /// <summary>Delete jobs older than this whose key left the key source; default <see cref="JobsSettings.StaleTimeoutSeconds"/>; zero skips.</summary>
    public TimeSpan? StaleTimeout { get; init; }
    /// <summary>Put <c>reserved</c> jobs reserved longer ago than this back to <c>pending</c> (their worker died); null skips.</summary>
    public TimeSpan? OrphanTimeout { get; init; }
}

/// <summary>What a refresh changed (Python's <c>{added, removed, orphaned, re_pended}</c>).</summary>
/// <param name="Added">New <c>pending</c> jobs.</param>
/// <param name="Removed">Stale jobs deleted.</param>
/// <param name="Orphaned">Orphaned <c>reserved</c> jobs put back to <c>pending</c>.</param>
/// <param name="RePended"><c>success</c> jobs whose row left the target, put back to <c>pending</c>.</param>
public readonly record struct JobRefreshResult(int Added, int Removed, int Orphaned, int RePended);

/// <summary>How many jobs of each status a job table holds.</summary>
public readonly record struct JobCounts(long Pending, long Reserved, long Success, long Error, long Ignore)
{
    /// <summary>All jobs.</summary>
    public long Total => Pending + Reserved + Success + Error + Ignore;
}

/// <summary>
/// The job table <c>~~name</c> of an auto-populated table, exactly as DataJoint Python 2.x declares and uses it (spec §3.5),
/// so .NET and Python workers can serve the same queue: the same statuses, priorities, server-clock timestamps and key
/// encoding. Obtain it with <see cref="Table.JobsAsync"/>; it is declared on first use.
/// </summary>
public sealed class JobTable
{
    /// <summary>Python's limit of <c>error_message</c>.</summary>
    public const int ErrorMessageLength = 2047;
    private const string TruncationAppendix = "...truncated";
    private const string ResetColumns =
        "`status`='pending', `priority`=?, `created_time`=CURRENT_TIMESTAMP(3), `scheduled_time`=CURRENT_TIMESTAMP(3), " +
        "`reserved_time`=NULL, `completed_time`=NULL, `duration`=NULL, `error_message`='', `error_stack`=NULL, " +
        "`user`='', `host`='', `pid`=0, `connection_id`=0, `version`=''";
    private const int KeysPerStatement = 500;

    private readonly Func<CancellationToken, Task<QueryExpression>> _keySource;
    private readonly string[] _key;
    private readonly HeadingAttribute[] _keyAttributes;

    private JobTable(Table target, Table table, JobsSettings settings, Func<CancellationToken, Task<QueryExpression>> keySource)
    {
        Target = target;
        Table = table;
        Settings = settings;
        _keySource = keySource;
        _key = table.TableHeading.PrimaryKey.ToArray();
        _keyAttributes = _key.Select(n => table.TableHeading[n]).ToArray();
        // Every job statement names its key; a job table without one would match every job.
        if (_key.Length == 0)
            throw new DataJointException($"The job table {table.FullName} has no primary key; it is not a DataJoint job table (spec §3.5).");
    }

    /// <summary>The auto-populated table whose jobs these are.</summary>
    public Table Target { get; }

    /// <summary>The job table itself (query it, or delete rows from it, like any table).</summary>
    public Table Table { get; }

    /// <summary>The settings refresh, complete and ignore use.</summary>
    public JobsSettings Settings { get; }

    /// <summary>The job table's SQL name (<c>~~analysis</c> for <c>__analysis</c>).</summary>
    public string Name => Table.Name;

    /// <summary>The primary-key attributes of a job: the target's primary-key attributes that come from foreign keys.</summary>
    public IReadOnlyList<string> PrimaryKey => _key;

    /// <summary>Jobs waiting for a worker.</summary>
    public Table Pending => Table & "`status`='pending'";
    /// <summary>Jobs a worker holds.</summary>
    public Table Reserved => Table & "`status`='reserved'";
    /// <summary>Jobs whose make failed.</summary>
    public Table Errors => Table & "`status`='error'";
    /// <summary>Jobs marked to be skipped.</summary>
    public Table Ignored => Table & "`status`='ignore'";
    /// <summary>Jobs made and kept (<c>jobs.keep_completed</c>).</summary>
    public Table Completed => Table & "`status`='success'";

    private ISqlDialect Dialect => Table.Dialect;

    /// <summary>
    /// Declares (if needed) and opens the job table of <paramref name="target"/>. Its primary key is the target's
    /// primary-key attributes that come from foreign keys, each with its original DataJoint type (a uuid stays
    /// <c>uuid</c>) or else its SQL type.
    /// </summary>
    internal static async Task<JobTable> OpenAsync(Table target, JobsSettings settings, Func<CancellationToken, Task<QueryExpression>> keySource,
        CancellationToken cancellationToken)
    {
        if (target.Tier is not (TableTier.Computed or TableTier.Imported))
            throw new DataJointException($"Only Computed and Imported tables have job tables; {target.FullName} is {target.Tier}.");
        var name = TableNaming.JobTableName(target.Name);
        await using var conn = await target.Connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        var heading = await target.Dialect.ReadHeadingAsync(conn, target.Database, name, cancellationToken).ConfigureAwait(false);
        if (heading is null)
        {
            var key = ForeignKeyDerivedKey(target);
            var ddl = JobTableDdl.Compile(target.Database, target.Name, key).ThrowIfFailed();
            await using (var cmd = new SqlFragment(ddl.Sql!, []).CreateCommand(conn))
                await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            heading = await target.Dialect.ReadHeadingAsync(conn, target.Database, name, cancellationToken).ConfigureAwait(false)
                      ?? throw new DataJointException($"The job table `{target.Database}`.`{name}` could not be read back after declaring it.");
        }
        var table = new Table(target.Connection, target.Dialect, target.Database, name, heading, stores: null);
        return new JobTable(target, table, settings, keySource);
    }

    /// <summary>The target's primary-key attributes that come from foreign keys, with the type a job table declares them with.</summary>
    internal static List<(string Name, string Type)> ForeignKeyDerivedKey(Table target)
    {
        var heading = target.TableHeading;
        var fromForeignKeys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var fk in heading.ForeignKeys)
        {
            if (fk.Columns.All(c => heading.TryGet(c, out var a) && a.InPrimaryKey))
                foreach (var c in fk.Columns) fromForeignKeys.Add(c);
        }
        var key = heading.PrimaryKey.Where(fromForeignKeys.Contains)
            .Select(n => (n, heading[n].OriginalType ?? heading[n].SqlType)).ToList();
        if (key.Count == 0)
            throw new DataJointException(
                $"Cannot create jobs table for {target.FullName}: no FK-derived primary key attributes found.");
        return key;
    }

    // ------------------------------------------------------------------ refresh

    /// <summary>
    /// Brings the queue up to date, as DataJoint Python's <c>jobs.refresh</c>: adds a <c>pending</c> job for every key of
    /// the (restricted) key source that is neither in the target nor in the job table, scheduled at the server's time
    /// plus <see cref="JobRefreshOptions.Delay"/>; with <see cref="JobsSettings.KeepCompleted"/> puts <c>success</c> jobs
    /// whose target row is gone back to <c>pending</c>; deletes jobs (other than <c>ignore</c>) created longer ago than
    /// the stale timeout whose key left the key source; and, with an orphan timeout, puts jobs reserved longer ago than
    /// it back to <c>pending</c>. Unlike Python, a restricted refresh never deletes jobs of keys that are still in the
    /// unrestricted key source.
    /// </summary>
    public async Task<JobRefreshResult> RefreshAsync(JobRefreshOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new JobRefreshOptions();
        var priority = options.Priority ?? Settings.DefaultPriority;
        var stale = options.StaleTimeout ?? TimeSpan.FromSeconds(Settings.StaleTimeoutSeconds);
        var keySource = await _keySource(cancellationToken).ConfigureAwait(false);
        var restricted = keySource;
        foreach (var r in options.Restrictions) restricted = restricted.Restrict(r);
        CheckKeySource(keySource);

        await using var conn = await Table.Connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        int added = 0, removed = 0, orphaned = 0, repended = 0;

        // 1. New jobs: (key_source & restrictions) - target - jobs. The job table's key attributes are copies of the
        // target's without lineage of their own (no foreign key), so they are matched by name.
        var newKeys = await KeysAsync(restricted.Proj().Except(Target).Except(Table, semanticCheck: false), cancellationToken).ConfigureAwait(false);
        if (newKeys.Count > 0)
        {
            var micro = (long)Math.Round(options.Delay.TotalMicroseconds);
            DateTime scheduled;
            await using (var cmd = new SqlFragment("SELECT CURRENT_TIMESTAMP(3) + INTERVAL ? MICROSECOND", [micro]).CreateCommand(conn))
                scheduled = Convert.ToDateTime(await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
            foreach (var chunk in newKeys.Chunk(KeysPerStatement))
            {
                var sb = new StringBuilder("INSERT IGNORE INTO ").Append(Table.FullName).Append(" (");
                foreach (var k in _key) sb.Append(Dialect.Quote(k)).Append(", ");
                sb.Append("`status`, `priority`, `scheduled_time`) VALUES ");
                var args = new List<object?>();
                for (var i = 0; i < chunk.Length; i++)
                {
                    sb.Append(i == 0 ? "(" : ", (");
                    foreach (var v in chunk[i]) { sb.Append("?, "); args.Add(v); }
                    sb.Append("'pending', ?, ?)");
                    args.Add(priority);
                    args.Add(scheduled);
                }
                added += await ExecAsync(conn, new SqlFragment(sb.ToString(), args.ToArray()), cancellationToken).ConfigureAwait(false);
            }
        }

        // 2. keep_completed: success jobs whose key is in the key source but no longer in the target.
        if (Settings.KeepCompleted)
        {
            var gone = await KeysAsync(Completed.Restrict(restricted.Proj(), semanticCheck: false).Except(Target, semanticCheck: false), cancellationToken).ConfigureAwait(false);
            foreach (var chunk in gone.Chunk(KeysPerStatement))
            {
                var where = KeyListCondition(chunk);
                var sql = SqlFragment.Concat("UPDATE " + Table.FullName + " SET " + ResetColumns + " WHERE `status`='success' AND ", where, "");
                repended += await ExecAsync(conn, sql with { Args = [priority, .. where.Args] }, cancellationToken).ConfigureAwait(false);
            }
        }

        // 3. Stale jobs: older than the stale timeout, not ignored, key no longer in the (unrestricted) key source.
        if (stale > TimeSpan.Zero)
        {
            var age = Micro(stale);
            var old = Table.Restrict(new SqlCondition("`created_time` < CURRENT_TIMESTAMP(3) - INTERVAL ? MICROSECOND AND `status` <> 'ignore'", age))
                .Except(keySource.Proj(), semanticCheck: false);
            var staleKeys = await KeysAsync(old, cancellationToken).ConfigureAwait(false);
            foreach (var chunk in staleKeys.Chunk(KeysPerStatement))
            {
                var where = KeyListCondition(chunk);
                removed += await ExecAsync(conn, SqlFragment.Concat(
                    "DELETE FROM " + Table.FullName + " WHERE `status` <> 'ignore' AND ", where, ""), cancellationToken).ConfigureAwait(false);
            }
        }

        // 4. Orphans: reserved longer ago than the orphan timeout (no liveness check, as in Python).
        if (options.OrphanTimeout is { } orphan && orphan > TimeSpan.Zero)
        {
            orphaned = await ExecAsync(conn, new SqlFragment(
                "UPDATE " + Table.FullName + " SET " + ResetColumns +
                " WHERE `status`='reserved' AND `reserved_time` < CURRENT_TIMESTAMP(3) - INTERVAL ? MICROSECOND",
                [priority, Micro(orphan)]), cancellationToken).ConfigureAwait(false);
        }
        return new JobRefreshResult(added, removed, orphaned, repended);
    }

    private void CheckKeySource(QueryExpression keySource)
    {
        foreach (var k in _key)
            if (!keySource.Heading.Contains(k))
                throw new DataJointException(
                    $"The key source of {Target.FullName} lacks the job key attribute `{k}` (job key: {string.Join(", ", _key)}).");
    }

    // ------------------------------------------------------------------ one job

    /// <summary>
    /// Reserves the job of <paramref name="key"/> with one atomic UPDATE (visible to every worker at once): only a
    /// <c>pending</c> job whose scheduled time has come is taken; host, pid, user, connection id, version and the
    /// server's time are recorded. Returns false when another worker has it or it is not due.
    /// </summary>
    public async Task<bool> ReserveAsync(object key, CancellationToken cancellationToken = default)
    {
        await using var conn = await Table.Connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ReserveAsync(conn, key, cancellationToken).ConfigureAwait(false);
    }

    internal async Task<bool> ReserveAsync(DbConnection conn, object key, CancellationToken cancellationToken) =>
        await ExecAsync(conn, ReserveSql(key), cancellationToken).ConfigureAwait(false) == 1;

    /// <summary>The reservation's UPDATE of <paramref name="key"/>: it took the job when it affects one row.</summary>
    internal SqlFragment ReserveSql(object key)
    {
        var where = KeyCondition(key);
        var sql = SqlFragment.Concat(
            "UPDATE " + Table.FullName + " SET `status`='reserved', `host`=?, `pid`=?, `connection_id`=CONNECTION_ID(), `user`=USER(), " +
            "`version`=?, `reserved_time`=CURRENT_TIMESTAMP(3) WHERE `status`='pending' AND `scheduled_time` <= CURRENT_TIMESTAMP(3) AND ",
            where, "");
        return sql with { Args = [WorkerIdentity.Host, WorkerIdentity.ProcessId, WorkerIdentity.Version(Settings), .. where.Args] };
    }

    /// <summary><c>SELECT 1</c> when this connection holds the reservation of <paramref name="key"/>.</summary>
    internal SqlFragment HeldSql(object key) =>
        SqlFragment.Concat("SELECT 1 FROM " + Table.FullName + " WHERE `status`='reserved' AND `connection_id`=CONNECTION_ID() AND ", KeyCondition(key), " LIMIT 1");

    /// <summary>
    /// Marks the job of <paramref name="key"/> done: with <see cref="JobsSettings.KeepCompleted"/> its status becomes
    /// <c>success</c> with the server's completion time and <paramref name="duration"/>; otherwise its row is deleted.
    /// A job row that vanished meanwhile (another worker's refresh) is not an error.
    /// </summary>
    public async Task CompleteAsync(object key, TimeSpan? duration = null, CancellationToken cancellationToken = default)
    {
        await using var conn = await Table.Connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await CompleteAsync(conn, key, duration, cancellationToken).ConfigureAwait(false);
    }

    internal Task CompleteAsync(DbConnection conn, object key, TimeSpan? duration, CancellationToken cancellationToken) =>
        ExecAsync(conn, CompleteSql(key, duration), cancellationToken);

    /// <summary>The statement that completes the job of <paramref name="key"/> (<c>UPDATE</c> to success, or <c>DELETE</c>).</summary>
    internal SqlFragment CompleteSql(object key, TimeSpan? duration)
    {
        var where = KeyCondition(key);
        if (!Settings.KeepCompleted) return SqlFragment.Concat("DELETE FROM " + Table.FullName + " WHERE ", where, "");
        var set = "`status`='success', `completed_time`=CURRENT_TIMESTAMP" + (duration is null ? "" : ", `duration`=?");
        var sql = SqlFragment.Concat("UPDATE " + Table.FullName + " SET " + set + " WHERE ", where, "");
        return duration is { } d ? sql with { Args = [d.TotalSeconds, .. where.Args] } : sql;
    }

    /// <summary>
    /// Records a failed make of <paramref name="key"/>: status <c>error</c>, the server's completion time,
    /// <paramref name="message"/> cut to 2047 characters as Python cuts it (<c>...truncated</c> at the end) and
    /// <paramref name="stack"/> stored as a blob-packed string. A job row that vanished meanwhile is recreated with the
    /// error, so no error is lost.
    /// </summary>
    public async Task ErrorAsync(object key, string message, string? stack = null, CancellationToken cancellationToken = default)
    {
        await using var conn = await Table.Connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await ErrorAsync(conn, key, message, stack, cancellationToken).ConfigureAwait(false);
    }

    internal async Task ErrorAsync(DbConnection conn, object key, string message, string? stack, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        message = TruncateErrorMessage(message);
        var packed = stack is null ? null : Blob.Pack(stack);
        var where = KeyCondition(key);
        var set = "`status`='error', `completed_time`=CURRENT_TIMESTAMP, `error_message`=?" + (packed is null ? "" : ", `error_stack`=?");
        var sql = SqlFragment.Concat("UPDATE " + Table.FullName + " SET " + set + " WHERE ", where, "");
        sql = sql with { Args = packed is null ? [message, .. where.Args] : [message, packed, .. where.Args] };
        if (await ExecAsync(conn, sql, cancellationToken).ConfigureAwait(false) > 0) return;

        var insert = InsertOneSql("INSERT IGNORE INTO",
            "`status`, `priority`, `completed_time`, `error_message`, `error_stack`, `host`, `pid`, `connection_id`, `user`, `version`",
            "'error', ?, CURRENT_TIMESTAMP, ?, ?, ?, ?, CONNECTION_ID(), USER(), ?");
        await ExecAsync(conn, new SqlFragment(insert,
            [.. KeyValues(key), Settings.DefaultPriority, message, packed, WorkerIdentity.Host, WorkerIdentity.ProcessId, WorkerIdentity.Version(Settings)]),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Marks <paramref name="key"/> to be skipped for good: the job's status becomes <c>ignore</c>, inserted if absent.</summary>
    public async Task IgnoreAsync(object key, CancellationToken cancellationToken = default)
    {
        var sql = InsertOneSql("INSERT INTO", "`status`, `priority`", "'ignore', ?") + " ON DUPLICATE KEY UPDATE `status`='ignore'";
        await using var conn = await Table.Connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await ExecAsync(conn, new SqlFragment(sql, [.. KeyValues(key), Settings.DefaultPriority]), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Gives a reservation back (status <c>pending</c> again, reservation fields cleared) so another worker can take it at
    /// once: when this worker stopped before making the key, or is going to reserve it again (its make failed for a
    /// transient reason, or the connection that reserved it was lost). Only a reservation made through the server
    /// connection <paramref name="connectionId"/> is released, so a job that was never this worker's, or that another worker
    /// took meanwhile, stays as it is.
    /// </summary>
    internal Task ReleaseAsync(DbConnection conn, object key, long connectionId, CancellationToken cancellationToken)
    {
        var where = KeyCondition(key);
        var sql = SqlFragment.Concat(
            "UPDATE " + Table.FullName + " SET `status`='pending', `reserved_time`=NULL, `host`='', `pid`=0, `connection_id`=0, `user`='', `version`='' " +
            "WHERE `status`='reserved' AND `connection_id`=? AND ", where, "");
        return ExecAsync(conn, sql with { Args = [connectionId, .. where.Args] }, cancellationToken);
    }

    /// <summary>How many jobs of each status the table holds.</summary>
    public async Task<JobCounts> CountsAsync(CancellationToken cancellationToken = default)
    {
        await using var conn = await Table.Connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = new SqlFragment("SELECT `status`, COUNT(*) FROM " + Table.FullName + " GROUP BY `status`", []).CreateCommand(conn);
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        long p = 0, res = 0, s = 0, e = 0, i = 0;
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var n = r.GetInt64(1);
            switch (r.GetString(0))
            {
                case "pending": p = n; break;
                case "reserved": res = n; break;
                case "success": s = n; break;
                case "error": e = n; break;
                case "ignore": i = n; break;
            }
        }
        return new JobCounts(p, res, s, e, i);
    }

    /// <summary>
    /// The keys of due <c>pending</c> jobs in the order Python's populate takes them (<c>priority ASC, scheduled_time ASC</c>),
    /// at most <paramref name="limit"/>, only of priority <paramref name="maxPriority"/> or more urgent when given.
    /// </summary>
    internal async Task<List<Row>> DueKeysAsync(int? maxPriority, int? limit, CancellationToken cancellationToken)
    {
        var q = Pending.Restrict("`scheduled_time` <= CURRENT_TIMESTAMP(3)");
        if (maxPriority is { } mp) q = q.Restrict(new SqlCondition("`priority` <= ?", mp));
        var rows = await q.FetchAsync(new FetchOptions { Attributes = _key, OrderBy = ["priority", "scheduled_time"], Limit = limit },
            cancellationToken).ConfigureAwait(false);
        return rows.ToList();
    }

    /// <summary>Python's truncation: messages over 2047 characters keep their first 2035 and end with <c>...truncated</c>.</summary>
    public static string TruncateErrorMessage(string message) =>
        message.Length <= ErrorMessageLength ? message : message[..(ErrorMessageLength - TruncationAppendix.Length)] + TruncationAppendix;

    // ------------------------------------------------------------------ helpers

    /// <summary>The job keys of a query's rows (as values in job-key order), ordered by the key.</summary>
    private async Task<List<object?[]>> KeysAsync(QueryExpression query, CancellationToken cancellationToken)
    {
        var rows = await query.FetchAsync(new FetchOptions { Attributes = _key, OrderBy = ["KEY"] }, cancellationToken).ConfigureAwait(false);
        var list = new List<object?[]>(rows.Count);
        foreach (var row in rows)
        {
            var values = new object?[_key.Length];
            for (var i = 0; i < _key.Length; i++) values[i] = ValueConverter.ToDb(_keyAttributes[i], row[_key[i]], Table.FullName);
            list.Add(values);
        }
        return list;
    }

    /// <summary>The job-key values of <paramref name="key"/> (any row shape holding at least the job key), converted for SQL.</summary>
    internal object?[] KeyValues(object key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var values = new object?[_key.Length];
        var found = new bool[_key.Length];
        foreach (var (name, value) in RowAccessor.Pairs(key))
        {
            var i = Array.IndexOf(_key, name);
            if (i < 0) continue;
            values[i] = ValueConverter.ToDb(_keyAttributes[i], value, Table.FullName);
            found[i] = true;
        }
        var missing = _key.Where((_, i) => !found[i]).ToList();
        if (missing.Count > 0)
            throw new DataJointException($"The job key of {Target.FullName} needs {string.Join(", ", missing.Select(m => "`" + m + "`"))}; the key given lacks it");
        return values;
    }

    private SqlFragment KeyCondition(object key)
    {
        var values = KeyValues(key);
        var sb = new StringBuilder();
        for (var i = 0; i < _key.Length; i++)
        {
            if (i > 0) sb.Append(" AND ");
            sb.Append(Dialect.Quote(_key[i])).Append("=?");
        }
        return new SqlFragment(sb.ToString(), values);
    }

    /// <summary><c>(k1=? AND k2=?) OR ...</c> for a batch of keys (<c>k IN (...)</c> for a one-attribute key).</summary>
    private SqlFragment KeyListCondition(IReadOnlyList<object?[]> keys)
    {
        var sb = new StringBuilder("(");
        var args = new List<object?>();
        if (_key.Length == 1)
        {
            sb.Append(Dialect.Quote(_key[0])).Append(" IN (");
            for (var i = 0; i < keys.Count; i++) { sb.Append(i == 0 ? "?" : ",?"); args.Add(keys[i][0]); }
            sb.Append(')');
        }
        else
        {
            for (var i = 0; i < keys.Count; i++)
            {
                sb.Append(i == 0 ? "(" : " OR (");
                for (var j = 0; j < _key.Length; j++)
                {
                    if (j > 0) sb.Append(" AND ");
                    sb.Append(Dialect.Quote(_key[j])).Append("=?");
                    args.Add(keys[i][j]);
                }
                sb.Append(')');
            }
        }
        return new SqlFragment(sb.Append(')').ToString(), args.ToArray());
    }

    /// <summary><c>{verb} `db`.`~~t` (key..., {columns}) VALUES (?..., {values})</c>: one job, its key values first.</summary>
    private string InsertOneSql(string verb, string columns, string values)
    {
        var sb = new StringBuilder(verb).Append(' ').Append(Table.FullName).Append(" (");
        foreach (var k in _key) sb.Append(Dialect.Quote(k)).Append(", ");
        sb.Append(columns).Append(") VALUES (");
        foreach (var _ in _key) sb.Append("?, ");
        return sb.Append(values).Append(')').ToString();
    }

    private static long Micro(TimeSpan t) => (long)Math.Round(t.TotalMicroseconds);

    /// <summary>Runs one autocommit statement on the job table, retrying a deadlock or lock timeout (each statement is idempotent).</summary>
    internal Task<int> ExecAsync(DbConnection conn, SqlFragment sql, CancellationToken cancellationToken) =>
        Autocommit.ExecAsync(conn, Dialect, sql, "job table " + Table.FullName, cancellationToken);
}
