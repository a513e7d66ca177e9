namespace NonStdPort.Core.Write;

/// <summary>The shape alerts are written in (<c>--format</c>, config key <c>Format</c>).</summary>
public enum AlertFormat : byte
{
    /// <summary>The project's own JSON columns (the default).</summary>
    Json = 0,
    /// <summary>An Elastic Common Schema 9.x alert document (JSON).</summary>
    Ecs,
    /// <summary>An OCSF 1.8.0 Detection Finding, class_uid 2004 (JSON).</summary>
    Ocsf,
    /// <summary>IBM QRadar's Log Event Extended Format 2.0, tab-delimited.</summary>
    Leef,
    /// <summary>ArcSight Common Event Format, version 0.</summary>
    Cef,
}

/// <summary>Names and writers of the <see cref="AlertFormat"/> values.</summary>
public static class AlertFormats
{
    /// <summary>Every format's name as given to <c>--format</c>, indexed by the enum value.</summary>
    public static readonly IReadOnlyList<string> Names = ["json", "ecs", "ocsf", "leef", "cef"];

    /// <summary>The name of <paramref name="format"/> as given to <c>--format</c>.</summary>
    public static string Name(AlertFormat format) => Names[(int)format];

    /// <summary>Parses a format name (case-insensitive, surrounding blanks ignored); false when it names none.</summary>
    public static bool TryParse(string? text, out AlertFormat format)
    {
        string name = (text ?? "").Trim();
        for (int i = 0; i < Names.Count; i++)
        {
            if (string.Equals(Names[i], name, StringComparison.OrdinalIgnoreCase))
            {
                format = (AlertFormat)i;
                return true;
            }
        }

        format = AlertFormat.Json;
        return false;
    }

    /// <summary>A new writer of <paramref name="format"/>; one per thread.</summary>
    /// <param name="format">The format.</param>
    /// <param name="clock">The clock of the detection time; the system clock when null.</param>
    public static IAlertFormatter Create(AlertFormat format, TimeProvider? clock = null) => format switch
    {
        AlertFormat.Ecs => new EcsAlertWriter(clock),
        AlertFormat.Ocsf => new OcsfAlertWriter(clock),
        AlertFormat.Leef => new LeefAlertWriter(clock),
        AlertFormat.Cef => new CefAlertWriter(clock),
        _ => new AlertWriter(clock),
    };
}
