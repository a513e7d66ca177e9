using NonStdPort.Cli.Files;

namespace NonStdPort.Cli.Tests.Files;

public sealed class TopAlertsTests
{
    [Theory]
    [InlineData("{\"event_time\":\"2026-11-27 10:20:30\",\"risk_score\":3}", "2026-11-27T10:20:30Z")]
    [InlineData("{\"source\":{\"event_time\":\"1999-01-01 00:00:00\"},\"event_time\":\"2026-11-27 10:20:30\"}", "2026-11-27T10:20:30Z")]
    [InlineData("{\"event_time\":\"2026-11-27T10:20:30.1234567Z\"}", "2026-11-27T10:20:30.1234567Z")]
    public void The_event_time_is_read_from_the_top_level_field(string json, string expected)
    {
        long ticks = TopAlerts.EventTimeTicks(System.Text.Encoding.UTF8.GetBytes(json));

        Assert.Equal(DateTime.Parse(expected, null, System.Globalization.DateTimeStyles.AdjustToUniversal).Ticks, ticks);
    }

    [Theory]
    [InlineData("{\"risk_score\":3}")]
    [InlineData("{\"event_time\":null}")]
    [InlineData("{\"event_time\":\"yesterday-ish\"}")]
    [InlineData("{\"event_time\":")]
    public void An_absent_or_unreadable_event_time_sorts_as_oldest(string json)
    {
        Assert.Equal(long.MinValue, TopAlerts.EventTimeTicks(System.Text.Encoding.UTF8.GetBytes(json)));
    }

    [Fact]
    public void Only_capacity_alerts_are_held_however_many_are_offered()
    {
        var top = new TopAlerts(3);
        for (int i = 0; i < 10_000; i++)
        {
            top.Offer("{\"event_time\":\"2026-01-01 00:00:00\"}"u8, (byte)(i % 4));
        }

        Assert.Equal(3, top.Count);
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        top.WriteTo(output);
        Assert.Equal(3, System.Text.Encoding.UTF8.GetString(output.WrittenSpan).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }
}
