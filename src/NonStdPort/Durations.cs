using System.Globalization;

namespace NonStdPort.Cli;

/// <summary>
/// Parses command-line durations as people write them: a number (decimals allowed) and a unit,
/// <c>500ms</c>, <c>0.5s</c>, <c>90m</c>, <c>12h</c>, <c>1d</c>, <c>2w</c>, or a .NET
/// <c>d.hh:mm:ss</c> span. A bare number is refused: seconds or days would be a guess.
/// </summary>
internal static class Durations
{
    /// <summary>Parses <paramref name="text"/>; false when it is not a duration.</summary>
    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = default;
        text = text.Trim();
        int unitStart = text.Length;
        while (unitStart > 0 && char.IsAsciiLetter(text[unitStart - 1]))
        {
            unitStart--;
        }

        if (unitStart == text.Length)
        {
            return text.Contains(':') && TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out duration);
        }

        double seconds = text[unitStart..].ToLowerInvariant() switch
        {
            "ms" => 0.001,
            "s" => 1,
            "m" => 60,
            "h" => 3600,
            "d" => 86400,
            "w" => 7 * 86400,
            _ => -1,
        };
        if (seconds < 0
            || unitStart == 0
            || !double.TryParse(text.AsSpan(0, unitStart), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double amount)
            || amount * seconds > TimeSpan.MaxValue.TotalSeconds)
        {
            return false;
        }

        duration = TimeSpan.FromSeconds(amount * seconds);
        return true;
    }
}
