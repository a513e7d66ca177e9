using System.Threading.Channels;
using Confluent.Kafka;

namespace NonStdPort.Kafka.Pipeline;

/// <summary>
/// Between one consume loop and the producer stage: hands output chunks to the bounded channel,
/// holds them while it is full, and pauses the loop's partitions when that lasts. A short stall
/// (a burst, a slow broker) is waited out without polling; one longer than
/// <see cref="PauseAfter"/> pauses every assigned partition and keeps polling, which serves
/// rebalances and stays within max.poll.interval.ms however long the output is away.
/// Consumption resumes once the hand-off has drained to half. Used on the loop's thread.
/// </summary>
internal sealed class FlowControl(
    ChannelWriter<OutputChunk> output,
    Func<int> pendingCount,
    int maxPending,
    PipelineCounters counters,
    CancellationToken stop,
    Action<string> log)
{
    /// <summary>How long the hand-off may stay full before the partitions are paused.</summary>
    private static readonly TimeSpan PauseAfter = TimeSpan.FromSeconds(1);

    private readonly Queue<OutputChunk> _blocked = new();
    private bool _paused;
    private bool _repause;

    /// <summary>True while the partitions are paused because the producer side is full.</summary>
    public bool IsPaused => Volatile.Read(ref _paused);

    /// <summary>Hands a chunk on, or holds it (in order) while the channel is full.</summary>
    public void Send(OutputChunk chunk)
    {
        if (_blocked.Count > 0 || !output.TryWrite(chunk))
        {
            _blocked.Enqueue(chunk);
        }
    }

    /// <summary>New partitions were assigned: while paused, pause them too.</summary>
    public void Assigned() => _repause = _paused;

    /// <summary>Once per poll: moves held chunks on, pauses or resumes.</summary>
    public void Regulate(IConsumer<Null, Null> consumer, PartitionLedger ledger)
    {
        Flush();
        if (_blocked.Count > 0 && !_paused)
        {
            long until = Environment.TickCount64 + (long)PauseAfter.TotalMilliseconds;
            while (_blocked.Count > 0 && Environment.TickCount64 < until && !stop.IsCancellationRequested)
            {
                WaitForRoom(until, stop);
                Flush();
            }
        }

        if (_blocked.Count > 0)
        {
            if (!_paused || _repause)
            {
                consumer.Pause(consumer.Assignment);
                if (!_paused)
                {
                    Interlocked.Increment(ref counters.Pauses);
                }

                Volatile.Write(ref _paused, true);
                _repause = false;
            }
        }
        else if (_paused && pendingCount() <= maxPending / 2)
        {
            Resume(consumer, ledger);
        }
    }

    /// <summary>
    /// Resumes only once the channel has drained to half, so a slow output does not cause a
    /// pause/resume cycle per message; each partition is sought to the record after the last one
    /// consumed, so the fetch restarts exactly there, neither skipping nor repeating.
    /// </summary>
    private void Resume(IConsumer<Null, Null> consumer, PartitionLedger ledger)
    {
        var assignment = consumer.Assignment;
        consumer.Resume(assignment);
        foreach (var partition in assignment)
        {
            long next = ledger.NextOf(partition);
            if (next >= 0)
            {
                try
                {
                    consumer.Seek(new TopicPartitionOffset(partition, next));
                }
                catch (KafkaException e)
                {
                    log($"cannot seek {partition} to {next}: {e.Error.Reason}");
                }
            }
        }

        Volatile.Write(ref _paused, false);
    }

    /// <summary>Moves held chunks on while there is room.</summary>
    public void Flush()
    {
        while (_blocked.TryPeek(out var chunk) && output.TryWrite(chunk))
        {
            _blocked.Dequeue();
        }
    }

    /// <summary>On stop: hands every held chunk to the producer stage, waiting for room until the deadline.</summary>
    public void HandOver(CancellationToken deadline)
    {
        while (_blocked.Count > 0)
        {
            Flush();
            if (_blocked.Count == 0)
            {
                break;
            }

            try
            {
                output.WaitToWriteAsync(deadline).AsTask().GetAwaiter().GetResult();
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        // Past the deadline: what is still held is never acknowledged, so never committed.
        while (_blocked.TryDequeue(out var chunk))
        {
            chunk.Release();
        }
    }

    /// <summary>Drops held chunks of partitions given up; their next owner reads them again.</summary>
    public void DropAbandoned()
    {
        int held = _blocked.Count;
        for (int i = 0; i < held; i++)
        {
            var chunk = _blocked.Dequeue();
            if (chunk.Tracker is { IsAbandoned: true })
            {
                chunk.Release();
            }
            else
            {
                _blocked.Enqueue(chunk);
            }
        }
    }

    private void WaitForRoom(long until, CancellationToken cancel)
    {
        long remaining = until - Environment.TickCount64;
        if (remaining <= 0)
        {
            return;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timeout.CancelAfter(TimeSpan.FromMilliseconds(remaining));
        try
        {
            output.WaitToWriteAsync(timeout.Token).AsTask().GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            // Still no room: the caller pauses.
        }
    }
}
