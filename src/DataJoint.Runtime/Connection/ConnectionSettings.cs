using DataJoint.Settings;
using MySqlConnector;

namespace DataJoint;

/// <summary>How a connection uses TLS (DataJoint Python's <c>database.use_tls</c>).</summary>
public enum TlsMode
{
    /// <summary><c>use_tls: false</c> — never encrypt.</summary>
    Off,
    /// <summary><c>use_tls</c> unset (the default) — encrypt when the server offers TLS, else connect in the clear.</summary>
    Preferred,
    /// <summary>
    /// <c>use_tls: true</c> or an object with <c>ca</c>/<c>cert</c>/<c>key</c> — refuse to connect without TLS. With a CA
    /// file the server's certificate must chain to it (and match the host name when <c>check_hostname</c> is true).
    /// </summary>
    Required,
}

/// <summary>
/// Where and how to connect to the MySQL/MariaDB server: the <c>database</c> section of DataJoint Python's settings
/// (<c>datajoint.json</c>, <c>.secrets/database.*</c>, <c>DJ_HOST</c>/<c>DJ_PORT</c>/<c>DJ_USER</c>/<c>DJ_PASS</c>/
/// <c>DJ_USE_TLS</c>…), as <see cref="DataJointSettings"/> loads it.
/// </summary>
public sealed record ConnectionSettings
{
    /// <summary>The session <c>sql_mode</c> DataJoint Python uses; every DataJoint session sets it.</summary>
    public const string SqlMode =
        "NO_ZERO_DATE,NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO,STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION,ONLY_FULL_GROUP_BY";

    /// <summary><c>database.host</c> (<c>DJ_HOST</c>, which may be <c>host:port</c>); default <c>localhost</c>.</summary>
    public string Host { get; init; } = "localhost";
    /// <summary><c>database.port</c> (<c>DJ_PORT</c>); default 3306.</summary>
    public int Port { get; init; } = 3306;
    /// <summary><c>database.user</c> (<c>DJ_USER</c>, <c>.secrets/database.user</c>); default <c>root</c>.</summary>
    public string User { get; init; } = "root";
    /// <summary><c>database.password</c> (<c>DJ_PASS</c>, <c>.secrets/database.password</c>); default empty.</summary>
    public string Password { get; init; } = "";
    /// <summary><c>database.use_tls</c> (<c>DJ_USE_TLS</c>): off, preferred (unset, the default) or required.</summary>
    public TlsMode Tls { get; init; } = TlsMode.Preferred;
    /// <summary><c>database.use_tls.ca</c>: a PEM file of the certificate authority the server's certificate must chain to.</summary>
    public string? TlsCaFile { get; init; }
    /// <summary><c>database.use_tls.cert</c>: the client certificate (PEM) for servers that require one; needs <see cref="TlsKeyFile"/>.</summary>
    public string? TlsCertFile { get; init; }
    /// <summary><c>database.use_tls.key</c>: the client certificate's private key (PEM).</summary>
    public string? TlsKeyFile { get; init; }
    /// <summary><c>database.use_tls.check_hostname</c>: with a CA file, also require the certificate to name <see cref="Host"/> (default false).</summary>
    public bool TlsCheckHostname { get; init; }
    /// <summary><c>database.backend</c> (<c>DJ_BACKEND</c>): <c>mysql</c> (the default; MariaDB too). <c>postgresql</c> is recognised but has no dialect here yet.</summary>
    public string Backend { get; init; } = "mysql";
    /// <summary><c>database.name</c> (<c>DJ_DATABASE_NAME</c>); parsed for compatibility, unused by the MySQL backend.</summary>
    public string? DatabaseName { get; init; }
    /// <summary><c>database.database_prefix</c> (<c>DJ_DATABASE_PREFIX</c>); deprecated in Python 2.x and, as there, not applied.</summary>
    public string DatabasePrefix { get; init; } = "";
    /// <summary>
    /// <c>database.create_tables</c> (<c>DJ_CREATE_TABLES</c>): when false, a schema only opens existing tables and never
    /// declares one (Python's <c>create_tables=False</c>); default true.
    /// </summary>
    public bool CreateTables { get; init; } = true;
    /// <summary>
    /// <c>database.reconnect</c> (default true): a populate whose connection is lost opens a new one and goes on; false stops
    /// it. Other operations open a pooled connection per operation and are not affected.
    /// </summary>
    public bool Reconnect { get; init; } = true;
    /// <summary>Seconds to wait for a connection (<c>database.connect_timeout</c>, a .NET-only key); default 15.</summary>
    public int ConnectTimeoutSeconds { get; init; } = 15;

    /// <summary>
    /// The database settings as DataJoint Python would read them in the current directory: <c>DJ_*</c> variables over
    /// <c>datajoint.json</c> over <c>.secrets/</c> (see <see cref="DataJointSettings.Load(string?)"/>).
    /// </summary>
    public static ConnectionSettings FromEnvironment() => DataJointSettings.Load().Database;

