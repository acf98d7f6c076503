using DataJoint.Settings;
using System.Data.Common;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace DataJoint;

/// <summary>
/// The populate loop of DataJoint Python 2.x (<c>autopopulate.py</c>): which keys to make, and per key the order of
/// operations observed with Python workers sharing a job table (spec §3.5): reserve (autocommit) → START TRANSACTION WITH
/// CONSISTENT SNAPSHOT → key already made? roll back, complete, skip → make → COMMIT → job metadata → complete. The
/// server receives exactly these statements in this order; they travel in batches (one round trip each): the first key's
/// reserve + START + key check, then per key its make's statements and COMMIT + job metadata + complete + the next key's
/// reserve + START + key check.
/// <para>
/// Transient failures do not stop a worker: a key whose make or commit fails because the connection was lost (the server
/// restarted), or with a deadlock or lock wait timeout, is rolled back — by the server — and given back, and made again
/// (at most <see cref="KeyAttempts"/> times in all; then its error is recorded as any make's). The worker's connection is
/// opened again after a loss (<see cref="WorkerConnection"/>), and a reservation made through the lost connection is
/// given back before the key is reserved anew.
/// </para>
/// </summary>
internal sealed class Populator
{
    /// <summary>How many times a key whose make or commit failed transiently is tried in all.</summary>
    internal const int KeyAttempts = 3;

    /// <summary>What <see cref="PopulateOneAsync"/> returns for a key to be tried again (it has been given back).</summary>
    private static readonly object TryAgain = new();

    private readonly Table _target;
    private readonly MakeMethod _make;
    private readonly Func<CancellationToken, Task<QueryExpression>> _keySource;
    private readonly PopulateOptions _options;
    private readonly JobsSettings _settings;
    private readonly bool _hasJobMetadata;

    private Populator(Table target, MakeMethod make, Func<CancellationToken, Task<QueryExpression>> keySource, PopulateOptions options)
    {
        _target = target;
        _make = make;
        _keySource = keySource;
        _options = options;
        _settings = options.Jobs ?? target.Connection.AllSettings.Jobs;
        _hasJobMetadata = target.TableHeading.AllAttributes.Any(a => a.Name == "_job_start_time");
    }

    public static Task<PopulateResult> RunAsync(Table target, MakeMethod make, Func<CancellationToken, Task<QueryExpression>> keySource,
        PopulateOptions? options, CancellationToken cancellationToken)
    {
        options ??= new PopulateOptions();
        if (target.IsRestricted)
            throw new DataJointException(
                $"Cannot call populate on a restricted table ({target.FullName}). Instead, pass conditions to populate as PopulateOptions.Restrictions.");
        if (target.Tier is not (TableTier.Computed or TableTier.Imported))
            throw new DataJointException($"Only Computed and Imported tables are populated; {target.FullName} is {target.Tier}.");
        if (options.MaxCalls is < 0) throw new DataJointException($"MaxCalls must not be negative, got {options.MaxCalls}");
        if (WriteSession.Current(target.Connection) is not null)
            throw new DataJointException("Populate cannot be called during a transaction.");
        return new Populator(target, make, keySource, options).RunAsync(cancellationToken);
    }

    private async Task<PopulateResult> RunAsync(CancellationToken cancellationToken)
    {
        using var signals = WorkerSignals.Listen(_options.HandleSignals);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, signals.Token);
        var token = linked.Token;

        // Each step before the keys is idempotent: after a transient failure (the server restarting, a deadlock) it runs again.
        JobTable? jobs = null;
        List<IReadOnlyDictionary<string, object?>> keys;
        if (_options.ReserveJobs)
        {
            jobs = await WorkerConnection.RetryAsync(_target, ct => JobTable.OpenAsync(_target, _settings, _keySource, ct), cancellationToken)
                .ConfigureAwait(false);
            if (_options.Refresh ?? _settings.AutoRefresh)
            {
                // delay -1 s: the new jobs are due at once even if the clocks of this statement and the next differ.
                var refresh = new JobRefreshOptions { Restrictions = _options.Restrictions, Priority = _options.Priority, Delay = TimeSpan.FromSeconds(-1) };
                await WorkerConnection.RetryAsync(_target, ct => jobs.RefreshAsync(refresh, ct), cancellationToken).ConfigureAwait(false);
            }
            keys = [.. await WorkerConnection.RetryAsync(_target, ct => jobs.DueKeysAsync(_options.Priority, _options.MaxCalls, ct), cancellationToken)
                .ConfigureAwait(false)];
        }
        else
        {
            keys = await WorkerConnection.RetryAsync(_target, async ct =>
            {
                var todo = await TodoAsync(ct).ConfigureAwait(false);
                var rows = await todo.Except(_target).FetchAsync(
                    new FetchOptions { Attributes = todo.PrimaryKey, OrderBy = ["KEY"], Limit = _options.MaxCalls }, ct).ConfigureAwait(false);
                return rows.ToList<IReadOnlyDictionary<string, object?>>();
            }, cancellationToken).ConfigureAwait(false);
        }
        Order(keys);

