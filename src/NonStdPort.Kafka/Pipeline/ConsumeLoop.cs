using System.Collections.Concurrent;
using System.Text;
using System.Threading.Channels;
using Confluent.Kafka;

namespace NonStdPort.Kafka.Pipeline;

/// <summary>
/// One consumer in the group, on its own thread: consume (scoring happens inside, in the value
/// deserializer), track offsets per partition, hand outputs to the producer stage, store offsets
/// once their outputs are acknowledged, and pause when the producer side is full. Rebalance
/// callbacks run on this thread too, inside <c>Consume</c> and <c>Close</c>.
/// </summary>
internal sealed class ConsumeLoop
{
    private static readonly TimeSpan PollTimeout = TimeSpan.FromMilliseconds(100);

    /// <summary>How long the hand-off may stay full before the partitions are paused.</summary>
    private static readonly TimeSpan PauseAfter = TimeSpan.FromSeconds(1);
    private const long StoreEveryMs = 50;

    private readonly PipelineOptions _options;
    private readonly ConsumerConfig _config;
    private readonly MessageScorer _scorer;
    private readonly ChannelWriter<OutputChunk> _output;
    private readonly Func<int> _pendingCount;
    private readonly ChunkPool _pool;
    private readonly PipelineCounters _counters;
    private readonly ShutdownCoordinator _shutdown;
    private readonly ConcurrentDictionary<TopicPartition, long> _committed;
    private readonly Action<string> _log;
    /// <summary>librdkafka's own lines (log and error callbacks), rate-limited.</summary>
    private readonly Action<string> _clientLog;
    private readonly Action<string> _fail;
    private readonly Dictionary<TopicPartition, PartitionState> _partitions = [];
    private readonly Queue<OutputChunk> _blocked = new();
    private IConsumer<Ignore, ScoredMessage>? _consumer;
    private bool _paused;
    private bool _repause;
    private bool _closing;
    private long _nextStore;

    public ConsumeLoop(
        PipelineOptions options,
        ConsumerConfig config,
        Func<IRecordProcessor> processorFactory,
        ChannelWriter<OutputChunk> output,
        Func<int> pendingCount,
        ChunkPool pool,
        PipelineCounters counters,
        ShutdownCoordinator shutdown,
        ConcurrentDictionary<TopicPartition, long> committed,
        Action<string> log,
        Action<string> clientLog,
        Action<string> fail)
    {
        _options = options;
        _config = config;
        _scorer = new MessageScorer(processorFactory);
        _output = output;
        _pendingCount = pendingCount;
        _pool = pool;
        _counters = counters;
        _shutdown = shutdown;
        _committed = committed;
        _log = log;
        _clientLog = clientLog;
        _fail = fail;
    }

    /// <summary>True while this loop's partitions are paused because the producer side is full.</summary>
    public bool IsPaused => Volatile.Read(ref _paused);

    /// <summary>Partitions this loop holds now.</summary>
    public int AssignedCount => Volatile.Read(ref _assignedCount);

    private int _assignedCount;

    /// <summary>Lag per assigned partition, refreshed by the loop for the stats line.</summary>
    public volatile IReadOnlyList<(TopicPartition Partition, long Lag)> Lag = [];

