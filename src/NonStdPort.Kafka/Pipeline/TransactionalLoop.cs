using System.Collections.Concurrent;
using Confluent.Kafka;

namespace NonStdPort.Kafka.Pipeline;

/// <summary>
/// One consumer of an exactly-once pipeline, on its own thread, with its own transactional
/// producer: consume → score (in the deserializer) → produce into the open transaction; every
/// <see cref="PipelineOptions.CommitInterval"/> (or at the size limits, a rebalance or the stop)
/// the next input offsets go into the same transaction and it is committed. When a transaction
/// is aborted, each partition is sought back to the first record the transaction read and the
/// detection state is rebuilt, so those records are scored again into the next transaction.
/// The consumer's committed offsets only ever move by a committed transaction.
/// <para>
/// It is a loop of its own rather than a commit strategy of <see cref="ConsumeLoop"/>: the
/// transaction must hold the outputs as well as the offsets, so they are produced by this
/// consumer's own producer on this thread, not handed to the shared producer stage; and since a
/// commit flushes and acknowledges everything at once, the per-record acknowledgement ledger and
/// the flow control in front of the shared stage have nothing to do (the transaction size limits
/// bound what is in flight).
/// </para>
/// </summary>
internal sealed class TransactionalLoop
{
    private static readonly TimeSpan PollTimeout = TimeSpan.FromMilliseconds(100);

    private readonly PipelineContext _context;
    private readonly PipelineOptions _options;
    private readonly ConsumerConfig _config;
    private readonly int _index;
    private readonly MessageScorer _scorer;
    private readonly ShutdownCoordinator _shutdown;
    private readonly OutputChunk _chunk;

    /// <summary>Per input partition of the open transaction: the first offset it read and the next one to read.</summary>
    private readonly Dictionary<TopicPartition, (long First, long Next)> _read = [];
    private readonly List<TopicPartitionOffset> _offsets = [];
    private OutputTransaction? _transaction;
    private long _openedAt;
    private long _records;
    private long _bytes;
    private int _assignedCount;
    private long _commits;
    private long _aborts;

    /// <summary>Consumer <paramref name="index"/> of the pipeline (its transactional.id ends in it).</summary>
    public TransactionalLoop(PipelineContext context, int index)
    {
        _context = context;
        _options = context.Options;
        _config = KafkaClientConfig.Consumer(context.Options);
        // Offsets are committed only inside the output transaction.
        _config.EnableAutoCommit = false;
        _config.EnableAutoOffsetStore = false;
        _index = index;
        _scorer = new MessageScorer(context.ProcessorFactory);
        _shutdown = context.Shutdown;
        _chunk = context.Pool.Rent();
    }

    /// <summary>Partitions this loop holds now.</summary>
    public int AssignedCount => Volatile.Read(ref _assignedCount);

    /// <summary><see cref="Environment.TickCount64"/> when the loop last went round (0 before it starts): a health check's "not stuck".</summary>
    public long Heartbeat { get => Volatile.Read(ref _heartbeat); private set => Volatile.Write(ref _heartbeat, value); }

    private long _heartbeat;

    /// <summary>Transactions this loop committed.</summary>
    public long Commits => Interlocked.Read(ref _commits);

    /// <summary>Transactions this loop aborted (their records were read again).</summary>
    public long Aborts => Interlocked.Read(ref _aborts);

    /// <summary>Adds this loop's scoring totals to <paramref name="total"/> (any thread).</summary>
    public void AddCountersTo(Core.Detect.EngineCounters total, ref long messages) => _scorer.AddCountersTo(total, ref messages);

