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
        catch (MySqlException ex)
        {
            await conn.DisposeAsync().ConfigureAwait(false);
            throw new DataJointException($"Cannot connect to the database server at {Settings}: {ex.Message}", ex);
        }
        catch
        {
            await conn.DisposeAsync().ConfigureAwait(false);
            throw;
        }
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