    public void Run()
    {
        bool stoppedSignalled = false;
        bool committedSignalled = false;
        try
        {
            using var consumer = new ConsumerBuilder<Ignore, ScoredMessage>(_config)
                .SetKeyDeserializer(_scorer.Key)
                .SetValueDeserializer(_scorer)
                .SetPartitionsAssignedHandler((_, partitions) => OnAssigned(partitions))
                .SetPartitionsRevokedHandler((_, partitions) => OnRevoked(partitions))
                .SetPartitionsLostHandler((_, partitions) => OnLost(partitions))
                .SetErrorHandler((_, error) => OnError(error))
                .SetLogHandler(KafkaLog.To(_clientLog))
                .Build();
            _consumer = consumer;
            consumer.Subscribe(_options.InputTopics);
            long nextLag = 0;
            while (!_shutdown.Stop.IsCancellationRequested)
            {
                FlowControl(consumer);
                ConsumeOne(consumer);
                long now = Environment.TickCount64;
                if (now >= _nextStore)
                {
                    StoreOffsets(consumer);
                    _nextStore = now + StoreEveryMs;
                }

                if (now >= nextLag)
                {
                    PublishLag(consumer);
                    nextLag = now + 1000;
                }
            }

            // Stop reading: from here Consume only serves rebalances and the group session.
            consumer.Pause(consumer.Assignment);
            HandOver();
            _shutdown.ConsumerStopped();
            stoppedSignalled = true;
            Serve(consumer, () => _shutdown.IsProducerDrained);
            StoreOffsets(consumer);
            CommitFinal(consumer);
            committedSignalled = true;
            _shutdown.ConsumerCommitted();
            Serve(consumer, () => _shutdown.AllCommitted);
            _closing = true;
            consumer.Close();
        }
        catch (Exception e) when (e is KafkaException or InvalidOperationException or ArgumentException)
        {
            _fail("consumer failed: " + e.Message);
        }
        finally
        {
            _shutdown.LoopEnded(stoppedSignalled, committedSignalled);

            _consumer = null;
        }
    }

    private void ConsumeOne(IConsumer<Ignore, ScoredMessage> consumer)
    {
        var result = MessageScorer.Next(consumer, PollTimeout, _log, _fail);
        if (result?.Message is null)
        {
            return;
        }

        var scored = result.Message.Value;
        _scorer.Count(scored, result, _options.DlqTopic is not null, _counters, _log);

        var state = Partition(result.TopicPartition);
        state.Next = result.Offset.Value + 1;
        if (scored.Alerts == 0 && (scored.Malformed == 0 || _options.DlqTopic is null))
        {
            state.Tracker.Add(result.Offset.Value, hasOutputs: false);
            return;
        }

        var chunk = _pool.Rent();
        _scorer.TakeOutputs(result.Topic, result.Partition.Value, result.Offset.Value, _options.OutputTopic, _options.DlqTopic, chunk);
        chunk.Bind(state.Tracker, state.Tracker.Add(result.Offset.Value, hasOutputs: true));
        if (_blocked.Count > 0 || !_output.TryWrite(chunk))
        {
            _blocked.Enqueue(chunk);
        }
    }

    /// <summary>
    /// Moves held chunks to the producer. A short stall (a burst, a slow broker) is waited out
    /// without polling; one longer than <see cref="PauseAfter"/> pauses every assigned partition
    /// and keeps polling, which serves rebalances and stays within max.poll.interval.ms however
    /// long the output is away. Consumption resumes once the hand-off has drained to half.
    /// </summary>
    private void FlowControl(IConsumer<Ignore, ScoredMessage> consumer)
    {
        FlushBlocked();
        if (_blocked.Count > 0 && !_paused)
        {
            long until = Environment.TickCount64 + (long)PauseAfter.TotalMilliseconds;
            while (_blocked.Count > 0 && Environment.TickCount64 < until && !_shutdown.Stop.IsCancellationRequested)
            {
                WaitForRoom(until);
                FlushBlocked();
            }
        }

        if (_blocked.Count > 0)
        {
            if (!_paused || _repause)
            {
                consumer.Pause(consumer.Assignment);
                if (!_paused)
                {
                    Interlocked.Increment(ref _counters.Pauses);
                }

                Volatile.Write(ref _paused, true);
                _repause = false;
            }
        }
        else if (_paused && _pendingCount() <= _options.MaxPendingMessages / 2)
        {
            // Resume only once the channel has drained to half, so a slow output does not cause a
            // pause/resume cycle per message. Then seek each partition to the record after the last
            // one consumed: the fetch restarts exactly there, neither skipping nor repeating.
            var assignment = consumer.Assignment;
            consumer.Resume(assignment);
            foreach (var partition in assignment)
            {
                if (_partitions.TryGetValue(partition, out var state) && state.Next >= 0)
                {
                    try
                    {
                        consumer.Seek(new TopicPartitionOffset(partition, state.Next));
                    }
                    catch (KafkaException e)
                    {
                        _log($"cannot seek {partition} to {state.Next}: {e.Error.Reason}");
                    }
                }
            }

            Volatile.Write(ref _paused, false);
        }
    }

