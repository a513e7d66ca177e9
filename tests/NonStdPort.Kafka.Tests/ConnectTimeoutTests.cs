using System.Diagnostics;
using NonStdPort.Kafka.Tests.Support;

namespace NonStdPort.Kafka.Tests;

/// <summary>
/// <c>nonstdport run</c> against brokers it cannot reach: one clear error and exit code 1 after
/// <c>--connect-timeout</c>, not an endless retry flooding stderr.
/// </summary>
public sealed class ConnectTimeoutTests
{
    // Generous for a loaded machine: 3 s of timeout, process start-up and a bounded shutdown.
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public void Unreachable_brokers_fail_the_run_with_a_clear_error_and_exit_code_1()
    {
        var clock = Stopwatch.StartNew();
        using var run = CliProcess.Start("run", "-b", "127.0.0.1:1", "--connect-timeout", "3s");

        int code = run.WaitForExit(Bound);

        Assert.Equal(1, code);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(3), $"exited after {clock.Elapsed.TotalSeconds:F1} s, before the 3 s timeout");
        Assert.Contains("cannot reach the Kafka brokers at 127.0.0.1:1 for 3 s: ", run.Stderr);
        Assert.Contains("Connection refused", run.Stderr);
        string[] lines = run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length < 20, $"{lines.Length} stderr lines:\n{run.Stderr}");
    }

    [Fact]
    public void A_connect_timeout_that_is_not_a_duration_is_a_usage_error()
    {
        using var run = CliProcess.Start("run", "-b", "127.0.0.1:1", "--connect-timeout", "soon");

        Assert.Equal(2, run.WaitForExit(Bound));
        Assert.Contains("connect timeout", run.Stderr);
    }
}
