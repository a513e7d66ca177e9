using Confluent.Kafka;

namespace NonStdPort.Kafka.Pipeline;

/// <summary>Client creation, with librdkafka's refusals (unknown or invalid settings) as <see cref="ArgumentException"/>s, so hosts need no client-library types.</summary>
internal static class KafkaClients
{
    /// <summary>Builds a client; a setting librdkafka rejects becomes an <see cref="ArgumentException"/> with its message.</summary>
    public static T Build<T>(Func<T> build)
    {
        try
        {
            return build();
        }
        catch (KafkaException e)
        {
            throw new ArgumentException(e.Message, e);
        }
    }
}
