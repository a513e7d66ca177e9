using System.Globalization;

namespace NonStdPort.Kafka.Pipeline;

/// <summary>A topic partition, as the pipeline's public surface names it (no client-library type leaves this project).</summary>
/// <param name="Topic">The topic.</param>
/// <param name="Partition">The partition number.</param>
public readonly record struct PartitionId(string Topic, int Partition)
{
    /// <summary><c>topic[partition]</c>, as log lines write it.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Topic}[{Partition}]");
}
