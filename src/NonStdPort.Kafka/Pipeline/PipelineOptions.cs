namespace NonStdPort.Kafka.Pipeline;

/// <summary>What a crash or rebalance may do to the output.</summary>
public enum DeliveryGuarantee
{
    /// <summary>Nothing is lost; work since the last commit may be produced again.</summary>
    AtLeastOnce,

    /// <summary>
    /// Alerts, dead letters and input offsets are written in one Kafka transaction: a
    /// read_committed reader sees every output exactly once.
    /// </summary>
    ExactlyOnce,
}

/// <summary>
/// Everything <c>nonstdport run</c> needs to know, immutable. Defaults live here and nowhere else;
/// configuration files, environment variables and flags only override them.
/// </summary>
public sealed record PipelineOptions
{
    /// <summary>Default input topic.</summary>
    public const string DefaultInputTopic = "sysmon";

    /// <summary>Default output topic.</summary>
    public const string DefaultOutputTopic = "alerts";

    /// <summary>Default consumer group.</summary>
    public const string DefaultGroupId = "nonstdport";

    /// <summary>The brokers to connect to; null or empty means "start an embedded mock broker".</summary>
    public string? BootstrapServers { get; init; }

    /// <summary>Topics to consume.</summary>
    public IReadOnlyList<string> InputTopics { get; init; } = [DefaultInputTopic];

    /// <summary>The consumer group.</summary>
    public string GroupId { get; init; } = DefaultGroupId;

    /// <summary>Where alerts go.</summary>
    public string OutputTopic { get; init; } = DefaultOutputTopic;

    /// <summary>Where malformed records go; null means they are logged to stderr and counted.</summary>
    public string? DlqTopic { get; init; }

    /// <summary>Extra librdkafka settings for every client (as <c>-X key=value</c>): security, compression, tuning.</summary>
    public IReadOnlyDictionary<string, string> ClientSettings { get; init; } = new Dictionary<string, string>();

    /// <summary>Consumers in this process, each with its own consume loop and thread (default: one per core).</summary>
    public int Consumers { get; init; } = Environment.ProcessorCount;

    /// <summary>How often a stats line goes to stderr; zero turns it off.</summary>
    public TimeSpan StatsInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a graceful stop may take to drain, flush and commit before it gives up on what is left.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long no broker may answer before the pipeline fails (librdkafka itself retries forever);
    /// an answer at any time resets it.
    /// </summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a revoked partition's in-flight outputs may take before they are abandoned (re-delivered to the next owner).</summary>
    public TimeSpan RevokeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Consumed messages with outputs that may wait for the producer, per process, before
    /// consumption pauses. Together with the producer's own queue this bounds memory.
    /// </summary>
    public int MaxPendingMessages { get; init; } = 1024;

    /// <summary>At-least-once (the default) or exactly-once.</summary>
    public DeliveryGuarantee Guarantee { get; init; } = DeliveryGuarantee.AtLeastOnce;

    /// <summary>
    /// Names this instance within its group for exactly-once: the transactional.id of consumer
    /// <c>i</c> is <c>GROUP.INSTANCE.i</c>. It must stay the same across restarts of one
    /// instance (so the restart aborts what the killed process left open) and differ between
    /// instances of a group (the same id fences the other instance). Default: the host name.
    /// </summary>
    public string InstanceId { get; init; } = Environment.MachineName;

    /// <summary>Exactly-once: a transaction is committed after at most this long.</summary>
    public TimeSpan CommitInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Exactly-once: a transaction is committed once it holds this many input records.</summary>
    public int TransactionMaxRecords { get; init; } = 10_000;

    /// <summary>
    /// Exactly-once: a transaction is committed once its input messages hold this many bytes
    /// (kept well below the producer's 64 MiB queue, so a transaction never waits for room).
    /// </summary>
    public long TransactionMaxBytes { get; init; } = 16L * 1024 * 1024;

    /// <summary>The transactional.id of consumer <paramref name="consumer"/> of this instance.</summary>
    public string TransactionalId(int consumer) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{GroupId}.{InstanceId}.{consumer}");

    /// <summary>Where the consumer starts when its group has no committed offset (<c>earliest</c> loses nothing).</summary>
    public string AutoOffsetReset { get; init; } = "earliest";

    /// <summary>Checks the options; returns an error message or null.</summary>
    public string? Validate()
    {
        if (InputTopics.Count == 0)
        {
            return "at least one input topic is required";
        }

        foreach (string topic in InputTopics)
        {
            if (string.IsNullOrWhiteSpace(topic))
            {
                return "an input topic name is empty";
            }

            if (topic == OutputTopic || topic == DlqTopic)
            {
                return $"topic '{topic}' is both an input and an output";
            }
        }

        if (string.IsNullOrWhiteSpace(OutputTopic))
        {
            return "the output topic name is empty";
        }

        if (DlqTopic is not null && (DlqTopic.Length == 0 || DlqTopic == OutputTopic))
        {
            return "the dead-letter topic must be named and differ from the output topic";
        }

        if (string.IsNullOrWhiteSpace(GroupId))
        {
            return "the group id is empty";
        }

        if (Consumers < 1)
        {
            return "consumers must be at least 1";
        }

        if (StatsInterval < TimeSpan.Zero || ShutdownTimeout <= TimeSpan.Zero || ConnectTimeout <= TimeSpan.Zero || RevokeTimeout <= TimeSpan.Zero)
        {
            return "intervals and timeouts must be positive";
        }

        if (MaxPendingMessages < 1)
        {
            return "max pending messages must be at least 1";
        }

        if (Guarantee == DeliveryGuarantee.ExactlyOnce)
        {
            if (string.IsNullOrWhiteSpace(InstanceId))
            {
                return "the instance id is empty";
            }

            if (CommitInterval <= TimeSpan.Zero || TransactionMaxRecords < 1 || TransactionMaxBytes < 1)
            {
                return "the commit interval and the transaction size limits must be positive";
            }
        }

        return ClientSettingsPolicy.Check(ClientSettings, Guarantee);
    }
}
