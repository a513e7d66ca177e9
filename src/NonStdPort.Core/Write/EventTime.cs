using System.Runtime.CompilerServices;

namespace NonStdPort.Core.Write;

/// <summary>
/// Event timestamps, allocation-free: parsing the forms Sysmon pipelines write into UTC ticks, and
/// formatting ticks as the alert's <c>event_time</c> (<c>yyyy-MM-dd HH:mm:ss</c>, UTC).
/// </summary>
public static class EventTime
{
    /// <summary>Bytes written by <see cref="Format"/>.</summary>
    public const int FormattedLength = 19;

    /// <summary>
    /// Parses <c>yyyy-MM-dd HH:mm:ss</c> or <c>yyyy-MM-ddTHH:mm:ss</c>, with an optional fraction of
    /// 1 to 9 digits (digits past the seventh are dropped: ticks are 100 ns) and an optional zone
    /// <c>Z</c> or <c>±HH:MM</c> (converted to UTC). No zone means UTC, as Sysmon's <c>UtcTime</c> is.
    /// Accepts Sysmon's <c>2019-05-18 20:36:50.123</c>, python-evtx's <c>2019-04-30 20:26:53.152962</c>
    /// and ISO <c>2022-05-13T04:58:00.1234567Z</c>. Calendar fields are range-checked (leap years
    /// included); anything else, including surrounding whitespace, fails.
    /// </summary>
    public static bool TryParseUtcTicks(ReadOnlySpan<byte> text, out long utcTicks)
    {
        utcTicks = 0;
        if (text.Length < 19
            || !TryDigits(text, 0, 4, out int year)
            || text[4] != (byte)'-'
            || !TryDigits(text, 5, 2, out int month)
            || text[7] != (byte)'-'
            || !TryDigits(text, 8, 2, out int day)
            || (text[10] != (byte)' ' && text[10] != (byte)'T')
            || !TryDigits(text, 11, 2, out int hour)
            || text[13] != (byte)':'
            || !TryDigits(text, 14, 2, out int minute)
            || text[16] != (byte)':'
            || !TryDigits(text, 17, 2, out int second))
        {
            return false;
        }

        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)
            || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        int i = 19;
        long fraction = 0;
        if (i < text.Length && text[i] == (byte)'.')
        {
            i++;
            int start = i;
            long scale = TimeSpan.TicksPerSecond;
            while (i < text.Length && (uint)(text[i] - '0') <= 9)
            {
                if (i - start < 7)
                {
                    scale /= 10;
                    fraction += (text[i] - '0') * scale;
                }

                i++;
            }

            int digits = i - start;
            if (digits is 0 or > 9)
            {
                return false;
            }
        }

        long offsetTicks = 0;
        if (i < text.Length)
        {
            byte zone = text[i];
            if (zone == (byte)'Z' && i + 1 == text.Length)
            {
                i++;
            }
            else if ((zone == (byte)'+' || zone == (byte)'-') && text.Length - i == 6 && text[i + 3] == (byte)':'
                && TryDigits(text, i + 1, 2, out int offsetHours) && TryDigits(text, i + 4, 2, out int offsetMinutes)
                && offsetHours <= 14 && offsetMinutes <= 59)
            {
                offsetTicks = ((offsetHours * 60L) + offsetMinutes) * TimeSpan.TicksPerMinute;
                if (zone == (byte)'-')
                {
                    offsetTicks = -offsetTicks;
                }

                i = text.Length;
            }
            else
            {
                return false;
            }
        }

        long ticks = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc).Ticks + fraction - offsetTicks;
        if ((ulong)ticks > (ulong)DateTime.MaxValue.Ticks)
        {
            return false;
        }

        utcTicks = ticks;
        return true;
    }

    /// <summary>Writes <c>yyyy-MM-dd HH:mm:ss</c> (UTC) into <paramref name="destination"/> (at least 19 bytes).</summary>
    public static void Format(long utcTicks, Span<byte> destination)
    {
        var time = new DateTime(utcTicks, DateTimeKind.Utc);
        _ = destination[FormattedLength - 1];
        WriteDigits(destination, 0, 4, time.Year);
        destination[4] = (byte)'-';
        WriteDigits(destination, 5, 2, time.Month);
        destination[7] = (byte)'-';
        WriteDigits(destination, 8, 2, time.Day);
        destination[10] = (byte)' ';
        WriteDigits(destination, 11, 2, time.Hour);
        destination[13] = (byte)':';
        WriteDigits(destination, 14, 2, time.Minute);
        destination[16] = (byte)':';
        WriteDigits(destination, 17, 2, time.Second);
    }

    /// <summary>Bytes written by <see cref="FormatIso"/>.</summary>
    public const int IsoFormattedLength = 24;

    /// <summary>
    /// Writes ISO 8601 UTC with milliseconds, <c>yyyy-MM-ddTHH:mm:ss.fffZ</c>, into
    /// <paramref name="destination"/> (at least 24 bytes); the alert's <c>timestamp</c> and <c>detected_at</c>.
    /// </summary>
    public static void FormatIso(long utcTicks, Span<byte> destination)
    {
        _ = destination[IsoFormattedLength - 1];
        Format(utcTicks, destination);
        destination[10] = (byte)'T';
        destination[19] = (byte)'.';
        WriteDigits(destination, 20, 3, (int)(utcTicks % TimeSpan.TicksPerSecond / TimeSpan.TicksPerMillisecond));
        destination[23] = (byte)'Z';
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryDigits(ReadOnlySpan<byte> text, int start, int count, out int value)
    {
        value = 0;
        for (int i = start; i < start + count; i++)
        {
            uint digit = (uint)(text[i] - '0');
            if (digit > 9)
            {
                return false;
            }

            value = (value * 10) + (int)digit;
        }

        return true;
    }

    private static void WriteDigits(Span<byte> destination, int start, int count, int value)
    {
        for (int i = start + count - 1; i >= start; i--)
        {
            destination[i] = (byte)('0' + (value % 10));
            value /= 10;
        }
    }
}
