using System.Diagnostics;
using System.Text;
using NonStdPort.Kafka.Tests.Support;
using Xunit.Abstractions;

namespace NonStdPort.Kafka.Tests;

/// <summary>
/// Group membership with the default settings (no <c>-X</c> session tuning): a fresh group, a
/// member joining and a restart after kill -9 each get records within seconds, and the steady
/// state commits without a refused commit. Times are taken from each process's readiness line,
/// so the runtime's start-up (seconds under load) does not count.
/// </summary>
/// <remarks>
/// On librdkafka's mock broker every rebalance of a running group waits
/// <c>session.timeout.ms - 1 s</c> for members to rejoin, and a cooperative rebalance that moves
/// partitions takes two: with the 6 s default a join costs about 10 s there. A real broker
/// completes the join as soon as every member has rejoined.
/// </remarks>
[Collection(KafkaCollection.Name)]
public sealed class RebalanceTests(KafkaCluster cluster, ITestOutputHelper output)
{
    private const int Partitions = 4;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan FirstRecordBound = TimeSpan.FromSeconds(10);
    // The issue's bound. The mock spends two fixed waits of session.timeout.ms - 1 s (10 s with
    // the defaults) on a cooperative join (see remarks), which leaves too little room for a
    // machine at load 15+ (16.4 s observed there, 10.4-11.9 s when idle): it gets 20 s.
    private TimeSpan RejoinBound => cluster.Mock is null ? TimeSpan.FromSeconds(15) : TimeSpan.FromSeconds(20);

    [Fact]
    public void A_fresh_single_member_group_gets_its_first_record_within_ten_seconds()
    {
        var (input, alerts, group) = Topics();
        Produce(input, 400);

        using var run = CliProcess.Start(RunArgs(input, alerts, group));
        run.WaitUntilStarted(Timeout);
        var clock = Stopwatch.StartNew();
        Wait.Until(() => Sum(cluster.EndOffsets(alerts)) > 0 || run.HasExited, Timeout, () => "a first alert; stderr:\n" + run.Stderr);
        var elapsed = clock.Elapsed;
        output.WriteLine($"fresh group: first alert {elapsed.TotalSeconds:F1} s after its readiness line");

        Assert.False(run.HasExited, run.Stderr);
        Assert.True(elapsed < FirstRecordBound, $"first alert after {elapsed.TotalSeconds:F1} s; stderr:\n{run.Stderr}");
        Assert.Contains($"assigned {input}[0..{Partitions - 1}]", run.Stderr);
        StopCleanly(run);
    }

    [Fact]
    public void A_second_instance_joining_gets_partitions_within_the_rejoin_bound_and_commits_stay_quiet()
    {
        var (input, alerts, group) = Topics();
        Produce(input, 400);
        using var first = CliProcess.Start(RunArgs(input, alerts, group));
        WaitCommitted(group, input, first);

        using var second = CliProcess.Start(RunArgs(input, alerts, group));
        second.WaitUntilStarted(Timeout);
        var clock = Stopwatch.StartNew();
        Wait.Until(() => second.Stderr.Contains($"assigned {input}[", StringComparison.Ordinal) || second.HasExited, Timeout,
            () => "the second instance's assignment; stderr:\n" + second.Stderr);
        var elapsed = clock.Elapsed;
        output.WriteLine($"join: second instance assigned {elapsed.TotalSeconds:F1} s after its readiness line");
        Assert.True(elapsed < RejoinBound, $"assigned after {elapsed.TotalSeconds:F1} s; stderr:\n{second.Stderr}");
        Assert.Matches($@"revoked {input}\[", first.Stderr);

        // Steady state after the rebalance: new records on every partition are all committed.
        Produce(input, 400);
        WaitCommitted(group, input, first, second);
        AssertNoRefusedCommit(first);
        AssertNoRefusedCommit(second);
        StopCleanly(second);
        StopCleanly(first);
    }

    [Fact]
    public void A_restart_after_kill_minus_nine_gets_its_partitions_back_within_the_rejoin_bound()
    {
        var (input, alerts, group) = Topics();
        Produce(input, 400);
        using (var first = CliProcess.Start(RunArgs(input, alerts, group)))
        {
            WaitCommitted(group, input, first);
            first.KillHard();
        }

        Produce(input, 400);
        using var second = CliProcess.Start(RunArgs(input, alerts, group));
        second.WaitUntilStarted(Timeout);
        var clock = Stopwatch.StartNew();
        Wait.Until(() => second.Stderr.Contains($"assigned {input}[0..{Partitions - 1}]", StringComparison.Ordinal) || second.HasExited, Timeout,
            () => "the restarted instance's assignment; stderr:\n" + second.Stderr);
        var elapsed = clock.Elapsed;
        output.WriteLine($"restart after kill -9: assigned {elapsed.TotalSeconds:F1} s after its readiness line");
        Assert.True(elapsed < RejoinBound, $"assigned after {elapsed.TotalSeconds:F1} s; stderr:\n{second.Stderr}");

        WaitCommitted(group, input, second);
        AssertNoRefusedCommit(second);
        StopCleanly(second);
    }

    private (string Input, string Alerts, string Group) Topics() =>
        (cluster.CreateTopic("in", Partitions), cluster.CreateTopic("out", Partitions), KafkaCluster.UniqueName("group"));

    private void Produce(string topic, int records)
    {
        byte[] record = AlertingRecord();
        cluster.Produce(topic, Enumerable.Range(0, records).Select(i => ((byte[]?)null, record, i % Partitions)));
    }

    private void WaitCommitted(string group, string input, params CliProcess[] runs)
    {
        var ends = cluster.EndOffsets(input);
        Wait.Until(() => cluster.Committed(group, input).All(c => c.Value == ends[c.Key]) || runs.Any(r => r.HasExited), Timeout,
            () => "every input offset committed; stderr:\n" + string.Join("\n---\n", runs.Select(r => r.Stderr)));
        Assert.All(runs, r => Assert.False(r.HasExited, r.Stderr));
    }

    private static void AssertNoRefusedCommit(CliProcess run)
    {
        Assert.DoesNotContain("COMMITFAIL", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("commit failed", run.Stderr, StringComparison.Ordinal);
    }

    private static void StopCleanly(CliProcess run)
    {
        run.Terminate();
        Assert.Equal(0, run.WaitForExit(Timeout));
    }

    // No -X session or heartbeat settings: the defaults are under test.
    private string[] RunArgs(string input, string alerts, string group) =>
    [
        "run", "--bootstrap-servers", cluster.BootstrapServers, "--input-topic", input, "--output-topic", alerts,
        "--group-id", group, "--consumers", "1", "--stats-interval", "0",
    ];

    private static byte[] AlertingRecord()
    {
        string line = File.ReadLines(Path.Combine(Repository.Samples, "sysmon-flat.ndjson"))
            .First(l => l.Contains("powershell.exe", StringComparison.OrdinalIgnoreCase) && l.Contains("4444") && l.Contains("185.220.101.45"));
        return Encoding.UTF8.GetBytes(line);
    }

    private static long Sum(Dictionary<int, long> offsets) => offsets.Values.Sum();
}
