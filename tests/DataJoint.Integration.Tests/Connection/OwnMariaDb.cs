using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MySqlConnector;

namespace DataJoint.Integration.Tests.Connection;

/// <summary>
/// A MariaDB server of the test's own: a fresh data folder in a temp directory, its own port and socket, started with
/// the options the test needs (e.g. TLS) and stopped by <see cref="DisposeAsync"/>. The shared server is never touched.
/// Needs the <c>mariadbd</c> and <c>mariadb-install-db</c> that scripts/services.sh installs.
/// </summary>
internal sealed class OwnMariaDb : IAsyncDisposable
{
    private readonly string _dir;
    private Process? _process;

    private OwnMariaDb(string dir) => _dir = dir;

    public int Port { get; private set; }
    public string Socket => Path.Combine(_dir, "mysqld.sock");
    public string Folder => _dir;
    private string TempFolder => Path.Combine(_dir, "tmp");

    /// <summary>Initialises a data folder (about 2 s); <see cref="StartAsync"/> then starts the server.</summary>
    public static async Task<OwnMariaDb> CreateAsync()
    {
        var server = FindBinary("mariadbd", "/usr/sbin/mariadbd");
        var install = FindBinary("mariadb-install-db", "/usr/bin/mariadb-install-db");
        if (server is null || install is null)
            TestServices.Missing("mariadbd and mariadb-install-db (scripts/services.sh installs them)", "not found");
        var dir = Directory.CreateTempSubdirectory("djnet-own-mariadb-").FullName;
        var db = new OwnMariaDb(dir);
        // Its own temporary folder too: in the shared /tmp a bootstrap once failed deleting its own #sql-temptable file.
        Directory.CreateDirectory(db.TempFolder);
        var args = new List<string>
        {
            "--no-defaults", "--datadir=" + Path.Combine(dir, "data"), "--tmpdir=" + db.TempFolder, "--auth-root-authentication-method=normal", "--skip-test-db",
        };
        if (Environment.UserName == "root") args.Insert(1, "--user=root");
        var (code, output) = await RunAsync(install!, args);
        if (code != 0) throw new InvalidOperationException($"mariadb-install-db failed ({code}): {output}");
        return db;
    }

    /// <summary>Starts the server with <paramref name="extraOptions"/> (e.g. <c>--ssl-ca=...</c>) on a free port.</summary>
    public async Task StartAsync(params string[] extraOptions)
    {
        if (_process is not null) throw new InvalidOperationException("already running");
        Port = FreePort();
        var args = new List<string>
        {
            "--no-defaults", "--datadir=" + Path.Combine(_dir, "data"), "--tmpdir=" + TempFolder, "--socket=" + Socket, "--pid-file=" + Path.Combine(_dir, "mysqld.pid"),
            "--port=" + Port, "--bind-address=127.0.0.1", "--skip-name-resolve", "--character-set-server=utf8mb4",
            "--collation-server=utf8mb4_general_ci", "--innodb-buffer-pool-size=32M", "--log-error=" + Path.Combine(_dir, "error.log"),
        };
        if (Environment.UserName == "root") args.Insert(1, "--user=root");
        args.AddRange(extraOptions);
        var psi = new ProcessStartInfo(FindBinary("mariadbd", "/usr/sbin/mariadbd")!) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        _process = Process.Start(psi) ?? throw new InvalidOperationException("mariadbd did not start");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                await using var c = await OpenAdminAsync();
                return;
            }
            catch (MySqlException) when (DateTime.UtcNow < deadline && !_process.HasExited)
            {
                await Task.Delay(100);
            }
            catch (MySqlException ex)
            {
                var log = File.Exists(Path.Combine(_dir, "error.log")) ? File.ReadAllText(Path.Combine(_dir, "error.log")) : "";
                throw new InvalidOperationException($"own mariadbd did not become ready: {ex.Message}\n{log}", ex);
            }
        }
    }

    /// <summary>A root session over the Unix socket (no TLS), for setting the server up.</summary>
    public async Task<MySqlConnection> OpenAdminAsync()
    {
        var c = new MySqlConnection(new MySqlConnectionStringBuilder
        {
            Server = Socket, ConnectionProtocol = MySqlConnectionProtocol.UnixSocket, UserID = "root", SslMode = MySqlSslMode.None, Pooling = false,
        }.ConnectionString);
        await c.OpenAsync();
        return c;
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var c = await OpenAdminAsync();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>Stops the server (its own process only) and waits for it to exit.</summary>
    public async Task StopAsync()
    {
        if (_process is null) return;
        MySqlConnection.ClearAllPools();
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: false);
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                await _process.WaitForExitAsync(cts.Token);
            }
        }
        finally
        {
            _process.Dispose();
            _process = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // best effort: a temp folder
        }
    }

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    private static string? FindBinary(string name, string fallback)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Append("/usr/sbin").Append("/usr/bin"))
        {
            var p = Path.Combine(dir, name);
            if (File.Exists(p)) return p;
        }
        return File.Exists(fallback) ? fallback : null;
    }

    private static async Task<(int Code, string Output)> RunAsync(string file, IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, await stdout + await stderr);
    }
}
