using System.Globalization;
using System.Text;
using System.Text.Json;

namespace NonStdPort.Benchmarks.Detection;

/// <summary>
/// A synthetic stream of flat Sysmon JSON in event-time order, as a partition keyed by host sees it:
/// per host and minute, four connections (PowerShell beaconing to an external C2 port, a browser on
/// 443, an agent beaconing on a non-standard port, an internal SMB connection), and now and then a
/// short-lived process (EID 1 then EID 5) and a registry write (EID 13; one in ten moves the RDP port).
/// Every record's <c>UtcTime</c> sits at a known offset so a run can move the whole stream forward in time.
/// </summary>
internal sealed class MixedStream
{
    private const string TimeFormat = "yyyy-MM-dd HH:mm:ss.fff";
    private static readonly byte[] TimeKey = "\"UtcTime\":\""u8.ToArray();

    private readonly int[] _timeOffsets;
    private readonly double[] _seconds;

    public MixedStream(int hosts, int minutes)
    {
        var records = new List<(double Seconds, string Json)>();
        for (int h = 0; h < hosts; h++)
        {
            string host = $"WS{h:D5}.corp.example";
            string shell = Guid(h, 1);
            string agent = Guid(h, 2);
            double phase = h * 0.37 % 60;
            records.Add((phase - 1, ProcessCreate(host, shell, @"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe", "powershell.exe -nop -w hidden -enc SQBFAFgA", phase - 1)));
            for (int m = 0; m < minutes; m++)
            {
                double t = phase + m * 60;
                records.Add((t + (m % 3) * 0.2, Connection(host, shell, @"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe", "93.184.216.34", 9001, t + (m % 3) * 0.2)));
                records.Add((t + 7 + (m * 13 % 29), Connection(host, Guid(h, 3), @"C:\Program Files\Google\Chrome\Application\chrome.exe", "142.250.74.46", 443, t + 7 + (m * 13 % 29))));
                records.Add((t + 20, Connection(host, agent, @"C:\Program Files\Contoso\Agent\contoso-agent.exe", "93.184.216.35", 7000, t + 20)));
                records.Add((t + 31, Connection(host, Guid(h, 4), @"C:\Windows\System32\svchost.exe", "10.0.0.10", 445, t + 31)));
                if (m % 10 == h % 10)
                {
                    string child = Guid(h, 100 + m);
                    records.Add((t + 40, ProcessCreate(host, child, @"C:\Windows\System32\cmd.exe", "cmd.exe /c whoami", t + 40)));
                    records.Add((t + 41, ProcessTerminated(host, child, t + 41)));
                }

                if (m % 10 == (h + 5) % 10)
                {
                    string target = h % 10 == 0
                        ? @"HKLM\System\CurrentControlSet\Control\Terminal Server\WinStations\RDP-Tcp\PortNumber"
                        : @"HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Run\Updater";
                    records.Add((t + 50, RegistrySet(host, shell, target, h % 10 == 0 ? "DWORD (0x00008462)" : @"C:\Users\Public\updater.exe", t + 50)));
                }
            }
        }

        records.Sort((a, b) => a.Seconds.CompareTo(b.Seconds));
        Records = new byte[records.Count][];
        _timeOffsets = new int[records.Count];
        _seconds = new double[records.Count];
        for (int i = 0; i < records.Count; i++)
        {
            Records[i] = Encoding.UTF8.GetBytes(records[i].Json);
            _timeOffsets[i] = Records[i].AsSpan().IndexOf(TimeKey) + TimeKey.Length;
            _seconds[i] = records[i].Seconds;
        }

        Duration = TimeSpan.FromMinutes(minutes);
    }

    /// <summary>The records, in event-time order.</summary>
    public byte[][] Records { get; }

    /// <summary>How much event time the stream covers.</summary>
    public TimeSpan Duration { get; }

    /// <summary>Rewrites every record's time so the stream starts at <paramref name="start"/>.</summary>
    public void StartAt(DateTime start)
    {
        for (int i = 0; i < Records.Length; i++)
        {
            start.AddSeconds(_seconds[i]).TryFormat(Records[i].AsSpan(_timeOffsets[i], TimeFormat.Length), out _, TimeFormat, CultureInfo.InvariantCulture);
        }
    }

    private static string Guid(int host, int process) => $"{{8d1c5f3a-{host:x4}-673d-{process:x4}-000000001a00}}";

    private static string Time(double seconds) =>
        new DateTime(2026, 11, 20, 0, 0, 0, DateTimeKind.Utc).AddSeconds(seconds).ToString(TimeFormat, CultureInfo.InvariantCulture);

    private static string Record(int eventId, string host, double seconds, params (string Name, string Value)[] fields)
    {
        var json = new StringBuilder();
        json.Append("{\"EventID\":").Append(eventId).Append(",\"UtcTime\":\"").Append(Time(seconds))
            .Append("\",\"SourceName\":\"Microsoft-Windows-Sysmon\",\"Channel\":\"Microsoft-Windows-Sysmon/Operational\",\"Hostname\":\"").Append(host).Append('"');
        foreach ((string name, string value) in fields)
        {
            json.Append(',').Append(JsonSerializer.Serialize(name)).Append(':').Append(JsonSerializer.Serialize(value));
        }

        return json.Append('}').ToString();
    }

    private static string Connection(string host, string guid, string image, string destination, int port, double seconds) =>
        Record(3, host, seconds, ("RuleName", "-"), ("ProcessGuid", guid), ("ProcessId", "4120"), ("Image", image), ("User", @"CORP\alice"),
            ("Protocol", "tcp"), ("Initiated", "true"), ("SourceIsIpv6", "false"), ("SourceIp", "10.20.1.15"), ("SourceHostname", "-"),
            ("SourcePort", "50312"), ("SourcePortName", "-"), ("DestinationIsIpv6", "false"), ("DestinationIp", destination),
            ("DestinationHostname", "-"), ("DestinationPort", port.ToString(CultureInfo.InvariantCulture)), ("DestinationPortName", "-"));

    private static string ProcessCreate(string host, string guid, string image, string commandLine, double seconds) =>
        Record(1, host, seconds, ("RuleName", "-"), ("ProcessGuid", guid), ("ProcessId", "4120"), ("Image", image), ("CommandLine", commandLine),
            ("CurrentDirectory", @"C:\Users\alice\"), ("User", @"CORP\alice"), ("IntegrityLevel", "Medium"),
            ("ParentProcessGuid", "{8d1c5f3a-0000-673d-0000-000000001a00}"), ("ParentImage", @"C:\Windows\explorer.exe"), ("ParentCommandLine", @"C:\Windows\Explorer.EXE"));

    private static string ProcessTerminated(string host, string guid, double seconds) =>
        Record(5, host, seconds, ("RuleName", "-"), ("ProcessGuid", guid), ("ProcessId", "4120"), ("Image", @"C:\Windows\System32\cmd.exe"), ("User", @"CORP\alice"));

    private static string RegistrySet(string host, string guid, string target, string details, double seconds) =>
        Record(13, host, seconds, ("RuleName", "-"), ("EventType", "SetValue"), ("ProcessGuid", guid), ("ProcessId", "4120"),
            ("Image", @"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe"), ("TargetObject", target), ("Details", details), ("User", @"CORP\alice"));
}
