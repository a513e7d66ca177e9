using NonStdPort.Kafka.Pipeline;

namespace NonStdPort.Kafka.Tests.Units;

/// <summary>Repeated client log lines: written once per window, the rest counted and summarised.</summary>
public sealed class RepeatLimiterTests
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    private readonly List<string> _written = [];
    private long _now;

    private RepeatLimiter Limiter() => new(_written.Add, Window, () => _now);

    private void Advance(double seconds) => _now += TimeSpan.FromSeconds(seconds).Ticks;

    [Fact]
    public void A_line_is_written_the_first_time()
    {
        Limiter().Write("kafka: 1/1 brokers are down");
        Assert.Equal(["kafka: 1/1 brokers are down"], _written);
    }

    [Fact]
    public void Repeats_within_the_window_are_counted_and_summarised_on_the_next_write_after_it()
    {
        var limiter = Limiter();
        for (int i = 0; i < 85; i++)
        {
            limiter.Write("kafka: 1/1 brokers are down");
            Advance(0.1);
        }

        Assert.Single(_written);
        Advance(2);
        limiter.Write("kafka: 1/1 brokers are down");
        Assert.Equal(["kafka: 1/1 brokers are down", "kafka: 1/1 brokers are down (repeated 84 times)"], _written);
    }

    [Fact]
    public void Lines_that_differ_only_in_their_digits_count_as_one()
    {
        var limiter = Limiter();
        limiter.Write("Connect failed (after 0ms in state CONNECT)");
        limiter.Write("Connect failed (after 12ms in state CONNECT)");
        Assert.Single(_written);
    }

    [Fact]
    public void Librdkafkas_own_suppression_count_does_not_make_a_new_line()
    {
        var limiter = Limiter();
        limiter.Write("Connect failed (after 0ms in state CONNECT)");
        limiter.Write("Connect failed (after 0ms in state CONNECT, 1 identical error(s) suppressed)");
        Assert.Single(_written);
    }

    [Fact]
    public void Different_lines_are_each_written()
    {
        var limiter = Limiter();
        limiter.Write("kafka: 1/1 brokers are down");
        limiter.Write("kafka: Connect to ipv4#127.0.0.1:1 failed: Connection refused");
        Assert.Equal(2, _written.Count);
    }

    [Theory]
    [InlineData(9.9, 1)]
    [InlineData(10, 2)]
    [InlineData(60, 2)]
    public void A_repeat_is_written_again_once_the_window_has_passed(double after, int expectedLines)
    {
        var limiter = Limiter();
        limiter.Write("kafka: 1/1 brokers are down");
        Advance(after);
        limiter.Write("kafka: 1/1 brokers are down");
        Assert.Equal(expectedLines, _written.Count);
        if (expectedLines == 2)
        {
            Assert.Equal("kafka: 1/1 brokers are down", _written[1]);
        }
    }
}