        var progress = new PopulateProgress(keys.Count, 0, 0, 0, 0, null);
        _options.Progress?.Report(progress);
        var errors = new List<PopulateError>();
        await using var worker = await WorkerConnection.OpenAsync(_target, token).ConfigureAwait(false);
        // The first round trip of the next key, sent together with the current key's COMMIT (see PopulateOneAsync).
        KeyStart? sent = null;
        try
        {
            for (var i = 0; i < keys.Count; i++)
            {
                if (token.IsCancellationRequested)
                {
                    var abandoned = sent;
                    sent = null;
                    try
                    {
                        await AbandonAsync(worker, jobs, abandoned).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) { /* the server is away: the reservation stays for an orphan refresh */ }
                    Stop(signals, cancellationToken);
                }
                var next = i + 1 < keys.Count && !_make.IsTripartite ? keys[i + 1] : null;
                var current = sent;
                sent = null;
                object outcome;
                for (var attempt = 1; ; attempt++)
                {
                    try
                    {
                        (outcome, sent) = await PopulateOneAsync(worker, jobs, keys[i], current, next, attempt, signals, token, cancellationToken)
                            .ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (token.IsCancellationRequested)
                    {
                        // Stopped while waiting for a lost server: what the key held stays for an orphan refresh.
                        Stop(signals, cancellationToken);
                        throw;
                    }
                    if (outcome != TryAgain) break;
                    current = null; // given back: the key starts again with a round trip of its own
                    if (token.IsCancellationRequested) Stop(signals, cancellationToken);
                    await Autocommit.BackOffAsync(attempt, CancellationToken.None).ConfigureAwait(false);
                }
                progress = progress with { Done = progress.Done + 1, LastKey = keys[i] };
                if (outcome is PopulateError error)
                {
                    errors.Add(error);
                    progress = progress with { Failed = progress.Failed + 1 };
                }
                else if (outcome is true) progress = progress with { Succeeded = progress.Succeeded + 1 };
                else progress = progress with { Skipped = progress.Skipped + 1 };
                _options.Progress?.Report(progress);
            }
        }
        catch when (sent is not null)
        {
            // A next key already reserved and begun when the loop ends early (a progress callback threw): give it back,
            // and never return the connection to the pool inside a transaction. The failure that ended the loop is the
            // one thrown; if the key cannot be given back, its reservation stays for an orphan refresh.
            var abandoned = sent;
            sent = null;
            try
            {
                await AbandonAsync(worker, jobs, abandoned).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is DataJointException || WriteSession.IsConnectionFailure(ex)) { }
            throw;
        }
        return new PopulateResult(progress.Succeeded, errors);
    }

    /// <summary>The restricted key source (Python's <c>_jobs_to_do</c>), checked against the target's heading.</summary>
    private async Task<QueryExpression> TodoAsync(CancellationToken cancellationToken)
    {
        var todo = await _keySource(cancellationToken).ConfigureAwait(false);
        var missing = todo.PrimaryKey.FirstOrDefault(n => !_target.Heading.Contains(n));
        if (missing is not null)
            throw new DataJointException($"The populate target {_target.FullName} lacks attribute `{missing}` from the primary key of key_source");
        foreach (var r in _options.Restrictions) todo = todo.Restrict(r);
        return todo.Proj();
    }

