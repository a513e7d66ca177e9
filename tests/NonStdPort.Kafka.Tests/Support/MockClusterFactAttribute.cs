namespace NonStdPort.Kafka.Tests.Support;

/// <summary>A test that drives the mock cluster itself (fault injection); skipped against a real cluster.</summary>
public sealed class MockClusterFactAttribute : FactAttribute
{
    public MockClusterFactAttribute()
    {
        if (!string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("KAFKA_BOOTSTRAP_SERVERS")))
        {
            Skip = "injects faults through the mock cluster's API; not possible against KAFKA_BOOTSTRAP_SERVERS";
        }
    }
}
