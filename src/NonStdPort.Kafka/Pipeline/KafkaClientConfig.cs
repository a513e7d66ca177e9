using Confluent.Kafka;

namespace NonStdPort.Kafka.Pipeline;

/// <summary>The librdkafka settings of the pipeline's clients: defaults, then <c>-X</c>, then what the guarantee needs.</summary>
internal static class KafkaClientConfig
{
    /// <summary>The consumers' default <c>session.timeout.ms</c>.</summary>
    public const int DefaultSessionTimeoutMs = 6000;

    /// <summary>The consumers' default <c>heartbeat.interval.ms</c>.</summary>
    public const int DefaultHeartbeatIntervalMs = 1000;

    /// <summary>The consumers' settings, before the commit strategy adds its own.</summary>
    public static ConsumerConfig Consumer(PipelineOptions options)
    {
        var config = new ConsumerConfig
        {
            AutoOffsetReset = AutoOffsetReset.Earliest,
            PartitionAssignmentStrategy = PartitionAssignmentStrategy.CooperativeSticky,
            // Bounds prefetched memory per consumer (librdkafka's default is 64 MiB)...
            QueuedMaxMessagesKbytes = 32 * 1024,
            // ...without the default 100,000 messages per partition that, over many partitions,
            // keeps the queue "full" and backs every fetch off for a second (fetch.queue.backoff.ms).
            QueuedMinMessages = 10_000,
            ConsumeResultFields = "topic",
        };
        config.Set("fetch.queue.backoff.ms", "10");
        // A member that died (kill -9) holds its partitions until its session expires: 6 s
        // instead of librdkafka's 45 s bounds a restart or a join to seconds. Valid on real
        // clusters too (group.min.session.timeout.ms defaults to 6000); -X overrides both.
        config.SessionTimeoutMs = DefaultSessionTimeoutMs;
        config.HeartbeatIntervalMs = DefaultHeartbeatIntervalMs;
        config.Set("auto.offset.reset", options.AutoOffsetReset);
        Apply(config, options);
        config.GroupId = options.GroupId;
        // How offsets are committed is the commit strategy's to set (ICommitStrategy.Configure).
        // Records of open or aborted transactions upstream are never scored.
        config.IsolationLevel = IsolationLevel.ReadCommitted;
        return config;
    }

    /// <summary>The producer's settings.</summary>
    public static ProducerConfig Producer(PipelineOptions options)
    {
        var config = new ProducerConfig
        {
            CompressionType = CompressionType.Lz4,
            LingerMs = 5,
            // Bounds memory held for unacknowledged alerts (librdkafka's default is 1 GiB).
            QueueBufferingMaxKbytes = 64 * 1024,
        };
        Apply(config, options);
        config.EnableIdempotence = true;
        config.Acks = Acks.All;
        return config;
    }

    /// <summary>
    /// The transactional producer of consumer <paramref name="consumer"/> (exactly-once): the
    /// same settings as <see cref="Producer"/> plus its transactional.id.
    /// </summary>
    public static ProducerConfig TransactionalProducer(PipelineOptions options, int consumer)
    {
        var config = Producer(options);
        config.TransactionalId = options.TransactionalId(consumer);
        return config;
    }

    /// <summary>A plain client (replay producer, alert reader) with the user's settings.</summary>
    public static ClientConfig Client(PipelineOptions options)
    {
        var config = new ClientConfig();
        Apply(config, options);
        return config;
    }

    private static void Apply(ClientConfig config, PipelineOptions options)
    {
        foreach (var (key, value) in options.ClientSettings)
        {
            config.Set(key, value);
        }

        config.BootstrapServers = options.BootstrapServers;
    }
}
