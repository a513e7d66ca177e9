namespace NonStdPort.Kafka.Pipeline;

/// <summary>
/// Orders a graceful stop across threads: consume loops stop reading and hand over what they
/// hold; the producer stage drains and flushes; only then do the loops commit and close. A hard
/// deadline (the shutdown timeout, counted from the stop request) bounds every wait.
/// </summary>
internal sealed class ShutdownCoordinator : IDisposable
{
    private readonly CancellationTokenSource _stop;
    private readonly CancellationTokenSource _hard = new();
    private readonly CountdownEvent _consumersStopped;
    private readonly ManualResetEventSlim _producerDrained = new();
    private readonly CountdownEvent _consumersCommitted;
    private readonly TimeSpan _timeout;
    private readonly CancellationTokenRegistration _onStop;
    private int _incomplete;

    public ShutdownCoordinator(CancellationToken external, int consumers, TimeSpan timeout)
    {
        _stop = CancellationTokenSource.CreateLinkedTokenSource(external);
        _consumersStopped = new CountdownEvent(consumers);
        _consumersCommitted = new CountdownEvent(consumers);
        _timeout = timeout;
        _onStop = _stop.Token.Register(() => _hard.CancelAfter(_timeout));
    }

    /// <summary>Cancelled when the pipeline is asked to stop (signal, caller, or a fatal error).</summary>
    public CancellationToken Stop => _stop.Token;

    /// <summary>Cancelled when the shutdown timeout has passed since the stop request.</summary>
    public CancellationToken Hard => _hard.Token;

    /// <summary>Asks for a stop.</summary>
    public void RequestStop()
    {
        try
        {
            _stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already finished.
        }
    }

    /// <summary>
    /// False once any step of the stop (hand-over, flush, final commit) gave up at the deadline or
    /// failed: what was not committed is read again by the next owner.
    /// </summary>
    public bool Completed => Volatile.Read(ref _incomplete) == 0;

    /// <summary>A step of the stop did not complete.</summary>
    public void Incomplete() => Volatile.Write(ref _incomplete, 1);

    /// <summary>A consume loop has stopped reading and handed over everything it held.</summary>
    public void ConsumerStopped() => _consumersStopped.Signal();

    /// <summary>Waits until every consume loop has stopped reading (or the deadline).</summary>
    public void WaitConsumersStopped()
    {
        try
        {
            _consumersStopped.Wait(Hard);
        }
        catch (OperationCanceledException)
        {
            // Deadline: go on with what has been handed over.
            Incomplete();
        }
    }

    /// <summary>The producer has delivered (or given up on) everything.</summary>
    public void ProducerDrained() => _producerDrained.Set();

    /// <summary>True once the producer has delivered (or given up on) everything.</summary>
    public bool IsProducerDrained => _producerDrained.IsSet;

    /// <summary>
    /// A consume loop has committed (or failed to). Loops leave the group only once all have,
    /// so that no loop's leaving starts a rebalance while another is still committing.
    /// </summary>
    public void ConsumerCommitted() => _consumersCommitted.Signal();

    /// <summary>True once every consume loop has committed.</summary>
    public bool AllCommitted => _consumersCommitted.IsSet;

    /// <summary>Counts a loop that ended before it could commit, so the others do not wait for it.</summary>
    public void ConsumerGone()
    {
        if (_consumersCommitted.CurrentCount > 0)
        {
            _consumersCommitted.Signal();
        }
    }

    /// <summary>A loop's thread ends: signals the steps it did not get to, so that nobody waits for them.</summary>
    public void LoopEnded(bool stopped, bool committed)
    {
        if (!stopped)
        {
            ConsumerStopped();
        }

        if (!committed)
        {
            ConsumerGone();
        }
    }

    public void Dispose()
    {
        _consumersCommitted.Dispose();
        _onStop.Dispose();
        _stop.Dispose();
        _hard.Dispose();
        _consumersStopped.Dispose();
        _producerDrained.Dispose();
    }
}
