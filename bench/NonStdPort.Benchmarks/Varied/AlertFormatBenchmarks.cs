using BenchmarkDotNet.Attributes;
using NonStdPort.Core;
using NonStdPort.Core.Detect;
using NonStdPort.Core.Read;
using NonStdPort.Core.Rules;
using NonStdPort.Core.Write;

namespace NonStdPort.Benchmarks.Varied;

/// <summary>
/// The cost of writing one alert in each format, over the alerting records among 20,000 generated
/// flat records (varied hosts, users, images, addresses and ports). <see cref="ReadAndScore"/> is the
/// baseline every record pays; <see cref="ReadScoreAndWrite"/> adds the format's writer, so the
/// difference is the format's cost per alert. One operation = one alerting record.
/// </summary>
[MemoryDiagnoser]
public class AlertFormatBenchmarks
{
    private readonly RecordReader _reader = new();
    private readonly AlertBatch _batch = new(1 << 24);
    private readonly Scorer _scorer = new(RuleSet.Default);
    private byte[][] _alerting = [];
    private IAlertFormatter _writer = null!;

    /// <summary>The format.</summary>
    [Params(AlertFormat.Json, AlertFormat.Ecs, AlertFormat.Ocsf, AlertFormat.Leef, AlertFormat.Cef)]
    public AlertFormat Format { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        GeneratedRecords records = GeneratedRecords.Generate("flat", 35, 20_000);
        var alerting = new List<byte[]>();
        var view = default(SysmonRecord);
        for (int i = 0; i < records.Count; i++)
        {
            if (_reader.Read(records[i], ref view).IsOk && NetworkConnection.TryRead(view, out NetworkConnection c) == MalformedReason.None
                && _scorer.Score(view.Image, c.Destination, c.DestinationPort, c.Direction).IsAlert)
            {
                alerting.Add(records[i].ToArray());
            }
        }

        _alerting = [.. alerting];
        _writer = AlertFormats.Create(Format);
    }

    /// <summary>Operations per invocation: the alerting records.</summary>
    public int Count => _alerting.Length;

    /// <summary>Read and score each alerting record, and build its columns; no alert written.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = 7000)]
    public long ReadAndScore() => Run(write: false);

    /// <summary>The same plus writing the alert in <see cref="Format"/>.</summary>
    [Benchmark(OperationsPerInvoke = 7000)]
    public long ReadScoreAndWrite() => Run(write: true);

    private long Run(bool write)
    {
        long sum = 0;
        var view = default(SysmonRecord);
        SourceRef source = SourceRef.FromFile("generated.ndjson", 1);
        _batch.Clear();
        // OperationsPerInvoke is a constant: take exactly 7,000 alerting records, cycling.
        for (int i = 0; i < 7000; i++)
        {
            byte[] record = _alerting[i % _alerting.Length];
            _reader.Read(record, ref view);
            NetworkConnection.TryRead(view, out NetworkConnection connection);
            Verdict verdict = _scorer.Score(view.Image, connection.Destination, connection.DestinationPort, connection.Direction);
            AlertColumns columns = AlertColumns.ForConnection(view, 638_000_000_000_000_000 + i, connection, verdict);
            if (write)
            {
                if (_batch.WrittenCount > (1 << 23))
                {
                    _batch.Clear();
                }

                _writer.Write(_batch, new AlertDetails(columns), source);
            }

            sum += columns.RiskScore;
        }

        return sum + _batch.WrittenCount;
    }
}
