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

/// <summary>
/// <see cref="Engine.Process"/> end to end on one flat Sysmon JSON record (~1 KB, NXLog shape):
/// read, classify, parse, score and, for an alert, write the JSON.
/// </summary>
[MemoryDiagnoser]
public class EngineProcessBenchmarks
{
    private const string FlatTemplate =
        """{"EventTime":"2024-03-01 11:15:02","Hostname":"WS01.corp.example","Keywords":-9223372036854775808,"EventType":"INFO","SeverityValue":2,"Severity":"INFO","EventID":3,"SourceName":"Microsoft-Windows-Sysmon","ProviderGuid":"{5770385F-C22A-43E0-BF4C-06F5698FFBD9}","Version":5,"Task":3,"OpcodeValue":0,"RecordNumber":48213,"ProcessID":2116,"ThreadID":3364,"Channel":"Microsoft-Windows-Sysmon/Operational","Domain":"NT AUTHORITY","AccountName":"SYSTEM","UserID":"S-1-5-18","AccountType":"User","Category":"Network connection detected (rule: NetworkConnect)","Opcode":"Info","RuleName":"-","UtcTime":"2024-03-01 10:15:01.372","ProcessGuid":"{8f3c2a10-1b2c-65e1-5a01-000000000700}","ProcessId":"5120","Image":"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe","User":"CORP\\alice","Protocol":"tcp","Initiated":"true","SourceIsIpv6":"false","SourceIp":"10.20.30.40","SourceHostname":"WS01.corp.example","SourcePort":"51544","SourcePortName":"-","DestinationIsIpv6":"false","DestinationIp":"DESTINATION","DestinationHostname":"-","DestinationPort":"4444","DestinationPortName":"-","EventReceivedTime":"2024-03-01 11:15:03","SourceModuleName":"eventlog","SourceModuleType":"im_msvistalog"}""";

    private readonly byte[] _alert = Encoding.UTF8.GetBytes(FlatTemplate.Replace("DESTINATION", "45.33.32.156", StringComparison.Ordinal));
    private readonly byte[] _internal = Encoding.UTF8.GetBytes(FlatTemplate.Replace("DESTINATION", "10.20.30.1", StringComparison.Ordinal));
    private readonly byte[] _otherEvent = Encoding.UTF8.GetBytes(FlatTemplate
        .Replace("\"EventID\":3", "\"EventID\":22", StringComparison.Ordinal)
        .Replace("DESTINATION", "10.20.30.1", StringComparison.Ordinal));
    private readonly Engine _engine = new(RuleSet.Default);
    private readonly AlertBatch _batch = new(1 << 20);
    private readonly SourceRef _source = SourceRef.FromFile("events.json", 1);

    /// <summary>Checks that the records do what their names say.</summary>
    [GlobalSetup]
    public void Setup()
    {
        if (_engine.Process(_alert, _source, _batch).Kind != Core.Detect.OutcomeKind.Alert
            || _engine.Process(_internal, _source, _batch).Kind != Core.Detect.OutcomeKind.NotAlert
            || _engine.Process(_otherEvent, _source, _batch).Kind != Core.Detect.OutcomeKind.Skipped)
        {
            throw new InvalidOperationException("The benchmark records are not read as intended.");
        }
    }

    /// <summary>An external C2 connection: read, scored and written as an alert.</summary>
    [Benchmark]
    public int FlatAlert()
    {
        if (_batch.WrittenCount > (1 << 19))
        {
            _batch.Clear();
        }

        return _engine.Process(_alert, _source, _batch).AlertsWritten;
    }

    /// <summary>An internal connection (the common case): read and scored, nothing written.</summary>
    [Benchmark]
    public int FlatInternal() => _engine.Process(_internal, _source, _batch).RiskScore;

    /// <summary>Another Sysmon event id (DNS query): read and skipped.</summary>
    [Benchmark]
    public int FlatOtherEvent() => (int)_engine.Process(_otherEvent, _source, _batch).Kind;
}
