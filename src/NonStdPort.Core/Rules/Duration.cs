using System.Globalization;

namespace NonStdPort.Core.Rules;

/// <summary>Durations as written in rules files: a whole number and a unit, <c>500ms</c>, <c>10s</c>, <c>2m</c>, <c>1h</c>, <c>1d</c>.</summary>
public static class Duration
{
    /// <summary>Parses a duration; false (with a reason) for anything else.</summary>
    public static bool TryParse(string text, out TimeSpan value, out string? error)
    {
        value = default;
        error = null;
        int digits = 0;
        while (digits < text.Length && char.IsAsciiDigit(text[digits]))
        {
            digits++;
        }

        string unit = text[digits..];
        long scale = unit switch
        {
            "ms" => TimeSpan.TicksPerMillisecond,
            "s" => TimeSpan.TicksPerSecond,
            "m" => TimeSpan.TicksPerMinute,
            "h" => TimeSpan.TicksPerHour,
            "d" => TimeSpan.TicksPerDay,
            _ => 0,
        };
        if (digits == 0 || scale == 0 || digits > 9
            || !long.TryParse(text.AsSpan(0, digits), NumberStyles.None, CultureInfo.InvariantCulture, out long amount))
        {
            error = $"'{text}' is not a duration: write a whole number and a unit (ms, s, m, h or d), e.g. 10s, 2m, 1h";
            return false;
        }

        value = TimeSpan.FromTicks(amount * scale);
        return true;
    }

    /// <summary>Formats a duration in the largest unit that keeps it whole.</summary>
    public static string Format(TimeSpan value)
    {
        long ticks = value.Ticks;
        (long Scale, string Unit)[] units =
        [
            (TimeSpan.TicksPerDay, "d"), (TimeSpan.TicksPerHour, "h"), (TimeSpan.TicksPerMinute, "m"),
            (TimeSpan.TicksPerSecond, "s"), (TimeSpan.TicksPerMillisecond, "ms"),
        ];
        foreach (var (scale, unit) in units)
        {
            if (ticks != 0 && ticks % scale == 0)
            {
                return (ticks / scale).ToString(CultureInfo.InvariantCulture) + unit;
            }
        }

        return ticks == 0 ? "0s" : (ticks / TimeSpan.TicksPerMillisecond).ToString(CultureInfo.InvariantCulture) + "ms";
    }
}
