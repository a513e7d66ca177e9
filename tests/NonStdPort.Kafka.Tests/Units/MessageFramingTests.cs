using System.Text;
using Confluent.Kafka;
using NonStdPort.Core;
using NonStdPort.Core.Detect;
using NonStdPort.Core.Read;
using NonStdPort.Core.Write;
using NonStdPort.Kafka.Pipeline;

namespace NonStdPort.Kafka.Tests.Units;

/// <summary>How one Kafka message is cut into records: by the same framer as a file.</summary>
public sealed class MessageFramingTests
{
    [Theory]
    [InlineData("{\"a\":1}", new[] { "{\"a\":1}" })]
    [InlineData("{\"a\":1}\n", new[] { "{\"a\":1}" })]
    [InlineData("{\"a\":1}\n{\"b\":2}", new[] { "{\"a\":1}", "{\"b\":2}" })]
    [InlineData("{\"a\":1}\r\n{\"b\":2}\r\n", new[] { "{\"a\":1}", "{\"b\":2}" })]
    [InlineData("\n\n  {\"a\":1}\n\n\t\n{\"b\":2}\n\n", new[] { "{\"a\":1}", "{\"b\":2}" })]
    [InlineData("", new string[0])]
    [InlineData(" \r\n\t", new string[0])]
    [InlineData("<Event><System/>\n  <EventData/>\n</Event>", new[] { "<Event><System/>\n  <EventData/>\n</Event>" })]
    [InlineData("<Event>a</Event>\n<Event>b</Event>\n", new[] { "<Event>a</Event>", "<Event>b</Event>" })]
    [InlineData("<Event>truncated", new[] { "<Event>truncated" })]
    [InlineData("not json\n{\"a\":1}", new[] { "not json", "{\"a\":1}" })]
    [InlineData("{\n  \"a\": {\n    \"b\": 1\n  }\n}\n", new[] { "{\n  \"a\": {\n    \"b\": 1\n  }\n}" })]
    [InlineData("{\"a\":1}\n{\n \"b\": 2\n}", new[] { "{\"a\":1}", "{\n \"b\": 2\n}" })]
    [InlineData("<?xml version=\"1.0\"?>\n<Events>\n<Event>a</Event>\n<Event>b</Event>\n</Events>\n", new[] { "<Event>a</Event>", "<Event>b</Event>" })]
    [InlineData("{\"a\":1}\n{\"b\":\"cut\n{\"c\":3}\n", new[] { "{\"a\":1}", "{\"b\":\"cut", "{\"c\":3}" })]
    public void A_message_holds_what_a_file_may_hold(string message, string[] records)
    {
        var processor = new RecordingProcessor();
        var scorer = new MessageScorer(() => processor);

        ScoredMessage scored = Score(scorer, message);

        Assert.Equal(records, processor.Records);
        Assert.Equal(records.Length, scored.Records);
    }

    [Fact]
    public void A_record_over_the_maximum_is_one_malformed_report_and_later_records_are_still_read()
    {
        var processor = new RecordingProcessor();
        var scorer = new MessageScorer(() => processor, maxRecordBytes: 64);
        string message = "{\"a\":1}\n" + new string('x', 500) + "\n{\"b\":2}\n";

        ScoredMessage scored = Score(scorer, message);

        Assert.Equal(["{\"a\":1}", "{\"b\":2}"], processor.Records);
        Assert.Equal(1, scored.Malformed);
        Assert.Equal(MalformedReason.Oversize, Assert.Single(scorer.MalformedRecords).Reason);
    }

    private static ScoredMessage Score(MessageScorer scorer, string message)
    {
        scorer.Value.Deserialize(Encoding.UTF8.GetBytes(message), isNull: false, SerializationContext.Empty);
        return scorer.Score("in", 0, 7);
    }

    /// <summary>Remembers each record it is handed; never alerts.</summary>
    private sealed class RecordingProcessor : IRecordProcessor
    {
        public List<string> Records { get; } = [];

        public EngineCounters Counters { get; } = new();

        public RecordOutcome Process(ReadOnlySpan<byte> record, in SourceRef source, AlertBatch output)
        {
            Records.Add(Encoding.UTF8.GetString(record));
            return new RecordOutcome(OutcomeKind.NotAlert, MalformedReason.None, NotAlertReason.BelowThreshold, 0, 0);
        }
    }
}
