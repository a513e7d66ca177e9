using System.Runtime.InteropServices;

namespace NonStdPort.Kafka.Hosting;

/// <summary>
/// Turns SIGINT and SIGTERM into a cancellation, so a long-running command can drain, flush and
/// commit before it exits instead of being killed mid-write. When a stop deadline is given, the
/// process exits on its own once that deadline has passed since the first signal, whatever the
/// broker, the group coordinator or stderr are doing, and a second signal exits at once: a graceful
/// stop can be slow, never unbounded.
/// </summary>
public sealed partial class StopSignal : IDisposable
{
    private static readonly TimeSpan ExitHandlersGrace = TimeSpan.FromSeconds(1);

    private readonly CancellationTokenSource _cts = new();
    private readonly PosixSignalRegistration[] _registrations;
    private readonly TimeSpan? _deadline;
    private readonly int _forcedExitCode;
    private readonly TextWriter _log;
    private Timer? _watchdog;
    private int _signals;

    /// <summary>Starts listening for SIGINT and SIGTERM; the runtime's default handles a second signal.</summary>
    public StopSignal()
        : this(null, 0, TextWriter.Null)
    {
    }

    /// <summary>
    /// Starts listening for SIGINT and SIGTERM. The process exits with <paramref name="forcedExitCode"/>
    /// when <paramref name="deadline"/> has passed since the first signal, or at a second signal,
    /// saying why on <paramref name="log"/>.
    /// </summary>
    public StopSignal(TimeSpan? deadline, int forcedExitCode, TextWriter log)
    {
        _deadline = deadline;
        _forcedExitCode = forcedExitCode;
        _log = log;
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

        _watchdog?.Dispose();
        _cts.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        int count = Interlocked.Increment(ref _signals);
        if (count == 1)
        {
            // First signal: stop gracefully; keep the process alive so it can finish.
            context.Cancel = true;
            if (_deadline is { } deadline)
            {
                _watchdog = new Timer(_ => ForceExit($"stop: shutdown timeout ({deadline.TotalSeconds:0.#} s) passed"), null, deadline, Timeout.InfiniteTimeSpan);
            }

            _cts.Cancel();
        }
        else if (_deadline is not null)
        {
            // The operator insists: no more waiting on anything.
            context.Cancel = true;
            ForceExit("stop: second signal");
        }
    }

    // A blocking native call (a commit waiting on the coordinator, a close leaving the group, a
    // write to a stderr pipe nobody reads) cannot be cancelled from here, so the stop ends the
    // process rather than waiting on it. Uncommitted offsets are read again by the next owner.
    // Environment.Exit runs exit handlers, one of which flushes stdout; should that hang too (a
    // full pipe), or the line above block on it, the process ends without them a second later.
    private void ForceExit(string why)
    {
        var exit = new Thread(() =>
        {
            _log.WriteLine($"{why}: exiting with code {_forcedExitCode}, without completing the drain and final commit; what was not committed is read again on restart");
            Environment.Exit(_forcedExitCode);
        })
        { IsBackground = true, Name = "nonstdport-stop" };
        exit.Start();
        if (!exit.Join(ExitHandlersGrace))
        {
            ExitNow(_forcedExitCode);
        }
    }

    [LibraryImport("libc", EntryPoint = "_exit")]
    private static partial void ExitNow(int status);
}
