using System.Data;
using System.Data.Common;
using System.Diagnostics;
using MySqlConnector;

namespace DataJoint;

/// <summary>
/// The database connection a populate runs on: every statement of the job protocol and every make of the worker. When the
/// server goes away — restarted, or the network cut — the connection is opened again, as DataJoint Python reconnects
/// (<c>database.reconnect</c>, on by default), and the populate settles the key that was in flight and goes on. Attempts
/// to reconnect follow each other 0.25 s, 0.5 s, 1 s … (at most 5 s) apart for up to <see cref="Window"/>; after that, or
/// with <c>database.reconnect</c> off, the loss stops the populate with a <see cref="LostConnectionException"/>. A stop
/// (cancellation, SIGTERM, Ctrl-C) ends the waiting at once: one attempt is made right away, none after it, and an
/// <see cref="OperationCanceledException"/> says that the stop ended it.
/// </summary>
internal sealed class WorkerConnection : IAsyncDisposable
{
    /// <summary>How long a lost server is waited for (a restart of a busy server takes tens of seconds).</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(5);

    private readonly Table _target;
    private readonly CancellationToken _stop;
    private MySqlConnection _current;

    private WorkerConnection(Table target, MySqlConnection current, CancellationToken stop)
    {
        _target = target;
        _current = current;
        _stop = stop;
        ServerId = current.ServerThread;
    }

    /// <summary>
    /// Opens the worker's connection (waiting for a server that is away, as a reconnect does). <paramref name="stop"/> is
    /// the populate's stop: it ends any wait for the server.
    /// </summary>
    public static async Task<WorkerConnection> OpenAsync(Table target, CancellationToken stop) =>
        new(target, await OpenNewAsync(target, stop).ConfigureAwait(false), stop);

    /// <summary>A new session: one attempt at once, further ones only while not stopping.</summary>
    private static Task<MySqlConnection> OpenNewAsync(Table target, CancellationToken stop) =>
        RetryAsync(target, _ => target.Connection.OpenAsync(CancellationToken.None), stop);

    /// <summary>The current connection.</summary>
    public DbConnection Connection => _current;

    /// <summary>
    /// The server's id of the current connection (<c>CONNECTION_ID()</c>): the <c>connection_id</c> its reservations
    /// record, by which a reservation made through a connection that was lost is found and given back. Read when the
    /// connection opens (the driver no longer tells it once the connection is broken).
    /// </summary>
    public long ServerId { get; private set; }

    /// <summary>True when the driver knows the connection is gone (the server restarted, the socket was reset).</summary>
    public bool IsBroken => _current.State != ConnectionState.Open;

    /// <summary>
    /// True when <paramref name="failure"/> means the connection may be gone: the driver says so, or the failure is a
    /// lost connection (the server killed it, a packet could not be read). Check <see cref="EnsureOpenAsync"/> next.
    /// </summary>
    public bool MayBeLost(Exception failure) => IsBroken || Translated(_target, failure) is LostConnectionException;

    /// <summary>
    /// True when the work that failed with <paramref name="failure"/> may succeed if done again: the connection may be
    /// lost (the server rolled back what it had open), or the failure is one a DataJoint operation marks transient — a
    /// deadlock, a lock wait timeout, an S3 timeout (<see cref="Retry.IsRetryable"/>).
    /// </summary>
    public bool MayTryAgain(Exception failure) => MayBeLost(failure) || Retry.IsRetryable(Translated(_target, failure) ?? failure);

    /// <summary>
    /// After a failure: opens the connection again when it is gone (<see cref="IsBroken"/>, or it no longer answers a
    /// ping). Whatever the lost connection had begun, the server rolled back. Returns true when it was opened again.
    /// </summary>
    public async Task<bool> EnsureOpenAsync(Exception cause)
    {
        if (!IsBroken)
        {
            try
            {
                if (await _current.PingAsync(CancellationToken.None).ConfigureAwait(false)) return false;
            }
            catch (Exception ex) when (WriteSession.IsConnectionFailure(ex)) { /* gone */ }
        }
        await ReopenAsync(cause).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Runs an idempotent autocommit statement (a job's completion, error, release; a read): after a lost connection it
    /// opens a new one and runs the statement again.
    /// </summary>
    public async Task<T> RunAsync<T>(Func<DbConnection, Task<T>> statement)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await statement(_current).ConfigureAwait(false);
            }
            catch (Exception ex) when (attempt < 5 && MayBeLost(ex))
            {
                await EnsureOpenAsync(ex).ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc cref="RunAsync{T}(Func{DbConnection, Task{T}})"/>
    public Task RunAsync(Func<DbConnection, Task> statement) =>
        RunAsync(async c =>
        {
            await statement(c).ConfigureAwait(false);
            return true;
        });

    private async Task ReopenAsync(Exception cause)
    {
        await _current.DisposeAsync().ConfigureAwait(false); // a broken session is never returned to the pool
        if (!_target.Connection.Settings.Reconnect)
            throw new LostConnectionException(
                $"The connection to the database server was lost while populating {_target.FullName} (database.reconnect is off): {cause.Message}", cause);
        DataJoint.Logging.DataJointLog.Reconnecting(_target.Connection.Loggers.Populate, _target.FullName, cause.Message);
        try
        {
            _current = await OpenNewAsync(_target, _stop).ConfigureAwait(false);
        }
        catch (DataJointException ex) when (ex.IsTransient)
        {
            _stop.ThrowIfCancellationRequested(); // a stop ended the wait, not the window
            throw new LostConnectionException(
                $"The connection to the database server was lost while populating {_target.FullName} and could not be opened again " +
                $"within {Window.TotalSeconds:0} s: {ex.Message}", ex);
        }
        ServerId = _current.ServerThread;
    }

    /// <summary>
    /// Runs <paramref name="step"/> — an idempotent one: opening a connection, reading the key list, a refresh — and runs it
    /// again after a transient failure (a lost connection, a server that is restarting, a deadlock or lock wait timeout)
    /// until it succeeds or <see cref="Window"/> has passed since the first failure; a lost connection is waited out only
    /// with <c>database.reconnect</c> on. Other failures, and the last transient one, are thrown.
    /// </summary>
    public static async Task<T> RetryAsync<T>(Table target, Func<CancellationToken, Task<T>> step, CancellationToken cancellationToken)
    {
        Stopwatch? clock = null;
        var delay = FirstDelay;
        for (;;)
        {
            try
            {
                return await step(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (MayRetry(target, ex) && (clock ??= Stopwatch.StartNew()).Elapsed < Window
                                       && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                delay = delay * 2 < MaxDelay ? delay * 2 : MaxDelay;
            }
        }
    }

    private static bool MayRetry(Table target, Exception failure)
    {
        var translated = Translated(target, failure);
        return Retry.IsRetryable(translated ?? failure) && (translated is not LostConnectionException || target.Connection.Settings.Reconnect);
    }

    /// <summary>The failure as a DataJoint exception (a driver's or socket's translated), or null when it is none.</summary>
    private static DataJointException? Translated(Table target, Exception failure) =>
        failure as DataJointException ?? target.Dialect.TranslateError(failure, target.FullName);

    public ValueTask DisposeAsync() => _current.DisposeAsync();
}
