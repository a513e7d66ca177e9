using NonStdPort.Cli.Files;
using NonStdPort.Core.Detect;

namespace NonStdPort.Cli.Tests.Files;

public sealed class ScoreStatsTests
{
    [Fact]
    public void A_progress_line_is_written_once_per_interval()
    {
        var errors = new StringWriter { NewLine = "\n" };
        var counters = new EngineCounters { Records = 1_500_000, Alerts = 42, Malformed = 3 };

        new ScoreStats(errors, TimeSpan.Zero).Tick(counters, oversize: 2);
        new ScoreStats(errors, TimeSpan.FromHours(1)).Tick(counters, oversize: 2);

        string line = Assert.Single(errors.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Matches(@"^progress: 1,500,002 records, [0-9,]+ records/s, 42 alerts, 5 malformed, [0-9.]+ s$", line);
    }
}
