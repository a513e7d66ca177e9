using System.Text;
using System.Text.Json.Nodes;
using NonStdPort.Kafka.Tests.Support;
using Xunit.Abstractions;

namespace NonStdPort.Kafka.Tests;

/// <summary>
/// <c>nonstdport run --guarantee exactly-once</c> as a process, with the real engine: killed
/// with SIGKILL at seeded random points and restarted each time, and two instances in one
/// group, an independent read_committed reader finds every record's alert exactly once. Every
/// input record carries its own process GUID, which the alert carries as <c>process_guid</c>.
/// </summary>
[Collection(KafkaCollection.Name)]
public sealed class CliExactlyOnceTests(KafkaCluster cluster, ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(180);

    [RealClusterFact]
    public void Killed_hard_at_five_seeded_points_and_restarted_each_time_every_alert_is_read_exactly_once()
    {
        const int records = 8000, partitions = 4, kills = 5;
        string input = cluster.CreateTopic("in", partitions), alerts = cluster.CreateTopic("out", partitions), group = KafkaCluster.UniqueName("group");
        var expected = Produce(input, records, partitions);

        // Seeded: each kill comes once the group's committed input offsets pass a random point.
        var random = new Random(7151);
        var points = Enumerable.Range(0, kills).Select(_ => random.Next(records / 20, records * 9 / 10)).Order().ToList();
        output.WriteLine("kill points (committed input records): " + string.Join(", ", points));
        foreach (int point in points)
        {
            using var run = CliProcess.Start(RunArgs(input, alerts, group, "one"));
            Wait.Until(() => Sum(cluster.Committed(group, input)) >= point || run.HasExited, Timeout, () => $"{point} input records committed; stderr:\n{run.Stderr}");
            Assert.False(run.HasExited, "run exited by itself; stderr:\n" + run.Stderr);
            run.KillHard();
        }

        using (var last = CliProcess.Start(RunArgs(input, alerts, group, "one")))
        {
            var ends = cluster.EndOffsets(input);
            Wait.Until(() => cluster.Committed(group, input).All(c => c.Value == ends[c.Key]), Timeout, () => "every input offset committed; stderr:\n" + last.Stderr);
            last.Terminate();
            Assert.Equal(0, last.WaitForExit(Timeout));
        }

        AssertExactlyOnce(alerts, expected);
    }

    [RealClusterFact]
    public void Two_instances_in_one_group_one_killed_hard_and_restarted_write_every_alert_exactly_once()
    {
        const int records = 8000, partitions = 4;
        string input = cluster.CreateTopic("in", partitions), alerts = cluster.CreateTopic("out", partitions), group = KafkaCluster.UniqueName("group");
        var expected = Produce(input, records, partitions);

        using var one = CliProcess.Start(RunArgs(input, alerts, group, "one"));
        using (var two = CliProcess.Start(RunArgs(input, alerts, group, "two")))
        {
            Wait.Until(() => Sum(cluster.Committed(group, input)) >= records / 3 || two.HasExited, Timeout, () => "a third committed; stderr:\n" + two.Stderr);
            two.KillHard();
        }

        using var again = CliProcess.Start(RunArgs(input, alerts, group, "two"));
        var ends = cluster.EndOffsets(input);
        Wait.Until(() => cluster.Committed(group, input).All(c => c.Value == ends[c.Key]), Timeout, () => $"every input offset committed; stderr:\n{one.Stderr}\n{again.Stderr}");
        one.Terminate();
        again.Terminate();
        Assert.Equal(0, one.WaitForExit(Timeout));
        Assert.Equal(0, again.WaitForExit(Timeout));

        AssertExactlyOnce(alerts, expected);
    }

    private void AssertExactlyOnce(string alerts, List<string> expected)
    {
        var checker = new ExactlyOnceChecker(cluster, r => JsonNode.Parse(r.Message.Value)!["process_guid"]!.GetValue<string>());
        var verdict = checker.Check(alerts, expected, Timeout, TimeSpan.FromSeconds(2));
        output.WriteLine(verdict.ToString());
        Assert.True(verdict.Lost.Count == 0 && verdict.Duplicated.Count == 0 && verdict.Unexpected.Count == 0, verdict.ToString());
        Assert.Equal(expected.Count, verdict.Read);
    }

    /// <summary>Produces <paramref name="records"/> alerting records, each with its own process GUID; returns the GUIDs.</summary>
    private List<string> Produce(string input, int records, int partitions)
    {
        string line = File.ReadLines(Path.Combine(Repository.Samples, "sysmon-flat.ndjson"))
            .First(l => l.Contains("powershell.exe", StringComparison.OrdinalIgnoreCase) && l.Contains("4444") && l.Contains("185.220.101.45"));
        string guid = JsonNode.Parse(line)!["ProcessGuid"]!.GetValue<string>();
        var ids = Enumerable.Range(0, records).Select(i => $"{{00000000-0000-0000-0000-{i:D12}}}").ToList();
        cluster.Produce(input, ids.Select((id, i) => ((byte[]?)null, Encoding.UTF8.GetBytes(line.Replace(guid, id, StringComparison.Ordinal)), i % partitions)));
        return ids;
    }

    private string[] RunArgs(string input, string alerts, string group, string instance) =>
    [
        "run", "--bootstrap-servers", cluster.BootstrapServers, "--input-topic", input, "--output-topic", alerts,
        "--group-id", group, "--consumers", "1", "--stats-interval", "0", "--guarantee", "exactly-once", "--instance-id", instance,
        "-X", "session.timeout.ms=6000", "-X", "heartbeat.interval.ms=500",
    ];

    private static long Sum(Dictionary<int, long> offsets) => offsets.Values.Where(v => v > 0).Sum();
}
