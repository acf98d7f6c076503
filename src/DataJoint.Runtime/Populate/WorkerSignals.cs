using System.Runtime.InteropServices;

namespace DataJoint;

/// <summary>
/// While a populate runs, turns SIGTERM and Ctrl-C (SIGINT) into a stop request instead of ending the process at once,
/// so the key being made rolls back and its job is recorded before the worker stops.
/// </summary>
internal sealed class WorkerSignals : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<PosixSignalRegistration> _registrations = [];
    private const int None = int.MinValue; // PosixSignal values are negative
    private int _signal = None;

    private WorkerSignals(bool handle)
    {
        if (!handle) return;
        foreach (var s in new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT })
        {
            try
            {
                _registrations.Add(PosixSignalRegistration.Create(s, OnSignal));
            }
            catch (PlatformNotSupportedException)
            {
                // No such signal here: the CancellationToken remains the way to stop.
            }
        }
    }

    /// <summary>Starts listening (when <paramref name="handle"/>) until disposed.</summary>
    public static WorkerSignals Listen(bool handle) => new(handle);

    /// <summary>Cancelled when a signal arrives.</summary>
    public CancellationToken Token => _stop.Token;

    /// <summary>The signal received, if any.</summary>
    public PosixSignal? Received => Volatile.Read(ref _signal) == None ? null : (PosixSignal)_signal;

    /// <summary>The job-table message DataJoint Python records for the signal received.</summary>
    public string Message => Received == PosixSignal.SIGTERM ? "SystemExit: SIGTERM received" : "KeyboardInterrupt";

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true; // keep the process alive until the current key is rolled back and recorded
        Interlocked.CompareExchange(ref _signal, (int)context.Signal, None);
        try { _stop.Cancel(); }
        catch (ObjectDisposedException) { /* populate already finished */ }
    }

    public void Dispose()
    {
        foreach (var r in _registrations) r.Dispose();
        _stop.Dispose();
    }
}
