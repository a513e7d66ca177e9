using NonStdPort.Core.Rules;

namespace NonStdPort.Core.Tests.Rules;

public sealed class DurationTests
{
    [Theory]
    [InlineData("500ms", 0, 0, 0, 500)]
    [InlineData("10s", 0, 0, 10, 0)]
    [InlineData("2m", 0, 2, 0, 0)]
    [InlineData("1h", 1, 0, 0, 0)]
    [InlineData("1d", 24, 0, 0, 0)]
    [InlineData("0s", 0, 0, 0, 0)]
    [InlineData("90s", 0, 1, 30, 0)]
    public void A_whole_number_and_a_unit_is_a_duration(string text, int hours, int minutes, int seconds, int milliseconds)
    {
        Assert.True(Duration.TryParse(text, out TimeSpan value, out _));
        Assert.Equal(new TimeSpan(0, hours, minutes, seconds, milliseconds), value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("10")]
    [InlineData("s")]
    [InlineData("1.5h")]
    [InlineData("-1s")]
    [InlineData("10 s")]
    [InlineData("10S")]
    [InlineData("1w")]
    [InlineData("1h30m")]
    [InlineData("9999999999s")]
    public void Anything_else_is_rejected_with_the_accepted_forms(string text)
    {
        Assert.False(Duration.TryParse(text, out _, out string? error));
        Assert.Contains("ms, s, m, h or d", error);
    }

    [Theory]
    [InlineData("500ms", "500ms")]
    [InlineData("60s", "1m")]
    [InlineData("120m", "2h")]
    [InlineData("48h", "2d")]
    [InlineData("90s", "90s")]
    [InlineData("1500ms", "1500ms")]
    [InlineData("0s", "0s")]
    public void A_duration_is_shown_in_the_largest_whole_unit(string text, string shown)
    {
        Assert.True(Duration.TryParse(text, out TimeSpan value, out _));
        Assert.Equal(shown, Duration.Format(value));
    }
}
