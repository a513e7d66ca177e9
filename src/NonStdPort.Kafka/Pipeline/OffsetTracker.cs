namespace NonStdPort.Kafka.Pipeline;

/// <summary>
/// The in-flight input offsets of one partition, in order, each with the number of its outputs
/// (alerts, dead-letter records) the broker has not acknowledged yet. The committable offset only
/// moves past a record once it and every record before it are fully acknowledged, so a commit
/// never skips an unacknowledged output and never moves backwards. Offsets are added by the
/// consume loop; acknowledgements arrive on the producer's delivery thread.
/// </summary>
internal sealed class OffsetTracker
{
    private readonly object _gate = new();
    private long[] _offsets = new long[256];
    private int[] _pending = new int[256];
    private long _head;
    private long _tail;
    private long _committable = -1;
    private bool _abandoned;

    /// <summary>The offset to commit (the next record to read), or -1 when nothing is complete yet.</summary>
    public long Committable => Volatile.Read(ref _committable);

    /// <summary>True once the partition was given up; its remaining outputs no longer matter.</summary>
    public bool IsAbandoned => Volatile.Read(ref _abandoned);

    /// <summary>Records consumed and not yet complete.</summary>
    public int InFlight
    {
        get
        {
            lock (_gate)
            {
                return (int)(_tail - _head);
            }
        }
    }

    /// <summary>
    /// Records that the message at <paramref name="offset"/> was consumed. A message with outputs
    /// is complete when <see cref="Ack"/> is called with the returned sequence number (once, after
    /// all its outputs are acknowledged); one without completes at once, but the committable
    /// offset still waits for every message before it. Offsets must be added in increasing order.
    /// Returns -1 for a message without outputs.
    /// </summary>
    public long Add(long offset, bool hasOutputs)
    {
        int outputs = hasOutputs ? 1 : 0;
        lock (_gate)
        {
            if (_head == _tail && outputs == 0)
            {
                // Nothing in flight before it: complete at once, no queue entry.
                Volatile.Write(ref _committable, offset + 1);
                return -1;
            }

            if (_tail - _head == _offsets.Length)
            {
                Grow();
            }

            long seq = _tail++;
            int slot = (int)(seq & (_offsets.Length - 1));
            _offsets[slot] = offset;
            _pending[slot] = outputs;
            if (outputs == 0)
            {
                return -1;
            }

            return seq;
        }
    }

    /// <summary>Every output of message <paramref name="seq"/> was acknowledged by the broker.</summary>
    public void Ack(long seq)
    {
        lock (_gate)
        {
            if (_abandoned || seq < _head)
            {
                return;
            }

            _pending[(int)(seq & (_offsets.Length - 1))]--;
            while (_head < _tail)
            {
                int slot = (int)(_head & (_offsets.Length - 1));
                if (_pending[slot] != 0)
                {
                    break;
                }

                Volatile.Write(ref _committable, _offsets[slot] + 1);
                _head++;
            }

            if (_head == _tail)
            {
                Monitor.PulseAll(_gate);
            }
        }
    }

    /// <summary>Waits until nothing is in flight; false when <paramref name="timeout"/> passed first.</summary>
    public bool WaitIdle(TimeSpan timeout)
    {
        long deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        lock (_gate)
        {
            while (_head != _tail && !_abandoned)
            {
                long remaining = deadline - Environment.TickCount64;
                if (remaining <= 0)
                {
                    return false;
                }

                Monitor.Wait(_gate, TimeSpan.FromMilliseconds(Math.Min(remaining, 50)));
            }

            return _head == _tail;
        }
    }

    /// <summary>Gives the partition up: later acknowledgements are ignored and waiters wake.</summary>
    public void Abandon()
    {
        lock (_gate)
        {
            _abandoned = true;
            Monitor.PulseAll(_gate);
        }
    }

    private void Grow()
    {
        int oldMask = _offsets.Length - 1;
        var offsets = new long[_offsets.Length * 2];
        var pending = new int[_offsets.Length * 2];
        int newMask = offsets.Length - 1;
        for (long seq = _head; seq < _tail; seq++)
        {
            offsets[seq & newMask] = _offsets[seq & oldMask];
            pending[seq & newMask] = _pending[seq & oldMask];
        }

        _offsets = offsets;
        _pending = pending;
    }
}