    public void Run()
    {
        bool stopped = false, committed = false;
        try
        {
            using var transaction = KafkaClients.Build(() => new OutputTransaction(KafkaClientConfig.TransactionalProducer(_options, _index), _context.ClientLog, _context.Log));
            _transaction = transaction;
            if (!transaction.Initialize(_shutdown.Stop))
            {
                if (transaction.Fatal is { } why)
                {
                    _context.Fail(why);
                }

                return;
            }

            using var consumer = new ConsumerBuilder<Null, Null>(_config)
                .SetKeyDeserializer(_scorer.Key)
                .SetValueDeserializer(_scorer.Value)
                .SetPartitionsAssignedHandler((_, partitions) => OnAssigned(partitions))
                .SetPartitionsRevokedHandler((c, partitions) => OnRevoked(c, partitions, lost: false))
                .SetPartitionsLostHandler((c, partitions) => OnRevoked(c, partitions, lost: true))
                .SetErrorHandler((_, error) =>
                {
                    if (error.IsFatal)
                    {
                        _context.Fail("consumer fatal error: " + error.Reason);
                    }
                    else
                    {
                        _context.ClientLog("kafka: " + error.Reason);
                    }
                })
                .SetLogHandler(KafkaLog.To(_context.ClientLog))
                .Build();
            consumer.Subscribe(_options.InputTopics);
            while (!_shutdown.Stop.IsCancellationRequested)
            {
                Heartbeat = Environment.TickCount64;
                ConsumeOne(consumer);
                if (transaction.IsOpen && Due())
                {
                    End(consumer, _shutdown.Stop);
                }
            }

            // Stop: nothing more is read; the open transaction is committed within the deadline.
            consumer.Pause(consumer.Assignment);
            if (End(consumer, _shutdown.Hard) != TransactionEnd.Committed)
            {
                _shutdown.Incomplete();
            }

            _shutdown.ConsumerStopped();
            stopped = true;
            _shutdown.ConsumerCommitted();
            committed = true;
            // Leave the group only once every loop has committed, so no leave starts a rebalance under another's commit.
            while (!_shutdown.AllCommitted && !_shutdown.Hard.IsCancellationRequested)
            {
                Serve(consumer);
            }

            consumer.Close();
        }
        catch (Exception e) when (e is KafkaException or InvalidOperationException or ArgumentException)
        {
            _context.Fail("consumer failed: " + e.Message);
        }
        finally
        {
            _shutdown.LoopEnded(stopped, committed);
            _transaction = null;
        }
    }

    private bool Due() =>
        _records >= _options.TransactionMaxRecords || _bytes >= _options.TransactionMaxBytes ||
        Environment.TickCount64 - _openedAt >= (long)_options.CommitInterval.TotalMilliseconds;

    private void ConsumeOne(IConsumer<Null, Null> consumer)
    {
        var result = MessageScorer.Next(consumer, PollTimeout, _context.Log, _context.Fail);
        if (result?.Message is null)
        {
            return;
        }

        var transaction = _transaction!;
        if (!transaction.IsOpen)
        {
            transaction.Begin();
            _openedAt = Environment.TickCount64;
            _records = 0;
            _bytes = 0;
        }

        long offset = result.Offset.Value;
        var partition = result.TopicPartition;
        var scored = _scorer.Score(result.Topic, partition.Partition.Value, offset);
        _records += scored.Records;
        _bytes += _scorer.Value.Memory.Length;
        if (scored.Malformed > 0 && _options.DlqTopic is null)
        {
            _scorer.LogMalformed(_context.Log, _context.Counters);
        }

        _read[partition] = _read.TryGetValue(partition, out var span) ? (span.First, offset + 1) : (offset, offset + 1);
        if (scored.Alerts == 0 && (scored.Malformed == 0 || _options.DlqTopic is null))
        {
            return;
        }

        _chunk.Records.Clear();
        _scorer.TakeOutputs(_options.OutputTopic, _options.DlqTopic, _chunk);
        foreach (var record in _chunk.Records)
        {
            if (!transaction.Produce(record, _shutdown.Hard))
            {
                // The commit sees the failure and aborts; the record is read again.
                break;
            }
        }

        _chunk.Records.Clear();
    }

