using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using NonStdPort.Core.Read;

namespace NonStdPort.Benchmarks.Read;

/// <summary>Reading one typical record per envelope into a <see cref="SysmonRecord"/> (one call = one record).</summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class ReadBenchmarks
{
    private readonly RecordReader _reader = new();
    private byte[] _flat = [];
    private byte[] _winlogbeat = [];
    private byte[] _winlogbeatLegacy = [];
    private byte[] _xml = [];
    private byte[] _sentinelWindowsEvent = [];
    private byte[] _sentinelSyslog = [];
    private byte[] _evtxDump = [];

    [GlobalSetup]
    public void Setup()
    {
        _flat = Load(ReadBenchmarkRecords.Flat);
        _winlogbeat = Load(ReadBenchmarkRecords.Winlogbeat);
        _winlogbeatLegacy = Load(ReadBenchmarkRecords.WinlogbeatLegacy);
        _xml = Load(ReadBenchmarkRecords.Xml);
        _sentinelWindowsEvent = Load(ReadBenchmarkRecords.SentinelWindowsEvent);
        _sentinelSyslog = Load(ReadBenchmarkRecords.SentinelSyslog);
        _evtxDump = Load(ReadBenchmarkRecords.EvtxDump);
    }

    private byte[] Load(string text)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        var record = default(SysmonRecord);
        if (!_reader.Read(bytes, ref record).IsOk || record.EventId != 3 || record.DestinationPort.IsEmpty)
        {
            throw new InvalidOperationException("benchmark record does not read as a network event");
        }

        return bytes;
    }

    private int Read(byte[] bytes)
    {
        var record = default(SysmonRecord);
        _reader.Read(bytes, ref record);
        return record.EventId + record.DestinationPort.Length;
    }

    /// <summary>Flat Sysmon JSON (NXLog), about 1 KB.</summary>
    [Benchmark]
    public int FlatJson() => Read(_flat);

    /// <summary>Winlogbeat 8 with the Sysmon module (ECS), about 2 KB.</summary>
    [Benchmark]
    public int Winlogbeat() => Read(_winlogbeat);

    /// <summary>Winlogbeat 6.</summary>
    [Benchmark]
    public int WinlogbeatLegacy() => Read(_winlogbeatLegacy);

    /// <summary>Windows event XML, about 1.5 KB.</summary>
    [Benchmark]
    public int EventXml() => Read(_xml);

    /// <summary>Sentinel WindowsEvent row (EventData is a JSON string holding JSON).</summary>
    [Benchmark]
    public int SentinelWindowsEvent() => Read(_sentinelWindowsEvent);

    /// <summary>Sentinel Syslog row holding Sysmon for Linux XML.</summary>
    [Benchmark]
    public int SentinelSyslog() => Read(_sentinelSyslog);

    /// <summary>evtx_dump JSON.</summary>
    [Benchmark]
    public int EvtxDump() => Read(_evtxDump);

    /// <summary>Yardstick: a plain <see cref="Utf8JsonReader"/> pass that only tokenizes the flat record.</summary>
    [Benchmark]
    public int Utf8JsonReaderTokenizeFlat()
    {
        var reader = new Utf8JsonReader(_flat);
        int tokens = 0;
        while (reader.Read())
        {
            tokens++;
        }

        return tokens;
    }
}
