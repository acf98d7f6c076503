using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace DataJoint.Benchmarks.Stores;

/// <summary>
/// A loopback TCP forwarder that delivers every chunk a fixed time after it arrived, in both directions: the S3
/// endpoint as seen over a network link with that one-way latency (a request/response round trip costs twice that).
/// Bandwidth is not limited and chunks are not held back by earlier ones beyond their own due time. The kernel's
/// netem would do this, but this machine's kernel has no qdisc modules. Hand-written: no package here does it.
/// </summary>
internal sealed class LatencyProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly string _targetHost;
    private readonly int _targetPort;
    private readonly TimeSpan _oneWay;
    private readonly Task _accepting;

    public LatencyProxy(string targetEndpoint, TimeSpan oneWay)
    {
        var colon = targetEndpoint.LastIndexOf(':');
        _targetHost = targetEndpoint[..colon];
        _targetPort = int.Parse(targetEndpoint[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        _oneWay = oneWay;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary><c>127.0.0.1:port</c> of the proxy.</summary>
    public string Endpoint => $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try { client = await _listener.AcceptSocketAsync(_stop.Token); }
            catch (OperationCanceledException) { return; }
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(Socket client)
    {
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.NoDelay = true;
        using (client)
        {
            try
            {
                await server.ConnectAsync(_targetHost, _targetPort, _stop.Token);
                await Task.WhenAny(PumpAsync(client, server), PumpAsync(server, client));
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException or IOException)
            {
                // a closed connection ends its pumps
            }
        }
    }

    private async Task PumpAsync(Socket from, Socket to)
    {
        var queue = Channel.CreateUnbounded<(long Due, byte[] Buffer, int Count)>(new() { SingleReader = true, SingleWriter = true });
        var delayTicks = (long)(_oneWay.TotalSeconds * Stopwatch.Frequency);
        var writer = Task.Run(async () =>
        {
            await foreach (var (due, buffer, count) in queue.Reader.ReadAllAsync(_stop.Token))
            {
                var wait = due - Stopwatch.GetTimestamp();
                if (wait > 0) await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency), _stop.Token);
                try { await to.SendAsync(buffer.AsMemory(0, count), SocketFlags.None, _stop.Token); }
                finally { ArrayPool<byte>.Shared.Return(buffer); }
            }
            to.Shutdown(SocketShutdown.Send);
        });
        try
        {
            while (true)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
                var n = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (n == 0)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    break;
                }
                queue.Writer.TryWrite((Stopwatch.GetTimestamp() + delayTicks, buffer, n));
            }
        }
        finally
        {
            queue.Writer.TryComplete();
        }
        await writer;
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        try { await _accepting; } catch (OperationCanceledException) { }
        _stop.Dispose();
    }
}
