using NonStdPort.Core.Tests.Support;
using System.Text;
using NonStdPort.Core.Rules;
using NonStdPort.Core.Write;
using static NonStdPort.Core.Tests.Detections.SysmonJson;

namespace NonStdPort.Core.Tests.Detections;

/// <summary>Once its keys exist, a mixed stream (EID 1/3/5/13) through the engine allocates nothing per record.</summary>
public sealed class DetectionAllocationTests
{
    private const int Hosts = 50;
    private const string RdpPort = @"HKLM\System\CurrentControlSet\Control\Terminal Server\WinStations\RDP-Tcp\PortNumber";

    /// <summary>Ten minutes of a host's life starting at <paramref name="start"/> seconds: the same processes and destinations each time.</summary>
    private static IEnumerable<(double Seconds, string Record)> Minutes(int host, double start)
    {
        string name = $"WS{host:D3}.corp.example";
        string shell = $"{{8d1c5f3a-{host:x4}-673d-0001-000000001a00}}";
        string child = $"{{8d1c5f3a-{host:x4}-673d-0002-000000001a00}}";
        string shellRecord(double s) => ProcessCreate(s, shell, PowerShell, @"C:\Windows\explorer.exe", "powershell.exe -nop -w hidden").Replace(Host, name, StringComparison.Ordinal);
        yield return (start, shellRecord(start));
        for (int m = 0; m < 10; m++)
        {
            double t = start + m * 60 + host * 0.1;
            yield return (t + 1, Connection(t + 1, shell, port: 9001, host: name));                                          // alert, beacon
            yield return (t + 2, Connection(t + 2, shell, image: @"C:\Tools\agent.exe", port: 7000, host: name));            // beacon candidate only
            yield return (t + 3, Connection(t + 3, shell, destinationIp: "10.0.0.10", port: 445, host: name));               // internal
            yield return (t + 4, ProcessCreate(t + 4, child, @"C:\Windows\System32\cmd.exe", PowerShell, "cmd /c whoami").Replace(Host, name, StringComparison.Ordinal));
            yield return (t + 5, Connection(t + 5, child, image: @"C:\Windows\System32\cmd.exe", port: 4444, host: name));  // alert with lineage
            yield return (t + 6, ProcessTerminated(t + 6, child, @"C:\Windows\System32\cmd.exe").Replace(Host, name, StringComparison.Ordinal));
            yield return (t + 7, RegistrySet(t + 7, m % 2 == 0 ? RdpPort : @"HKLM\Software\Run\x", "DWORD (0x00008462)").Replace(Host, name, StringComparison.Ordinal));
        }
    }

    private static byte[][] Stream(double start) =>
        Enumerable.Range(0, Hosts).SelectMany(h => Minutes(h, start)).OrderBy(r => r.Seconds).Select(r => Encoding.UTF8.GetBytes(r.Record)).ToArray();

    [Theory]
    [MemberData(nameof(Tests.Write.FormatSamples.Formats), MemberType = typeof(Tests.Write.FormatSamples))]
    public void A_warm_mixed_stream_allocates_nothing_per_record_in_every_format(AlertFormat format)
    {
        byte[][] warm = Stream(0);
        byte[][] measured = Stream(600);
        var engine = new Core.Engine(RuleSet.Default, new EngineOptions { Format = format });
        var batch = new AlertBatch(1 << 20);
        var source = SourceRef.FromFile("mixed.json", 1);
        int alerts = 0;
        foreach (byte[] record in warm)
        {
            batch.Clear();
            alerts += engine.Process(record, source, batch).AlertsWritten;
        }

        AllocationAssert.NoneInSomeRound(share =>
        {
            // Each round takes the next third of the measured stream, so event time keeps moving on.
            int from = measured.Length * share / 3, to = measured.Length * (share + 1) / 3;
            for (int i = from; i < to; i++)
            {
                batch.Clear();
                alerts += engine.Process(measured[i], source, batch).AlertsWritten;
            }
        });

        // The measured pass really ran every detection: single alerts, RDP alerts, and the beacons kept being tracked.
        Assert.Equal(Hosts * 3, engine.Counters.BeaconAlerts); // PowerShell to 9001, the agent to 7000, the repeated cmd.exe to 4444
        Assert.Equal(Hosts * 10, engine.Counters.RdpPortChangeAlerts);
        Assert.Equal(Hosts * 2 * 10 * 2, engine.Counters.AlertsByScore[3] + engine.Counters.AlertsByScore[2]);
        Assert.Equal(0, engine.Counters.LateRecords);
        Assert.True(alerts > 0);
    }
}
