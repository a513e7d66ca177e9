using System.Runtime.InteropServices;

namespace NonStdPort.Kafka.Hosting;

/// <summary>
/// Turns SIGINT and SIGTERM into a cancellation, so a long-running command can drain, flush and
/// commit before it exits instead of being killed mid-write. A second signal is left to the runtime.
/// </summary>
public sealed class StopSignal : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private readonly PosixSignalRegistration[] _registrations;
    private int _signals;

    /// <summary>Starts listening for SIGINT and SIGTERM.</summary>
    public StopSignal()
    {
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal),
        ];
    }

    /// <summary>Cancelled when the first SIGINT or SIGTERM arrives.</summary>
    public CancellationToken Token => _cts.Token;

    /// <summary>Stops listening.</summary>
    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _cts.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        if (Interlocked.Increment(ref _signals) == 1)
        {
            // First signal: stop gracefully; keep the process alive so it can finish.
            context.Cancel = true;
            _cts.Cancel();
        }
    }
}
