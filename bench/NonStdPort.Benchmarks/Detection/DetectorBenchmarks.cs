using System.Text;
using BenchmarkDotNet.Attributes;
using NonStdPort.Core.Detect;
using NonStdPort.Core.Rules;
using NonStdPort.Core.Read;

namespace NonStdPort.Benchmarks.Detection;

/// <summary>
/// The stateful detectors on their own, over warm state: a beacon observation of a known key
/// (10,000 keys round-robin), a lineage lookup of a known process (10,000 processes), and the
/// RDP check of an EID 13 record. Per operation.
/// </summary>
[MemoryDiagnoser]
public class DetectorBenchmarks
{
    private const int Keys = 10_000;
    private static readonly long T0 = new DateTime(2026, 11, 28, 0, 0, 0, DateTimeKind.Utc).Ticks;

    private readonly byte[][] _hosts = new byte[Keys][];
    private readonly byte[][] _guids = new byte[Keys][];
    private readonly byte[] _image = Encoding.UTF8.GetBytes(@"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe");
    private readonly byte[] _target = Encoding.UTF8.GetBytes(@"HKLM\System\CurrentControlSet\Control\Terminal Server\WinStations\RDP-Tcp\PortNumber");
    private readonly byte[] _details = Encoding.UTF8.GetBytes("DWORD (0x00008462)");
    private BeaconTracker _beacon = null!;
    private ProcessLineage _lineage = null!;
    private long _time;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _beacon = new BeaconTracker(new BeaconOptions());
        _lineage = new ProcessLineage(new LineageOptions());
        for (int i = 0; i < Keys; i++)
        {
            _hosts[i] = Encoding.UTF8.GetBytes($"WS{i:D5}.corp.example");
            _guids[i] = Encoding.UTF8.GetBytes($"{{8d1c5f3a-4d21-673d-7c01-{i:D12}}}");
            _lineage.Remember(_hosts[i], _guids[i], @"C:\Windows\explorer.exe"u8, "powershell.exe -nop -w hidden -enc SQBFAFgA"u8, @"C:\Windows\Explorer.EXE"u8, T0);
        }

        _time = T0;
        for (int i = 0; i < Keys * 8; i++)
        {
            BeaconObserve();
        }
    }

    [Benchmark]
    public int BeaconObserve()
    {
        int key = _next++ % Keys;
        _time += TimeSpan.TicksPerMillisecond * 6; // each key every 60 s
        return (int)_beacon.Observe(_hosts[key], _image, "93.184.216.34"u8, 9001, _time).Verdict;
    }

    [Benchmark]
    public int LineageLookup()
    {
        int key = _next++ % Keys;
        return _lineage.TryGet(_hosts[key], _guids[key], T0, out ProcessContext context) ? context.ParentImage.Length : 0;
    }

    [Benchmark]
    public int RdpPortChangeCheck()
    {
        var record = new SysmonRecord { EventId = 13, Provider = ProviderKind.Sysmon, TargetObject = _target, Details = _details };
        return RdpPortChange.IsPortChange(record, out int port) ? port : 0;
    }
}
