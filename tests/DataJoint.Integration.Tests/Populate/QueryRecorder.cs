using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace DataJoint.Integration.Tests.Populate;

/// <summary>
/// A TCP forwarder of the test's own in front of MariaDB that records what the server receives: every client command
/// packet (sequence id 0) of every connection, in order. A <c>COM_QUERY</c> is one round trip; a batch of statements
/// arrives as one <c>COM_QUERY</c> whose text joins them with <c>;</c>. Connect to it without TLS (it reads the plain
/// protocol). <see cref="CutAt"/> loses a connection at a chosen statement, as a server restart would.
/// </summary>
public sealed class QueryRecorder : IAsyncDisposable
{
    /// <summary>Where <see cref="CutAt"/> loses the connection.</summary>
    public enum Cut
    {
        /// <summary>The matching round trip never reaches the server.</summary>
        BeforeTheServer,
        /// <summary>The server runs the matching round trip; its answer never reaches the client.</summary>
        BeforeTheAnswer,
    }

    private readonly object _cutLock = new();
    private Func<string, bool>? _cutMatch;
    private Cut _cutWhere;
    private readonly ConcurrentDictionary<int, bool> _dropAnswer = new();

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

    /// <summary>
    /// Once: the first round trip (a <c>COM_QUERY</c>) whose text matches <paramref name="match"/> loses its connection —
    /// both sockets are reset — <paramref name="where"/>. The round trip is recorded either way.
    /// </summary>
    public void CutAt(Func<string, bool> match, Cut where)
    {
        lock (_cutLock)
        {
            _cutMatch = match;
            _cutWhere = where;
        }
    }

    /// <summary>How many connections were cut.</summary>
    public int Cuts { get; private set; }

    /// <summary>Takes the pending cut if <paramref name="text"/> matches it.</summary>
    private Cut? TakeCut(string text)
    {
        lock (_cutLock)
        {
            if (_cutMatch is null || !_cutMatch(text)) return null;
            _cutMatch = null;
            Cuts++;
            return _cutWhere;
        }
    }

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
            var toServer = RecordAsync(client, upstream, id);
            var toClient = AnswerAsync(upstream, client, id);
            await Task.WhenAny(toServer, toClient);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException) { }
        finally
        {
            client.Dispose();
        }
    }

    /// <summary>Forwards the client's bytes to the server, recording each command packet (and cutting at the chosen one).</summary>
    private async Task RecordAsync(TcpClient client, TcpClient upstream, int id)
    {
        var from = client.GetStream();
        var to = upstream.GetStream();
        var pending = new List<byte>();
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var n = await from.ReadAsync(buffer, _stop.Token);
            if (n == 0) return;
            pending.AddRange(buffer.AsSpan(0, n));
            // Commands are forwarded whole, so a cut can keep one from the server.
            var forward = 0;
            while (pending.Count - forward >= 4)
            {
                var length = pending[forward] | pending[forward + 1] << 8 | pending[forward + 2] << 16;
                if (pending.Count - forward < 4 + length) break;
                var sequence = pending[forward + 3];
                if (sequence == 0 && length > 0)
                {
                    var payload = pending.GetRange(forward + 4, length).ToArray();
                    var text = Encoding.UTF8.GetString(payload, 1, payload.Length - 1);
                    lock (_commands) _commands.Add((id, payload[0], text));
                    var cut = payload[0] == ComQuery ? TakeCut(text) : null;
                    if (cut == Cut.BeforeTheServer)
                    {
                        await to.WriteAsync(pending.GetRange(0, forward).ToArray(), _stop.Token);
                        Reset(client, upstream);
                        return;
                    }
                    if (cut == Cut.BeforeTheAnswer) _dropAnswer[id] = true;
                }
                forward += 4 + length;
            }
            if (forward == 0) continue;
            await to.WriteAsync(pending.GetRange(0, forward).ToArray(), _stop.Token);
            pending.RemoveRange(0, forward);
        }
    }

    /// <summary>
    /// Forwards the server's bytes to the client; once a cut "before the answer" is pending for this connection, the
    /// answer's first bytes are dropped, the server is given a moment to run the rest of the round trip, and both sockets
    /// are reset.
    /// </summary>
    private async Task AnswerAsync(TcpClient upstream, TcpClient client, int id)
    {
        var from = upstream.GetStream();
        var to = client.GetStream();
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var n = await from.ReadAsync(buffer, _stop.Token);
            if (n == 0) return;
            if (_dropAnswer.TryRemove(id, out _))
            {
                await Task.Delay(300, _stop.Token);
                Reset(client, upstream);
                return;
            }
            await to.WriteAsync(buffer.AsMemory(0, n), _stop.Token);
        }
    }

    private static void Reset(params TcpClient[] sockets)
    {
        foreach (var c in sockets)
        {
            try
            {
                c.Client.LingerState = new LingerOption(true, 0);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException) { }
            c.Dispose();
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
