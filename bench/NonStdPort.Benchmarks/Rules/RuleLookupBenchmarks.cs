using System.Text;
using BenchmarkDotNet.Attributes;
using NonStdPort.Core.Detect;
using NonStdPort.Core.Rules;
using NonStdPort.Core.Write;

namespace NonStdPort.Benchmarks.Rules;

/// <summary>The rule-set lookups the scorer makes per network connection, one at a time.</summary>
[MemoryDiagnoser]
public class RuleLookupBenchmarks
{
    private readonly RuleSet _rules = RuleSet.Default;
    private readonly Scorer _scorer = new(RuleSet.Default);
    private readonly byte[] _ipv4 = Encoding.UTF8.GetBytes("151.101.0.133");
    private readonly byte[] _ipv6Uncompressed = Encoding.UTF8.GetBytes("fe80:0:0:0:1c2d:3e4f:5a6b:7c8d");
    private readonly byte[] _image = Encoding.UTF8.GetBytes("C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe");
    private readonly byte[] _benignImage = Encoding.UTF8.GetBytes("C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe");
    private readonly byte[] _linuxImage = Encoding.UTF8.GetBytes("/usr/bin/python3.11");
    private readonly byte[] _time = Encoding.UTF8.GetBytes("2019-05-18 20:36:50.123");
    private IpAddress _external;
    private IpAddress _internal;

    /// <summary>Parses the addresses looked up below.</summary>
    [GlobalSetup]
    public void Setup()
    {
        IpAddress.TryParse(_ipv4, out _external);
        IpAddress.TryParse(_ipv6Uncompressed, out _internal);
    }

    /// <summary>Parse a dotted quad.</summary>
    [Benchmark]
    public bool ParseIPv4() => IpAddress.TryParse(_ipv4, out _);

    /// <summary>Parse a written-out IPv6 address.</summary>
    [Benchmark]
    public bool ParseIPv6Uncompressed() => IpAddress.TryParse(_ipv6Uncompressed, out _);

    /// <summary>Internal-network test of an external IPv4 address (20 default networks).</summary>
    [Benchmark]
    public bool InternalNetworksExternal() => _rules.InternalNetworks.Contains(_external);

    /// <summary>Internal-network test of a link-local IPv6 address.</summary>
    [Benchmark]
    public bool InternalNetworksInternal() => _rules.InternalNetworks.Contains(_internal);

    /// <summary>C2 port bitmap lookup.</summary>
    [Benchmark]
    public bool C2Port() => _rules.C2Ports.Contains(4444);

    /// <summary>High-risk process hit (Windows full path).</summary>
    [Benchmark]
    public bool HighRiskHit() => _rules.HighRiskProcesses.ContainsImage(_image);

    /// <summary>High-risk process miss (a browser).</summary>
    [Benchmark]
    public bool HighRiskMiss() => _rules.HighRiskProcesses.ContainsImage(_benignImage);

    /// <summary>High-risk process prefix hit (python3*).</summary>
    [Benchmark]
    public bool HighRiskPrefixHit() => _rules.HighRiskProcesses.ContainsImage(_linuxImage);

    /// <summary>The whole score of one connection (process, ports, internal networks, suppressions, threshold).</summary>
    [Benchmark]
    public byte Score() => _scorer.Score(_image, _external, 4444, ConnectionDirection.Outbound).RiskScore;

    /// <summary>Parse a Sysmon UtcTime.</summary>
    [Benchmark]
    public long ParseEventTime() => EventTime.TryParseUtcTicks(_time, out long ticks) ? ticks : 0;
}
