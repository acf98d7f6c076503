using DataJoint.Settings;
using System.Data.Common;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace DataJoint;

/// <summary>
/// The populate loop of DataJoint Python 2.x (<c>autopopulate.py</c>): which keys to make, and per key the order of
/// operations observed with Python workers sharing a job table (spec §3.5): reserve (autocommit) → transaction → key
/// already made? roll back, complete, skip → make → commit → job metadata → complete.
/// </summary>
internal sealed class Populator
{
    private readonly Table _target;
    private readonly MakeMethod _make;
    private readonly Func<CancellationToken, Task<QueryExpression>> _keySource;
    private readonly PopulateOptions _options;
    private readonly JobsSettings _settings;

    private Populator(Table target, MakeMethod make, Func<CancellationToken, Task<QueryExpression>> keySource, PopulateOptions options)
    {
        _target = target;
        _make = make;
        _keySource = keySource;
        _options = options;
        _settings = options.Jobs ?? target.Connection.AllSettings.Jobs;
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

        JobTable? jobs = null;
        List<IReadOnlyDictionary<string, object?>> keys;
        if (_options.ReserveJobs)
        {
            jobs = await JobTable.OpenAsync(_target, _settings, _keySource, cancellationToken).ConfigureAwait(false);
            if (_options.Refresh ?? _settings.AutoRefresh)
            {
                // delay -1 s: the new jobs are due at once even if the clocks of this statement and the next differ.
                await jobs.RefreshAsync(new JobRefreshOptions
                {
                    Restrictions = _options.Restrictions, Priority = _options.Priority, Delay = TimeSpan.FromSeconds(-1),
                }, cancellationToken).ConfigureAwait(false);
            }
            keys = [.. await jobs.DueKeysAsync(_options.Priority, _options.MaxCalls, cancellationToken).ConfigureAwait(false)];
        }
        else
        {
            var todo = await TodoAsync(cancellationToken).ConfigureAwait(false);
            var rows = await todo.Except(_target).FetchAsync(
                new FetchOptions { Attributes = todo.PrimaryKey, OrderBy = ["KEY"], Limit = _options.MaxCalls }, cancellationToken).ConfigureAwait(false);
            keys = [.. rows];
        }
        Order(keys);

        var progress = new PopulateProgress(keys.Count, 0, 0, 0, 0, null);
        _options.Progress?.Report(progress);
        var errors = new List<PopulateError>();
        await using var conn = await _target.Connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        foreach (var key in keys)
        {
            if (token.IsCancellationRequested) Stop(signals, cancellationToken);
            var outcome = await PopulateOneAsync(conn, jobs, key, signals, token, cancellationToken).ConfigureAwait(false);
            progress = progress with { Done = progress.Done + 1, LastKey = key };
            if (outcome is PopulateError error)
            {
                errors.Add(error);
                progress = progress with { Failed = progress.Failed + 1 };
            }
            else if (outcome is true) progress = progress with { Succeeded = progress.Succeeded + 1 };
            else progress = progress with { Skipped = progress.Skipped + 1 };
            _options.Progress?.Report(progress);
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

    /// <summary>One key, in the order of operations of spec §3.5: true when made, false when skipped, the error when it failed (suppressed).</summary>
    private async Task<object> PopulateOneAsync(DbConnection conn, JobTable? jobs, IReadOnlyDictionary<string, object?> key, WorkerSignals signals,
        CancellationToken token, CancellationToken userToken)
    {
        // (1) reserve with an autocommit UPDATE, visible to every worker at once.
        if (jobs is not null && !await jobs.ReserveAsync(conn, key, userToken).ConfigureAwait(false)) return false;
        var clock = Stopwatch.StartNew();
        var started = DateTime.Now;
        var context = _make.CreateContext(_target, key);
        WriteSession? tx = null;
        try
        {
            object? computed = null;
            object? fetched = null;
            if (_make.IsTripartite)
            {
                // Fetch and compute outside any transaction; the key may already be made.
                if (await InTargetAsync(conn, null, key, token).ConfigureAwait(false))
                {
                    if (jobs is not null) await jobs.CompleteAsync(conn, key, null, userToken).ConfigureAwait(false);
                    return false;
                }
                using (MakeScope.Enter(_target))
                {
                    fetched = await _make.FetchAsync(context, token).ConfigureAwait(false);
                    computed = await _make.ComputeAsync(key, fetched, token).ConfigureAwait(false);
                }
            }

            // (2) START TRANSACTION on this worker's connection; every insert, delete and fetch of the make on the same
            // DataJoint connection joins it (the write session is ambient for this flow). Python sends START TRANSACTION
            // WITH CONSISTENT SNAPSHOT; here the snapshot is taken by the transaction's first read, the key check just
            // below (the tripartite make's re-fetch), which is the same snapshot one statement later and saves a round
            // trip per key. The session's isolation level is the server's, as in Python.
            tx = WriteSession.Begin(_target.Connection, conn);
            var transaction = await tx.TransactionAsync(token).ConfigureAwait(false);
            if (!_make.IsTripartite && await InTargetAsync(conn, transaction, key, token).ConfigureAwait(false))
            {
                // (3) already made (by another worker or by hand): roll back, complete without duration, not counted.
                await tx.RollbackAsync().ConfigureAwait(false);
                await tx.DisposeAsync().ConfigureAwait(false);
                tx = null;
                if (jobs is not null) await jobs.CompleteAsync(conn, key, null, userToken).ConfigureAwait(false);
                return false;
            }

            // (4) make.
            using (MakeScope.Enter(_target))
            {
                if (!_make.IsTripartite)
                {
                    await _make.MakeAsync(context, token).ConfigureAwait(false);
                }
                else
                {
                    var again = await _make.FetchAsync(context, token).ConfigureAwait(false);
                    if (!_make.SameFetch(fetched, again))
                        throw new DataJointException("Referential integrity failed! The `make_fetch` data has changed");
                    await _make.InsertAsync(context, computed, token).ConfigureAwait(false);
                }
            }

            // (5) COMMIT. A cancellation that arrives now no longer undoes the key: it is finished.
            await tx.CommitAsync(CancellationToken.None).ConfigureAwait(false);
            await tx.DisposeAsync().ConfigureAwait(false);
            tx = null;
            var duration = clock.Elapsed;
            if (_target.TableHeading.AllAttributes.Any(a => a.Name == "_job_start_time"))
                await UpdateJobMetadataAsync(conn, key, started, duration, CancellationToken.None).ConfigureAwait(false);
            // (6) complete with the duration from just after the reserve to just after the commit.
            if (jobs is not null) await jobs.CompleteAsync(conn, key, duration, CancellationToken.None).ConfigureAwait(false);
            return true;
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
                if (jobs is not null) await jobs.ReleaseAsync(conn, key, CancellationToken.None).ConfigureAwait(false);
                throw;
            }
            var message = stopped ? signals.Message : MakeErrors.Message(ex);
            if (jobs is not null)
            {
                try
                {
                    await jobs.ErrorAsync(conn, key, message, MakeErrors.Stack(ex), CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception recording)
                {
                    // Neither error may be lost: the populate stops with both.
                    throw new DataJointException(
                        $"The make of {string.Join(", ", key.Select(k => k.Key + "=" + k.Value))} in {_target.FullName} failed ({message}) " +
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
            return new PopulateError(key, message, ex);
        }
    }

    /// <summary>True when the target already holds a row of <paramref name="key"/> (read in the current transaction, if any).</summary>
    private async Task<bool> InTargetAsync(DbConnection conn, DbTransaction? transaction, IReadOnlyDictionary<string, object?> key,
        CancellationToken cancellationToken)
    {
        var where = KeyWhere(key);
        var sql = new SqlFragment("SELECT 1 FROM " + _target.FullName + " WHERE " + where.Sql + " LIMIT 1", where.Args);
        await using var cmd = sql.CreateCommand(conn, transaction);
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The hidden job metadata of §3.3, written after the commit as Python writes it.</summary>
    private async Task UpdateJobMetadataAsync(DbConnection conn, IReadOnlyDictionary<string, object?> key, DateTime started, TimeSpan duration,
        CancellationToken cancellationToken)
    {
        var where = KeyWhere(key);
        var sql = new SqlFragment("UPDATE " + _target.FullName + " SET `_job_start_time`=?, `_job_duration`=?, `_job_version`=? WHERE " + where.Sql,
            [started, duration.TotalSeconds, WorkerIdentity.Version(_settings), .. where.Args]);
        await using var cmd = sql.CreateCommand(conn);
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
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
