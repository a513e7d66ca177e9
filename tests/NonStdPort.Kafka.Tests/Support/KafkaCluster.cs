using Confluent.Kafka;
using Confluent.Kafka.Admin;
using NonStdPort.Kafka.Broker;

namespace NonStdPort.Kafka.Tests.Support;

/// <summary>
/// The cluster the Kafka tests run against: librdkafka's mock cluster in this process, or a real
/// cluster when <c>KAFKA_BOOTSTRAP_SERVERS</c> is set. Every test creates its own topics and group.
/// </summary>
public sealed class KafkaCluster : IDisposable
{
    private readonly MockCluster? _mock;

    public KafkaCluster()
    {
        string? external = Environment.GetEnvironmentVariable("KAFKA_BOOTSTRAP_SERVERS");
        if (string.IsNullOrWhiteSpace(external))
        {
            _mock = MockCluster.Start(brokers: 1);
            BootstrapServers = _mock.BootstrapServers;
        }
        else
        {
            BootstrapServers = external.Trim();
        }
    }

    /// <summary>A mock cluster of <paramref name="brokers"/> brokers of its own, for a test that takes brokers down.</summary>
    internal KafkaCluster(int brokers)
    {
        _mock = MockCluster.Start(brokers);
        BootstrapServers = _mock.BootstrapServers;
    }

    public string BootstrapServers { get; }

    /// <summary>
    /// The mock coordinator may wait for a departed member's session to expire before it completes
    /// the next join; a short session keeps that wait to seconds in tests.
    /// </summary>
    public static IReadOnlyDictionary<string, string> FastGroupSettings { get; } = new Dictionary<string, string>
    {
        ["session.timeout.ms"] = "6000",
        ["heartbeat.interval.ms"] = "500",
    };

    /// <summary>The mock cluster, or null against a real cluster (tests that need it skip there).</summary>
    public MockCluster? Mock => _mock;

    public static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    /// <summary>Creates a uniquely named topic and returns its name.</summary>
    public string CreateTopic(string prefix, int partitions)
    {
        string name = UniqueName(prefix);
        if (_mock is not null)
        {
            _mock.CreateTopic(name, partitions);
            return name;
        }

        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = BootstrapServers }).Build();
        admin.CreateTopicsAsync([new TopicSpecification { Name = name, NumPartitions = partitions, ReplicationFactor = 1 }])
            .GetAwaiter().GetResult();
        return name;
    }

    /// <summary>Produces messages in order (per key partitioning, or round robin to a given partition) and waits for acknowledgement.</summary>
    public void Produce(string topic, IEnumerable<(byte[]? Key, byte[] Value, int Partition)> messages)
    {
        using var producer = new ProducerBuilder<byte[]?, byte[]>(new ProducerConfig
        {
            BootstrapServers = BootstrapServers,
            EnableIdempotence = true,
            Acks = Acks.All,
            LingerMs = 5,
        }).Build();
        Exception? failure = null;
        foreach (var (key, value, partition) in messages)
        {
            var message = new Message<byte[]?, byte[]> { Key = key, Value = value };
            void OnDelivered(DeliveryReport<byte[]?, byte[]> r)
            {
                if (r.Error.IsError)
                {
                    failure ??= new KafkaException(r.Error);
                }
            }

            while (true)
            {
                try
                {
                    if (partition >= 0)
                    {
                        producer.Produce(new TopicPartition(topic, partition), message, OnDelivered);
                    }
                    else
                    {
                        producer.Produce(topic, message, OnDelivered);
                    }

                    break;
                }
                catch (ProduceException<byte[]?, byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                {
                    producer.Poll(TimeSpan.FromMilliseconds(50));
                }
            }
        }

        producer.Flush(TimeSpan.FromSeconds(60));
        if (failure is not null)
        {
            throw failure;
        }
    }

    /// <summary>Reads a topic from the beginning until <paramref name="count"/> messages arrived (or the timeout).</summary>
    public List<ConsumeResult<byte[]?, byte[]>> Read(string topic, int count, TimeSpan timeout, TimeSpan? settle = null) =>
        Read(topic, count, timeout, settle, IsolationLevel.ReadUncommitted);

    /// <summary>
    /// As <see cref="Read(string, int, TimeSpan, TimeSpan?)"/>, as a transactional consumer reads:
    /// only committed transactions, up to the last stable offset.
    /// </summary>
    public List<ConsumeResult<byte[]?, byte[]>> ReadCommitted(string topic, int count, TimeSpan timeout, TimeSpan? settle = null) =>
        Read(topic, count, timeout, settle, IsolationLevel.ReadCommitted);

    private List<ConsumeResult<byte[]?, byte[]>> Read(string topic, int count, TimeSpan timeout, TimeSpan? settle, IsolationLevel isolation)
    {
        var results = new List<ConsumeResult<byte[]?, byte[]>>();
        using var consumer = new ConsumerBuilder<byte[]?, byte[]>(new ConsumerConfig
        {
            BootstrapServers = BootstrapServers,
            GroupId = UniqueName("reader"),
            EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            IsolationLevel = isolation,
        }).Build();
        consumer.Assign(Partitions(topic).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var deadline = DateTime.UtcNow + timeout;
        while (results.Count < count && DateTime.UtcNow < deadline)
        {
            var r = consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (r?.Message is not null)
            {
                results.Add(r);
            }
        }

        // Optionally keep reading a little to catch anything beyond the expected count (duplicates).
        if (settle is { } extra)
        {
            var end = DateTime.UtcNow + extra;
            while (DateTime.UtcNow < end)
            {
                var r = consumer.Consume(TimeSpan.FromMilliseconds(100));
                if (r?.Message is not null)
                {
                    results.Add(r);
                }
            }
        }

        return results;
    }

    /// <summary>The partitions of a topic.</summary>
    public List<int> Partitions(string topic)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = BootstrapServers }).Build();
        var metadata = admin.GetMetadata(topic, TimeSpan.FromSeconds(10));
        return metadata.Topics.Single().Partitions.Select(p => p.PartitionId).OrderBy(p => p).ToList();
    }

    /// <summary>The high watermark (end offset) of every partition of a topic.</summary>
    public Dictionary<int, long> EndOffsets(string topic)
    {
        using var consumer = new ConsumerBuilder<byte[]?, byte[]>(new ConsumerConfig
        {
            BootstrapServers = BootstrapServers,
            GroupId = UniqueName("watermarks"),
        }).Build();
        return Partitions(topic).ToDictionary(
            p => p,
            p => consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(10)).High.Value);
    }

    /// <summary>The offsets a group has committed on a topic's partitions (-1 when none).</summary>
    public Dictionary<int, long> Committed(string group, string topic)
    {
        using var consumer = new ConsumerBuilder<byte[]?, byte[]>(new ConsumerConfig
        {
            BootstrapServers = BootstrapServers,
            GroupId = group,
        }).Build();
        var committed = consumer.Committed(Partitions(topic).Select(p => new TopicPartition(topic, p)), TimeSpan.FromSeconds(10));
        return committed.ToDictionary(c => c.Partition.Value, c => c.Offset.Value < 0 ? -1 : c.Offset.Value);
    }

    public void Dispose() => _mock?.Dispose();
}

[CollectionDefinition(Name)]
public sealed class KafkaCollection : ICollectionFixture<KafkaCluster>
{
    public const string Name = "kafka";
}
