using System.Collections.Concurrent;
using System.Threading.Channels;
using Confluent.Kafka;
using NonStdPort.Core;
using NonStdPort.Core.Detect;
using NonStdPort.Core.Rules;

namespace NonStdPort.Kafka.Pipeline;

/// <summary>
/// Kafka → score → Kafka, at least once (or exactly once, see <see cref="TransactionalLoop"/>).
/// <see cref="PipelineOptions.Consumers"/> consumers in one
/// group (cooperative-sticky), each on its own thread, score records as they are consumed;
/// their alerts and dead letters go through a bounded channel to one shared idempotent producer
/// (acks=all). An input offset is stored only after every output of it and of all earlier
/// records of its partition is acknowledged, so a crash re-reads, never loses.
/// </summary>
public sealed class KafkaPipeline
{
    private readonly PipelineOptions _options;
    private readonly Func<IRecordProcessor> _processorFactory;
    private readonly Func<Action<string>, ICommitStrategy> _commitStrategy;
    private readonly TextWriter _log;
    private readonly PipelineCounters _counters = new();
    private readonly ConcurrentDictionary<PartitionId, long> _completed = new();
    private readonly object _logGate = new();
    private readonly RepeatLimiter _kafkaLog;
    private ConsumeLoop[] _loops = [];
    private TransactionalLoop[] _transactional = [];
    private string? _failure;
    private ShutdownCoordinator? _shutdown;
    private BrokerWatch? _watch;

    /// <summary>Creates a pipeline that scores with the core engine (one engine per consumer).</summary>
    public KafkaPipeline(PipelineOptions options, RuleSet rules, EngineOptions? engineOptions, TextWriter log)
        : this(options, () => new EngineProcessor(new Engine(rules, engineOptions)), log)
    {
    }

    /// <summary>
    /// Creates a pipeline whose engines follow <paramref name="rules"/>: a reloaded rule set is used
    /// from each consumer's next record on (none scored twice or skipped by the swap).
    /// </summary>
    public KafkaPipeline(PipelineOptions options, LiveRules rules, EngineOptions? engineOptions, TextWriter log)
        : this(options, () => new EngineProcessor(new Engine(rules, engineOptions)), log)
    {
    }

    /// <param name="options">The options.</param>
    /// <param name="processorFactory">Makes each consume loop's scorer.</param>
    /// <param name="log">Where log lines go.</param>
    /// <param name="commitStrategy">
    /// Makes each consume loop's commit strategy, given the log; default: at-least-once
    /// (<see cref="StoredOffsetCommit"/>). The one place a different guarantee plugs in.
    /// </param>
    internal KafkaPipeline(PipelineOptions options, Func<IRecordProcessor> processorFactory, TextWriter log, Func<Action<string>, ICommitStrategy>? commitStrategy = null)
    {
        if (options.Validate() is { } error)
        {
            throw new ArgumentException(error, nameof(options));
        }

        if (string.IsNullOrEmpty(options.BootstrapServers))
        {
            throw new ArgumentException("bootstrap servers are required", nameof(options));
        }

        _options = options;
        _processorFactory = processorFactory;
        _commitStrategy = commitStrategy ?? (write => new StoredOffsetCommit(write));
        _log = log;
        _kafkaLog = new RepeatLimiter(Log, TimeSpan.FromSeconds(10));
    }

    /// <summary>Running totals, summed over the consume loops now (safe from any thread, e.g. at a metrics scrape).</summary>
    public PipelineTotals Totals
    {
        get
        {
            long messages = 0;
            return _counters.Snapshot(SumEngines(ref messages), messages);
        }
    }

    /// <summary>Every engine counter, summed over the consume loops now (safe from any thread).</summary>
    public EngineCounters EngineTotals()
    {
        long messages = 0;
        return SumEngines(ref messages);
    }

    /// <summary>Why the pipeline stopped on its own, or null.</summary>
    public string? Failure => Volatile.Read(ref _failure);

