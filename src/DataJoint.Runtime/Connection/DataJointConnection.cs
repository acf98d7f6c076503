using MySqlConnector;

namespace DataJoint;

/// <summary>
/// A connection to a MySQL/MariaDB server with DataJoint's session settings. Cheap to create; it hands
/// out pooled <see cref="MySqlConnection"/>s, each configured with DataJoint's <c>sql_mode</c>.
/// </summary>
public sealed class DataJointConnection
{
    private readonly string _connectionString;

    public DataJointConnection(ConnectionSettings settings)
    {
        Settings = settings ?? throw new ArgumentNullException(nameof(settings));
        _connectionString = settings.ToConnectionString();
    }

    /// <summary>A connection configured from <c>DJ_HOST</c>, <c>DJ_PORT</c>, <c>DJ_USER</c>, <c>DJ_PASS</c>.</summary>
    public static DataJointConnection FromEnvironment() => new(ConnectionSettings.FromEnvironment());

    public ConnectionSettings Settings { get; }

    /// <summary>
    /// DataJoint's <c>safemode</c> for deletes and drops through this connection: true asks for confirmation (see
    /// <see cref="Confirm"/>) before anything is committed. Null: the <c>safemode</c> setting, else on only in an
    /// interactive console. A per-call <see cref="DeleteOptions.Safemode"/> wins over this.
    /// </summary>
    public bool? Safemode { get; init; }

    /// <summary>The confirmation safemode asks (null: a console prompt when there is an interactive console).</summary>
    public ConfirmCascade? Confirm { get; init; }

    /// <summary>
    /// The folder <c>&lt;attach&gt;</c> values are written to when fetched (Python's <c>download_path</c>). Null: the
    /// <c>download_path</c> setting, else the process's working directory. A per-fetch
    /// <see cref="FetchOptions.DownloadPath"/> wins over this.
    /// </summary>
    public string? DownloadPath { get; init; }

    /// <summary>The settings file values this connection falls back on (safemode, download path).</summary>
    internal ConfiguredDefaults Configured => ConfiguredDefaults.Current;

    /// <summary>Opens a pooled session with DataJoint's <c>sql_mode</c> set. The caller disposes it.</summary>
    public async Task<MySqlConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        var conn = new MySqlConnection(_connectionString);
        try
        {
            await conn.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var cmd = conn.CreateCommand();
            cmd.CommandText = "SET SESSION sql_mode = '" + ConnectionSettings.SqlMode + "'";
            await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
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
        var message = $"Cannot connect to the database server at {Settings}: {ex.Message}";
        return ex switch
        {
            MySqlException { Number: 1044 or 1045 or 1129 or 1130 or 1698 } => new AccessDeniedException(message, ex),
            MySqlException { Number: 1040 or 1042 or 2002 or 2003 or 2005 or 2006 or 2013 } or MySqlException { IsTransient: true }
                or System.Net.Sockets.SocketException or System.IO.IOException or TimeoutException or OperationCanceledException
                => new LostConnectionException(message, ex),
            _ => new DatabaseException(message, ex),
        };
    }

    /// <summary>Returns the server's version string (for MariaDB, e.g. <c>10.11.19-MariaDB</c>).</summary>
    public async Task<string> GetServerVersionAsync(CancellationToken cancellationToken = default)
    {
        await using var conn = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT VERSION()";
        return Convert.ToString(await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false),
            System.Globalization.CultureInfo.InvariantCulture) ?? "";
    }
}
