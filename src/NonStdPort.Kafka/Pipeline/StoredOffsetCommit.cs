using Confluent.Kafka;

namespace NonStdPort.Kafka.Pipeline;

/// <summary>
/// At-least-once: a completed offset is stored (<c>StoreOffset</c>, with
/// <c>enable.auto.offset.store=false</c>) and librdkafka's auto-commit timer commits what is
/// stored; revoked partitions and the stop commit synchronously.
/// </summary>
internal sealed class StoredOffsetCommit(Action<string> log) : ICommitStrategy
{
    public void Configure(ConsumerConfig config)
    {
        config.EnableAutoCommit = true;
        // Stored offsets (acknowledged work only) are committed every second: after a crash at
        // most about a second of work, plus what was in flight, is read and alerted again.
        config.AutoCommitIntervalMs = 1000;
        config.EnableAutoOffsetStore = false;
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
