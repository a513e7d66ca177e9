using Confluent.Kafka;

namespace NonStdPort.Kafka.Pipeline;

/// <summary>
/// At-least-once: a completed offset is stored (<c>StoreOffset</c>, with
/// <c>enable.auto.offset.store=false</c>) and the loop commits what is stored every
/// <c>auto.commit.interval.ms</c> (<see cref="Tick"/>), but not while a cooperative rebalance is
/// in progress; revoked partitions and the stop commit synchronously.
/// </summary>
/// <remarks>
/// librdkafka's own auto-commit timer is off: it commits whatever the group state, and a commit
/// sent between the revoke and the assign of a cooperative rebalance is answered
/// <c>REBALANCE_IN_PROGRESS</c> and logged as <c>COMMITFAIL</c> (confluentinc/librdkafka#4059).
/// </remarks>
internal sealed class StoredOffsetCommit(Action<string> log) : ICommitStrategy
{
    /// <summary>
    /// Stored offsets (acknowledged work only) are committed every second: after a crash at most
    /// about a second of work, plus what was in flight, is read and alerted again.
    /// </summary>
    private const int DefaultIntervalMs = 1000;

    /// <summary>A rebalance that never seems to end defers the commit this many intervals at most.</summary>
    private const int MaxDeferredIntervals = 10;

    private long _intervalMs = DefaultIntervalMs;
    private long _next;
    private long _deferredSince = -1;

    public void Configure(ConsumerConfig config)
    {
        // -X auto.commit.interval.ms is honoured: it sets this loop's commit interval.
        _intervalMs = Math.Max(config.AutoCommitIntervalMs ?? DefaultIntervalMs, 1);
        _next = Environment.TickCount64 + _intervalMs;
        config.EnableAutoCommit = false;
        config.EnableAutoOffsetStore = false;
    }

    public bool Tick(IConsumer<Null, Null> consumer, bool rebalancing)
    {
        long now = Environment.TickCount64;
        if (now < _next)
        {
            return true;
        }

        if (rebalancing)
        {
            _deferredSince = _deferredSince < 0 ? now : _deferredSince;
            if (now - _deferredSince < MaxDeferredIntervals * _intervalMs)
            {
                return true;
            }
        }

        _deferredSince = -1;
        _next = now + _intervalMs;
        try
        {
            consumer.Commit();
        }
        catch (KafkaException e) when (e.Error.Code is ErrorCode.Local_NoOffset)
        {
            // Nothing new since the last commit.
        }
        catch (KafkaException e) when (e.Error.Code is ErrorCode.RebalanceInProgress or ErrorCode.IllegalGeneration
            or ErrorCode.UnknownMemberId or ErrorCode.Local_State)
        {
            // The coordinator started a rebalance this member has not been called back for yet
            // (it learns of it from a heartbeat). The offsets stay stored; the tick after the
            // assignment that ends the rebalance, or the revoke callback, commits them.
            return false;
        }
        catch (KafkaException e)
        {
            log("commit failed: " + e.Error.Reason);
        }

        return true;
    }

    public bool Complete(IConsumer<Null, Null> consumer, TopicPartitionOffset next)
    {
        try
        {
            consumer.StoreOffset(next);
            return true;
        }
        catch (KafkaException e)
        {
            log($"cannot store offset {next.Offset.Value} of {next.TopicPartition}: {e.Error.Reason}");
            return false;
        }
    }

    public void CommitRevoked(IConsumer<Null, Null> consumer, IReadOnlyList<TopicPartitionOffset> offsets)
    {
        if (offsets.Count == 0)
        {
            return;
        }

        try
        {
            consumer.Commit(offsets);
        }
        catch (KafkaException e) when (e.Error.Code == ErrorCode.Local_NoOffset)
        {
            // Nothing new to commit.
        }
        catch (KafkaException e)
        {
            log("commit failed: " + e.Error.Reason);
        }
    }

    /// <summary>
    /// A rebalance in progress (another member joining or leaving) rejects commits until it
    /// completes, so serve it and retry until the deadline.
    /// </summary>
    public bool CommitFinal(IConsumer<Null, Null> consumer, Action serve, CancellationToken deadline)
    {
        while (true)
        {
            try
            {
                consumer.Commit();
                return true;
            }
            catch (KafkaException e) when (e.Error.Code == ErrorCode.Local_NoOffset)
            {
                return true;
            }
            catch (KafkaException e) when (e.Error.Code is ErrorCode.RebalanceInProgress or ErrorCode.IllegalGeneration
                or ErrorCode.Local_State && !deadline.IsCancellationRequested)
            {
                serve();
            }
            catch (KafkaException e)
            {
                log("final commit failed: " + e.Error.Reason);
                return false;
            }
        }
    }
}
