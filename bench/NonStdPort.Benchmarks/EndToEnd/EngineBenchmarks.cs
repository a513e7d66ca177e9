using System.Text;
using BenchmarkDotNet.Attributes;
using NonStdPort.Core;
using NonStdPort.Core.Read;
using NonStdPort.Core.Rules;
using NonStdPort.Core.Write;

namespace NonStdPort.Benchmarks.EndToEnd;

/// <summary>
/// The engine after the reader: classify, event time, network fields, score, write the alert JSON
/// and count, on a record view built once (so the figure excludes envelope parsing).
/// </summary>
[MemoryDiagnoser]
public class EngineStagesBenchmarks
{
    private readonly byte[] _time = U("2019-05-18 20:36:50.123");
    private readonly byte[] _computer = U("WS01.corp.example");
    private readonly byte[] _user = U("CORP\\alice");
    private readonly byte[] _image = U("C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe");
    private readonly byte[] _guid = U("{5e3b2d1a-1b2c-5f00-0000-0010a1b2c3d4}");
    private readonly byte[] _protocol = U("tcp");
    private readonly byte[] _initiated = U("true");
    private readonly byte[] _sourceIp = U("10.0.2.15");
    private readonly byte[] _externalIp = U("151.101.0.133");
    private readonly byte[] _internalIp = U("10.0.2.18");
    private readonly byte[] _port = U("4444");
    private readonly Engine _engine = new(RuleSet.Default);
    private readonly AlertBatch _batch = new(1 << 20);
    private readonly SourceRef _source = SourceRef.FromFile("events.json", 1);

    private static byte[] U(string s) => Encoding.UTF8.GetBytes(s);

    private SysmonRecord View(byte[] destination) => new()
    {
        Envelope = Envelope.SysmonJson,
        Provider = ProviderKind.Sysmon,
        EventId = 3,
        UtcTime = _time,
        Computer = _computer,
        User = _user,
        Image = _image,
        ProcessGuid = _guid,
        Protocol = _protocol,
        Initiated = _initiated,
        SourceIp = _sourceIp,
        DestinationIp = destination,
        DestinationPort = _port,
    };

    /// <summary>An alert: scored and written as JSON into the batch.</summary>
    [Benchmark]
    public int AlertWritten()
    {
        if (_batch.WrittenCount > (1 << 19))
        {
            _batch.Clear();
        }

        return _engine.ProcessView(View(_externalIp), _source, _batch).AlertsWritten;
    }

    /// <summary>Not an alert (internal destination): scored only.</summary>
    [Benchmark]
    public int InternalNotWritten() => _engine.ProcessView(View(_internalIp), _source, _batch).RiskScore;
}
