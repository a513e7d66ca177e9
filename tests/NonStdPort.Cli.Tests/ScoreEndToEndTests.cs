using System.IO.Compression;
using System.Text;
using System.Text.Json;
using NonStdPort.Cli.Tests.Support;

namespace NonStdPort.Cli.Tests;

/// <summary>`nonstdport score` end to end, through the real engine and readers.</summary>
public sealed class ScoreEndToEndTests
{
    private static string Lines(params string[] records) => string.Join("\n", records) + "\n";

    [Fact]
    public void Alerts_are_written_in_input_order_with_file_and_line()
    {
        using var dir = new TempDir();
        string path = dir.File("in.ndjson", Lines(Records.Score1(), Records.Benign(), Records.Score3(), Records.Score2()));

        CliResult result = CliRunner.Run("score", path);

        Assert.True(result.ExitCode == 0, result.ToString());
        JsonElement[] alerts = Alerts.Parse(result);
        Assert.Equal([1, 3, 4], alerts.Select(a => a.Line()));
        Assert.Equal([1, 3, 2], alerts.Select(a => a.Score()));
        Assert.All(alerts, a => Assert.Equal(path, a.File()));
        Assert.Equal("", result.Stderr);
    }

    [Fact]
    public void Stdin_is_read_and_named_dash()
    {
        byte[] input = Encoding.UTF8.GetBytes(Lines(Records.Benign(), Records.Score3()));

        CliResult result = CliRunner.Run(["score"], input);

        Assert.True(result.ExitCode == 0, result.ToString());
        JsonElement alert = Assert.Single(Alerts.Parse(result));
        Assert.Equal("-", alert.File());
        Assert.Equal(2, alert.Line());
    }

