namespace NonStdPort.Kafka.Tests.Support;

/// <summary>
/// A test that needs a real cluster's transaction coordinator; skipped on the mock cluster, with
/// the reason. librdkafka's mock (2.16) accepts TxnOffsetCommit but never stores the offsets, and
/// answers InitProducerId for a known transactional.id with a new producer id instead of bumping
/// the epoch: it neither fences the old producer nor aborts the transaction it left open.
/// </summary>
public sealed class RealClusterFactAttribute : FactAttribute
{
    public const string MockLimitation =
        "needs a real Kafka cluster (KAFKA_BOOTSTRAP_SERVERS): librdkafka's mock cluster never stores offsets sent in a " +
        "transaction (TxnOffsetCommit is accepted and dropped) and does not fence or abort the open transaction of a " +
        "killed producer when its transactional.id registers again";

    public RealClusterFactAttribute()
    {
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("KAFKA_BOOTSTRAP_SERVERS")))
        {
            Skip = MockLimitation;
        }
    }
}
