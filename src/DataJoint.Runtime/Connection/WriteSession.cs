// The write session: how table operations write.
//
//   WriteSession    one connection, one transaction (begun on first need), and the upload trackers of the operations
//                   that ran in it. CommitAsync commits; RollbackAsync (or disposing it uncommitted) rolls the
//                   transaction back and deletes the _schema/... objects its operations uploaded (hash-addressed
//                   objects may be shared and are left for GC). Once COMMIT has been sent the outcome is unknown, so
//                   nothing is deleted after that.
//   WriteOperation  one insert or delete inside a session: WriteSession.Enter(connection) joins the session that is
//                   current for that connection (Begin(connection, ambient: true) makes one current for the calling
//                   async flow) or starts its own. An operation that owns its session commits it on CompleteAsync; one
//                   that joined runs under a SAVEPOINT, so a failure undoes only its own rows and objects and the
//                   session stays usable. Failing (or disposing without CompleteAsync) undoes the operation.
//   Lease           a connection for reads: the current session's connection and transaction (so a fetch inside a
//                   session sees its uncommitted rows), else a pooled connection of its own.
//
// The transaction is begun by MySqlConnector on first need (a DbTransaction), or — populate — by the caller's own
// START TRANSACTION WITH CONSISTENT SNAPSHOT, sent in one round trip with the job's reservation and the key check
// (InStartedTransaction). Such a session has no DbTransaction (commands run on the connection without one: the
// connection string sets IgnoreCommandTransaction) and commits or rolls back by statement; CommitThenAsync sends the
// COMMIT together with the statements that follow it (populate: the job's completion and the next key's first
// statements). Savepoints are statements in both kinds.
//
// Insert:  op = Enter(conn); uploads = op.TrackUploads(stores, degree, ct); encode (uploads run);
//          uploads.DrainAsync(); (c, tx) = await op.BeginAsync(ct); write statements; await op.CompleteAsync(ct).
// User transaction (DataJoint Python's `with conn.transaction:`):
//          await using var s = WriteSession.Begin(conn, ambient: true); ... inserts, deletes, fetches on conn join s ...
//          await s.CommitAsync(ct);
// One session runs one statement at a time: its operations and reads are awaited one after the other.
using System.Data.Common;
using DataJoint.Stores;

namespace DataJoint;

/// <summary>One connection and transaction that inserts and deletes run in, with the uploads they made (see the file comment).</summary>
internal sealed class WriteSession : IAsyncDisposable
{
    private static readonly AsyncLocal<WriteSession?> Ambient = new();

    private readonly List<UploadTracker> _uploads = [];
    private DbConnection? _connection;
    private bool _borrowed;
    private DbTransaction? _transaction;
    private bool _startedByCaller;
    private int _savepoints;
    private bool _commitStarted;

    private WriteSession(DataJointConnection connection) => Connection = connection;

    /// <summary>The DataJoint connection the session's database connection comes from.</summary>
    public DataJointConnection Connection { get; }

    /// <summary>False once the session has committed or rolled back.</summary>
    public bool IsActive { get; private set; } = true;

    /// <summary>True when the session's transaction has begun.</summary>
    public bool InTransaction => _transaction is not null || _startedByCaller;

