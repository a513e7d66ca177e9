using Confluent.Kafka;

namespace NonStdPort.Kafka.Pipeline;

/// <summary>librdkafka's log lines, routed to one writer.</summary>
internal static class KafkaLog
{
    /// <summary>
    /// A log handler for any client. <c>-X</c> settings go to every client, so a producer is told
    /// about consumer-only settings and the other way round; those notices are expected and dropped.
    /// </summary>
    public static Action<IClient, LogMessage> To(Action<string> write) => (_, message) =>
    {
        if (message.Facility == "CONFWARN" && message.Message.Contains("will be ignored by this", StringComparison.Ordinal))
        {
            return;
        }

        write($"kafka {message.Level.ToString().ToLowerInvariant()}: {message.Facility}: {message.Message}");
    };
}
