using System.Text;
using System.Text.Json;
using NonStdPort.Core.Read;
using NonStdPort.Core.Write;

namespace NonStdPort.Core.Tests.Write;

/// <summary><c>timestamp</c>, <c>detected_at</c> and <c>alert_id</c> of a JSON alert.</summary>
public sealed class AlertIdentityTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 6, 45, 1, 250, TimeSpan.Zero);

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private static JsonElement Write(in AlertColumns columns, in SourceRef source)
    {
        var batch = new AlertBatch();
        new AlertWriter(new FixedClock(Now)).Write(batch, columns, source);
        return JsonDocument.Parse(batch.Json(batch[0]).ToArray()).RootElement.Clone();
    }

    private static AlertColumns Columns(long ticks = 638000000001234567, int port = 4444, string host = "WS01", DetectionRule rule = DetectionRule.NonStandardPort) => new()
    {
        EventTimeTicks = ticks,
        SourceIp = "10.0.0.5"u8,
        DestinationIp = "185.220.101.45"u8,
        DestinationPort = port,
        Hostname = Encoding.UTF8.GetBytes(host),
        ProcessGuid = "{365ABB72-AF5D-5CC8-0000-0010E1BB3700}"u8,
        Protocol = "tcp"u8,
        EventCategory = AlertWriter.NetworkConnectionCategory,
        Rule = rule,
    };

    [Theory]
    [InlineData("2019-04-30 20:26:53.152962", "2019-04-30T20:26:53.152Z")]
    [InlineData("2019-04-30 20:26:53", "2019-04-30T20:26:53.000Z")]
    [InlineData("2022-05-13T04:58:00.9999999Z", "2022-05-13T04:58:00.999Z")]
    [InlineData("2024-02-29 23:59:59.001", "2024-02-29T23:59:59.001Z")]
    public void Timestamp_is_the_event_time_in_ISO_8601_UTC_with_milliseconds(string eventTime, string timestamp)
    {
        Assert.True(EventTime.TryParseUtcTicks(Encoding.UTF8.GetBytes(eventTime), out long ticks));

        JsonElement alert = Write(Columns(ticks), SourceRef.FromFile("f", 1));

        Assert.Equal(timestamp, alert.GetProperty("timestamp").GetString());
    }

    [Fact]
    public void Timestamp_is_null_without_an_event_time_and_detected_at_is_the_writing_time()
    {
        JsonElement alert = Write(Columns(ticks: -1), SourceRef.FromFile("f", 1));

        Assert.Equal(JsonValueKind.Null, alert.GetProperty("timestamp").ValueKind);
        Assert.Equal("2026-12-02T06:45:01.250Z", alert.GetProperty("detected_at").GetString());
    }

    [Theory]
    [InlineData("same record from another file and line", "other.ndjson", 99, true)]
    [InlineData("same record from the same place", "a.ndjson", 1, true)]
    public void The_same_record_and_rule_give_the_same_alert_id_wherever_it_came_from(string because, string file, long line, bool same)
    {
        string first = Write(Columns(), SourceRef.FromFile("a.ndjson", 1)).GetProperty("alert_id").GetString()!;
        string again = Write(Columns(), SourceRef.FromFile(file, line)).GetProperty("alert_id").GetString()!;

        Assert.Matches("^[0-9a-f]{16}$", first);
        Assert.True((first == again) == same, because);
    }

    public static TheoryData<string, long, int, string, DetectionRule> Differences => new()
    {
        { "another rule", 638000000001234567, 4444, "WS01", DetectionRule.Beacon },
        { "another port", 638000000001234567, 4445, "WS01", DetectionRule.NonStandardPort },
        { "another host", 638000000001234567, 4444, "WS02", DetectionRule.NonStandardPort },
        { "100 ns later", 638000000001234568, 4444, "WS01", DetectionRule.NonStandardPort },
    };

    [Theory]
    [MemberData(nameof(Differences))]
    public void A_different_record_or_rule_gives_a_different_alert_id(string because, long ticks, int port, string host, DetectionRule rule)
    {
        string first = Write(Columns(), SourceRef.FromFile("a.ndjson", 1)).GetProperty("alert_id").GetString()!;
        string other = Write(Columns(ticks, port, host, rule), SourceRef.FromFile("a.ndjson", 1)).GetProperty("alert_id").GetString()!;

        Assert.True(first != other, because);
    }
}
