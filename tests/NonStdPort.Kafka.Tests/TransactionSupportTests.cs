using System.Text;
using Confluent.Kafka;
using NonStdPort.Kafka.Tests.Support;

namespace NonStdPort.Kafka.Tests;

/// <summary>
/// What exactly-once rests on, asserted against the cluster the tests run on: committed
/// transactions are visible to read_committed readers and aborted ones are not (the mock too);
/// offsets sent in a transaction are committed with it, and a new producer with the same
/// transactional.id aborts what a killed one left open (a real cluster only: see
/// <see cref="RealClusterFactAttribute"/>).
/// </summary>
[Collection(KafkaCollection.Name)]
public sealed class TransactionSupportTests(KafkaCluster cluster)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public void A_read_committed_reader_sees_committed_transactions_and_never_aborted_ones()
    {
        string topic = cluster.CreateTopic("txn", 1);
        using var producer = Transactional(KafkaCluster.UniqueName("tid"));
        producer.InitTransactions(Timeout);
        Send(producer, topic, "aborted-1", "aborted-2");
        producer.AbortTransaction(Timeout);
        Send(producer, topic, "committed-1", "committed-2");
        producer.CommitTransaction(Timeout);

        var read = cluster.ReadCommitted(topic, 2, Timeout, settle: TimeSpan.FromSeconds(1));

        Assert.Equal(["committed-1", "committed-2"], read.Select(Value));
    }

    [RealClusterFact]
    public void Offsets_sent_in_a_transaction_are_committed_with_it_and_not_with_an_abort()
    {
        string input = cluster.CreateTopic("in", 1), output = cluster.CreateTopic("out", 1), group = KafkaCluster.UniqueName("group");
        cluster.Produce(input, Enumerable.Range(0, 10).Select(i => ((byte[]?)null, Encoding.UTF8.GetBytes($"r{i}"), 0)));
        using var consumer = new ConsumerBuilder<byte[]?, byte[]>(new ConsumerConfig
        {
            BootstrapServers = cluster.BootstrapServers,
            GroupId = group,
            EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            SessionTimeoutMs = 6000,
            HeartbeatIntervalMs = 500,
        }).Build();
        consumer.Subscribe(input);
        Wait.Until(() => consumer.Consume(TimeSpan.FromMilliseconds(100)) is { Message: not null }, Timeout, "a first record");
        using var producer = Transactional(KafkaCluster.UniqueName("tid"));
        producer.InitTransactions(Timeout);

        Send(producer, output, "a");
        producer.SendOffsetsToTransaction([new TopicPartitionOffset(input, 0, 7)], consumer.ConsumerGroupMetadata, Timeout);
        producer.AbortTransaction(Timeout);
        Assert.Equal(-1, cluster.Committed(group, input)[0]);

        Send(producer, output, "b");
        producer.SendOffsetsToTransaction([new TopicPartitionOffset(input, 0, 4)], consumer.ConsumerGroupMetadata, Timeout);
        producer.CommitTransaction(Timeout);
        Assert.Equal(4, cluster.Committed(group, input)[0]);
        consumer.Close();
    }

    [RealClusterFact]
    public void A_new_producer_with_the_same_transactional_id_aborts_the_transaction_a_killed_one_left_open()
    {
        string topic = cluster.CreateTopic("txn", 1), id = KafkaCluster.UniqueName("tid");
        var zombie = Transactional(id);
        zombie.InitTransactions(Timeout);
        Send(zombie, topic, "left-open");
        zombie.Flush(Timeout);

        // The successor takes over the id: the open transaction is aborted and the old producer fenced.
        using var successor = Transactional(id);
        successor.InitTransactions(Timeout);
        Send(successor, topic, "after");
        successor.CommitTransaction(Timeout);

        var fenced = Assert.ThrowsAny<KafkaException>(() => zombie.CommitTransaction(Timeout));
        zombie.Dispose();
        var read = cluster.ReadCommitted(topic, 1, Timeout, settle: TimeSpan.FromSeconds(1));
        Assert.Equal(["after"], read.Select(Value));
        Assert.NotEqual(ErrorCode.NoError, fenced.Error.Code);
    }

    private IProducer<byte[]?, byte[]> Transactional(string id) => new ProducerBuilder<byte[]?, byte[]>(new ProducerConfig
    {
        BootstrapServers = cluster.BootstrapServers,
        TransactionalId = id,
        LingerMs = 5,
    }).Build();

    private static void Send(IProducer<byte[]?, byte[]> producer, string topic, params string[] values)
    {
        producer.BeginTransaction();
        foreach (string value in values)
        {
            producer.Produce(new TopicPartition(topic, 0), new Message<byte[]?, byte[]> { Value = Encoding.UTF8.GetBytes(value) });
        }
    }

    private static string Value(ConsumeResult<byte[]?, byte[]> r) => Encoding.UTF8.GetString(r.Message.Value);
}
