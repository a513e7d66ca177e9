using System.Text.RegularExpressions;

namespace NonStdPort.Cli.Tests.Support;

/// <summary>Alert output made comparable across runs.</summary>
internal static class AlertText
{
    /// <summary>
    /// The alerts with each <c>detected_at</c> value blanked: it is when a run wrote the alert, so two
    /// runs over the same records differ there and nowhere else (<c>alert_id</c> stays and must match).
    /// </summary>
    public static string WithoutDetectionTime(string alerts) =>
        Regex.Replace(alerts, "\"detected_at\":\"[^\"]*\"", "\"detected_at\":\"\"");
}
