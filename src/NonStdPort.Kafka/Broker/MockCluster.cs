using System.Runtime.InteropServices;
using Confluent.Kafka;

namespace NonStdPort.Kafka.Broker;

/// <summary>
/// librdkafka's built-in mock Kafka cluster, in this process, listening on 127.0.0.1.
/// For development, demos and tests only. Its limits (librdkafka's, not ours): each partition
/// keeps at most 5 MiB and 100,000 messages and silently drops older data beyond that; there is
/// no controller, so admin CreateTopics fails (create topics with <see cref="CreateTopic"/>);
/// auto-created topics get 4 partitions.
/// </summary>
public sealed class MockCluster : IDisposable
{
    /// <summary>Bytes a mock partition keeps before it drops its oldest messages.</summary>
    public const long PartitionByteCap = 5L * 1024 * 1024;

    /// <summary>Messages a mock partition keeps before it drops its oldest messages.</summary>
    public const int PartitionMessageCap = 100_000;

    /// <summary>Partitions the mock gives a topic that is created by producing to it.</summary>
    public const int AutoCreatedPartitions = 4;

    private readonly object _gate = new();
    private nint _handle;
    private readonly nint _cluster;

    private MockCluster(nint handle, nint cluster, int brokers, string bootstrapServers)
    {
        _handle = handle;
        _cluster = cluster;
        Brokers = brokers;
        BootstrapServers = bootstrapServers;
    }

    /// <summary>Number of brokers.</summary>
    public int Brokers { get; }

    /// <summary>The <c>bootstrap.servers</c> list clients connect to.</summary>
    public string BootstrapServers { get; }

    /// <summary>Starts a cluster of <paramref name="brokers"/> brokers.</summary>
    public static MockCluster Start(int brokers = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(brokers, 1);

        // Make Confluent.Kafka load librdkafka first, so the P/Invokes below bind to that same library.
        _ = Library.Version;

        var errstr = new byte[512];
        nint conf = LibRdKafkaMock.ConfNew();
        Set(conf, "test.mock.num.brokers", brokers.ToString(System.Globalization.CultureInfo.InvariantCulture), errstr);
        // The handle only hosts the cluster; keep its own client chatter (connection notices) quiet.
        Set(conf, "log_level", "3", errstr);
        nint rk = LibRdKafkaMock.New(LibRdKafkaMock.ProducerType, conf, errstr, (nuint)errstr.Length);
        if (rk == 0)
        {
            LibRdKafkaMock.ConfDestroy(conf);
            throw new InvalidOperationException("Could not start the mock cluster: " + LibRdKafkaMock.ErrorText(errstr));
        }

        nint cluster = LibRdKafkaMock.HandleMockCluster(rk);
        if (cluster == 0)
        {
            LibRdKafkaMock.Destroy(rk);
            throw new InvalidOperationException("The librdkafka build has no mock cluster support.");
        }

        // A consumer group starts at once instead of waiting for more members to join.
        LibRdKafkaMock.GroupInitialRebalanceDelayMs(cluster, 0);
        string bootstraps = Marshal.PtrToStringUTF8(LibRdKafkaMock.ClusterBootstraps(cluster)) ?? "";
        return new MockCluster(rk, cluster, brokers, bootstraps);
    }

    /// <summary>Creates a topic with <paramref name="partitions"/> partitions (replication factor 1).</summary>
    public void CreateTopic(string name, int partitions)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        lock (_gate)
        {
            int err = LibRdKafkaMock.TopicCreate(Live(), name, partitions, 1);
            if (err != 0)
            {
                throw new InvalidOperationException($"Could not create topic '{name}': {LibRdKafkaMock.Describe(err)}");
            }
        }
    }

    /// <summary>
    /// Moves a partition's leadership to <paramref name="brokerId"/>; -1 leaves it without a leader,
    /// so clients cannot produce to or fetch from it until a leader is set again.
    /// </summary>
    public void SetPartitionLeader(string topic, int partition, int brokerId)
    {
        lock (_gate)
        {
            int err = LibRdKafkaMock.PartitionSetLeader(Live(), topic, partition, brokerId);
            if (err != 0)
            {
                throw new InvalidOperationException($"Could not set the leader of {topic}[{partition}]: {LibRdKafkaMock.Describe(err)}");
            }
        }
    }

    /// <summary>
    /// Takes broker <paramref name="brokerId"/> (1-based) down: its connections close and new ones
    /// are refused until <see cref="SetBrokerUp"/>, so its partitions cannot be reached.
    /// </summary>
    public void SetBrokerDown(int brokerId) => Call(c => LibRdKafkaMock.BrokerSetDown(c, brokerId), $"take broker {brokerId} down");

    /// <summary>Brings broker <paramref name="brokerId"/> back up.</summary>
    public void SetBrokerUp(int brokerId) => Call(c => LibRdKafkaMock.BrokerSetUp(c, brokerId), $"bring broker {brokerId} up");

    /// <summary>
    /// Makes broker <paramref name="brokerId"/> the coordinator of a group (<paramref name="keyType"/>
    /// <c>group</c>) or a transactional.id (<c>transaction</c>).
    /// </summary>
    public void SetCoordinator(string keyType, string key, int brokerId) =>
        Call(c => LibRdKafkaMock.CoordinatorSet(c, keyType, key, brokerId), $"set the {keyType} coordinator of {key}");

    /// <summary>
    /// Makes the next requests of Kafka API <paramref name="apiKey"/> (from any client) fail with
    /// <paramref name="errors"/>, one per request, in order (fault injection).
    /// </summary>
    public void PushRequestErrors(short apiKey, params int[] errors)
    {
        lock (_gate)
        {
            LibRdKafkaMock.PushRequestErrorsArray(Live(), apiKey, (nuint)errors.Length, errors);
        }
    }

    /// <summary>Stops the cluster; its data is gone.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_handle != 0)
            {
                LibRdKafkaMock.Destroy(_handle);
                _handle = 0;
            }
        }
    }

    private void Call(Func<nint, int> call, string what)
    {
        lock (_gate)
        {
            int err = call(Live());
            if (err != 0)
            {
                throw new InvalidOperationException($"Could not {what}: {LibRdKafkaMock.Describe(err)}");
            }
        }
    }

    private nint Live()
    {
        ObjectDisposedException.ThrowIf(_handle == 0, this);
        return _cluster;
    }

    private static void Set(nint conf, string name, string value, byte[] errstr)
    {
        if (LibRdKafkaMock.ConfSet(conf, name, value, errstr, (nuint)errstr.Length) != LibRdKafkaMock.ConfOk)
        {
            LibRdKafkaMock.ConfDestroy(conf);
            throw new InvalidOperationException($"librdkafka rejected {name}={value}: {LibRdKafkaMock.ErrorText(errstr)}");
        }
    }
}
