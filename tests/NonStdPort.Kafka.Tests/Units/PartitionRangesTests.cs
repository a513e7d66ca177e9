using Confluent.Kafka;
using NonStdPort.Kafka.Pipeline;

namespace NonStdPort.Kafka.Tests.Units;

/// <summary>Assignment and revocation log lines name partitions per topic, consecutive numbers as ranges.</summary>
public sealed class PartitionRangesTests
{
    [Theory]
    [InlineData("in1:0,in1:1,in1:2,in1:3", "in1[0..3]")]
    [InlineData("in1:2", "in1[2]")]
    [InlineData("in1:3,in1:0,in1:2,in1:1", "in1[0..3]")]
    [InlineData("in1:0,in1:2,in1:3,in1:6", "in1[0,2..3,6]")]
    [InlineData("in2:1,in1:0,in1:1", "in1[0..1] in2[1]")]
    [InlineData("in1:4,in1:4", "in1[4]")]
    [InlineData("", "no partitions")]
    public void Partitions_are_listed_per_topic_with_consecutive_numbers_compressed(string partitions, string expected)
    {
        var list = partitions.Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split(':'))
            .Select(p => new TopicPartition(p[0], int.Parse(p[1])))
            .ToList();

        Assert.Equal(expected, PartitionRanges.Format(list));
        Assert.Equal(expected, PartitionRanges.Format(list.Select(p => new TopicPartitionOffset(p, 5)).ToList()));
    }
}
