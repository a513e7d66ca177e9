namespace NonStdPort.Cli.Tests;

public sealed class DurationsTests
{
    [Theory]
    [InlineData("1d", 86_400_000)]
    [InlineData("12h", 43_200_000)]
    [InlineData("90m", 5_400_000)]
    [InlineData("30s", 30_000)]
    [InlineData("0.5s", 500)]
    [InlineData("250ms", 250)]
    [InlineData("2w", 1_209_600_000)]
    [InlineData("1.5d", 129_600_000)]
    [InlineData(" 10S ", 10_000)]
    [InlineData("1.00:00:00", 86_400_000)]
    public void Durations_read_as_people_write_them(string text, long milliseconds)
    {
        Assert.True(Durations.TryParse(text, out TimeSpan duration));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), duration);
    }

    [Theory]
    [InlineData("3")]
    [InlineData("")]
    [InlineData("s")]
    [InlineData("1x")]
    [InlineData("-1s")]
    [InlineData("1e3s")]
    [InlineData("one s")]
    public void Anything_else_is_not_a_duration(string text)
    {
        Assert.False(Durations.TryParse(text, out _));
    }
}
