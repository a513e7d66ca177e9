using System.Collections.Concurrent;
using System.Threading.Channels;
using Confluent.Kafka;
using NonStdPort.Core;
using NonStdPort.Core.Rules;

namespace NonStdPort.Kafka.Pipeline;

/// <summary>
/// Kafka → score → Kafka, at least once, or exactly once with
/// <see cref="PipelineOptions.Guarantee"/> (see <see cref="TransactionalLoop"/>). <see cref="PipelineOptions.Consumers"/> consumers in one
/// group (cooperative-sticky), each on its own thread, score records as they are deserialized;
/// their alerts and dead letters go through a bounded channel to one shared idempotent producer
/// (acks=all). An input offset is stored only after every output of it and of all earlier
/// records of its partition is acknowledged, so a crash re-reads, never loses.
/// </summary>
public sealed class KafkaPipeline
{
    private readonly PipelineOptions _options;
    private readonly Func<IRecordProcessor> _processorFactory;
    private readonly TextWriter _log;
    private readonly PipelineCounters _counters = new();
    private readonly ConcurrentDictionary<TopicPartition, long> _committed = new();
    private readonly object _logGate = new();
    private readonly RepeatLimiter _kafkaLog;
    private ConsumeLoop[] _loops = [];
    private TransactionalLoop[] _transactional = [];
    private string? _failure;
    private ShutdownCoordinator? _shutdown;

    /// <summary>Creates a pipeline that scores with the core engine (one engine per consumer).</summary>
    public KafkaPipeline(PipelineOptions options, RuleSet rules, EngineOptions? engineOptions, TextWriter log)
        : this(options, () => new EngineProcessor(new Engine(rules, engineOptions)), log)
    {
    }

    internal KafkaPipeline(PipelineOptions options, Func<IRecordProcessor> processorFactory, TextWriter log)
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
        _log = log;
        _kafkaLog = new RepeatLimiter(Log, TimeSpan.FromSeconds(10));
    }

    /// <summary>Running totals.</summary>
    public PipelineTotals Totals => _counters.Snapshot();

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
            foreach (var loop in _loops)
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
            foreach (var loop in _loops)
            {
                count += loop.AssignedCount;
            }

            foreach (var loop in _transactional)
            {
                count += loop.AssignedCount;
            }

            return count;
        }
    }

    /// <summary>Exactly-once: transactions committed so far.</summary>
    public long TransactionsCommitted => SumTransactional(static loop => loop.Commits);

    /// <summary>Exactly-once: transactions aborted so far (their records were read and scored again).</summary>
    public long TransactionsAborted => SumTransactional(static loop => loop.Aborts);

    /// <summary>The offset stored for commit per input partition (the next record to read).</summary>
    public IReadOnlyDictionary<TopicPartition, long> CommittedOffsets => _committed;

    /// <summary>Consumer lag per assigned input partition (high watermark minus completed offset).</summary>
    public IReadOnlyList<(TopicPartition Partition, long Lag)> Lag
    {
        get
        {
            var all = new List<(TopicPartition, long)>();
            foreach (var loop in _loops)
            {
                all.AddRange(loop.Lag);
            }

            all.Sort((a, b) => a.Item1.Topic == b.Item1.Topic
                ? a.Item1.Partition.Value.CompareTo(b.Item1.Partition.Value)
                : string.CompareOrdinal(a.Item1.Topic, b.Item1.Topic));
            return all;
        }
    }

    /// <summary>Asks a running pipeline to stop gracefully (as SIGTERM does).</summary>
    public void Stop() => _shutdown?.RequestStop();

    /// <summary>
    /// Runs until <paramref name="stop"/> is cancelled (or a fatal error), then drains, flushes,
    /// commits and closes within <see cref="PipelineOptions.ShutdownTimeout"/>.
    /// </summary>
    public async Task<PipelineTotals> RunAsync(CancellationToken stop)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var shutdown = new ShutdownCoordinator(stop, _options.Consumers, _options.ShutdownTimeout);
        _shutdown = shutdown;
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

        using var producer = new ProducerBuilder<byte[]?, byte[]>(KafkaClientConfig.Producer(_options))
            .SetErrorHandler((_, error) => OnProducerError(error))
            .SetLogHandler(KafkaLog.To(_kafkaLog.Write))
            .Build();
        using var watch = new BrokerWatch(_options, KafkaClientConfig.Client(_options), _kafkaLog.Write, Fail);
        var produce = Task.Run(() => new ProduceStage(producer, channel.Reader, Fail).RunAsync(shutdown.Hard));

        var consumerConfig = KafkaClientConfig.Consumer(_options);
        _loops = new ConsumeLoop[_options.Consumers];
        var threads = new Thread[_loops.Length];
        for (int i = 0; i < _loops.Length; i++)
        {
            _loops[i] = new ConsumeLoop(_options, consumerConfig, _processorFactory, channel.Writer, () => channel.Reader.Count, pool, _counters, shutdown, _committed, Log, _kafkaLog.Write, Fail);
            threads[i] = new Thread(_loops[i].Run) { IsBackground = true, Name = $"nonstdport-consume-{i}" };
            threads[i].Start();
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
        using var watch = new BrokerWatch(_options, KafkaClientConfig.Client(_options), _kafkaLog.Write, Fail);
        var consumerConfig = KafkaClientConfig.Consumer(_options);
        _transactional = new TransactionalLoop[_options.Consumers];
        var threads = new Thread[_transactional.Length];
        for (int i = 0; i < _transactional.Length; i++)
        {
            _transactional[i] = new TransactionalLoop(_options, consumerConfig, i, _processorFactory, _counters, shutdown, _committed, Log, _kafkaLog.Write, Fail);
            threads[i] = new Thread(_transactional[i].Run) { IsBackground = true, Name = $"nonstdport-consume-{i}" };
            threads[i].Start();
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
        foreach (var loop in _transactional)
        {
            sum += value(loop);
        }

        return sum;
    }

    private PipelineTotals Finish(ShutdownCoordinator shutdown, System.Diagnostics.Stopwatch clock)
    {
        _shutdown = null;
        StoppedCleanly = shutdown.Completed;
        var totals = _counters.Snapshot();
        string transactions = _options.Guarantee == DeliveryGuarantee.ExactlyOnce
            ? $", transactions {TransactionsCommitted} committed, {TransactionsAborted} aborted"
            : "";
        Log("summary: " + StatsReporter.Format(totals, totals.Records / Math.Max(clock.Elapsed.TotalSeconds, 1e-3))[7..] +
            transactions + $", {clock.Elapsed.TotalSeconds:F1} s" + (Failure is { } failure ? ", failed: " + failure : ""));
        return totals;
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
