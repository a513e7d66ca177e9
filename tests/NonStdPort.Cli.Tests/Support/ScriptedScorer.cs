using System.Text;
using NonStdPort.Cli.Files;
using NonStdPort.Core;
using NonStdPort.Core.Detect;
using NonStdPort.Core.Read;
using NonStdPort.Core.Write;

namespace NonStdPort.Cli.Tests.Support;

/// <summary>
/// A stand-in for the engine that reads a tiny script per record, so the file pipeline can be
/// tested on its own: <c>alert SCORE TIME</c> writes an alert, <c>bad</c> is malformed JSON,
/// <c>net</c> is a scored connection that is not an alert, anything else is skipped.
/// </summary>
internal sealed class ScriptedScorer : IRecordScorer
{
    public EngineCounters Counters { get; } = new();

    /// <summary>No split: the pipeline scores every scripted record on one thread.</summary>
    public IStatelessScorer? CreateStatelessScorer() => null;

    public RecordOutcome Process(ReadOnlySpan<byte> record, in SourceRef source, AlertBatch output)
    {
        Counters.Records++;
        string text = Encoding.UTF8.GetString(record);
        string[] words = text.Split(' ');
        switch (words[0])
        {
            case "alert":
                byte score = byte.Parse(words[1]);
                string json = $"{{\"event_time\":\"{words[2]} {words[3]}\",\"risk_score\":{score},\"source\":{{\"file\":\"{source.File}\",\"line\":{source.Line}}}}}";
                int start = output.WrittenCount;
                output.Write(Encoding.UTF8.GetBytes(json));
                output.AddEntry(start, start, 0, score, DetectionRule.NonStandardPort);
                output.Write("\n"u8);
                Counters.NetworkEvents++;
                Counters.Alerts++;
                Counters.AlertsByScore[score]++;
                return new RecordOutcome(OutcomeKind.Alert, MalformedReason.None, NotAlertReason.None, score, 1);
            case "bad":
                Counters.Malformed++;
                return new RecordOutcome(OutcomeKind.Malformed, MalformedReason.InvalidJson, NotAlertReason.None, 0, 0);
            case "net":
                Counters.NetworkEvents++;
                Counters.Suppressed++;
                return new RecordOutcome(OutcomeKind.NotAlert, MalformedReason.None, NotAlertReason.Suppressed, 1, 0);
            default:
                Counters.Skipped++;
                return new RecordOutcome(OutcomeKind.Skipped, MalformedReason.None, NotAlertReason.None, 0, 0);
        }
    }
}
