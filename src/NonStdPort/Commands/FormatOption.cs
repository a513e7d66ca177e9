using System.CommandLine;
using NonStdPort.Core.Write;

namespace NonStdPort.Cli.Commands;

/// <summary>The <c>--format</c> option, the same for <c>score</c> and <c>run</c>.</summary>
internal static class FormatOption
{
    /// <summary>A <c>--format</c> option; <paramref name="what"/> says what it shapes.</summary>
    public static Option<string?> Create(string what)
    {
        var option = new Option<string?>("--format")
        {
            Description = $"Shape of {what}: json (default: the columns, timestamp, detected_at, alert_id), " +
                          "ecs (Elastic Common Schema 9.x alert), ocsf (OCSF 1.8.0 Detection Finding, class_uid 2004), " +
                          "leef (IBM QRadar LEEF 2.0) or cef (ArcSight CEF 0), e.g. --format leef.",
            HelpName = "FORMAT",
        };
        option.AcceptOnlyFromAmong([.. AlertFormats.Names]);
        return option;
    }

    /// <summary>The format named (validated by the option), json when none was given.</summary>
    public static AlertFormat Parse(string? name) => AlertFormats.TryParse(name, out AlertFormat format) ? format : AlertFormat.Json;
}
