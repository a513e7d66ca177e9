using System.IO.Compression;
using System.Text;
using NonStdPort.Cli.Files;
using NonStdPort.Cli.Tests.Support;

namespace NonStdPort.Cli.Tests.Files;

/// <summary>The file pipeline (inputs, framing, output order, top N, stderr, exit codes) over a scripted scorer.</summary>
public sealed class ScoreRunTests
{
    private static ScoreSettings Settings(params string[] inputs) => new(inputs, Top: null, Stats: false, MaxRecordBytes: 1 << 20);

    private static CliResult Run(ScoreSettings settings, string? stdin = null) =>
        CliRunner.RunPipeline(settings, new ScriptedScorer(), stdin is null ? null : Encoding.UTF8.GetBytes(stdin));

    [Fact]
    public void Alerts_come_out_in_input_order_across_files_with_their_file_and_line()
    {
        using var dir = new TempDir();
        string a = dir.File("a.ndjson", "alert 1 2026-01-01 00:00:00\nskip\nalert 3 2026-01-01 00:00:00\n");
        string b = dir.File("b.ndjson", "\nalert 2 2026-01-01 00:00:00\n");

        CliResult result = Run(Settings(a, b));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(
            [
                $"{{\"event_time\":\"2026-01-01 00:00:00\",\"risk_score\":1,\"source\":{{\"file\":\"{a}\",\"line\":1}}}}",
                $"{{\"event_time\":\"2026-01-01 00:00:00\",\"risk_score\":3,\"source\":{{\"file\":\"{a}\",\"line\":3}}}}",
                $"{{\"event_time\":\"2026-01-01 00:00:00\",\"risk_score\":2,\"source\":{{\"file\":\"{b}\",\"line\":2}}}}",
            ],
            result.StdoutLines);
        Assert.Equal("", result.Stderr);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Stdin_is_read_when_no_file_or_dash_is_given(bool dash)
    {
        CliResult result = Run(dash ? Settings("-") : Settings(), "skip\nalert 2 2026-01-01 00:00:00\n");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("{\"event_time\":\"2026-01-01 00:00:00\",\"risk_score\":2,\"source\":{\"file\":\"-\",\"line\":2}}", Assert.Single(result.StdoutLines));
    }

    [Fact]
    public void A_malformed_record_is_reported_as_file_line_reason_and_the_rest_is_processed()
    {
        using var dir = new TempDir();
        string path = dir.File("m.ndjson", "alert 1 2026-01-01 00:00:00\nbad\n\nbad\nalert 2 2026-01-01 00:00:00\n");

        CliResult result = Run(Settings(path));

        Assert.Equal(1, result.ExitCode);
        Assert.Equal([$"{path}:2: invalid JSON", $"{path}:4: invalid JSON"], result.StderrLines);
        Assert.Equal(2, result.StdoutLines.Length);
    }

    [Fact]
    public void An_oversize_record_is_reported_and_counted_as_malformed()
    {
        using var dir = new TempDir();
        string path = dir.File("o.ndjson", "alert 1 2026-01-01 00:00:00\n" + new string('x', 5000) + "\nalert 2 2026-01-01 00:00:00\n");

        CliResult result = Run(Settings(path) with { MaxRecordBytes = 1000 });

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"{path}:2: record exceeds the maximum size", Assert.Single(result.StderrLines));
        Assert.Equal(2, result.StdoutLines.Length);
    }

    [Fact]
    public void A_missing_file_is_a_clear_error_before_any_output()
    {
        using var dir = new TempDir();
        string good = dir.File("good.ndjson", "alert 1 2026-01-01 00:00:00\n");
        string missing = Path.Combine(dir.Path, "missing.ndjson");

        CliResult result = Run(Settings(good, missing, dir.Path));

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(
            [$"nonstdport score: {missing}: no such file", $"nonstdport score: {dir.Path}: is a directory (give -r to read the files under it)"],
            result.StderrLines);
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public void Gzip_files_are_read_whatever_their_name()
    {
        using var dir = new TempDir();
        string path = dir.File("plain-name.ndjson", Gzip("alert 3 2026-01-01 00:00:00\r\nskip\r\n"));

        CliResult result = Run(Settings(path));

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("\"risk_score\":3", Assert.Single(result.StdoutLines));
    }

    [Fact]
    public void A_corrupt_gzip_file_keeps_what_was_read_and_exits_with_the_io_code()
    {
        using var dir = new TempDir();
        var lines = new StringBuilder();
        for (int i = 0; i < 2000; i++)
        {
            lines.Append("alert 1 2026-01-01 00:00:00\n");
        }

        byte[] gz = Gzip(lines.ToString());
        gz.AsSpan(gz.Length / 2, 16).Fill(0xFF);
        string path = dir.File("bad.gz", gz);

        CliResult result = Run(Settings(path));

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith($"nonstdport score: {path}: cannot read past line ", Assert.Single(result.StderrLines));
    }

    [Fact]
    public void Top_keeps_the_n_highest_by_score_then_newest_then_first_read()
    {
        string input =
            "alert 1 2026-01-05 00:00:00\n" +   // line 1
            "alert 3 2026-01-01 00:00:00\n" +   // line 2
            "alert 2 2026-01-09 00:00:00\n" +   // line 3
            "alert 3 2026-01-02 00:00:00\n" +   // line 4
            "alert 3 2026-01-02 00:00:00\n" +   // line 5: same rank as 4, read later
            "alert 2 2026-01-10 00:00:00\n" +   // line 6
            "alert 1 2026-01-20 00:00:00\n";    // line 7

        CliResult result = Run(Settings() with { Top = 4 }, input);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal([4, 5, 2, 6], result.StdoutLines.Select(LineOf));
    }

    [Fact]
    public void Top_larger_than_the_alert_count_writes_them_all_ranked()
    {
        CliResult result = Run(Settings() with { Top = 500 }, "alert 1 2026-01-01 00:00:00\nalert 2 2026-01-01 00:00:00\n");

        Assert.Equal([2, 1], result.StdoutLines.Select(LineOf));
    }

    [Fact]
    public void Stats_reports_records_rate_alerts_by_score_skipped_suppressed_and_malformed()
    {
        string input = "alert 3 2026-01-01 00:00:00\nalert 1 2026-01-01 00:00:00\nalert 3 2026-01-01 00:00:00\nskip\nnet\nbad\n";

        CliResult result = Run(Settings() with { Stats = true }, input);

        Assert.Equal(1, result.ExitCode);
        string stats = result.Stderr;
        Assert.Matches(@"records: +6 in [0-9.]+ s \([0-9,]+ records/s; process CPU [0-9.]+ s\)", stats);
        Assert.Contains("alerts:           3 (score 3: 2, score 2: 0, score 1: 1)", stats);
        Assert.Contains("suppressed:       1", stats);
        Assert.Contains("skipped:          1 ", stats);
        Assert.Contains("malformed:        1", stats);
    }

    private static int LineOf(string alert) =>
        System.Text.Json.JsonDocument.Parse(alert).RootElement.GetProperty("source").GetProperty("line").GetInt32();

    private static byte[] Gzip(string text)
    {
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes(text));
        }

        return compressed.ToArray();
    }
}
