using System.Collections.Concurrent;
using System.Text;
using Confluent.Kafka;
using NonStdPort.Core;
using NonStdPort.Core.Rules;
using NonStdPort.Core.Write;
using NonStdPort.Kafka.Pipeline;
using NonStdPort.Kafka.Tests.Support;

namespace NonStdPort.Kafka.Tests;

/// <summary>
/// What the consume loop reports and commits: its totals are the engine's own counters (the same
/// figures as <c>score</c>), and its ledger hands the commit strategy each partition's completed
/// prefix, in order, up to the end.
/// </summary>
[Collection(KafkaCollection.Name)]
public sealed class LedgerAndCountersTests(KafkaCluster cluster)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    private PipelineOptions Options(string input, string output) => new()
    {
        BootstrapServers = cluster.BootstrapServers,
        InputTopics = [input],
        OutputTopic = output,
        GroupId = KafkaCluster.UniqueName("group"),
        Consumers = 1,
        StatsInterval = TimeSpan.Zero,
        ClientSettings = KafkaCluster.FastGroupSettings,
    };

    [Fact]
    public void Kafka_totals_count_records_alerts_and_scores_as_the_engine_counts_them_in_file_mode()
    {
        var lines = File.ReadAllLines(Path.Combine(Repository.Samples, "sysmon-flat.ndjson")).Where(l => l.Trim().Length > 0).ToList();
        var engine = new Engine(RuleSet.Default);
        var batch = new AlertBatch();
        for (int i = 0; i < lines.Count; i++)
        {
            batch.Clear();
            engine.Process(Encoding.UTF8.GetBytes(lines[i]), SourceRef.FromFile("sample", i + 1), batch);
        }

        string input = cluster.CreateTopic("in", 1), output = cluster.CreateTopic("out", 1);
        cluster.Produce(input, lines.Select(l => ((byte[]?)null, Encoding.UTF8.GetBytes(l), 0)));
        using var run = new PipelineRun(Options(input, output), () => new EngineProcessor(new Engine(RuleSet.Default)));
        run.WaitCommitted(input, cluster.EndOffsets(input), Timeout);
        var totals = run.Stop();

        var c = engine.Counters;
        Assert.True(c.Alerts > 0, "the sample raises alerts");
        Assert.Equal(
            (c.Records, c.Alerts, c.AlertsByScore[3], c.AlertsByScore[2], c.AlertsByScore[1], c.BeaconAlerts, c.RdpPortChangeAlerts, c.Malformed, c.Suppressed),
            (totals.Records, totals.AlertsWritten, totals.Score3, totals.Score2, totals.Score1, totals.BeaconAlerts, totals.RdpPortChangeAlerts, totals.Malformed, totals.Suppressed));
        Assert.Equal(lines.Count, totals.Messages);
        Assert.Equal(c.Alerts, totals.AlertsDelivered);
    }

    [Fact]
    public void The_commit_strategy_is_handed_each_partition_s_completed_offsets_in_rising_order_up_to_the_end()
    {
        const int records = 300;
        string input = cluster.CreateTopic("in", 2), output = cluster.CreateTopic("out", 2);
        cluster.Produce(input, Enumerable.Range(0, records).Select(i => ((byte[]?)null, FakeProcessor.Record($"h{i % 7}", i % 4, $"r{i}"), i % 2)));
        var handed = new ConcurrentQueue<(int Partition, long Offset)>();
        var options = Options(input, output);

        using (var run = new PipelineRun(options, commit: log => new RecordingCommit(new StoredOffsetCommit(log), handed)))
        {
            run.WaitCommitted(input, cluster.EndOffsets(input), Timeout);
            run.Stop();
        }

        var ends = cluster.EndOffsets(input);
        foreach (var (partition, end) in ends)
        {
            var offsets = handed.Where(h => h.Partition == partition).Select(h => h.Offset).ToList();
            Assert.NotEmpty(offsets);
            Assert.Equal(offsets.Order().Distinct(), offsets);
            Assert.Equal(end, offsets[^1]);
        }

        Assert.Equal(ends, cluster.Committed(options.GroupId, input));
    }

    /// <summary>Records every completed offset the ledger hands over, then lets the real strategy act on it.</summary>
    private sealed class RecordingCommit(ICommitStrategy inner, ConcurrentQueue<(int, long)> handed) : ICommitStrategy
    {
        public void Configure(ConsumerConfig config) => inner.Configure(config);

        public bool Complete(IConsumer<Null, Null> consumer, TopicPartitionOffset next)
        {
            handed.Enqueue((next.Partition.Value, next.Offset.Value));
            return inner.Complete(consumer, next);
        }

        public bool Tick(IConsumer<Null, Null> consumer, bool rebalancing) => inner.Tick(consumer, rebalancing);

        public void CommitRevoked(IConsumer<Null, Null> consumer, IReadOnlyList<TopicPartitionOffset> offsets) => inner.CommitRevoked(consumer, offsets);

        public bool CommitFinal(IConsumer<Null, Null> consumer, Action serve, CancellationToken deadline) => inner.CommitFinal(consumer, serve, deadline);
    }
}