    private void Order(List<IReadOnlyDictionary<string, object?>> keys)
    {
        if (_options.Order == PopulateOrder.Reverse) keys.Reverse();
        else if (_options.Order == PopulateOrder.Random) Random.Shared.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(keys));
    }

    [DoesNotReturn]
    private static void Stop(WorkerSignals signals, CancellationToken cancellationToken)
    {
        if (signals.Received is { } signal)
            throw new PopulateInterruptedException($"Populate stopped by {signal}: {signals.Message}", signal);
        cancellationToken.ThrowIfCancellationRequested();
        throw new OperationCanceledException(cancellationToken);
    }

    /// <summary>DataJoint Python's <c>start_transaction()</c>: the snapshot is taken when the transaction starts.</summary>
    private static readonly SqlFragment StartTransaction = new("START TRANSACTION WITH CONSISTENT SNAPSHOT", []);

    /// <summary>
    /// One key, in the order of operations of spec §3.5: (1) reserve + (2) START TRANSACTION WITH CONSISTENT SNAPSHOT +
    /// (3) key check in one round trip; (4) the make's own statements; (5) COMMIT + hidden job metadata + (6) complete in
    /// one round trip — which also carries the next key's (1)-(3) when there is one, so a key costs two round trips plus
    /// its make's. <paramref name="sent"/> is this key's first round trip when the previous key's commit carried it.
    /// Returns true when made, false when skipped, the error when it failed (suppressed), <see cref="TryAgain"/> when it
    /// failed transiently in attempt <paramref name="attempt"/> (of <see cref="KeyAttempts"/>) and was given back, and the
    /// next key's first round trip when this one carried it.
    /// </summary>
    private async Task<(object Outcome, KeyStart? Next)> PopulateOneAsync(WorkerConnection worker, JobTable? jobs,
        IReadOnlyDictionary<string, object?> key, KeyStart? sent, IReadOnlyDictionary<string, object?>? next, int attempt,
        WorkerSignals signals, CancellationToken token, CancellationToken userToken)
    {
        // (1)-(3). A three-step make checks the key outside any transaction and starts its transaction after the compute.
        var start = sent ?? await StartAsync(worker, jobs, key, beginTransaction: !_make.IsTripartite).ConfigureAwait(false);
        Debug.Assert(ReferenceEquals(start.Key, key));
        // The make and every insert, delete and fetch it does on the same DataJoint connection run in this transaction
        // (the session is ambient for this flow).
        var tx = start.InTransaction ? WriteSession.InStartedTransaction(_target.Connection, worker.Connection) : null;
        bool held;
        try
        {
            held = await HoldsAsync(worker.Connection, jobs, start).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            if (tx is not null) await tx.DisposeAsync().ConfigureAwait(false);
            if (attempt < KeyAttempts && !token.IsCancellationRequested && worker.MayTryAgain(ex))
            {
                await GiveBackAsync(worker, jobs, start, ex, attempt).ConfigureAwait(false);
                return (TryAgain, null);
            }
            throw;
        }
        if (!held)
        {
            // Another worker has the job (or it is not due): end the transaction that began with the reservation.
            if (tx is not null) await tx.DisposeAsync().ConfigureAwait(false);
            return (false, null);
        }
        var clock = Stopwatch.StartNew();
        var started = DateTime.Now;
        var context = _make.CreateContext(_target, key);
        Exception? afterCommit = null;
        KeyStart? nextStart = null;
        TimeSpan duration;
        try
        {
            if (start.Made)
            {
                // (3) already made (by another worker or by hand): roll back, complete without duration, not counted.
                if (tx is not null)
                {
                    await tx.DisposeAsync().ConfigureAwait(false);
                    tx = null;
                }
                if (jobs is not null) await worker.RunAsync(c => jobs.CompleteAsync(c, key, null, userToken)).ConfigureAwait(false);
                return (false, null);
            }
            token.ThrowIfCancellationRequested();

            // (4) make.
            using (MakeScope.Enter(_target))
            {
                if (!_make.IsTripartite)
                {
                    await _make.MakeAsync(context, token).ConfigureAwait(false);
                }
                else
                {
                    // Fetch and compute outside any transaction; then, in one, fetch again, compare and insert.
                    var fetched = await _make.FetchAsync(context, token).ConfigureAwait(false);
                    var computed = await _make.ComputeAsync(key, fetched, token).ConfigureAwait(false);
                    await using (var cmd = StartTransaction.CreateCommand(worker.Connection))
                        await cmd.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
                    tx = WriteSession.InStartedTransaction(_target.Connection, worker.Connection);
                    var again = await _make.FetchAsync(context, token).ConfigureAwait(false);
                    if (!_make.SameFetch(fetched, again))
                        throw new DataJointException("Referential integrity failed! The `make_fetch` data has changed");
                    await _make.InsertAsync(context, computed, token).ConfigureAwait(false);
                }
            }

            // (5) COMMIT, then the hidden job metadata and (6) the job's completion — and the next key's reservation,
            // START TRANSACTION and key check, unless the worker is stopping — in one round trip. A cancellation that
            // arrives now no longer undoes the key: it is finished. The duration runs from this key's first round trip
            // to its commit's.
            duration = clock.Elapsed;
            var then = AfterCommit(jobs, key, started, duration);
            var nextStatements = next is not null && !token.IsCancellationRequested ? StartStatements(jobs, next, beginTransaction: true) : null;
            var sentBy = worker.ServerId;
            try
            {
                await tx!.CommitThenAsync(nextStatements is null ? then : [.. then, .. nextStatements],
                    nextStatements is null ? null : async reader => nextStart = await ReadStartAsync(reader, jobs, next!, then.Count, true, sentBy).ConfigureAwait(false),
                    CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception failure) when (failure is DbException || worker.MayBeLost(failure))
            {
                // The server ran the statements up to the one that failed (or, the connection lost, up to where it got).
                // No transaction stays open (a next key's START may have run); the table says whether the COMMIT took
                // effect; a reservation of the next key that went with it is given back.
                nextStart = null;
                var committed = await SettleCommitAsync(worker, tx!, key, failure).ConfigureAwait(false);
                if (nextStatements is not null && jobs is not null)
                    await worker.RunAsync(c => jobs.ReleaseAsync(c, next!, sentBy, CancellationToken.None)).ConfigureAwait(false);
                tx!.SettleCommit(committed);
                if (!committed) throw; // the key failed at its COMMIT: rolled back, and tried again or recorded below
                afterCommit = failure;
            }
            await tx.DisposeAsync().ConfigureAwait(false);
            tx = null;
        }
        catch (Exception ex)
        {
            if (tx is not null)
            {
                // Rolls the key's rows back and deletes the _schema/... objects its inserts uploaded.
                await tx.RollbackAsync().ConfigureAwait(false);
                await tx.DisposeAsync().ConfigureAwait(false);
            }
            var stopped = token.IsCancellationRequested && ex is OperationCanceledException;
            if (stopped && signals.Received is null)
            {
                // Cancelled by the caller: nothing of the key stays, and its reservation goes back to the queue.
                if (jobs is not null)
                    await worker.RunAsync(c => jobs.ReleaseAsync(c, key, start.ReservedBy, CancellationToken.None)).ConfigureAwait(false);
                throw;
            }
            if (!stopped && attempt < KeyAttempts && worker.MayTryAgain(ex))
            {
                // Lost connection, deadlock, lock wait timeout: the server rolled the key back; make it again.
                await GiveBackAsync(worker, jobs, start, ex, attempt).ConfigureAwait(false);
                return (TryAgain, null);
            }
            var message = stopped ? signals.Message : MakeErrors.Message(ex);
            if (jobs is not null)
            {
                try
                {
                    await worker.RunAsync(c => jobs.ErrorAsync(c, key, message, MakeErrors.Stack(ex), CancellationToken.None))
                        .ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (token.IsCancellationRequested)
                {
                    // Stopping while the server is away: the error cannot be written; the job keeps its reservation.
                    Stop(signals, userToken);
                }
                catch (Exception recording)
                {
                    // Neither error may be lost: the populate stops with both.
                    throw new DataJointException(
                        $"The make of {Describe(key)} in {_target.FullName} failed ({message}) " +
                        $"and the error could not be recorded in {jobs.Table.FullName}: {recording.Message}", new AggregateException(ex, recording));
                }
            }
            if (stopped) Stop(signals, userToken);
            if (signals.Received is not null)
            {
                // A signal arrived while the make failed for its own reason: the error is recorded; stop anyway.
                Stop(signals, userToken);
            }
            if (!_options.SuppressErrors) throw;
            return (new PopulateError(key, message, ex), null);
        }
        if (afterCommit is not null) await RetryAfterCommitAsync(worker, jobs, key, started, duration, afterCommit).ConfigureAwait(false);
        return (true, nextStart);
    }

    /// <summary>
    /// Before a key that failed transiently is tried again: the connection is opened again if it was lost, and the key's
    /// reservation — made through the connection of <paramref name="start"/>, perhaps the lost one — goes back to pending.
    /// </summary>
    private async Task GiveBackAsync(WorkerConnection worker, JobTable? jobs, KeyStart start, Exception failure, int attempt)
    {
        DataJoint.Logging.DataJointLog.KeyRetried(_target.Connection.Loggers.Populate, Describe(start.Key), _target.FullName, attempt, KeyAttempts, failure.Message);
        if (worker.MayBeLost(failure)) await worker.EnsureOpenAsync(failure).ConfigureAwait(false);
        if (jobs is not null && start.Reserved is not false)
            await worker.RunAsync(c => jobs.ReleaseAsync(c, start.Key, start.ReservedBy, CancellationToken.None))
                .ConfigureAwait(false);
    }

    /// <summary>What the first round trip of a key found.</summary>
    /// <param name="Key">The key.</param>
    /// <param name="Reserved">The job is this worker's (always, without reserved jobs); null when the round trip's row
    /// count cannot tell (<see cref="HoldsAsync"/> asks the job table).</param>
    /// <param name="Made">The target already holds the key.</param>
    /// <param name="InTransaction">The round trip began the key's transaction.</param>
    /// <param name="ReservedBy">The server id of the connection that sent the reservation (the job's <c>connection_id</c>).</param>
    private sealed record KeyStart(IReadOnlyDictionary<string, object?> Key, bool? Reserved, bool Made, bool InTransaction, long ReservedBy);

    /// <summary>
    /// The statements of a key's first round trip, in this order: the reservation (with reserved jobs),
    /// <c>START TRANSACTION WITH CONSISTENT SNAPSHOT</c> (unless <paramref name="beginTransaction"/> is false), the key check.
    /// </summary>
    private List<SqlFragment> StartStatements(JobTable? jobs, IReadOnlyDictionary<string, object?> key, bool beginTransaction)
    {
        var statements = new List<SqlFragment>(3);
        if (jobs is not null) statements.Add(jobs.ReserveSql(key));
        if (beginTransaction) statements.Add(StartTransaction);
        statements.Add(InTargetSql(key));
        return statements;
    }

    /// <summary>
    /// Reads a key's first round trip from <paramref name="reader"/>, which stands on the key check's rows; its
    /// RecordsAffected counts the rows of every statement before, <paramref name="before"/> of which (each changing at most
    /// one row) preceded the reservation. All of them, or none, changed: the reservation's outcome is certain; otherwise
    /// it is left for <see cref="HoldsAsync"/>.
    /// </summary>
    private static async Task<KeyStart> ReadStartAsync(DbDataReader reader, JobTable? jobs, IReadOnlyDictionary<string, object?> key, int before,
        bool beginTransaction, long sentBy)
    {
        var affected = reader.RecordsAffected;
        bool? reserved = jobs is null || affected == before + 1 ? true : affected <= 0 ? false : null;
        var made = await reader.ReadAsync(CancellationToken.None).ConfigureAwait(false);
        return new KeyStart(key, reserved, made, beginTransaction, sentBy);
    }

    /// <summary>
    /// Sends a key's first round trip on its own (the first key, a key after a skipped or failed one, a key tried again, a
    /// three-step make's key). Not cancellable: once sent, its outcome must be known. A deadlock or lock wait timeout of
    /// the reservation (the statement that takes locks; the server runs nothing after it) is retried; so is a round trip
    /// whose connection was lost, on a new connection, once a reservation the lost one may have made is given back. Any
    /// other failure rolls back and stops the populate, as a failing reservation or key check stops DataJoint Python's.
    /// </summary>
    private async Task<KeyStart> StartAsync(WorkerConnection worker, JobTable? jobs, IReadOnlyDictionary<string, object?> key, bool beginTransaction)
    {
        var statements = StartStatements(jobs, key, beginTransaction);
        for (var attempt = 1; ; attempt++)
        {
            var sentBy = worker.ServerId;
            try
            {
                await using var batch = SqlFragment.CreateBatch(worker.Connection, statements);
                await using var reader = await batch.ExecuteReaderAsync(CancellationToken.None).ConfigureAwait(false);
                return await ReadStartAsync(reader, jobs, key, 0, beginTransaction, sentBy).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is DbException || worker.MayBeLost(ex))
            {
                var reopened = worker.MayBeLost(ex) && await worker.EnsureOpenAsync(ex).ConfigureAwait(false);
                if (reopened)
                {
                    if (jobs is not null)
                        await worker.RunAsync(c => jobs.ReleaseAsync(c, key, sentBy, CancellationToken.None)).ConfigureAwait(false);
                }
                else if (beginTransaction) await RollbackAsync(worker.Connection).ConfigureAwait(false); // the START may have run
                if ((reopened || Autocommit.IsRetryable(ex)) && Autocommit.MayRetry(attempt))
                {
                    await Autocommit.BackOffAsync(attempt, CancellationToken.None).ConfigureAwait(false);
                    continue;
                }
                var where = (jobs is null ? "" : "reserving in " + jobs.Table.FullName + " and ") + "checking " + _target.FullName;
                throw ex as DataJointException ?? _target.Dialect.TranslateError(ex, $"{where} for {Describe(key)}") ?? new DataJointException(ex.Message, ex);
            }
        }
    }

    /// <summary>
    /// Whether this worker holds the job of the key of <paramref name="start"/>: what the first round trip said, or — when its row count
    /// could not tell — what the job table says (a read in the key's transaction, whose snapshot was taken after the
    /// reservation).
    /// </summary>
    private static async Task<bool> HoldsAsync(DbConnection conn, JobTable? jobs, KeyStart start)
    {
        if (start.Reserved is { } known) return known;
        ArgumentNullException.ThrowIfNull(jobs); // only a reservation leaves the outcome open
        try
        {
            await using var cmd = jobs.HeldSql(start.Key).CreateCommand(conn);
            await using var reader = await cmd.ExecuteReaderAsync(CancellationToken.None).ConfigureAwait(false);
            return await reader.ReadAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (DbException ex) when (jobs.Table.Dialect.TranslateError(ex, $"reading the reservation of {Describe(start.Key)} in {jobs.Table.FullName}") is { } dj)
        {
            throw dj;
        }
    }

    /// <summary>
    /// Gives back a key whose first round trip went with the previous key's commit when the worker stops before making
    /// it: its transaction rolls back and, if the reservation was this worker's, the job is pending again.
    /// </summary>
    private static async Task AbandonAsync(WorkerConnection worker, JobTable? jobs, KeyStart? sent)
    {
        if (sent is null) return;
        if (!worker.IsBroken) await RollbackAsync(worker.Connection).ConfigureAwait(false);
        if (jobs is not null && sent.Reserved is not false)
            await worker.RunAsync(c => jobs.ReleaseAsync(c, sent.Key, sent.ReservedBy, CancellationToken.None)).ConfigureAwait(false);
    }

    /// <summary>
    /// After a failed commit round trip, whether the key's COMMIT took effect. With the connection still there: whatever
    /// transaction is open is rolled back, and the COMMIT ran if the round trip got as far as the next key's first result
    /// (the session no longer active), else the table is read outside any transaction. With the connection lost: a new one
    /// is opened (the server rolled back whatever the old one had open) and the same holds. Rethrows
    /// <paramref name="failure"/> when the table cannot be read: the outcome is unknown.
    /// </summary>
    private async Task<bool> SettleCommitAsync(WorkerConnection worker, WriteSession tx, IReadOnlyDictionary<string, object?> key, Exception failure)
    {
        var reopened = worker.MayBeLost(failure) && await worker.EnsureOpenAsync(failure).ConfigureAwait(false);
        if (!reopened) await RollbackAsync(worker.Connection).ConfigureAwait(false);
        if (!tx.IsActive) return true; // the COMMIT ran; reading the next key's start failed
        try
        {
            return await worker.RunAsync(async c =>
            {
                await using var cmd = InTargetSql(key).CreateCommand(c);
                await using var reader = await cmd.ExecuteReaderAsync(CancellationToken.None).ConfigureAwait(false);
                return await reader.ReadAsync(CancellationToken.None).ConfigureAwait(false);
            }).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is DataJointException || WriteSession.IsConnectionFailure(ex))
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
            throw;
        }
    }

    private static async Task RollbackAsync(DbConnection conn)
    {
        try
        {
            await using var cmd = new SqlFragment("ROLLBACK", []).CreateCommand(conn);
            await cmd.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (WriteSession.IsConnectionFailure(ex)) { /* the connection is gone; the server rolls back */ }
    }

    /// <summary>The autocommit statements that follow a key's COMMIT: the hidden job metadata (§3.3), then the job's completion.</summary>
    private List<SqlFragment> AfterCommit(JobTable? jobs, IReadOnlyDictionary<string, object?> key, DateTime started, TimeSpan duration)
    {
        var statements = new List<SqlFragment>(2);
        if (_hasJobMetadata) statements.Add(JobMetadataSql(key, started, duration));
        if (jobs is not null) statements.Add(jobs.CompleteSql(key, duration));
        return statements;
    }

    /// <summary>
    /// The key committed but a statement after the COMMIT failed: each runs again on its own (they are idempotent),
    /// retrying deadlocks and lost connections. If that fails too, the populate stops: the key is made, its job could not
    /// be recorded.
    /// </summary>
    private async Task RetryAfterCommitAsync(WorkerConnection worker, JobTable? jobs, IReadOnlyDictionary<string, object?> key, DateTime started,
        TimeSpan duration, Exception failure)
    {
        try
        {
            if (_hasJobMetadata)
                await worker.RunAsync(c => Autocommit.ExecAsync(c, _target.Dialect, JobMetadataSql(key, started, duration), _target.FullName, CancellationToken.None)).ConfigureAwait(false);
            if (jobs is not null) await worker.RunAsync(c => jobs.CompleteAsync(c, key, duration, CancellationToken.None)).ConfigureAwait(false);
        }
        catch (Exception again) when (again is not OperationCanceledException) // a stop while the server is away: stop
        {
            throw new DataJointException(
                $"The key {Describe(key)} of {_target.FullName} was made and committed, but its job metadata or completion could not be " +
                $"written: {again.Message}", new AggregateException(failure, again));
        }
    }

    private static string Describe(IReadOnlyDictionary<string, object?> key) => string.Join(", ", key.Select(k => k.Key + "=" + k.Value));

    /// <summary><c>SELECT 1</c> when the target already holds a row of <paramref name="key"/>.</summary>
    private SqlFragment InTargetSql(IReadOnlyDictionary<string, object?> key)
    {
        var where = KeyWhere(key);
        return new SqlFragment("SELECT 1 FROM " + _target.FullName + " WHERE " + where.Sql + " LIMIT 1", where.Args);
    }

    /// <summary>The hidden job metadata of §3.3, written after the commit as Python writes it.</summary>
    private SqlFragment JobMetadataSql(IReadOnlyDictionary<string, object?> key, DateTime started, TimeSpan duration)
    {
        var where = KeyWhere(key);
        return new SqlFragment("UPDATE " + _target.FullName + " SET `_job_start_time`=?, `_job_duration`=?, `_job_version`=? WHERE " + where.Sql,
            [started, duration.TotalSeconds, WorkerIdentity.Version(_settings), .. where.Args]);
    }

    private string[]? _keyNames;
    private HeadingAttribute[]? _keyAttributes;
    private string? _keyWhere;

    /// <summary>
    /// <c>`a`=? AND `b`=?</c> over the key's attributes that the target has, with the key's values converted for SQL; the
    /// text is built once per populate (every key of one populate has the same attributes).
    /// </summary>
    private SqlFragment KeyWhere(IReadOnlyDictionary<string, object?> key)
    {
        if (_keyNames is null)
        {
            _keyNames = key.Keys.Where(_target.Heading.Contains).ToArray();
            if (_keyNames.Length == 0)
                throw new DataJointException($"The key {string.Join(", ", key.Keys)} shares no attribute with {_target.FullName}");
            _keyAttributes = _keyNames.Select(n => _target.Heading[n]).ToArray();
            _keyWhere = string.Join(" AND ", _keyNames.Select(n => _target.Dialect.Quote(n) + "=?"));
        }
        var args = new object?[_keyNames.Length];
        for (var i = 0; i < args.Length; i++)
        {
            if (!key.TryGetValue(_keyNames[i], out var value))
                throw new DataJointException($"The key {string.Join(", ", key.Keys)} lacks `{_keyNames[i]}` ({_target.FullName})");
            args[i] = ValueConverter.ToDb(_keyAttributes![i], value, _target.FullName);
        }
        return new SqlFragment(_keyWhere!, args);
    }
}
