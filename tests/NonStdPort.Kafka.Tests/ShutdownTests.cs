using System.Diagnostics;
using Confluent.Kafka;
using NonStdPort.Kafka.Tests.Support;
using Xunit.Abstractions;

namespace NonStdPort.Kafka.Tests;

/// <summary>
/// A stop of <c>nonstdport run</c> is bounded: SIGTERM exits within <c>--shutdown-timeout</c>
/// whatever the broker does, a second signal exits at once, and the exit code says whether the
/// drain and the final commit completed. The broker is a separate <c>nonstdport broker</c> process,
/// so that a test can take it away.
/// </summary>
public sealed class ShutdownTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    /// <summary>Exit code of a stop whose drain or final commit did not complete.</summary>
    private const int StopIncomplete = 3;

    [Fact]
    public void Sigterm_with_the_broker_gone_exits_within_the_shutdown_timeout_and_says_the_commit_did_not_complete()
    {
        using var run = RunThenTakeTheBrokerAway("5s");

        var clock = Stopwatch.StartNew();
        run.Terminate();
        int code = run.WaitForExit(Timeout);
        output.WriteLine($"exit {code} {clock.Elapsed.TotalSeconds:F1} s after SIGTERM, broker gone");

        Assert.Equal(StopIncomplete, code);
        // The deadline plus the time a loaded machine needs to schedule the exit.
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(5 + 5));
    }

    [Fact]
    public void A_second_signal_exits_at_once_without_waiting_for_the_shutdown_timeout()
    {
        using var run = RunThenTakeTheBrokerAway("10m");

        run.Terminate();
        // Two distinct signals, not one coalesced pending signal; the stop cannot finish meanwhile (no broker to commit to).
        Thread.Sleep(TimeSpan.FromSeconds(1));
        Assert.False(run.HasExited, "exited on the first signal with the broker gone; stderr:\n" + run.Stderr);
        var clock = Stopwatch.StartNew();
        run.Terminate();
        int code = run.WaitForExit(Timeout);
        output.WriteLine($"exit {code} {clock.Elapsed.TotalSeconds:F1} s after the second SIGTERM");

        Assert.Equal(StopIncomplete, code);
        Assert.Contains("second signal", run.Stderr);
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(15));
    }

    [Fact]
    public void Sigterm_with_stderr_closed_still_drains_commits_and_exits_within_the_shutdown_timeout()
    {
        using var broker = StartBroker(out string servers);
        using var run = CliProcess.StartWithStderrClosed(RunArgs(servers, "--shutdown-timeout", "10s"));
        WaitForAlerts(servers, run);

        var clock = Stopwatch.StartNew();
        run.Terminate();
        int code = run.WaitForExit(Timeout);
        output.WriteLine($"exit {code} {clock.Elapsed.TotalSeconds:F1} s after SIGTERM, stderr closed");

        Assert.Equal(0, code);
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(10 + 5));
    }

    /// <summary>A run that has delivered alerts (nothing committed yet) and then lost its broker.</summary>
    private static CliProcess RunThenTakeTheBrokerAway(string shutdownTimeout)
    {
        using var broker = StartBroker(out string servers);
        var run = StartRun(servers, "--shutdown-timeout", shutdownTimeout);
        WaitForAlerts(servers, run);
        broker.KillHard();
        return run;
    }

    private static CliProcess StartBroker(out string servers)
    {
        var broker = CliProcess.Start("broker", "--topic", "in:2", "--topic", "out:2");
        Wait.Until(() => broker.Stdout.Contains("bootstrap.servers=") || broker.HasExited, Timeout, () => "the broker's address; stderr:\n" + broker.Stderr);
        servers = broker.Stdout.Split('\n')[0].Trim()["bootstrap.servers=".Length..];
        return broker;
    }

    /// <summary>Replays the sample into "in" and scores it to "out"; auto-commit out of reach, so only the stop commits.</summary>
    private static CliProcess StartRun(string servers, params string[] extra) => CliProcess.Start(RunArgs(servers, extra));

    private static string[] RunArgs(string servers, params string[] extra) =>
    [
        "run", "--bootstrap-servers", servers, "--input-topic", "in", "--output-topic", "out", "--group-id", KafkaCluster.UniqueName("group"),
        "--consumers", "1", "--stats-interval", "0", "--replay", Path.Combine(Repository.Samples, "sysmon-flat.ndjson"),
        "-X", "session.timeout.ms=6000", "-X", "heartbeat.interval.ms=500", "-X", "auto.commit.interval.ms=3600000", .. extra,
    ];

    private static void WaitForAlerts(string servers, CliProcess run)
    {
        using var consumer = new ConsumerBuilder<byte[]?, byte[]>(new ConsumerConfig { BootstrapServers = servers, GroupId = KafkaCluster.UniqueName("watermarks") }).Build();
        long Alerts() => consumer.QueryWatermarkOffsets(new TopicPartition("out", 0), TimeSpan.FromSeconds(10)).High.Value +
                         consumer.QueryWatermarkOffsets(new TopicPartition("out", 1), TimeSpan.FromSeconds(10)).High.Value;
        Wait.Until(() => Alerts() > 0 || run.HasExited, Timeout, () => "the first alerts; stderr:\n" + run.Stderr);
        Assert.False(run.HasExited, "run exited early; stderr:\n" + run.Stderr);
    }
}
