using System.Text;
using System.Text.Json;
using NonStdPort.Cli.Tests.Support;

namespace NonStdPort.Cli.Tests;

/// <summary><c>score --format</c>: every format through the real command, and bad names rejected.</summary>
public sealed class FormatScoreTests
{
    private static string Lines(params string[] records) => string.Join("\n", records) + "\n";

    [Theory]
    [InlineData("json", "{\"event_time\":")]
    [InlineData("ecs", "{\"@timestamp\":")]
    [InlineData("ocsf", "{\"activity_id\":1,")]
    [InlineData("leef", "LEEF:2.0|NonStdPort|nonstdport|")]
    [InlineData("cef", "CEF:0|NonStdPort|nonstdport|")]
    public void Score_writes_one_alert_per_line_in_the_format_given(string format, string prefix)
    {
        using var dir = new TempDir();
        string path = dir.File("in.ndjson", Lines(Records.Score1(), Records.Benign(), Records.Score3(), Records.Score2()));

        CliResult result = CliRunner.Run("score", "--format", format, path);

        Assert.True(result.ExitCode == 0, result.ToString());
        string[] lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.All(lines, l => Assert.StartsWith(prefix, l, StringComparison.Ordinal));
        if (format is "json" or "ecs" or "ocsf")
        {
            Assert.All(lines, l => JsonDocument.Parse(l).Dispose());
        }

        Assert.Equal("", result.Stderr);
    }

    [Fact]
    public void An_unknown_format_is_a_usage_error_naming_the_formats()
    {
        CliResult result = CliRunner.Run(["score", "--format", "syslog"], Encoding.UTF8.GetBytes(Lines(Records.Score3())));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("syslog", result.Stderr);
        Assert.Contains("leef", result.Stderr);
        Assert.Equal("", result.Stdout);
    }

    [Theory]
    [InlineData("score")]
    [InlineData("run")]
    public void Help_documents_the_format_option_with_an_example(string command)
    {
        CliResult result = CliRunner.Run(command, "--help");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("--format", result.Stdout);
        Assert.Contains("e.g. --format leef", result.Stdout);
    }
}
