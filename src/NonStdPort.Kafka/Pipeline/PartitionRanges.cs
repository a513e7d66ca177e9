using System.Globalization;
using System.Text;
using Confluent.Kafka;

namespace NonStdPort.Kafka.Pipeline;

/// <summary>Partitions as a log line writes them: per topic, consecutive numbers as ranges (<c>in1[0..3,6] in2[1]</c>).</summary>
internal static class PartitionRanges
{
    /// <summary>Formats <paramref name="partitions"/>; topics in name order, partitions ascending.</summary>
    public static string Format(IEnumerable<TopicPartition> partitions)
    {
        var byTopic = new SortedDictionary<string, List<int>>(StringComparer.Ordinal);
        foreach (var partition in partitions)
        {
            if (!byTopic.TryGetValue(partition.Topic, out var numbers))
            {
                numbers = [];
                byTopic.Add(partition.Topic, numbers);
            }

            numbers.Add(partition.Partition.Value);
        }

        if (byTopic.Count == 0)
        {
            return "no partitions";
        }

        var text = new StringBuilder();
        foreach (var (topic, numbers) in byTopic)
        {
            numbers.Sort();
            if (text.Length > 0)
            {
                text.Append(' ');
            }

            text.Append(topic).Append('[');
            for (int i = 0; i < numbers.Count; i++)
            {
                int first = numbers[i];
                while (i + 1 < numbers.Count && numbers[i + 1] <= numbers[i] + 1)
                {
                    i++;
                }

                text.Append(CultureInfo.InvariantCulture, $"{(text[^1] == '[' ? "" : ",")}{first}");
                if (numbers[i] != first)
                {
                    text.Append(CultureInfo.InvariantCulture, $"..{numbers[i]}");
                }
            }

            text.Append(']');
        }

        return text.ToString();
    }

    /// <summary>Formats revoked or lost partitions (their offsets do not matter here).</summary>
    public static string Format(List<TopicPartitionOffset> partitions)
    {
        var plain = new List<TopicPartition>(partitions.Count);
        foreach (var tpo in partitions)
        {
            plain.Add(tpo.TopicPartition);
        }

        return Format(plain);
    }
}
