using System.Text;
using System.Text.RegularExpressions;
using NonStdPort.Cli.Tests.Support;

namespace NonStdPort.Cli.Tests;

/// <summary>`score --threads N`: scoring threads change nothing a user can see but the time it takes.</summary>
public sealed partial class ParallelScoreTests
{
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(8)]
    public void Scoring_threads_write_the_alerts_errors_and_counts_of_one_thread(int threads)
    {
        using var dir = new TempDir();
        string path = dir.File("mixed.ndjson", MixedStream());

        CliResult single = CliRunner.Run("score", "--stats", "--threads", "1", "--max-record-bytes", "4096", path);
        CliResult parallel = CliRunner.Run("score", "--stats", "--threads", threads.ToString(System.Globalization.CultureInfo.InvariantCulture), "--max-record-bytes", "4096", path);

        Assert.Equal(1, single.ExitCode); // the stream holds malformed records on purpose
        Assert.Equal(single.ExitCode, parallel.ExitCode);
        string[] alerts = WithoutDetectionTime(single.Stdout);
        Assert.Contains(alerts, a => a.Contains("\"rule\":\"beacon\"", StringComparison.Ordinal) && a.Contains("\"risk_score\":0", StringComparison.Ordinal));
        Assert.Contains(alerts, a => a.Contains("\"rule\":\"rdp_port_change\"", StringComparison.Ordinal));
        Assert.Contains(alerts, a => a.Contains("\"command_line\":\"", StringComparison.Ordinal)); // enriched by lineage
        Assert.Equal(alerts, WithoutDetectionTime(parallel.Stdout));
        Assert.Equal(WithoutTimings(single.Stderr), WithoutTimings(parallel.Stderr));
    }

    /// <summary>
    /// Every sample record file, one day after another (so the stateful detections fire each day), with
    /// benign filler between the days so the stream spans many read blocks, a beacon that is not an alert
    /// on its own, a malformed record and an oversize one per day.
    /// </summary>
    private static string MixedStream()
    {
        string[] files = Directory.GetFiles(Path.Combine(RepositoryPaths.Samples, "atomic"))
            .Concat(new[] { "sysmon-flat.ndjson", "winlogbeat-8.ndjson", "winlogbeat-6.ndjson", "windows-events-oneline.xml" }.Select(f => Path.Combine(RepositoryPaths.Samples, f)))
            .Order(StringComparer.Ordinal)
            .ToArray();
        string day = string.Concat(files.Select(f => File.ReadAllText(f).TrimEnd('\n') + "\n"));
        var text = new StringBuilder();
        for (int d = 1; d <= 20; d++)
        {
            text.Append(day.Replace("2026-11-27", $"2026-12-{d:00}", StringComparison.Ordinal));
            text.Append("{\"EventID\": 3, \"broken\n");
            text.Append("{\"EventID\":3,\"Image\":\"").Append('x', 5000).Append("\"}\n");
            // A browser polling a non-standard port each minute: below the threshold, so only the beacon
            // tracker sees it, across several read blocks.
            DateTime poll = new(2026, 12, d, 12, 0, 0, DateTimeKind.Utc);
            for (int i = 0; i < 2000; i++)
            {
                text.Append(i % 250 == 0 ? Records.Connection(Records.Chrome, "93.184.216.34", 5222, poll.AddMinutes(i / 250)) : Records.Benign()).Append('\n');
            }
        }

        return text.ToString();
    }

    private static string[] WithoutDetectionTime(string stdout) =>
        stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => DetectedAt().Replace(line, "")).ToArray();

    /// <summary>Stderr without the lines that carry wall time or rates.</summary>
    private static string[] WithoutTimings(string stderr) =>
        stderr.Split('\n').Where(line => !line.Contains("records/s", StringComparison.Ordinal)).ToArray();

    [GeneratedRegex("\"detected_at\":\"[^\"]*\",")]
    private static partial Regex DetectedAt();
}
