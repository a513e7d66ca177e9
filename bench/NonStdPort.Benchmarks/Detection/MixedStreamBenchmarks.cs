using BenchmarkDotNet.Attributes;
using NonStdPort.Core;
using NonStdPort.Core.Rules;
using NonStdPort.Core.Write;

namespace NonStdPort.Benchmarks.Detection;

/// <summary>
/// A mixed stream (EID 1/3/5/13, 1,000 hosts, 40 minutes of event time per iteration) through
/// <see cref="Engine.Process"/> with every detection on, and with the stateful ones off for
/// comparison. Each iteration moves the stream 40 minutes forward in event time, so the state is
/// warm and no record is late. Figures are per record.
/// </summary>
[MemoryDiagnoser]
public class MixedStreamBenchmarks
{
    private const int Hosts = 1000;
    private const int Minutes = 40;
    private const int RecordCount = 173_000; // per host: 1 process start, 40 minutes × 4 connections, 4 short-lived processes (EID 1 + 5), 4 registry writes

    private static readonly DateTime Start = new(2026, 11, 20, 0, 0, 0, DateTimeKind.Utc);

    private readonly MixedStream _stream = new(Hosts, Minutes);
    private readonly AlertBatch _batch = new(1 << 20);
    private Engine _engine = null!;
    private int _pass;

    [Params(true, false)]
    public bool StatefulDetections { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        if (_stream.Records.Length != RecordCount)
        {
            throw new InvalidOperationException($"The stream holds {_stream.Records.Length} records, not {RecordCount}.");
        }

        RuleSet rules = StatefulDetections
            ? RuleSet.Default
            : RulesFile.Parse("beacon:\n  enabled: false\nrdp_port_change:\n  enabled: false\nlineage:\n  enabled: false\n").Rules!;
        _engine = new Engine(rules);
        _pass = 0;
    }

    [IterationSetup]
    public void MoveForward() => _stream.StartAt(Start + _stream.Duration * _pass++);

    [Benchmark(OperationsPerInvoke = RecordCount)]
    public int Process()
    {
        int alerts = 0;
        SourceRef source = SourceRef.FromFile("mixed.json", 1);
        foreach (byte[] record in _stream.Records)
        {
            _batch.Clear();
            alerts += _engine.Process(record, source, _batch).AlertsWritten;
        }

        return alerts;
    }
}
