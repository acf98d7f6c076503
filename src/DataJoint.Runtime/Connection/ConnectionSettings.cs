using MySqlConnector;

namespace DataJoint;

/// <summary>
/// Where and how to connect to the MySQL/MariaDB server. Read from the same environment variables a
/// DataJoint Python user sets: <c>DJ_HOST</c> (may be <c>host:port</c>), <c>DJ_PORT</c>, <c>DJ_USER</c>,
/// <c>DJ_PASS</c>.
/// </summary>
public sealed record ConnectionSettings
{
    /// <summary>The session <c>sql_mode</c> DataJoint Python uses; every DataJoint session sets it.</summary>
    public const string SqlMode =
        "NO_ZERO_DATE,NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO,STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION,ONLY_FULL_GROUP_BY";

    public string Host { get; init; } = "localhost";
    public int Port { get; init; } = 3306;
    public string User { get; init; } = "root";
    public string Password { get; init; } = "";
    /// <summary>Use TLS when the server offers it (MySqlConnector's <c>Preferred</c>).</summary>
    public bool UseTls { get; init; }
    /// <summary>Seconds to wait for a connection.</summary>
    public int ConnectTimeoutSeconds { get; init; } = 15;

    /// <summary>Reads <c>DJ_HOST</c>, <c>DJ_PORT</c>, <c>DJ_USER</c>, <c>DJ_PASS</c>; missing ones keep their defaults.</summary>
    public static ConnectionSettings FromEnvironment() => FromVariables(Environment.GetEnvironmentVariable);

    internal static ConnectionSettings FromVariables(Func<string, string?> get)
    {
        var s = new ConnectionSettings();
        var host = get("DJ_HOST");
        if (!string.IsNullOrWhiteSpace(host))
        {
            host = host.Trim();
            var colon = host.LastIndexOf(':');
            if (colon > 0 && host.IndexOf(':') == colon && int.TryParse(host[(colon + 1)..], out var hostPort))
                s = s with { Host = host[..colon], Port = hostPort };
            else
                s = s with { Host = host };
        }
        var port = get("DJ_PORT");
        if (!string.IsNullOrWhiteSpace(port))
        {
            if (!int.TryParse(port, out var p) || p is <= 0 or > 65535)
                throw new DataJointException($"DJ_PORT must be a TCP port number, got '{port}'.");
            s = s with { Port = p };
        }
        var user = get("DJ_USER");
        if (!string.IsNullOrEmpty(user)) s = s with { User = user };
        var pass = get("DJ_PASS");
        if (pass is not null) s = s with { Password = pass };
        return s;
    }

    /// <summary>The MySqlConnector connection string for these settings.</summary>
    public string ToConnectionString(string? database = null)
    {
        var b = new MySqlConnectionStringBuilder
        {
            Server = Host,
            Port = (uint)Port,
            UserID = User,
            Password = Password,
            SslMode = UseTls ? MySqlSslMode.Preferred : MySqlSslMode.None,
            AllowUserVariables = true,
            ConnectionTimeout = (uint)ConnectTimeoutSeconds,
            CharacterSet = "utf8mb4",
            // DataJoint semantics: one session sql_mode, set on every pooled connection.
            Pipelining = true,
            // Catalogue reads (headings, foreign keys) run on a write session's connection inside its transaction.
            IgnoreCommandTransaction = true,
        };
        if (!string.IsNullOrEmpty(database)) b.Database = database;
        return b.ConnectionString;
    }

    /// <inheritdoc />
    public override string ToString() => $"{User}@{Host}:{Port}";
}
