using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace DataJoint.Integration.Tests.Populate;

/// <summary>
/// A TCP forwarder of the test's own in front of MariaDB that records what the server receives: every client command
/// packet (sequence id 0) of every connection, in order. A <c>COM_QUERY</c> is one round trip; a batch of statements
/// arrives as one <c>COM_QUERY</c> whose text joins them with <c>;</c>. Connect to it without TLS (it reads the plain
/// protocol).
/// </summary>
public sealed class QueryRecorder : IAsyncDisposable
{
    private const byte ComQuery = 0x03;
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly string _host;
    private readonly int _port;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentBag<Task> _pumps = [];
    private readonly Task _loop;
    private readonly List<(int Connection, byte Command, string Text)> _commands = [];
    private int _connections;

    public QueryRecorder(string host, int port)
    {
        _host = host;
        _port = port;
        _listener.Start();
        _loop = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>The <c>COM_QUERY</c> texts received so far, per client connection (numbered in order of arrival).</summary>
    public IReadOnlyDictionary<int, List<string>> Queries()
    {
        lock (_commands)
            return _commands.Where(c => c.Command == ComQuery).GroupBy(c => c.Connection)
                .ToDictionary(g => g.Key, g => g.Select(c => c.Text).ToList());
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                _pumps.Add(PumpAsync(client, Interlocked.Increment(ref _connections)));
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException) { }
    }

    private async Task PumpAsync(TcpClient client, int id)
    {
        using var upstream = new TcpClient();
        try
        {
            await upstream.ConnectAsync(_host, _port, _stop.Token);
            var toServer = RecordAsync(client.GetStream(), upstream.GetStream(), id);
            var toClient = upstream.GetStream().CopyToAsync(client.GetStream(), _stop.Token);
            await Task.WhenAny(toServer, toClient);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException) { }
        finally
        {
            client.Dispose();
        }
    }

    /// <summary>Forwards the client's bytes to the server, recording each command packet.</summary>
    private async Task RecordAsync(NetworkStream from, NetworkStream to, int id)
    {
        var pending = new List<byte>();
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var n = await from.ReadAsync(buffer, _stop.Token);
            if (n == 0) return;
            await to.WriteAsync(buffer.AsMemory(0, n), _stop.Token);
            pending.AddRange(buffer.AsSpan(0, n));
            while (pending.Count >= 4)
            {
                var length = pending[0] | pending[1] << 8 | pending[2] << 16;
                if (pending.Count < 4 + length) break;
                var sequence = pending[3];
                if (sequence == 0 && length > 0)
                {
                    var payload = pending.GetRange(4, length).ToArray();
                    lock (_commands) _commands.Add((id, payload[0], Encoding.UTF8.GetString(payload, 1, payload.Length - 1)));
                }
                pending.RemoveRange(0, 4 + length);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop;
        try
        {
            await Task.WhenAll(_pumps);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException) { }
        _stop.Dispose();
    }
}