    [Fact]
    public void Gzip_crlf_and_blank_lines_give_the_same_alerts_at_the_right_lines()
    {
        using var dir = new TempDir();
        string text = "\r\n" + Records.Score3() + "\r\n\r\n" + Records.Score1() + "\r\n";
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes(text));
        }

        string path = dir.File("in.ndjson.gz", compressed.ToArray());

        CliResult result = CliRunner.Run("score", path);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal([2, 4], Alerts.Parse(result).Select(a => a.Line()));
    }

    [Fact]
    public void A_multiline_xml_event_is_one_record_reported_at_its_first_line()
    {
        using var dir = new TempDir();
        string xml =
            "<Event xmlns=\"http://schemas.microsoft.com/win/2004/08/events/event\">\n" +
            "  <System>\n" +
            "    <Provider Name=\"Microsoft-Windows-Sysmon\"/>\n" +
            "    <EventID>3</EventID>\n" +
            "    <Computer>WKS-1</Computer>\n" +
            "  </System>\n" +
            "  <EventData>\n" +
            "    <Data Name=\"UtcTime\">2026-11-27 09:00:00.000</Data>\n" +
            "    <Data Name=\"Image\">C:\\Windows\\System32\\cmd.exe</Data>\n" +
            "    <Data Name=\"Initiated\">true</Data>\n" +
            "    <Data Name=\"DestinationIp\">185.220.101.45</Data>\n" +
            "    <Data Name=\"DestinationPort\">1337</Data>\n" +
            "  </EventData>\n" +
            "</Event>\n";
        string path = dir.File("in.xml", Records.Score1() + "\n" + xml + Records.Score2() + "\n");

        CliResult result = CliRunner.Run("score", path);

        Assert.True(result.ExitCode == 0, result.ToString());
        JsonElement[] alerts = Alerts.Parse(result);
        Assert.Equal([1, 2, 16], alerts.Select(a => a.Line()));
        Assert.Equal(3, alerts[1].Score());
        Assert.Equal("windows_event_xml", alerts[1].GetProperty("log_source_type").GetString());
    }

    [Fact]
    public void A_malformed_record_is_reported_on_stderr_and_the_rest_is_scored()
    {
        using var dir = new TempDir();
        string truncated = Records.Score3()[..40];
        string badPort = Records.Connection(Records.PowerShell, "185.220.101.45", 4444).Replace("\"4444\"", "\"70000\"");
        string path = dir.File("in.ndjson", Lines(Records.Score3(), truncated, Records.Score1(), badPort, Records.Score2()));

        CliResult result = CliRunner.Run("score", path);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal([$"{path}:2: invalid JSON", $"{path}:4: invalid destination port"], result.StderrLines);
        Assert.Equal([1, 3, 5], Alerts.Parse(result).Select(a => a.Line()));
    }

    [Fact]
    public void Top_writes_the_n_highest_by_score_then_newest_first()
    {
        DateTime t = Records.Time;
        string input = Lines(
            Records.Score1(t.AddMinutes(9)),   // 1
            Records.Score3(4444, t),           // 2
            Records.Score2(t.AddMinutes(5)),   // 3
            Records.Score3(1337, t.AddMinutes(1)), // 4
            Records.Score2(t.AddMinutes(6)),   // 5
            Records.Benign());                 // 6

        CliResult result = CliRunner.Run(["score", "--top", "3"], Encoding.UTF8.GetBytes(input));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal([4, 2, 5], Alerts.Parse(result).Select(a => a.Line()));
    }

    [Theory]
    [InlineData("--max-age", "1d")]
    [InlineData("--since", "RECENT")]
    public void The_time_window_skips_older_records(string option, string value)
    {
        DateTime now = DateTime.UtcNow;
        string input = Lines(Records.Score3(4444, now.AddDays(-3)), Records.Score3(1337, now.AddHours(-1)), Records.Score1(now.AddDays(-2)));
        if (value == "RECENT")
        {
            value = now.AddHours(-2).ToString("yyyy-MM-ddTHH:mm:ssZ");
        }

        CliResult windowed = CliRunner.Run(["score", option, value, "--stats"], Encoding.UTF8.GetBytes(input));
        CliResult all = CliRunner.Run(["score"], Encoding.UTF8.GetBytes(input));

        Assert.True(windowed.ExitCode == 0, windowed.ToString());
        Assert.Equal([2], Alerts.Parse(windowed).Select(a => a.Line()));
        Assert.Contains("skipped:          2 ", windowed.Stderr);
        Assert.Equal(3, Alerts.Parse(all).Length);
    }

    [Fact]
    public void All_writes_every_scored_connection_with_why_it_is_not_an_alert()
    {
        string input = Lines(
            Records.Score3(),
            Records.Benign(),
            Records.Connection(Records.PowerShell, "10.20.0.15", 4444),
            Records.Connection(Records.PowerShell, "185.220.101.45", 4444, initiated: false),
            Records.Connection(Records.PowerShell, "185.220.101.45", 4444, eventId: 1));

        CliResult result = CliRunner.Run(["score", "--all"], Encoding.UTF8.GetBytes(input));

        Assert.True(result.ExitCode == 0, result.ToString());
        JsonElement[] written = Alerts.Parse(result);
        Assert.Equal([1, 2, 3, 4], written.Select(a => a.Line()));
        Assert.True(written[0].GetProperty("alert").GetBoolean());
        Assert.Equal(
            ["below_threshold", "internal_destination", "inbound"],
            written[1..].Select(a => a.GetProperty("not_alert_reason").GetString()));
    }

    [Fact]
    public void Stats_counts_what_the_run_saw()
    {
        string input = Lines(
            Records.Score3(), Records.Score3(1337), Records.Score2(), Records.Score1(), Records.Benign(),
            Records.Connection(Records.PowerShell, "185.220.101.45", 4444, eventId: 1), "{\"EventID\":");

        CliResult result = CliRunner.Run(["score", "--stats"], Encoding.UTF8.GetBytes(input));

        Assert.Equal(1, result.ExitCode);
        Assert.Matches(@"records: +7 in [0-9.]+ s \([0-9,]+ records/s; process CPU [0-9.]+ s\)", result.Stderr);
        Assert.Contains("alerts:           4 (score 3: 2, score 2: 1, score 1: 1)", result.Stderr);
        Assert.Contains("skipped:          1 ", result.Stderr);
        Assert.Contains("malformed:        1", result.Stderr);
        Assert.Contains("-:7: invalid JSON", result.Stderr);
    }

    [Fact]
    public void A_rules_file_changes_threshold_and_suppressions()
    {
        using var dir = new TempDir();
        string rules = dir.File("rules.yaml", "threshold: 2\nsuppress:\n  processes: [mshta.exe]\n");
        string input = dir.File("in.ndjson", Lines(Records.Score3(), Records.Score2(), Records.Score1()));

        CliResult result = CliRunner.Run("score", "--rules", rules, "--stats", input);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal([1], Alerts.Parse(result).Select(a => a.Line()));
        Assert.Contains("suppressed:       1", result.Stderr);
        Assert.Contains("below threshold 1", result.Stderr);
    }

    [Fact]
    public void An_invalid_rules_file_is_a_usage_error_with_line_numbers_and_nothing_is_scored()
    {
        using var dir = new TempDir();
        string rules = dir.File("rules.yaml", "threshold: 1\nc2_ports: [4444, 70000]\n");
        string input = dir.File("in.ndjson", Lines(Records.Score3()));

        CliResult result = CliRunner.Run("score", "--rules", rules, input);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith($"{rules}:2:", result.StderrLines[0]);
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public void A_missing_rules_file_is_a_clear_error()
    {
        CliResult result = CliRunner.Run("score", "--rules", "no-such-rules.yaml");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("nonstdport score: --rules no-such-rules.yaml: no such file", Assert.Single(result.StderrLines));
    }

    [Fact]
    public void Pretty_printed_json_and_arrays_of_it_are_scored_like_ndjson()
    {
        using var dir = new TempDir();
        var indented = new JsonSerializerOptions { WriteIndented = true };
        string Pretty(string record) => JsonSerializer.Serialize(JsonDocument.Parse(record).RootElement, indented);
        string array = "[\n" + Pretty(Records.Score3()) + ",\n" + Pretty(Records.Benign()) + ",\n" + Pretty(Records.Score1()) + "\n]\n";
        string path = dir.File("export.json", array);

        CliResult result = CliRunner.Run("score", path);

        Assert.True(result.ExitCode == 0, result.ToString());
        JsonElement[] alerts = Alerts.Parse(result);
        Assert.Equal([3, 1], alerts.Select(a => a.Score()));
        Assert.Equal(2, alerts[0].Line());
    }
}