    /// <summary>
    /// Starts a session on <paramref name="connection"/>. With <paramref name="ambient"/>, table operations on that
    /// connection in the calling async flow join it until it ends (call this from the flow itself, not from inside an
    /// async helper whose changes to the flow are discarded when it returns).
    /// </summary>
    public static WriteSession Begin(DataJointConnection connection, bool ambient)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var session = new WriteSession(connection);
        if (ambient)
        {
            if (Current(connection) is not null)
                throw new DataJointException($"A transaction is already in progress on the connection to {connection.Settings}.");
            Ambient.Value = session;
        }
        return session;
    }

    /// <summary>
    /// Starts an ambient session on an already open <paramref name="borrowed"/> connection of <paramref name="connection"/>
    /// (not closed by the session). Populate runs each make so, on the worker's own connection. Call from the flow itself,
    /// as <see cref="Begin(DataJointConnection, bool)"/>.
    /// </summary>
    public static WriteSession Begin(DataJointConnection connection, DbConnection borrowed)
    {
        ArgumentNullException.ThrowIfNull(borrowed);
        var session = Begin(connection, ambient: true);
        session._connection = borrowed;
        session._borrowed = true;
        return session;
    }

    /// <summary>
    /// Starts an ambient session on <paramref name="borrowed"/>, in the transaction the caller has just begun there with
    /// its own START TRANSACTION statement (populate batches it with the reservation and the key check). The session
    /// commits, rolls back and sets savepoints by statement. Call from the flow itself, as <see cref="Begin(DataJointConnection, bool)"/>.
    /// </summary>
    public static WriteSession InStartedTransaction(DataJointConnection connection, DbConnection borrowed)
    {
        var session = Begin(connection, borrowed);
        session._startedByCaller = true;
        return session;
    }

    /// <summary>The active session that operations on <paramref name="connection"/> join, or null.</summary>
    public static WriteSession? Current(DataJointConnection connection) =>
        Ambient.Value is { IsActive: true } s && ReferenceEquals(s.Connection, connection) ? s : null;

    /// <summary>Starts a write operation: joined to the current session of <paramref name="connection"/>, else in a session of its own.</summary>
    public static WriteOperation Enter(DataJointConnection connection) =>
        Current(connection) is { } session ? new WriteOperation(session, owner: false) : new WriteOperation(new WriteSession(connection), owner: true);

    /// <summary>A connection for reads: the current session's (not disposed by the lease), else a new pooled one.</summary>
    public static async ValueTask<Lease> LeaseAsync(DataJointConnection connection, CancellationToken cancellationToken)
    {
        if (Current(connection) is { } session)
            return new Lease(await session.ConnectionAsync(cancellationToken).ConfigureAwait(false), session._transaction, owned: false);
        return new Lease(await connection.OpenAsync(cancellationToken).ConfigureAwait(false), null, owned: true);
    }

    /// <summary>The session's connection, opened on first use.</summary>
    public async ValueTask<DbConnection> ConnectionAsync(CancellationToken cancellationToken)
    {
        ThrowIfEnded();
        return _connection ??= await Connection.OpenAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The session's transaction, begun on first use; null for a transaction the caller began by statement
    /// (<see cref="InStartedTransaction"/>), whose commands run on the connection without a DbTransaction.
    /// </summary>
    public async ValueTask<DbTransaction?> TransactionAsync(CancellationToken cancellationToken)
    {
        var connection = await ConnectionAsync(cancellationToken).ConfigureAwait(false);
        if (_startedByCaller) return null;
        return _transaction ??= await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs a transaction-control statement (<c>COMMIT</c>, <c>SAVEPOINT x</c> …) on the session's connection, which its transaction opened.</summary>
    private async Task StatementAsync(string sql, CancellationToken cancellationToken)
    {
        var connection = _connection ?? throw new InvalidOperationException("The session has no connection yet.");
        await using var cmd = new SqlFragment(sql, []).CreateCommand(connection);
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sets savepoint <paramref name="name"/> in the session's transaction (begun first if needed).</summary>
    internal async Task SaveAsync(string name, CancellationToken cancellationToken)
    {
        await TransactionAsync(cancellationToken).ConfigureAwait(false);
        await StatementAsync("SAVEPOINT `" + name + "`", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Releases savepoint <paramref name="name"/>.</summary>
    internal Task ReleaseAsync(string name, CancellationToken cancellationToken) =>
        StatementAsync("RELEASE SAVEPOINT `" + name + "`", cancellationToken);

    /// <summary>Rolls the transaction back to savepoint <paramref name="name"/>; never throws for a connection that is gone.</summary>
    internal async Task RollbackToAsync(string name)
    {
        try
        {
            await StatementAsync("ROLLBACK TO SAVEPOINT `" + name + "`", CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsConnectionFailure(ex)) { /* the connection is gone; the server rolls back */ }
    }

    /// <summary>A tracker for the uploads of one operation: its objects are deleted if the session rolls back.</summary>
    internal UploadTracker TrackUploads(IStoreProvider stores, int maxParallelUploads, CancellationToken cancellationToken,
        bool verifyExistingContent = false)
    {
        ThrowIfEnded();
        var tracker = new UploadTracker(stores, maxParallelUploads, cancellationToken, verifyExistingContent);
        lock (_uploads) _uploads.Add(tracker);
        return tracker;
    }

    /// <summary>A new savepoint name of this session.</summary>
    internal string NextSavepoint() => "dj_op_" + (++_savepoints).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Commits the transaction (if one began) and ends the session.</summary>
    public async Task CommitAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfEnded();
        // From here on a failure does not prove the rows are absent: the uploaded objects are kept (GC removes true orphans).
        if (_transaction is not null)
        {
            _commitStarted = true;
            await _transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        else if (_startedByCaller)
        {
            _commitStarted = true;
            await StatementAsync("COMMIT", cancellationToken).ConfigureAwait(false);
        }
        IsActive = false;
    }

    /// <summary>
    /// Commits a transaction the caller began by statement (<see cref="InStartedTransaction"/>) and runs
    /// <paramref name="then"/> right after the COMMIT, in the same round trip; <paramref name="read"/> receives the reader
    /// standing on the batch's first result set (a SELECT among <paramref name="then"/>). When the round trip fails, the
    /// server ran its statements up to the failing one — the COMMIT may or may not be among them: the session stays
    /// active with the outcome unknown until the caller, having found out, calls <see cref="SettleCommit"/>.
    /// </summary>
    public async Task CommitThenAsync(IReadOnlyList<SqlFragment> then, Func<DbDataReader, Task>? read, CancellationToken cancellationToken)
    {
        ThrowIfEnded();
        if (!_startedByCaller) throw new InvalidOperationException("CommitThenAsync needs a transaction begun by statement.");
        var connection = await ConnectionAsync(cancellationToken).ConfigureAwait(false);
        _commitStarted = true;
        await using var batch = SqlFragment.CreateBatch(connection, [new SqlFragment("COMMIT", []), .. then]);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        IsActive = false; // every statement before the first result set ran, the COMMIT first
        if (read is not null) await read(reader).ConfigureAwait(false);
    }

    /// <summary>
    /// After a failed <see cref="CommitThenAsync"/>: <paramref name="committed"/> ends the session as committed; otherwise
    /// the session stays active and <see cref="RollbackAsync"/> undoes it, the <c>_schema/...</c> uploads included.
    /// </summary>
    public void SettleCommit(bool committed)
    {
        if (committed) IsActive = false;
        else _commitStarted = false;
    }

    /// <summary>
    /// Rolls the transaction back and deletes the <c>_schema/...</c> objects the session's operations uploaded (unless
    /// COMMIT was already sent), then ends the session. Never throws for a connection that is gone.
    /// </summary>
    public async Task RollbackAsync()
    {
        if (!IsActive) return;
        IsActive = false;
        if (_transaction is not null) await SafeRollbackAsync(_transaction).ConfigureAwait(false);
        else if (_startedByCaller)
        {
            try
            {
                await StatementAsync("ROLLBACK", CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsConnectionFailure(ex)) { /* the connection is gone; the server rolls back */ }
        }
        if (_commitStarted) return;
        UploadTracker[] uploads;
        lock (_uploads) uploads = [.. _uploads];
        foreach (var tracker in uploads) await tracker.RollbackAsync().ConfigureAwait(false);
    }

    /// <summary>Rolls back if the session is still active, then releases the connection and the trackers.</summary>
    public async ValueTask DisposeAsync()
    {
        if (IsActive) await RollbackAsync().ConfigureAwait(false);
        if (_transaction is not null) await _transaction.DisposeAsync().ConfigureAwait(false);
        if (_connection is not null && !_borrowed) await _connection.DisposeAsync().ConfigureAwait(false);
        lock (_uploads)
        {
            foreach (var tracker in _uploads) tracker.Dispose();
            _uploads.Clear();
        }
    }

    private static async Task SafeRollbackAsync(DbTransaction tx)
    {
        try
        {
            await tx.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsConnectionFailure(ex)) { /* the connection is gone (the server rolls back), or already completed */ }
    }

    /// <summary>
    /// True for what a statement on a connection that is gone throws: the driver's error, its refusal to use a broken or
    /// closed connection (<see cref="InvalidOperationException"/>), or the socket's own error (a reset socket can surface
    /// as a raw <see cref="IOException"/> or <see cref="System.Net.Sockets.SocketException"/>).
    /// </summary>
    internal static bool IsConnectionFailure(Exception ex) =>
        ex is DbException or InvalidOperationException or IOException or System.Net.Sockets.SocketException;

    private void ThrowIfEnded()
    {
        if (!IsActive) throw new DataJointException($"The transaction on the connection to {Connection.Settings} has already ended.");
    }

    /// <summary>A connection lent for reads, with the transaction its commands must join (null: none).</summary>
    internal readonly struct Lease(DbConnection connection, DbTransaction? transaction, bool owned) : IAsyncDisposable
    {
        public DbConnection Connection { get; } = connection;
        public DbTransaction? Transaction { get; } = transaction;

        public ValueTask DisposeAsync() => owned ? Connection.DisposeAsync() : ValueTask.CompletedTask;
    }
}

/// <summary>One insert or delete inside a <see cref="WriteSession"/> (see the file comment of WriteSession.cs).</summary>
internal sealed class WriteOperation : IAsyncDisposable
{
    private readonly bool _owner;
    private readonly List<UploadTracker> _uploads = [];
    private string? _savepoint;
    private bool _done;

    internal WriteOperation(WriteSession session, bool owner)
    {
        Session = session;
        _owner = owner;
    }

    /// <summary>The session the operation runs in.</summary>
    public WriteSession Session { get; }

    /// <summary>True once the operation has completed or failed.</summary>
    public bool IsFinished => _done;

    /// <summary>True when <see cref="CompleteAsync"/> commits the session (the operation owns it and its transaction began).</summary>
    public bool CommitsSession => _owner && Session.InTransaction;

    /// <summary>A tracker for this operation's uploads (<see cref="WriteSession.TrackUploads"/>).</summary>
    public UploadTracker TrackUploads(IStoreProvider stores, int maxParallelUploads, CancellationToken cancellationToken,
        bool verifyExistingContent = false)
    {
        var tracker = Session.TrackUploads(stores, maxParallelUploads, cancellationToken, verifyExistingContent);
        _uploads.Add(tracker);
        return tracker;
    }

    /// <summary>
    /// The connection and transaction the operation's statements run in (a savepoint marks its start in a joined session).
    /// An operation of one statement (<paramref name="singleStatement"/>, e.g. a one-row insert) needs no savepoint: the
    /// server undoes a failed statement on its own, which saves two round trips per make in populate.
    /// </summary>
    public async ValueTask<(DbConnection Connection, DbTransaction? Transaction)> BeginAsync(CancellationToken cancellationToken,
        bool singleStatement = false)
    {
        var tx = await Session.TransactionAsync(cancellationToken).ConfigureAwait(false);
        if (!_owner && _savepoint is null && !singleStatement)
        {
            _savepoint = Session.NextSavepoint();
            await Session.SaveAsync(_savepoint, cancellationToken).ConfigureAwait(false);
        }
        return (await Session.ConnectionAsync(cancellationToken).ConfigureAwait(false), tx);
    }

    /// <summary>The operation succeeded: its own session commits; in a joined session its savepoint is released.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        _done = true;
        if (_owner)
        {
            await Session.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        else if (_savepoint is not null)
        {
            await Session.ReleaseAsync(_savepoint, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The operation failed: its own session rolls back; in a joined session its statements are rolled back to its
    /// savepoint and its <c>_schema/...</c> uploads are deleted, leaving the session usable.
    /// </summary>
    public async Task FailAsync()
    {
        if (_done) return;
        _done = true;
        if (_owner)
        {
            await Session.RollbackAsync().ConfigureAwait(false);
            return;
        }
        if (_savepoint is not null && Session.IsActive) await Session.RollbackToAsync(_savepoint).ConfigureAwait(false);
        foreach (var tracker in _uploads) await tracker.RollbackAsync().ConfigureAwait(false);
    }

    /// <summary>Undoes the operation unless it completed; an owned session is released.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_done) await FailAsync().ConfigureAwait(false);
        if (_owner) await Session.DisposeAsync().ConfigureAwait(false);
    }
}
