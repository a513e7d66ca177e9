using BenchmarkDotNet.Attributes;
using NonStdPort.Core;
using NonStdPort.Core.Read;
using NonStdPort.Core.Rules;
using NonStdPort.Core.Write;

namespace NonStdPort.Benchmarks.Varied;

/// <summary>
/// Reading, and reading plus every detection, over 20,000 generated records of each envelope in
/// file order (the same generator and mix as the end-to-end <c>score</c> runs), so the figures per
/// record predict what <c>score</c> spends on parsing and scoring. One operation = one record.
/// </summary>
[MemoryDiagnoser]
public class VariedRecordBenchmarks
{
    private const int RecordCount = 20_000;

    private readonly RecordReader _reader = new();
    private readonly AlertBatch _batch = new(1 << 22);
    private GeneratedRecords _records = null!;
    private Engine _engine = null!;

    /// <summary>The envelope, as the generator names it.</summary>
    [Params("flat", "winlogbeat", "winlogbeat6", "xml")]
    public string Envelope { get; set; } = "flat";

    /// <summary>The share of alerting connections.</summary>
    [Params(1, 35)]
    public int AlertPercent { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _records = GeneratedRecords.Generate(Envelope, AlertPercent, RecordCount);
        _engine = new Engine(RuleSet.Default);
        if (Read() != 0)
        {
            throw new InvalidOperationException("a generated record does not read");
        }
    }

    /// <summary>Envelope detection, UTF-8 and JSON/XML validation, field extraction.</summary>
    [Benchmark(OperationsPerInvoke = RecordCount)]
    public int Read()
    {
        int malformed = 0;
        var record = default(SysmonRecord);
        for (int i = 0; i < _records.Count; i++)
        {
            malformed += _reader.Read(_records[i], ref record).IsOk ? 0 : 1;
        }

        return malformed;
    }

    /// <summary><see cref="Engine.Process"/>: read, score, every detection, alert JSON (what <c>score</c> does per record).</summary>
    [Benchmark(OperationsPerInvoke = RecordCount)]
    public int Process()
    {
        int alerts = 0;
        SourceRef source = SourceRef.FromFile("generated.ndjson", 1);
        _batch.Clear();
        for (int i = 0; i < _records.Count; i++)
        {
            alerts += _engine.Process(_records[i], source, _batch).AlertsWritten;
        }

        return alerts;
    }
}
