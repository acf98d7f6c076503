using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace DataJoint.Integration.Tests.Safety;

/// <summary>A local TCP listener on an ephemeral port that accepts connections and never answers (a hung endpoint).</summary>
public sealed class SilentListener : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly ConcurrentBag<TcpClient> _accepted = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public SilentListener()
    {
        _listener.Start();
        _loop = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public string Endpoint => $"127.0.0.1:{Port}";

    /// <summary>Connections accepted so far (the client really connected, it just got no answer).</summary>
    public int Accepted => _accepted.Count;

    private async Task AcceptAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested) _accepted.Add(await _listener.AcceptTcpClientAsync(_stop.Token));
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException) { }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop;
        foreach (var c in _accepted) c.Dispose();
        _stop.Dispose();
    }

    /// <summary>A loopback port nothing listens on (bound, then released).</summary>
    public static int ClosedPort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }
}

/// <summary>
/// A TCP forwarder in front of an endpoint that a test can cut (open connections are reset, new ones are accepted and
/// closed at once), stall (open connections are reset, new ones are accepted and never answered) and restore. Used to
/// make the S3 endpoint unreachable or hung for a while without touching the shared one.
/// </summary>
public sealed class CuttableProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly string _targetHost;
    private readonly int _targetPort;
    private readonly ConcurrentDictionary<int, (TcpClient Client, TcpClient Upstream)> _pairs = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly ConcurrentBag<TcpClient> _held = [];
    private int _next;
    private volatile bool _cut;
    private volatile bool _stalled;

    public CuttableProxy(string targetEndpoint)
    {
        var colon = targetEndpoint.LastIndexOf(':');
        _targetHost = targetEndpoint[..colon];
        _targetPort = int.Parse(targetEndpoint[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        _listener.Start();
        _loop = AcceptAsync();
    }

    public string Endpoint => $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>How many times the link was cut.</summary>
    public int Cuts { get; private set; }

    public bool IsCut => _cut;

    /// <summary>Resets every open connection and refuses new ones until <see cref="Restore"/>.</summary>
    public void Cut()
    {
        _cut = true;
        Cuts++;
        foreach (var (id, pair) in _pairs)
        {
            if (!_pairs.TryRemove(id, out _)) continue;
            Reset(pair.Client);
            Reset(pair.Upstream);
        }
    }

    /// <summary>How many times the link was stalled.</summary>
    public int Stalls { get; private set; }

    /// <summary>Resets every open connection; new ones are accepted and never answered until <see cref="Restore"/>.</summary>
    public void Stall()
    {
        _stalled = true;
        Stalls++;
        foreach (var (id, pair) in _pairs)
        {
            if (!_pairs.TryRemove(id, out _)) continue;
            Reset(pair.Client);
            Reset(pair.Upstream);
        }
    }

    /// <summary>Back to forwarding; connections held by a stall are reset.</summary>
    public void Restore()
    {
        _cut = false;
        _stalled = false;
        while (_held.TryTake(out var c)) Reset(c);
    }

    private static void Reset(TcpClient c)
    {
        try
        {
            if (c.Client is { } socket) socket.LingerState = new LingerOption(true, 0);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException) { }
        c.Dispose();
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                if (_cut)
                {
                    Reset(client);
                    continue;
                }
                if (_stalled)
                {
                    _held.Add(client);
                    continue;
                }
                _ = PumpAsync(client);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException) { }
    }

    private async Task PumpAsync(TcpClient client)
    {
        var upstream = new TcpClient();
        var id = Interlocked.Increment(ref _next);
        try
        {
            await upstream.ConnectAsync(_targetHost, _targetPort, _stop.Token);
            _pairs[id] = (client, upstream);
            var a = client.GetStream().CopyToAsync(upstream.GetStream(), _stop.Token);
            var b = upstream.GetStream().CopyToAsync(client.GetStream(), _stop.Token);
            await Task.WhenAny(a, b);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException) { }
        finally
        {
            _pairs.TryRemove(id, out _);
            client.Dispose();
            upstream.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop;
        foreach (var (_, pair) in _pairs)
        {
            pair.Client.Dispose();
            pair.Upstream.Dispose();
        }
        while (_held.TryTake(out var c)) c.Dispose();
        _stop.Dispose();
    }
}

/// <summary>
/// A moto_server of this test's own (never the shared one) on a free port, started with
/// <c>INITIAL_NO_AUTH_ACTION_COUNT=0</c> so it checks every request's credentials and signature; stopped afterwards.
/// </summary>
public sealed class AuthCheckingS3 : IAsyncDisposable
{
    private readonly Process _process;

    private AuthCheckingS3(Process process, int port)
    {
        _process = process;
        Endpoint = $"127.0.0.1:{port}";
    }

    public string Endpoint { get; }

    public static async Task<AuthCheckingS3> StartAsync()
    {
        var exe = FindOnPath("moto_server");
        if (exe is null) TestServices.MissingService("moto_server (for an S3 endpoint that checks signatures)", "not found on PATH");
        var port = SilentListener.ClosedPort();
        var psi = new ProcessStartInfo(exe!, ["-H", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.Environment["INITIAL_NO_AUTH_ACTION_COUNT"] = "0";
        var process = Process.Start(psi)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new AuthCheckingS3(process, port);
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            try
            {
                using var tcp = new TcpClient();
                await tcp.ConnectAsync(IPAddress.Loopback, port);
                return server;
            }
            catch (SocketException)
            {
                if (process.HasExited) break;
                await Task.Delay(200);
            }
        }
        await server.DisposeAsync();
        TestServices.MissingService("an own moto_server instance", "it did not start listening within 30 s");
        return null!;
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
