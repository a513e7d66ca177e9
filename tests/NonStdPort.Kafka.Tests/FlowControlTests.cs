using NonStdPort.Kafka.Pipeline;
using NonStdPort.Kafka.Tests.Support;

namespace NonStdPort.Kafka.Tests;

/// <summary>Back-pressure and scale-out: a stalled output pauses consumption; two instances split the work.</summary>
[Collection(KafkaCollection.Name)]
public sealed class FlowControlTests(KafkaCluster cluster)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [MockClusterFact]
    public void When_the_output_topic_is_unavailable_consumption_pauses_memory_stays_bounded_and_nothing_is_lost()
    {
        const int records = 3000, producerQueue = 100, pending = 8;
        string input = cluster.CreateTopic("in", 2), output = cluster.CreateTopic("out", 2);
        cluster.Produce(input, Enumerable.Range(0, records).Select(i => ((byte[]?)null, FakeProcessor.Record($"h{i % 5}", 2, $"r{i}"), i % 2)));
        cluster.Mock!.SetPartitionLeader(output, 0, -1);
        cluster.Mock.SetPartitionLeader(output, 1, -1);

        var options = new PipelineOptions
        {
            BootstrapServers = cluster.BootstrapServers,
            InputTopics = [input],
            OutputTopic = output,
            GroupId = KafkaCluster.UniqueName("group"),
            Consumers = 1,
            StatsInterval = TimeSpan.Zero,
            MaxPendingMessages = pending,
            ClientSettings = new Dictionary<string, string>(KafkaCluster.FastGroupSettings)
            {
                ["queue.buffering.max.messages"] = producerQueue.ToString(),
            },
        };
        using var run = new PipelineRun(options);
        Wait.Until(() => run.Pipeline.IsPaused, Timeout, "consumption paused while the output has no leader");

        // Paused: what was taken in is bounded by the producer queue, the channel and the held message,
        // however much input is waiting.
        var stalled = run.Pipeline.Totals;
        Assert.Equal(0, stalled.AlertsDelivered);
        Assert.InRange(stalled.Messages, 1, producerQueue + pending + 2);
        Assert.DoesNotContain(run.Pipeline.CommittedOffsets, c => c.Value > 0);

        cluster.Mock.SetPartitionLeader(output, 0, 1);
        cluster.Mock.SetPartitionLeader(output, 1, 1);
        run.WaitCommitted(input, cluster.EndOffsets(input), Timeout);
        var totals = run.Stop();

        var alerts = cluster.Read(output, records, Timeout);
        Assert.Equal(records, alerts.Select(PipelineDeliveryTests.Id).Distinct().Count());
        Assert.Equal(records, totals.AlertsDelivered);
        Assert.True(totals.Pauses >= 1);
    }

    [Fact]
    public void Two_instances_in_one_group_split_the_partitions_and_emit_every_alert_once()
    {
        const int records = 800;
        string input = cluster.CreateTopic("in", 4), output = cluster.CreateTopic("out", 4);
        string group = KafkaCluster.UniqueName("group");
        PipelineOptions Options() => new()
        {
            BootstrapServers = cluster.BootstrapServers,
            InputTopics = [input],
            OutputTopic = output,
            GroupId = group,
            Consumers = 1,
            StatsInterval = TimeSpan.Zero,
            ClientSettings = KafkaCluster.FastGroupSettings,
        };

        using var first = new PipelineRun(Options());
        using var second = new PipelineRun(Options());
        Wait.Until(
            () => first.Pipeline.AssignedPartitions > 0 && second.Pipeline.AssignedPartitions > 0
                && first.Pipeline.AssignedPartitions + second.Pipeline.AssignedPartitions == 4,
            Timeout,
            "both instances hold partitions, four in all");

        cluster.Produce(input, Enumerable.Range(0, records).Select(i => ((byte[]?)null, FakeProcessor.Record($"h{i}", 1 + i % 3, $"r{i}"), i % 4)));
        var alerts = cluster.Read(output, records, Timeout, settle: TimeSpan.FromSeconds(1));
        var a = first.Stop();
        var b = second.Stop();

        Assert.Equal(records, alerts.Count);
        Assert.Equal(records, alerts.Select(PipelineDeliveryTests.Id).Distinct().Count());
        Assert.True(a.Records > 0 && b.Records > 0, $"work split: first {a.Records}, second {b.Records}");
        Assert.Equal(records, a.Records + b.Records);
    }
}
