using System.Collections.Concurrent;
using DataJoint.Settings;
using Microsoft.Extensions.Logging;
using MySqlConnector;

namespace DataJoint;

/// <summary>
/// A connection to a MySQL/MariaDB server with DataJoint's session settings. Cheap to create; it hands out pooled
/// <see cref="MySqlConnection"/>s from a <see cref="MySqlDataSource"/> (one per distinct connection string in the
/// process). Each server session gets DataJoint's <c>sql_mode</c> once, when it is opened; a pooled session is reused
/// as it is (no reset, no <c>SET</c>; a ping makes sure it still answers), as DataJoint Python keeps one session for its connection.
/// </summary>
public sealed partial class DataJointConnection
{
    private static readonly ConcurrentDictionary<string, MySqlDataSource> DataSources = new(StringComparer.Ordinal);
    private readonly MySqlDataSource _dataSource;

    /// <summary>A connection with these settings; <paramref name="loggerFactory"/> receives DataJoint's log messages.</summary>
    public DataJointConnection(ConnectionSettings settings, ILoggerFactory? loggerFactory = null)
        : this(settings, new DataJointSettings { Database = settings ?? throw new ArgumentNullException(nameof(settings)) }, loggerFactory)
    {
    }

    private DataJointConnection(ConnectionSettings settings, DataJointSettings all, ILoggerFactory? loggerFactory)
    {
        Settings = settings;
        ServerKey = settings.ToString();
        AllSettings = all;
        _dataSource = DataSources.GetOrAdd(settings.ToConnectionString(), static cs =>
            new MySqlDataSourceBuilder(cs).UseConnectionOpenedCallback(SetUpSessionAsync).Build());
        Loggers = loggerFactory is null ? DataJointLoggers.None : new DataJointLoggers(loggerFactory, all.LogLevel);
        if (loggerFactory is not null) all.WarnUnknownKeys(Loggers.Connection);
    }

    /// <summary>
    /// A connection configured as DataJoint Python would be in the current directory: <c>DJ_*</c> variables,
    /// <c>datajoint.json</c>, <c>.secrets/</c> (<see cref="DataJointSettings.Load(string?)"/>).
    /// </summary>
    public static DataJointConnection FromEnvironment() => FromSettings(DataJointSettings.Load());

    /// <summary>
    /// A connection from loaded settings (its <see cref="DataJointSettings.Database"/> section); the other sections stay
    /// available as <see cref="AllSettings"/> (schemas read <c>create_tables</c>, deletes read <c>safemode</c>, …).
    /// </summary>
    public static DataJointConnection FromSettings(DataJointSettings settings, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new DataJointConnection(settings.Database, settings, loggerFactory) { HasLoadedSettings = true };
    }

    /// <summary>
    /// True when the connection was made from loaded settings (<see cref="FromSettings"/>, <see cref="FromEnvironment"/>):
    /// then <see cref="DataJointSettings.SafeMode"/> is what the user configured (or Python's default, on).
    /// </summary>
    internal bool HasLoadedSettings { get; private init; }

    /// <summary>The database settings.</summary>
    public ConnectionSettings Settings { get; }

    /// <summary><c>user@host:port</c> as the connection was made (what per-server caches are keyed by).</summary>
    internal string ServerKey { get; }

    /// <summary>Every settings section this connection was made from (defaults for the sections not given).</summary>
    public DataJointSettings AllSettings { get; }

    internal DataJointLoggers Loggers { get; }

    /// <summary>
    /// DataJoint's <c>safemode</c> for deletes and drops through this connection: true asks for confirmation (see
    /// <see cref="Confirm"/>) before anything is committed. Null: for a connection made from loaded settings
    /// (<see cref="FromEnvironment"/>, <see cref="FromSettings"/>) their <c>safemode</c> (<c>DJ_SAFEMODE</c>,
    /// <c>datajoint.json</c>; on unless set, as in Python), otherwise on only in an interactive console. A per-call
    /// <see cref="DeleteOptions.Safemode"/> wins over this.
    /// </summary>
    public bool? Safemode { get; init; }

    /// <summary>The confirmation safemode asks (null: a console prompt when there is an interactive console).</summary>
    public ConfirmCascade? Confirm { get; init; }

    /// <summary>
    /// The folder <c>&lt;attach&gt;</c> values are written to when fetched (Python's <c>download_path</c>). Null: the
    /// <c>download_path</c> of <see cref="AllSettings"/> (<c>DJ_DOWNLOAD_PATH</c>, <c>datajoint.json</c>; default <c>.</c>, the
    /// working directory). A per-fetch <see cref="FetchOptions.DownloadPath"/> wins over this.
    /// </summary>
    public string? DownloadPath { get; init; }