    /// <summary>Commits the open transaction with the offsets read so far; on abort, rewinds to its first records.</summary>
    private TransactionEnd End(IConsumer<Null, Null> consumer, CancellationToken deadline)
    {
        var transaction = _transaction!;
        if (!transaction.IsOpen)
        {
            return TransactionEnd.Committed;
        }

        _offsets.Clear();
        foreach (var (partition, span) in _read)
        {
            _offsets.Add(new TopicPartitionOffset(partition, span.Next));
        }

        int alerts = transaction.Alerts, deadLetters = transaction.Outputs - transaction.Alerts;
        var end = transaction.Commit(_offsets, consumer.ConsumerGroupMetadata, deadline);
        switch (end)
        {
            case TransactionEnd.Committed:
                Interlocked.Increment(ref _commits);
                Interlocked.Add(ref _context.Counters.AlertsDelivered, alerts);
                Interlocked.Add(ref _context.Counters.DeadLettersDelivered, deadLetters);
                foreach (var offset in _offsets)
                {
                    _context.Completed[new PartitionId(offset.Topic, offset.Partition.Value)] = offset.Offset.Value;
                }

                _read.Clear();
                break;
            case TransactionEnd.Aborted:
                Interlocked.Increment(ref _aborts);
                Interlocked.Increment(ref _context.Counters.CommitFailures);
                Rewind(consumer);
                break;
            default:
                if (transaction.Fatal is { } why)
                {
                    _context.Fail(why);
                }

                break;
        }

        return end;
    }

    /// <summary>
    /// After an abort: every partition the transaction read is sought back to its first record,
    /// and the detection state, which has seen those records, is rebuilt from what comes next.
    /// </summary>
    private void Rewind(IConsumer<Null, Null> consumer)
    {
        foreach (var (partition, span) in _read)
        {
            try
            {
                consumer.Seek(new TopicPartitionOffset(partition, span.First));
            }
            catch (KafkaException e)
            {
                // Not assigned any more: its next owner reads from the committed offset.
                _context.Log($"cannot seek {partition} back to {span.First}: {e.Error.Reason}");
            }
        }

        _read.Clear();
        _scorer.ResetState();
    }

    /// <summary>
    /// A cooperative revoke commits the open transaction first, so the next owner starts exactly
    /// after it. Lost partitions (session expired, fenced) may not be committed any more: the
    /// transaction is aborted and everything it read is read again (the lost partitions by their new owner).
    /// </summary>
    private void OnRevoked(IConsumer<Null, Null> consumer, List<TopicPartitionOffset> partitions, bool lost)
    {
        var transaction = _transaction;
        if (transaction is { IsOpen: true })
        {
            if (lost)
            {
                _context.Log($"lost {partitions.Count} partition(s); aborting the open transaction, its records are read again");
                if (transaction.Abort(_shutdown.Hard) == TransactionEnd.Aborted)
                {
                    Interlocked.Increment(ref _aborts);
                }

                Rewind(consumer);
            }
            else
            {
                End(consumer, _shutdown.Hard);
            }
        }

        foreach (var tpo in partitions)
        {
            _read.Remove(tpo.TopicPartition);
        }

        Volatile.Write(ref _assignedCount, Math.Max(0, _assignedCount - partitions.Count));
        // Detection state lives with this consumer's partitions; rebuild it from new records.
        _scorer.ResetState();
        _context.Log((lost ? "lost " : "revoked ") + PartitionRanges.Format(partitions));
    }

    private void OnAssigned(List<TopicPartition> partitions)
    {
        Interlocked.Increment(ref _context.Counters.Rebalances);
        Volatile.Write(ref _assignedCount, _assignedCount + partitions.Count);
        _context.Log("assigned " + PartitionRanges.Format(partitions));
    }

    private static void Serve(IConsumer<Null, Null> consumer)
    {
        try
        {
            consumer.Pause(consumer.Assignment);
            consumer.Consume(PollTimeout);
        }
        catch (ConsumeException)
        {
            // Only serving the group here.
        }
    }
}
