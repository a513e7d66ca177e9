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

    [Theory]
    [InlineData("ecs", "\"id\":\"")]
    [InlineData("ocsf", "\"finding_info\":{\"uid\":\"")]
    [InlineData("leef", "\talertId=")]
    [InlineData("cef", " externalId=")]
    public void Top_ranks_alerts_of_any_format_as_it_ranks_json(string format, string idBefore)
    {
        string path = Path.Combine(RepositoryPaths.Samples, "sysmon-flat.ndjson");
        CliResult json = CliRunner.Run("score", "--top", "3", path);
        CliResult other = CliRunner.Run("score", "--top", "3", "--format", format, path);

        Assert.True(json.ExitCode == 0 && other.ExitCode == 0, json + "\n" + other);
        var expected = json.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("alert_id").GetString());
        var actual = other.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l[(l.IndexOf(idBefore, StringComparison.Ordinal) + idBefore.Length)..][..16]);
        Assert.Equal(expected, actual);
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