    internal static ConnectionSettings FromVariables(Func<string, string?> get) =>
        From(SettingsSources.FromEnvironment(get));

    internal static readonly string[] Keys =
        ["host", "port", "user", "password", "use_tls", "backend", "name", "database_prefix", "create_tables", "reconnect", "connect_timeout"];

    internal static ConnectionSettings From(SettingValues v)
    {
        var d = new ConnectionSettings();
        var s = new ConnectionSettings
        {
            Host = NonEmpty(v.GetString("database.host")) ?? d.Host,
            Port = v.GetInt("database.port", 1, 65535) ?? d.Port,
            User = NonEmpty(v.GetString("database.user")) ?? d.User,
            Password = v.GetString("database.password") ?? d.Password,
            Backend = v.GetChoice("database.backend", "mysql", "postgresql") ?? d.Backend,
            DatabaseName = v.GetString("database.name"),
            DatabasePrefix = v.GetString("database.database_prefix") ?? "",
            CreateTables = v.GetBool("database.create_tables") ?? d.CreateTables,
            Reconnect = v.GetBool("database.reconnect") ?? d.Reconnect,
            ConnectTimeoutSeconds = v.GetInt("database.connect_timeout", 1, 3600) ?? d.ConnectTimeoutSeconds,
        };
        if (v.TryGet("database.use_tls", out var flag, out _))
        {
            s = s with { Tls = flag is null ? TlsMode.Preferred : v.GetBool("database.use_tls")!.Value ? TlsMode.Required : TlsMode.Off };
        }
        else if (v.ContainsSection("database.use_tls"))
        {
            // Python's dict form: {"ca": ..., "cert": ..., "key": ...} means TLS is required with these files.
            s = s with
            {
                Tls = TlsMode.Required,
                TlsCaFile = NonEmpty(v.GetString("database.use_tls.ca")),
                TlsCertFile = NonEmpty(v.GetString("database.use_tls.cert")),
                TlsKeyFile = NonEmpty(v.GetString("database.use_tls.key")),
                TlsCheckHostname = v.GetBool("database.use_tls.check_hostname") ?? false,
            };
            foreach (var k in v.Keys.Where(k => k.StartsWith("database.use_tls.", StringComparison.OrdinalIgnoreCase)))
                if (k[17..].ToLowerInvariant() is not ("ca" or "cert" or "key" or "check_hostname"))
                    throw new SettingsException($"Setting \"{k}\" (from {v.SourceOf(k)}) is not a TLS option; use ca, cert, key or check_hostname.");
        }
        s.Validate(v);
        return s;
    }

    private void Validate(SettingValues? v = null)
    {
        string Where(string key) => v?.SourceOf(key) is { } src ? $" (from {src})" : "";
        if (TlsCertFile is null != (TlsKeyFile is null))
            throw new SettingsException(
                $"database.use_tls needs both cert and key for a client certificate{Where("database.use_tls.cert")}{Where("database.use_tls.key")}.");
        foreach (var (key, file) in new[] { ("ca", TlsCaFile), ("cert", TlsCertFile), ("key", TlsKeyFile) })
            if (file is not null && !File.Exists(file))
                throw new SettingsException($"database.use_tls.{key}{Where("database.use_tls." + key)}: file not found: {file}");
    }

    private static string? NonEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    /// <summary>The MySqlConnector connection string for these settings.</summary>
    public string ToConnectionString(string? database = null)
    {
        Validate();
        var b = new MySqlConnectionStringBuilder
        {
            Server = Host,
            Port = (uint)Port,
            UserID = User,
            Password = Password,
            SslMode = Tls switch
            {
                TlsMode.Off => MySqlSslMode.None,
                TlsMode.Preferred => MySqlSslMode.Preferred,
                _ when TlsCaFile is null => MySqlSslMode.Required,
                _ => TlsCheckHostname ? MySqlSslMode.VerifyFull : MySqlSslMode.VerifyCA,
            },
            AllowUserVariables = true,
            ConnectionTimeout = (uint)ConnectTimeoutSeconds,
            CharacterSet = "utf8mb4",
            Pipelining = true,
            // DataJoint semantics: one session with DataJoint's sql_mode, set once when the server session opens
            // (DataJointConnection); reusing a pooled session does not reset it.
            ConnectionReset = false,
            // Catalogue reads (headings, foreign keys) run on a write session's connection inside its transaction.
            IgnoreCommandTransaction = true,
        };
        if (TlsCaFile is not null) b.SslCa = TlsCaFile;
        if (TlsCertFile is not null) b.SslCert = TlsCertFile;
        if (TlsKeyFile is not null) b.SslKey = TlsKeyFile;
        if (!string.IsNullOrEmpty(database)) b.Database = database;
        return b.ConnectionString;
    }

    /// <inheritdoc />
    public override string ToString() => $"{User}@{Host}:{Port}";
}
