using System.Diagnostics;
using System.Globalization;

namespace NonStdPort.Kafka.Pipeline;

/// <summary>
/// Rate-limits repeated log lines: a line is written the first time, and a line that recurs
/// within <see cref="Window"/> of its last write is only counted; the next occurrence after the
/// window is written with <c>(repeated N times)</c>. Lines that differ only in their digits
/// (librdkafka's elapsed times) or in librdkafka's own "N identical error(s) suppressed" count as the same line, so a client retrying
/// an unreachable broker writes one line per message per window instead of a flood.
/// </summary>
public sealed class RepeatLimiter
{
    private readonly Action<string> _write;
    private readonly Func<long> _clock;
    private readonly long _window;
    private readonly Dictionary<string, Entry> _seen = new(StringComparer.Ordinal);
    private readonly object _gate = new();

    /// <summary>Creates a limiter writing to <paramref name="write"/>, by the monotonic clock.</summary>
    public RepeatLimiter(Action<string> write, TimeSpan window)
        : this(write, window, () => Stopwatch.GetTimestamp() * TimeSpan.TicksPerSecond / Stopwatch.Frequency)
    {
    }

    /// <summary>Creates a limiter with a clock in <see cref="TimeSpan"/> ticks (for tests).</summary>
    public RepeatLimiter(Action<string> write, TimeSpan window, Func<long> clockTicks)
    {
        _write = write;
        _window = window.Ticks;
        _clock = clockTicks;
        Window = window;
    }

    /// <summary>How long a written line silences its repeats.</summary>
    public TimeSpan Window { get; }

    /// <summary>Writes <paramref name="line"/>, or counts it when it was written within the window.</summary>
    public void Write(string line)
    {
        string key = WithoutDigits(line);
        long now = _clock();
        string? output = null;
        lock (_gate)
        {
            if (_seen.TryGetValue(key, out var entry) && now - entry.WrittenAt < _window)
            {
                entry.Suppressed++;
                return;
            }

            output = entry is { Suppressed: > 0 }
                ? line + " (repeated " + entry.Suppressed.ToString(CultureInfo.InvariantCulture) + " times)"
                : line;
            _seen[key] = new Entry { WrittenAt = now };
            if (_seen.Count > 1024)
            {
                // Bounded memory for a client that logs ever new lines: forget the old ones.
                _seen.Clear();
                _seen[key] = new Entry { WrittenAt = now };
            }
        }

        _write(output);
    }

    /// <summary>The line with each run of digits replaced by one <c>#</c>, without librdkafka's suppression count.</summary>
    private static string WithoutDigits(string line)
    {
        var key = new System.Text.StringBuilder(line.Length);
        for (int i = 0; i < line.Length; i++)
        {
            if (!char.IsAsciiDigit(line[i]))
            {
                key.Append(line[i]);
            }
            else if (i == 0 || !char.IsAsciiDigit(line[i - 1]))
            {
                key.Append('#');
            }
        }

        // librdkafka counts its own suppressed repeats into the line; that count is not a new message.
        return key.Replace(", # identical error(s) suppressed", "").ToString();
    }

    private sealed class Entry
    {
        public long WrittenAt { get; init; }
        public int Suppressed { get; set; }
    }
}