    /// <summary>A new server session (or one whose state was reset) gets DataJoint's session settings.</summary>
    /// <remarks>
    /// A reused pooled session keeps its settings and is only pinged (one small round trip, the one a reset would
    /// have cost; no SET): a session the server closed meanwhile (killed, timed out, server restarted) is never handed out.
    /// </remarks>
    private static async ValueTask SetUpSessionAsync(MySqlConnectionOpenedContext context, CancellationToken cancellationToken)
    {
        if ((context.Conditions & (MySqlConnectionOpenedConditions.New | MySqlConnectionOpenedConditions.Reset)) == 0)
        {
            if (!await context.Connection.PingAsync(cancellationToken).ConfigureAwait(false)) throw new StaleSessionException();
            return;
        }
        await using var cmd = context.Connection.CreateCommand();
        cmd.CommandText = MySqlDialect.SessionSetup;
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A pooled session that no longer answers.</summary>
    private sealed class StaleSessionException() : Exception("The pooled database session no longer answers.");

    /// <summary>
    /// Opens a pooled session with DataJoint's <c>sql_mode</c> set. The caller disposes it and should leave the session
    /// as it found it (a pooled session is not reset).
    /// </summary>
    public async Task<MySqlConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        var conn = _dataSource.CreateConnection();
        try
        {
            try
            {
                await conn.OpenAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (StaleSessionException)
            {
                // The pool's idle sessions are likely gone too (a server restart): drop them and open a new one.
                await MySqlConnection.ClearPoolAsync(conn, cancellationToken).ConfigureAwait(false);
                await conn.DisposeAsync().ConfigureAwait(false);
                conn = _dataSource.CreateConnection();
                await conn.OpenAsync(cancellationToken).ConfigureAwait(false);
            }
            if (Loggers.Sql.IsEnabled(LogLevel.Debug)) SqlLog.Attach(conn, Loggers.Sql);
            if (Loggers.Connection.IsEnabled(LogLevel.Debug))
                DataJointLog.Connected(Loggers.Connection, Settings.ToString(), Settings.Tls.ToString());
            return conn;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            await conn.DisposeAsync().ConfigureAwait(false);
            throw ConnectError(ex);
        }
    }

    /// <summary>Why a connection could not be opened, as a <see cref="DataJointException"/> subtype.</summary>
    private DataJointException ConnectError(Exception ex)
    {
        var message = $"Cannot connect to the database server at {Settings}{TlsHint(ex)}: {ex.Message}";
        if (IsTlsFailure(ex)) return new DatabaseException(message, ex); // configuration, not transient
        return ex switch
        {
            MySqlException { Number: 1044 or 1045 or 1129 or 1130 or 1698 } => new AccessDeniedException(message, ex),
            MySqlException { Number: 1040 or 1042 or 2002 or 2003 or 2005 or 2006 or 2013 } or MySqlException { IsTransient: true }
                // the connection dropped while the session was being set up (an incomplete answer: a reset socket)
                or MySqlException { InnerException: System.IO.IOException or System.Net.Sockets.SocketException }
                or System.Net.Sockets.SocketException or System.IO.IOException or TimeoutException or OperationCanceledException
                => new LostConnectionException(message, ex),
            _ => new DatabaseException(message, ex),
        };
    }

    private static bool IsTlsFailure(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
            if (e is System.Security.Authentication.AuthenticationException
                || e.Message.Contains("does not support SSL", StringComparison.OrdinalIgnoreCase))
                return true;
        return false;
    }

    private string TlsHint(Exception ex)
    {
        if (Settings.Tls != TlsMode.Required) return "";
        var text = ex.ToString();
        if (text.Contains("does not support SSL", StringComparison.OrdinalIgnoreCase))
            return " (database.use_tls requires TLS, but the server does not offer TLS)";
        if (text.Contains("Authentication", StringComparison.Ordinal) || text.Contains("certificate", StringComparison.OrdinalIgnoreCase))
            return " (database.use_tls requires TLS, and the TLS handshake failed: check database.use_tls ca/cert/key)";
        return " (database.use_tls requires TLS)";
    }

    /// <summary>Returns the server's version string (for MariaDB, e.g. <c>10.11.19-MariaDB</c>).</summary>
    public async Task<string> GetServerVersionAsync(CancellationToken cancellationToken = default)
    {
        await using var conn = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = ((ISqlDialect)MySqlDialect.ForServerVersion(conn.ServerVersion)).ServerVersionQuery;
        return Convert.ToString(await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false),
            System.Globalization.CultureInfo.InvariantCulture) ?? "";
    }
}
