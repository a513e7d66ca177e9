using System.Text;
using NonStdPort.Core.Write;

namespace NonStdPort.Core.Tests.Write;

public sealed class EventTimeTests
{
    [Theory]
    [InlineData("2019-05-18 20:36:50.123", "2019-05-18T20:36:50.1230000Z")]
    [InlineData("2019-04-30 20:26:53.152962", "2019-04-30T20:26:53.1529620Z")]
    [InlineData("2022-05-13T04:58:00.1234567Z", "2022-05-13T04:58:00.1234567Z")]
    [InlineData("2022-05-13T04:58:00.123456789Z", "2022-05-13T04:58:00.1234567Z")]
    [InlineData("2022-05-13 04:58:00", "2022-05-13T04:58:00.0000000Z")]
    [InlineData("2022-05-13T04:58:00Z", "2022-05-13T04:58:00.0000000Z")]
    [InlineData("2022-05-13T06:58:00+02:00", "2022-05-13T04:58:00.0000000Z")]
    [InlineData("2022-05-12T23:58:00.5-05:00", "2022-05-13T04:58:00.5000000Z")]
    [InlineData("2024-02-29 23:59:59.999", "2024-02-29T23:59:59.9990000Z")]
    public void Sysmon_python_evtx_and_ISO_times_parse_to_UTC(string text, string expectedIso)
    {
        Assert.True(EventTime.TryParseUtcTicks(Encoding.UTF8.GetBytes(text), out long ticks));

        Assert.Equal(DateTime.Parse(expectedIso, null, System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal).Ticks, ticks);
    }

    [Theory]
    [InlineData("")]
    [InlineData("2019-05-18")]
    [InlineData("2019-05-18 20:36")]
    [InlineData("2019-05-18 20:36:5")]
    [InlineData("2019/05/18 20:36:50")]
    [InlineData("2019-13-18 20:36:50")]
    [InlineData("2019-00-18 20:36:50")]
    [InlineData("2023-02-29 00:00:00")]
    [InlineData("2019-04-31 00:00:00")]
    [InlineData("2019-05-18 24:00:00")]
    [InlineData("2019-05-18 20:60:00")]
    [InlineData("2019-05-18 20:36:60")]
    [InlineData("2019-05-18 20:36:50.")]
    [InlineData("2019-05-18 20:36:50.1234567890")]
    [InlineData("2019-05-18 20:36:50Z ")]
    [InlineData(" 2019-05-18 20:36:50")]
    [InlineData("2019-05-18 20:36:50+0200")]
    [InlineData("2019-05-18 20:36:50+15:00")]
    [InlineData("2019-05-18x20:36:50")]
    [InlineData("0000-01-01 00:00:00")]
    [InlineData("0001-01-01 00:00:00+01:00")]
    public void Anything_else_is_not_an_event_time(string text) =>
        Assert.False(EventTime.TryParseUtcTicks(Encoding.UTF8.GetBytes(text), out _));

    [Theory]
    [InlineData("2019-05-18 20:36:50.999", "2019-05-18 20:36:50")]
    [InlineData("2022-05-13T04:58:00.1234567Z", "2022-05-13 04:58:00")]
    [InlineData("0001-01-01 00:00:00", "0001-01-01 00:00:00")]
    [InlineData("9999-12-31 23:59:59.9999999", "9999-12-31 23:59:59")]
    public void The_alert_time_is_written_to_the_second(string text, string expected)
    {
        Assert.True(EventTime.TryParseUtcTicks(Encoding.UTF8.GetBytes(text), out long ticks));
        var buffer = new byte[EventTime.FormattedLength];

        EventTime.Format(ticks, buffer);

        Assert.Equal(expected, Encoding.ASCII.GetString(buffer));
    }
}
