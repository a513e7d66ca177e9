using Confluent.Kafka;

namespace NonStdPort.Kafka.Pipeline;

/// <summary>
/// One consumer in the group, on its own thread: consume, score (<see cref="MessageScorer"/>),
/// book the offset (<see cref="PartitionLedger"/>), hand outputs on (<see cref="FlowControl"/>),
/// and let the ledger pass completed offsets to the commit strategy. Rebalance callbacks run on
/// this thread too, inside <c>Consume</c> and <c>Close</c>.
/// </summary>
internal sealed class ConsumeLoop
{
    private static readonly TimeSpan PollTimeout = TimeSpan.FromMilliseconds(100);
    private const long StoreEveryMs = 50;
    private const long LagEveryMs = 1000;

    private readonly PipelineContext _context;
    private readonly ConsumerConfig _config;
    private readonly MessageScorer _scorer;
    private readonly PartitionLedger _ledger;
    private readonly FlowControl _flow;
    private IConsumer<Null, Null>? _consumer;
    private bool _closing;

    // From a cooperative revoke (or a commit refused for a rebalance) to the assignment that
    // ends the rebalance: no commits then.
    private bool _rebalancing;

    public ConsumeLoop(PipelineContext context, ICommitStrategy commit)
    {
        _context = context;
        _config = KafkaClientConfig.Consumer(context.Options);
        commit.Configure(_config);
        _scorer = new MessageScorer(context.ProcessorFactory);
        _ledger = new PartitionLedger(commit, context.Completed);
        _flow = new FlowControl(context.Output, context.PendingCount, context.Options.MaxPendingMessages, context.Counters, context.Shutdown.Stop, context.Log);
    }

    /// <summary>True while this loop's partitions are paused because the producer side is full.</summary>
    public bool IsPaused => _flow.IsPaused;

    /// <summary>Partitions this loop holds now.</summary>
    public int AssignedCount => _ledger.Count;

    /// <summary><see cref="Environment.TickCount64"/> when the loop last went round (0 before it starts): a health check's "not stuck".</summary>
    public long Heartbeat { get => Volatile.Read(ref _heartbeat); private set => Volatile.Write(ref _heartbeat, value); }

    private long _heartbeat;

    /// <summary>Lag per assigned partition, refreshed by the loop for the stats line.</summary>
    public volatile IReadOnlyList<(PartitionId Partition, long Lag)> Lag = [];

    /// <summary>Adds this loop's scoring totals to <paramref name="total"/> (any thread).</summary>
    public void AddCountersTo(Core.Detect.EngineCounters total, ref long messages) => _scorer.AddCountersTo(total, ref messages);

    public void Run()
    {
        var shutdown = _context.Shutdown;
        bool stoppedSignalled = false;
        bool committedSignalled = false;
        try
        {
            using var consumer = new ConsumerBuilder<Null, Null>(_config)
                .SetKeyDeserializer(_scorer.Key)
                .SetValueDeserializer(_scorer.Value)
                .SetPartitionsAssignedHandler((_, partitions) => OnAssigned(partitions))
                .SetPartitionsRevokedHandler((_, partitions) => OnRevoked(partitions))
                .SetPartitionsLostHandler((_, partitions) => OnLost(partitions))
                .SetErrorHandler((_, error) => OnError(error))
                .SetOffsetsCommittedHandler((_, committed) => OnCommitted(committed))
                .SetLogHandler(KafkaLog.To(_context.ClientLog))
                .Build();
            _consumer = consumer;
            consumer.Subscribe(_context.Options.InputTopics);
            long nextStore = 0, nextLag = 0;
            while (!shutdown.Stop.IsCancellationRequested)
            {
                Heartbeat = Environment.TickCount64;
                _flow.Regulate(consumer, _ledger);
                ConsumeOne(consumer);
                long now = Environment.TickCount64;
                if (now >= nextStore)
                {
                    _ledger.StoreCompleted(consumer);
                    nextStore = now + StoreEveryMs;
                }

                if (!_ledger.Commit.Tick(consumer, _rebalancing))
                {
                    // Held back until the assignment that ends this rebalance: another refused
                    // commit would only make the coordinator start over (librdkafka#4059).
                    _rebalancing = true;
                }

                if (now >= nextLag)
                {
                    PublishLag(consumer);
                    nextLag = now + LagEveryMs;
                }
            }

            // Stop reading: from here Consume only serves rebalances and the group session.
            consumer.Pause(consumer.Assignment);
            _flow.HandOver(shutdown.Hard);
            shutdown.ConsumerStopped();
            stoppedSignalled = true;
            Serve(consumer, () => shutdown.IsProducerDrained);
            _ledger.StoreCompleted(consumer);
            if (!_ledger.Commit.CommitFinal(consumer, () => ServeAndStore(consumer), shutdown.Hard))
            {
                shutdown.Incomplete();
            }

            committedSignalled = true;
            shutdown.ConsumerCommitted();
            Serve(consumer, () => shutdown.AllCommitted);
            _closing = true;
            consumer.Close();
        }
        catch (Exception e) when (e is KafkaException or InvalidOperationException or ArgumentException)
        {
            _context.Fail("consumer failed: " + e.Message);
        }
        finally
        {
            shutdown.LoopEnded(stoppedSignalled, committedSignalled);

            _consumer = null;
        }
    }

