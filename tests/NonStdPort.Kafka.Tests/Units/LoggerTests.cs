using System.Text.Json;
using NonStdPort.Kafka.Hosting;

namespace NonStdPort.Kafka.Tests.Units;

/// <summary>The hosts' logger: a UTC timestamp and a level on every line, in text or one JSON object per line.</summary>
public sealed class LoggerTests
{
    private static readonly DateTime Now = new(2026, 12, 2, 18, 51, 17, 123, DateTimeKind.Utc);

    [Theory]
    [InlineData(LogLevel.Info, "2026-12-02T18:51:17.123Z INFO assigned sysmon[0-3]")]
    [InlineData(LogLevel.Warning, "2026-12-02T18:51:17.123Z WARN assigned sysmon[0-3]")]
    [InlineData(LogLevel.Error, "2026-12-02T18:51:17.123Z ERROR assigned sysmon[0-3]")]
    public void Text_lines_start_with_the_utc_timestamp_and_the_level(LogLevel level, string expected)
    {
        var output = new StringWriter { NewLine = "\n" };
        new Logger(output, LogFormat.Text, () => Now).Write(level, "assigned sysmon[0-3]");
        Assert.Equal(expected + "\n", output.ToString());
    }

    [Fact]
    public void Json_lines_are_one_object_with_timestamp_level_message_and_the_fields_as_properties()
    {
        var output = new StringWriter { NewLine = "\n" };
        var logger = new Logger(output, LogFormat.Json, () => Now);
        logger.Warn("sysmon[2]@17: invalid JSON \"quoted\"\nsecond line", LogField.Of("partition", 2), LogField.Of("offset", 17), LogField.Of("error", "invalid JSON"));

        string line = Assert.Single(output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        JsonElement entry = JsonDocument.Parse(line).RootElement;
        Assert.Equal("2026-12-02T18:51:17.123Z", entry.GetProperty("timestamp").GetString());
        Assert.Equal("warning", entry.GetProperty("level").GetString());
        Assert.Equal("sysmon[2]@17: invalid JSON \"quoted\"\nsecond line", entry.GetProperty("message").GetString());
        Assert.Equal(2, entry.GetProperty("partition").GetInt32());
        Assert.Equal(17, entry.GetProperty("offset").GetInt64());
        Assert.Equal("invalid JSON", entry.GetProperty("error").GetString());
    }

    [Theory]
    [InlineData(LogFormat.Text)]
    [InlineData(LogFormat.Json)]
    public void A_writer_makes_one_log_line_of_each_line_written_in_pieces(LogFormat format)
    {
        var output = new StringWriter { NewLine = "\n" };
        TextWriter writer = new Logger(output, format, () => Now).Writer(LogLevel.Warning);
        // As file mode reports a malformed record: FILE:LINE: reason, in pieces.
        writer.Write("in.ndjson");
        writer.Write(':');
        writer.Write(12L);
        writer.WriteLine(": invalid JSON");
        writer.Write("a\nb\n");

        string[] lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string[] messages = format == LogFormat.Json
            ? [.. lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("message").GetString()!)]
            : [.. lines.Select(l => l["2026-12-02T18:51:17.123Z WARN ".Length..])];
        Assert.Equal(["in.ndjson:12: invalid JSON", "a", "b"], messages);
        Assert.Same(Logger.For(writer), Logger.For(writer));
    }
}
