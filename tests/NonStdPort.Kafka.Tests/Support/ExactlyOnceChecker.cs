using Confluent.Kafka;

namespace NonStdPort.Kafka.Tests.Support;

/// <summary>
/// The independent check of exactly-once: reads the output topic as a transactional consumer
/// would (read_committed, from the beginning) and compares the ids found in the alerts with the
/// ids that were put into the input. It knows nothing of the pipeline's offsets or counters.
/// </summary>
internal sealed class ExactlyOnceChecker(KafkaCluster cluster, Func<ConsumeResult<byte[]?, byte[]>, string> idOf)
{
    /// <summary>The outcome: expected ids never seen, ids seen more than once, ids nobody sent.</summary>
    public sealed record Verdict(int Read, IReadOnlyList<string> Lost, IReadOnlyList<string> Duplicated, IReadOnlyList<string> Unexpected)
    {
        public override string ToString() =>
            $"{Read} alerts read: {Lost.Count} lost, {Duplicated.Count} duplicated, {Unexpected.Count} unexpected" +
            (Lost.Count > 0 ? $"; lost e.g. {string.Join(", ", Lost.Take(5))}" : "") +
            (Duplicated.Count > 0 ? $"; duplicated e.g. {string.Join(", ", Duplicated.Take(5))}" : "");
    }

    /// <summary>
    /// Reads until every expected id could be there, then keeps reading for <paramref name="settle"/>
    /// to catch anything beyond (duplicates).
    /// </summary>
    public Verdict Check(string topic, IReadOnlyCollection<string> expected, TimeSpan timeout, TimeSpan settle)
    {
        var read = cluster.ReadCommitted(topic, expected.Count, timeout, settle);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var result in read)
        {
            string id = idOf(result);
            counts[id] = counts.GetValueOrDefault(id) + 1;
        }

        var wanted = new HashSet<string>(expected, StringComparer.Ordinal);
        return new Verdict(
            read.Count,
            wanted.Where(id => !counts.ContainsKey(id)).Order(StringComparer.Ordinal).ToList(),
            counts.Where(c => c.Value > 1).Select(c => c.Key).Order(StringComparer.Ordinal).ToList(),
            counts.Keys.Where(id => !wanted.Contains(id)).Order(StringComparer.Ordinal).ToList());
    }
}