    private void ConsumeOne(IConsumer<Null, Null> consumer)
    {
        var result = MessageScorer.Next(consumer, PollTimeout, _context.Log, _context.Fail);
        if (result?.Message is null)
        {
            return;
        }

        var options = _context.Options;
        int partition = result.Partition.Value;
        long offset = result.Offset.Value;
        var scored = _scorer.Score(result.Topic, partition, offset);
        if (scored.Malformed > 0 && options.DlqTopic is null)
        {
            _scorer.LogMalformed(_context.Log, _context.Counters);
        }

        bool hasOutputs = scored.Alerts > 0 || (scored.Malformed > 0 && options.DlqTopic is not null);
        var (tracker, sequence) = _ledger.Consumed(result.TopicPartition, offset, hasOutputs);
        if (!hasOutputs)
        {
            return;
        }

        var chunk = _context.Pool.Rent();
        _scorer.TakeOutputs(options.OutputTopic, options.DlqTopic, chunk);
        chunk.Bind(tracker, sequence);
        _flow.Send(chunk);
    }

    /// <summary>
    /// While stopping: keeps polling (partitions paused, nothing read) until <paramref name="done"/>
    /// or the deadline, so this member keeps taking part in rebalances and the other members'
    /// commits are not held up by a rebalance waiting on it.
    /// </summary>
    private void Serve(IConsumer<Null, Null> consumer, Func<bool> done)
    {
        while (!done() && !_context.Shutdown.Hard.IsCancellationRequested)
        {
            ServeOnce(consumer);
        }
    }

    private void ServeAndStore(IConsumer<Null, Null> consumer)
    {
        ServeOnce(consumer);
        _ledger.StoreCompleted(consumer);
    }

    private static void ServeOnce(IConsumer<Null, Null> consumer)
    {
        try
        {
            consumer.Pause(consumer.Assignment);
            // A message of a partition assigned after the pause is dropped unstored: its next owner reads it.
            consumer.Consume(PollTimeout);
        }
        catch (ConsumeException)
        {
            // Only serving the group here.
        }
    }

    private void OnAssigned(List<TopicPartition> partitions)
    {
        _rebalancing = false;
        Interlocked.Increment(ref _context.Counters.Rebalances);
        _ledger.Assign(partitions);
        _flow.Assigned();
        _context.Log("assigned " + PartitionRanges.Format(partitions));
    }

    /// <summary>
    /// Cooperative revoke: let the revoked partitions' in-flight outputs finish (bounded by the
    /// revoke timeout), commit what is complete, then give them up. Anything still in flight is
    /// abandoned and read again by the next owner from the committed offset (a duplicate, not a loss).
    /// </summary>
    private void OnRevoked(List<TopicPartitionOffset> revoked)
    {
        var entries = _ledger.Find(revoked);
        long deadline = Environment.TickCount64 + (_closing ? 0 : (long)_context.Options.RevokeTimeout.TotalMilliseconds);
        foreach (var entry in entries)
        {
            while (!_closing && !entry.Tracker.WaitIdle(TimeSpan.FromMilliseconds(20)) && Environment.TickCount64 < deadline)
            {
                _flow.Flush();
            }
        }

        if (_consumer is { } consumer)
        {
            _ledger.CommitRevoked(consumer, entries);
        }

        GiveUp(revoked);
        _rebalancing = true;
        _context.Log("revoked " + PartitionRanges.Format(revoked));
    }

    /// <summary>Partitions lost (session timeout, fenced): nothing may be committed for them any more.</summary>
    private void OnLost(List<TopicPartitionOffset> lost)
    {
        GiveUp(lost);
        _context.Log($"lost {PartitionRanges.Format(lost)}; their uncommitted records will be read again by their next owner");
    }

    private void GiveUp(List<TopicPartitionOffset> partitions)
    {
        if (_ledger.Remove(partitions).Count == 0)
        {
            return;
        }

        _flow.DropAbandoned();

        // Detection state lives with this consumer's partitions; rebuild it from new records.
        _scorer.ResetState();
    }

    /// <summary>
    /// Every commit's result (librdkafka's auto-commits too, which nothing else sees): a rejected
    /// commit is counted; "nothing to commit" is not a failure.
    /// </summary>
    private void OnCommitted(CommittedOffsets committed)
    {
        bool failed = committed.Error.IsError && committed.Error.Code != ErrorCode.Local_NoOffset;
        foreach (var offset in committed.Offsets)
        {
            failed |= offset.Error.IsError;
        }

        if (failed)
        {
            Interlocked.Increment(ref _context.Counters.CommitFailures);
        }
    }

    private void OnError(Error error)
    {
        if (error.IsFatal)
        {
            _context.Fail("consumer fatal error: " + error.Reason);
        }
        else
        {
            _context.ClientLog("kafka: " + error.Reason);
        }
    }

    private void PublishLag(IConsumer<Null, Null> consumer)
    {
        var lags = new List<(PartitionId, long)>(_ledger.Count);
        foreach (var entry in _ledger.Entries)
        {
            var watermarks = consumer.GetWatermarkOffsets(entry.Partition);
            // Done up to the committable offset; before the first completion, where consuming starts.
            long done = entry.Tracker.Committable >= 0 ? entry.Tracker.Committable : consumer.Position(entry.Partition).Value;
            if (watermarks.High.Value >= 0 && done >= 0)
            {
                lags.Add((entry.Id, Math.Max(watermarks.High.Value - done, 0)));
            }
        }

        Lag = lags;
    }
}
