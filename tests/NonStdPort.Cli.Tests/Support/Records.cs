using System.Globalization;
using System.Text.Json;

namespace NonStdPort.Cli.Tests.Support;

/// <summary>Builds flat Sysmon JSON records (NXLog style) for end-to-end runs.</summary>
internal static class Records
{
    public static readonly DateTime Time = new(2026, 11, 27, 9, 0, 0, DateTimeKind.Utc);

    public static string Connection(
        string image, string destination, int port, DateTime? time = null, bool initiated = true, int eventId = 3, string host = "WKS-1.corp.example.com")
    {
        string utc = (time ?? Time).ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture);
        return JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["EventTime"] = utc[..19],
            ["Hostname"] = host,
            ["EventID"] = eventId,
            ["SourceName"] = "Microsoft-Windows-Sysmon",
            ["Channel"] = "Microsoft-Windows-Sysmon/Operational",
            ["UtcTime"] = utc,
            ["ProcessGuid"] = "{5C0F5961-D406-CC13-514B-E2B9118BCCA3}",
            ["ProcessId"] = "6840",
            ["Image"] = image,
            ["User"] = "CORP\\jdoe",
            ["Protocol"] = "tcp",
            ["Initiated"] = initiated ? "true" : "false",
            ["SourceIp"] = "10.20.4.31",
            ["SourcePort"] = "50122",
            ["DestinationIp"] = destination,
            ["DestinationPort"] = port.ToString(CultureInfo.InvariantCulture),
        });
    }

    public const string PowerShell = @"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe";
    public const string Chrome = @"C:\Program Files\Google\Chrome\Application\chrome.exe";
    public const string Updater = @"C:\Users\Public\update.exe";
    public const string Mshta = @"C:\Windows\System32\mshta.exe";

    /// <summary>Score 3: high-risk process to a C2 port on a public address.</summary>
    public static string Score3(int port = 4444, DateTime? time = null) => Connection(PowerShell, "185.220.101.45", port, time);

    /// <summary>Score 2: high-risk process to a non-standard port above 1024.</summary>
    public static string Score2(DateTime? time = null) => Connection(Mshta, "91.92.109.20", 50050, time);

    /// <summary>Score 1: an ordinary process to a C2 port.</summary>
    public static string Score1(DateTime? time = null) => Connection(Updater, "5.188.86.172", 8088, time);

    /// <summary>Score 0: a browser on 443.</summary>
    public static string Benign() => Connection(Chrome, "142.250.74.110", 443);
}

/// <summary>Reads alerts (NDJSON) back.</summary>
internal static class Alerts
{
    public static JsonElement[] Parse(CliResult result) =>
        result.StdoutLines.Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToArray();

    public static long Line(this JsonElement alert) => alert.GetProperty("source").GetProperty("line").GetInt64();

    public static string File(this JsonElement alert) => alert.GetProperty("source").GetProperty("file").GetString()!;

    public static int Score(this JsonElement alert) => alert.GetProperty("risk_score").GetInt32();

    public static int Port(this JsonElement alert) => alert.GetProperty("destinationport").GetInt32();
}