    /// <summary>
    /// After <see cref="RunAsync"/>: true when the stop handed over, flushed and committed
    /// everything within the shutdown timeout; false when a step gave up (its records are read again).
    /// </summary>
    public bool StoppedCleanly { get; private set; }

    /// <summary>True while any consumer is paused because the output side is full.</summary>
    public bool IsPaused
    {
        get
        {
            foreach (var loop in Volatile.Read(ref _loops))
            {
                if (loop.IsPaused)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>Input partitions assigned to this pipeline's consumers now.</summary>
    public int AssignedPartitions
    {
        get
        {
            int count = 0;
            foreach (var loop in Volatile.Read(ref _loops))
            {
                count += loop.AssignedCount;
            }

            foreach (var loop in Volatile.Read(ref _transactional))
            {
                count += loop.AssignedCount;
            }

            return count;
        }
    }

    /// <summary>
    /// What health and readiness checks look at, now (safe from any thread, allocation-free).
    /// </summary>
    public PipelineHealth Health
    {
        get
        {
            long now = Environment.TickCount64;
            long oldest = long.MaxValue;
            int loops = 0;
            foreach (var loop in Volatile.Read(ref _loops))
            {
                oldest = Math.Min(oldest, loop.Heartbeat);
                loops++;
            }

            foreach (var loop in Volatile.Read(ref _transactional))
            {
                oldest = Math.Min(oldest, loop.Heartbeat);
                loops++;
            }

            long answered = Volatile.Read(ref _watch)?.LastAnswer ?? 0;
            return new PipelineHealth(
                Running: _shutdown is not null,
                Loops: loops,
                OldestHeartbeatAge: loops == 0 || oldest == 0 ? null : TimeSpan.FromMilliseconds(now - oldest),
                BrokerAnswerAge: answered == 0 ? null : TimeSpan.FromMilliseconds(now - answered),
                AssignedPartitions: AssignedPartitions,
                CommitFailures: Interlocked.Read(ref _counters.CommitFailures),
                Rebalances: Interlocked.Read(ref _counters.Rebalances));
        }
    }

    /// <summary>Exactly-once: transactions committed so far.</summary>
    public long TransactionsCommitted => SumTransactional(static loop => loop.Commits);

    /// <summary>Exactly-once: transactions aborted so far (their records were read and scored again).</summary>
    public long TransactionsAborted => SumTransactional(static loop => loop.Aborts);

    /// <summary>The offset stored for commit per input partition (the next record to read).</summary>
    public IReadOnlyDictionary<PartitionId, long> CommittedOffsets => _completed;

    /// <summary>Consumer lag per assigned input partition (high watermark minus completed offset).</summary>
    public IReadOnlyList<(PartitionId Partition, long Lag)> Lag
    {
        get
        {
            var all = new List<(PartitionId Partition, long Lag)>();
            foreach (var loop in Volatile.Read(ref _loops))
            {
                all.AddRange(loop.Lag);
            }

            all.Sort((a, b) => a.Partition.Topic == b.Partition.Topic
                ? a.Partition.Partition.CompareTo(b.Partition.Partition)
                : string.CompareOrdinal(a.Partition.Topic, b.Partition.Topic));
            return all;
        }
    }

    /// <summary>Asks a running pipeline to stop gracefully (as SIGTERM does).</summary>
    public void Stop() => _shutdown?.RequestStop();

    /// <summary>
    /// Runs until <paramref name="stop"/> is cancelled (or a fatal error), then drains, flushes,
    /// commits and closes within <see cref="PipelineOptions.ShutdownTimeout"/>. Throws
    /// <see cref="ArgumentException"/> when librdkafka rejects a client setting.
    /// </summary>
    public async Task<PipelineTotals> RunAsync(CancellationToken stop)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var shutdown = new ShutdownCoordinator(stop, _options.Consumers, _options.ShutdownTimeout);
        _shutdown = shutdown;
        // The readiness line: from here a stop request (SIGTERM) is served as a graceful stop.
        Log($"started: group {_options.GroupId}, {_options.Consumers} consumer(s), {string.Join(',', _options.InputTopics)} -> {_options.OutputTopic}, " +
            (_options.Guarantee == DeliveryGuarantee.ExactlyOnce ? "exactly-once" : "at-least-once"));
        if (_options.Guarantee == DeliveryGuarantee.ExactlyOnce)
        {
            await RunTransactionalAsync(shutdown).ConfigureAwait(false);
            return Finish(shutdown, clock);
        }

        var channel = Channel.CreateBounded<OutputChunk>(new BoundedChannelOptions(_options.MaxPendingMessages)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        var pool = new ChunkPool(_counters, failure => Fail($"delivery to {failure.Topic} failed: {failure.Error.Reason}"), _options.MaxPendingMessages);

        using var producer = KafkaClients.Build(() => new ProducerBuilder<byte[]?, byte[]>(KafkaClientConfig.Producer(_options))
            .SetErrorHandler((_, error) => OnProducerError(error))
            .SetLogHandler(KafkaLog.To(_kafkaLog.Write))
            .Build());
        using var watch = KafkaClients.Build(() => new BrokerWatch(_options, KafkaClientConfig.Client(_options), _kafkaLog.Write, Fail));
        Volatile.Write(ref _watch, watch);
        var produce = Task.Run(() => new ProduceStage(producer, channel.Reader, Fail).RunAsync(shutdown.Hard));

        var context = new PipelineContext(
            _options, _processorFactory, channel.Writer, () => channel.Reader.Count, pool, _counters, shutdown, _completed, Log, _kafkaLog.Write, Fail);
        var loops = new ConsumeLoop[_options.Consumers];
        var threads = new Thread[loops.Length];
        for (int i = 0; i < loops.Length; i++)
        {
            loops[i] = new ConsumeLoop(context, _commitStrategy(Log));
            threads[i] = new Thread(loops[i].Run) { IsBackground = true, Name = $"nonstdport-consume-{i}" };
        }

        Volatile.Write(ref _loops, loops);
        foreach (var thread in threads)
        {
            thread.Start();
        }

        using var stats = _options.StatsInterval > TimeSpan.Zero ? new StatsReporter(this, _options.StatsInterval, Log) : null;

        await Task.Run(shutdown.WaitConsumersStopped).ConfigureAwait(false);
        channel.Writer.TryComplete();
        await produce.ConfigureAwait(false);
        await Task.Run(() => Flush(producer, shutdown)).ConfigureAwait(false);
        shutdown.ProducerDrained();
        foreach (var thread in threads)
        {
            await Task.Run(() => thread.Join()).ConfigureAwait(false);
        }

        return Finish(shutdown, clock);
    }

    /// <summary>
    /// Exactly-once: each consumer has its own transactional producer and produces on its own
    /// thread, so there is no shared producer stage; the loops commit before they leave.
    /// </summary>
    private async Task RunTransactionalAsync(ShutdownCoordinator shutdown)
    {
        using var watch = KafkaClients.Build(() => new BrokerWatch(_options, KafkaClientConfig.Client(_options), _kafkaLog.Write, Fail));
        Volatile.Write(ref _watch, watch);
        // No shared producer stage: the hand-off channel is closed from the start, nothing may go there.
        var unused = Channel.CreateBounded<OutputChunk>(1);
        unused.Writer.TryComplete();
        var context = new PipelineContext(
            _options, _processorFactory, unused.Writer, () => 0, new ChunkPool(_counters, _ => { }, _options.Consumers), _counters, shutdown, _completed, Log, _kafkaLog.Write, Fail);
        var loops = new TransactionalLoop[_options.Consumers];
        var threads = new Thread[loops.Length];
        for (int i = 0; i < loops.Length; i++)
        {
            loops[i] = new TransactionalLoop(context, i);
            threads[i] = new Thread(loops[i].Run) { IsBackground = true, Name = $"nonstdport-consume-{i}" };
        }

        Volatile.Write(ref _transactional, loops);
        foreach (var thread in threads)
        {
            thread.Start();
        }

        using var stats = _options.StatsInterval > TimeSpan.Zero ? new StatsReporter(this, _options.StatsInterval, Log) : null;
        await Task.Run(shutdown.WaitConsumersStopped).ConfigureAwait(false);
        shutdown.ProducerDrained();
        foreach (var thread in threads)
        {
            await Task.Run(() => thread.Join()).ConfigureAwait(false);
        }
    }

    private long SumTransactional(Func<TransactionalLoop, long> value)
    {
        long sum = 0;
        foreach (var loop in Volatile.Read(ref _transactional))
        {
            sum += value(loop);
        }

        return sum;
    }

    private PipelineTotals Finish(ShutdownCoordinator shutdown, System.Diagnostics.Stopwatch clock)
    {
        _shutdown = null;
        StoppedCleanly = shutdown.Completed;
        var totals = Totals;
        string transactions = _options.Guarantee == DeliveryGuarantee.ExactlyOnce
            ? $", transactions {TransactionsCommitted} committed, {TransactionsAborted} aborted"
            : "";
        Log("summary: " + StatsReporter.Format(totals, totals.Records / Math.Max(clock.Elapsed.TotalSeconds, 1e-3))[7..] +
            transactions + $", {clock.Elapsed.TotalSeconds:F1} s" + (Failure is { } failure ? ", failed: " + failure : ""));
        return totals;
    }

    private EngineCounters SumEngines(ref long messages)
    {
        var total = new EngineCounters();
        foreach (var loop in Volatile.Read(ref _loops))
        {
            loop.AddCountersTo(total, ref messages);
        }

        foreach (var loop in Volatile.Read(ref _transactional))
        {
            loop.AddCountersTo(total, ref messages);
        }

        return total;
    }

    private static void Flush(IProducer<byte[]?, byte[]> producer, ShutdownCoordinator shutdown)
    {
        try
        {
            producer.Flush(shutdown.Hard);
        }
        catch (OperationCanceledException)
        {
            // Deadline: unacknowledged outputs keep their input offsets uncommitted.
            shutdown.Incomplete();
        }
    }

    private void OnProducerError(Error error)
    {
        if (error.IsFatal)
        {
            Fail("producer fatal error: " + error.Reason);
        }
        else
        {
            _kafkaLog.Write("kafka: " + error.Reason);
        }
    }

    private void Fail(string reason)
    {
        if (Interlocked.CompareExchange(ref _failure, reason, null) is null)
        {
            Log("stopping: " + reason);
        }

        _shutdown?.RequestStop();
    }

    private void Log(string line)
    {
        lock (_logGate)
        {
            _log.WriteLine(line);
        }
    }
}

/// <summary>A pipeline's liveness and readiness figures at one instant.</summary>
/// <param name="Running">True between the start of <see cref="KafkaPipeline.RunAsync"/> and the end of its stop.</param>
/// <param name="Loops">Consume loops started.</param>
/// <param name="OldestHeartbeatAge">Time since the least recent consume loop last went round; null before every loop has.</param>
/// <param name="BrokerAnswerAge">Time since the brokers last answered a metadata query; null before the first answer.</param>
/// <param name="AssignedPartitions">Input partitions assigned to this pipeline's consumers.</param>
/// <param name="CommitFailures">Offset (or transaction) commits that failed.</param>
/// <param name="Rebalances">Rebalances a consumer of this pipeline took part in.</param>
public readonly record struct PipelineHealth(
    bool Running,
    int Loops,
    TimeSpan? OldestHeartbeatAge,
    TimeSpan? BrokerAnswerAge,
    int AssignedPartitions,
    long CommitFailures,
    long Rebalances);
