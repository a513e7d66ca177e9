using System.Text;
using System.Text.Json;
using NonStdPort.Core;
using NonStdPort.Core.Detect;
using NonStdPort.Core.Read;
using NonStdPort.Core.Write;
using NonStdPort.Kafka.Pipeline;

namespace NonStdPort.Kafka.Tests.Support;

/// <summary>
/// A stand-in for the engine in plumbing tests, with a trivial record format:
/// <c>{"host":"H","score":N,"id":"X"}</c> is an alert with risk score N (when N &gt; 0), with the
/// record's Kafka source; anything that is not a JSON object is malformed. Counts as the engine counts.
/// </summary>
internal sealed class FakeProcessor : IRecordProcessor
{
    public EngineCounters Counters { get; } = new();

    public RecordOutcome Process(ReadOnlySpan<byte> record, in SourceRef source, AlertBatch output)
    {
        Counters.Records++;
        if (record.IsEmpty || record[0] != (byte)'{')
        {
            Counters.Malformed++;
            return new RecordOutcome(OutcomeKind.Malformed, MalformedReason.InvalidJson, NotAlertReason.None, 0, 0);
        }

        using var doc = JsonDocument.Parse(record.ToArray());
        string host = doc.RootElement.GetProperty("host").GetString()!;
        int score = doc.RootElement.GetProperty("score").GetInt32();
        string id = doc.RootElement.GetProperty("id").GetString()!;
        if (score == 0)
        {
            Counters.BelowThreshold++;
            return new RecordOutcome(OutcomeKind.NotAlert, MalformedReason.None, NotAlertReason.BelowThreshold, 0, 0);
        }

        int keyStart = output.WrittenCount;
        output.Write(Encoding.UTF8.GetBytes(host));
        int start = output.WrittenCount;
        output.Write(Encoding.UTF8.GetBytes(
            $"{{\"id\":\"{id}\",\"hostname\":\"{host}\",\"risk_score\":{score},\"source\":{{\"topic\":\"{source.Topic}\",\"partition\":{source.Partition},\"offset\":{source.Offset}}}}}"));
        output.AddEntry(start, keyStart, host.Length, (byte)score, DetectionRule.NonStandardPort);
        output.Write("\n"u8);
        Counters.Alerts++;
        Counters.AlertsByScore[Math.Min(score, 3)]++;
        return new RecordOutcome(OutcomeKind.Alert, MalformedReason.None, NotAlertReason.None, (byte)score, 1);
    }

    public static byte[] Record(string host, int score, string id) =>
        Encoding.UTF8.GetBytes($"{{\"host\":\"{host}\",\"score\":{score},\"id\":\"{id}\"}}");
}