    private void WaitForRoom(long until)
    {
        long remaining = until - Environment.TickCount64;
        if (remaining <= 0)
        {
            return;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_shutdown.Stop);
        timeout.CancelAfter(TimeSpan.FromMilliseconds(remaining));
        try
        {
            _output.WaitToWriteAsync(timeout.Token).AsTask().GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            // Still no room: the caller pauses.
        }
    }

    private void FlushBlocked()
    {
        while (_blocked.TryPeek(out var chunk) && _output.TryWrite(chunk))
        {
            _blocked.Dequeue();
        }
    }

    /// <summary>On stop: hands every held chunk to the producer stage, waiting for room until the deadline.</summary>
    private void HandOver()
    {
        while (_blocked.Count > 0)
        {
            FlushBlocked();
            if (_blocked.Count == 0)
            {
                break;
            }

            try
            {
                _output.WaitToWriteAsync(_shutdown.Hard).AsTask().GetAwaiter().GetResult();
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

    private PartitionState Partition(TopicPartition partition)
    {
        if (!_partitions.TryGetValue(partition, out var state))
        {
            state = new PartitionState(partition);
            _partitions.Add(partition, state);
        }

        return state;
    }

    private void StoreOffsets(IConsumer<Ignore, ScoredMessage> consumer)
    {
        foreach (var state in _partitions.Values)
        {
            Store(consumer, state);
        }
    }

    private void Store(IConsumer<Ignore, ScoredMessage> consumer, PartitionState state)
    {
        long committable = state.Tracker.Committable;
        if (committable <= state.Stored)
        {
            return;
        }

        try
        {
            consumer.StoreOffset(new TopicPartitionOffset(state.Partition, committable));
            state.Stored = committable;
            _committed[state.Partition] = committable;
        }
        catch (KafkaException e)
        {
            _log($"cannot store offset {committable} of {state.Partition}: {e.Error.Reason}");
        }
    }

    /// <summary>
    /// The last commit before leaving the group. A rebalance in progress (another member joining
    /// or leaving) rejects commits until it completes, so serve it and retry until the deadline;
    /// partitions are paused, so nothing new is read meanwhile (a message of a newly assigned
    /// partition is dropped unstored and read again by its next owner).
    /// </summary>
    private void CommitFinal(IConsumer<Ignore, ScoredMessage> consumer)
    {
        while (true)
        {
            try
            {
                consumer.Commit();
                return;
            }
            catch (KafkaException e) when (e.Error.Code == ErrorCode.Local_NoOffset)
            {
                return;
            }
            catch (KafkaException e) when (e.Error.Code is ErrorCode.RebalanceInProgress or ErrorCode.IllegalGeneration
                or ErrorCode.Local_State && !_shutdown.Hard.IsCancellationRequested)
            {
                ServeOnce(consumer);
                StoreOffsets(consumer);
            }
            catch (KafkaException e)
            {
                _log("final commit failed: " + e.Error.Reason);
                _shutdown.Incomplete();
                return;
            }
        }
    }

    /// <summary>
    /// While stopping: keeps polling (partitions paused, nothing read) until <paramref name="done"/>
    /// or the deadline, so this member keeps taking part in rebalances and the other members'
    /// commits are not held up by a rebalance waiting on it.
    /// </summary>
    private void Serve(IConsumer<Ignore, ScoredMessage> consumer, Func<bool> done)
    {
        while (!done() && !_shutdown.Hard.IsCancellationRequested)
        {
            ServeOnce(consumer);
        }
    }

    private void ServeOnce(IConsumer<Ignore, ScoredMessage> consumer)
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

    private void CommitStored(IConsumer<Ignore, ScoredMessage> consumer, List<TopicPartitionOffset>? offsets = null)
    {
        try
        {
            if (offsets is null)
            {
                consumer.Commit();
            }
            else if (offsets.Count > 0)
            {
                consumer.Commit(offsets);
            }
        }
        catch (KafkaException e) when (e.Error.Code == ErrorCode.Local_NoOffset)
        {
            // Nothing new to commit.
        }
        catch (KafkaException e)
        {
            _log("commit failed: " + e.Error.Reason);
        }
    }

    private void OnAssigned(List<TopicPartition> partitions)
    {
        foreach (var partition in partitions)
        {
            Partition(partition);
        }

        _repause = _paused;
        Volatile.Write(ref _assignedCount, _partitions.Count);
    }

    /// <summary>
    /// Cooperative revoke: let the revoked partitions' in-flight outputs finish (bounded by the
    /// revoke timeout), commit what is complete, then give them up. Anything still in flight is
    /// abandoned and read again by the next owner from the committed offset (a duplicate, not a loss).
    /// </summary>
    private void OnRevoked(List<TopicPartitionOffset> revoked)
    {
        var consumer = _consumer;
        var states = new List<PartitionState>(revoked.Count);
        foreach (var tpo in revoked)
        {
            if (_partitions.TryGetValue(tpo.TopicPartition, out var state))
            {
                states.Add(state);
            }
        }

        long deadline = Environment.TickCount64 + (_closing ? 0 : (long)_options.RevokeTimeout.TotalMilliseconds);
        foreach (var state in states)
        {
            while (!_closing && !state.Tracker.WaitIdle(TimeSpan.FromMilliseconds(20)) && Environment.TickCount64 < deadline)
            {
                FlushBlocked();
            }
        }

        if (consumer is not null)
        {
            var offsets = new List<TopicPartitionOffset>(states.Count);
            foreach (var state in states)
            {
                Store(consumer, state);
                if (state.Stored >= 0)
                {
                    offsets.Add(new TopicPartitionOffset(state.Partition, state.Stored));
                }
            }

            CommitStored(consumer, offsets);
        }

        GiveUp(states);
    }

    /// <summary>Partitions lost (session timeout, fenced): nothing may be committed for them any more.</summary>
    private void OnLost(List<TopicPartitionOffset> lost)
    {
        var states = new List<PartitionState>(lost.Count);
        foreach (var tpo in lost)
        {
            if (_partitions.TryGetValue(tpo.TopicPartition, out var state))
            {
                states.Add(state);
            }
        }

        _log($"lost {states.Count} partition(s); their uncommitted records will be read again by their next owner");
        GiveUp(states);
    }

    private void GiveUp(List<PartitionState> states)
    {
        if (states.Count == 0)
        {
            return;
        }

        foreach (var state in states)
        {
            state.Tracker.Abandon();
            _partitions.Remove(state.Partition);
        }

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

        Volatile.Write(ref _assignedCount, _partitions.Count);

        // Detection state lives with this consumer's partitions; rebuild it from new records.
        _scorer.ResetState();
    }

    private void OnError(Error error)
    {
        if (error.IsFatal)
        {
            _fail("consumer fatal error: " + error.Reason);
        }
        else
        {
            _clientLog("kafka: " + error.Reason);
        }
    }

    private void PublishLag(IConsumer<Ignore, ScoredMessage> consumer)
    {
        var lags = new List<(TopicPartition, long)>(_partitions.Count);
        foreach (var state in _partitions.Values)
        {
            var watermarks = consumer.GetWatermarkOffsets(state.Partition);
            // Done up to the committable offset; before the first completion, where consuming starts.
            long done = state.Tracker.Committable >= 0 ? state.Tracker.Committable : consumer.Position(state.Partition).Value;
            if (watermarks.High.Value >= 0 && done >= 0)
            {
                lags.Add((state.Partition, Math.Max(watermarks.High.Value - done, 0)));
            }
        }

        Lag = lags;
    }

    private sealed class PartitionState(TopicPartition partition)
    {
        public TopicPartition Partition { get; } = partition;
        public OffsetTracker Tracker { get; } = new();
        public long Stored { get; set; } = -1;

        /// <summary>The offset after the last record consumed, or -1 before the first.</summary>
        public long Next { get; set; } = -1;
    }
}
