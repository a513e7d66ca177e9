using System.Buffers;
using System.Globalization;
using System.Text;
using Confluent.Kafka;
using NonStdPort.Core;
using NonStdPort.Core.Detect;
using NonStdPort.Core.Frame;
using NonStdPort.Core.Read;
using NonStdPort.Core.Write;

namespace NonStdPort.Kafka.Pipeline;

/// <summary>What scoring one Kafka message gave; the outputs themselves wait in the <see cref="MessageScorer"/>.</summary>
/// <param name="Records">Records the message held.</param>
/// <param name="Alerts">Alerts written.</param>
/// <param name="Malformed">Records that could not be read.</param>
internal readonly record struct ScoredMessage(int Records, int Alerts, int Malformed);

/// <summary>
/// The consumer's value deserializer: it reads and scores a message's records right on the span
/// librdkafka hands over (no payload copy, no string), writing alerts into a reusable batch. The
/// deserializer cannot see the partition or offset, so alerts are written with
/// <see cref="SourceRef.Deferred"/> and completed by <see cref="TakeOutputs"/> once
/// <c>Consume</c> returns; only the alert bytes are copied then. One per consume loop, used on its thread.
/// </summary>
internal sealed class MessageScorer : IDeserializer<ScoredMessage>
{
    private static readonly byte[][] ScoreValues = [[(byte)'0'], [(byte)'1'], [(byte)'2'], [(byte)'3']];
    private static readonly byte[] Technique = "T1571"u8.ToArray();
    private static readonly byte[][] RuleNames =
        ["non_standard_port"u8.ToArray(), "beacon"u8.ToArray(), "rdp_port_change"u8.ToArray()];

    private readonly Func<IRecordProcessor> _processorFactory;
    private readonly AlertBatch _batch = new();
    private readonly ArrayBufferWriter<byte> _completed = new(4096);
    private readonly List<(MalformedReason Reason, byte[] Record)> _malformed = [];
    private readonly RecordFramer _framer;
    private readonly Sink _sink;
    private IRecordProcessor _processor;
    private byte[] _message = new byte[4096];
    private int _suppressed;
    private int _records;

    /// <summary>Creates a scorer whose framer reports records longer than <paramref name="maxRecordBytes"/> as oversize.</summary>
    public MessageScorer(Func<IRecordProcessor> processorFactory, int maxRecordBytes = EngineOptions.DefaultMaxRecordBytes)
    {
        _processorFactory = processorFactory;
        _processor = processorFactory();
        _framer = new RecordFramer(maxRecordBytes);
        _sink = new Sink(this);
    }

    /// <summary>Captures each message's key, for dead letters; the consumer's key deserializer.</summary>
    public KeyCapture Key { get; } = new();

    /// <summary>Suppressed connections in the last message.</summary>
    public int Suppressed => _suppressed;

    /// <summary>Bytes of the last message's value.</summary>
    public int MessageBytes { get; private set; }

    /// <summary>Drops all detection state (a new engine); used when partitions are revoked.</summary>
    public void ResetState() => _processor = _processorFactory();

    public ScoredMessage Deserialize(ReadOnlySpan<byte> data, bool isNull, SerializationContext context)
    {
        _batch.Clear();
        _malformed.Clear();
        _suppressed = 0;
        _records = 0;

        // The framer works on sequences (a file arrives in pieces); a message is one whole piece.
        // Copying it into a reused buffer keeps the warm path allocation-free.
        if (_message.Length < data.Length)
        {
            _message = new byte[Math.Max(data.Length, _message.Length * 2)];
        }

        data.CopyTo(_message);
        MessageBytes = data.Length;
        _framer.Reset();
        _framer.Frame(new ReadOnlySequence<byte>(_message, 0, data.Length), isFinal: true, _sink);
        return new ScoredMessage(_records, _batch.Count, _malformed.Count);
    }

    private void OnRecord(ReadOnlySpan<byte> record)
    {
        _records++;
        RecordOutcome outcome;
        try
        {
            outcome = _processor.Process(record, SourceRef.Deferred, _batch);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A defect in a detection must not stop the stream or lose the record: dead-letter it.
            _malformed.Add((MalformedReason.None, record.ToArray()));
            return;
        }

        if (outcome.Kind == OutcomeKind.Malformed)
        {
            _malformed.Add((outcome.Malformed, record.ToArray()));
        }
        else if (outcome.Why == NotAlertReason.Suppressed)
        {
            _suppressed++;
        }
    }

    private void OnOversize()
    {
        // The framer skipped the record's bytes without holding them: the dead letter says why, with no value.
        _records++;
        _malformed.Add((MalformedReason.Oversize, []));
    }

    /// <summary>Hands the framer's records back to the scorer; a struct so the generic framer call is not boxed.</summary>
    private readonly struct Sink(MessageScorer scorer) : IRecordSink
    {
        public void OnRecord(ReadOnlySpan<byte> record, long line) => scorer.OnRecord(record);

        public void OnOversize(long line) => scorer.OnOversize();
    }

    /// <summary>The malformed records of the last message (for logging when there is no dead-letter topic).</summary>
    public IReadOnlyList<(MalformedReason Reason, byte[] Record)> MalformedRecords => _malformed;

    /// <summary>The reason written for a record the engine failed on.</summary>
    public static string Describe(MalformedReason reason) =>
        reason == MalformedReason.None ? "internal error while scoring" : MalformedReasons.Describe(reason);

    /// <summary>
    /// Turns the last message's alerts and malformed records into output records, completing each
    /// alert's <c>source</c>. Returns false when the message produced nothing to send.
    /// </summary>
    public bool TakeOutputs(string topic, int partition, long offset, string outputTopic, string? dlqTopic, OutputChunk chunk)
    {
        chunk.AlertTopic = outputTopic;
        for (int i = 0; i < _batch.Count; i++)
        {
            ref readonly var entry = ref _batch[i];
            _completed.ResetWrittenCount();
            _completed.Write(_batch.Json(entry));
            AlertSource.AppendKafkaSource(_completed, topic, partition, offset);
            var key = _batch.Key(entry);
            var headers = new Headers
            {
                { "risk_score", ScoreValues[Math.Min(entry.RiskScore, (byte)3)] },
                { "technique", Technique },
                { "rule", RuleNames[(int)entry.Rule < RuleNames.Length ? (int)entry.Rule : 0] },
            };
            chunk.Records.Add(new OutputRecord(
                outputTopic,
                new Message<byte[]?, byte[]> { Key = key.IsEmpty ? null : key.ToArray(), Value = _completed.WrittenSpan.ToArray(), Headers = headers },
                IsAlert: true));
        }

        if (dlqTopic is not null)
        {
            foreach (var (reason, record) in _malformed)
            {
                var headers = new Headers
                {
                    { "reason", Encoding.UTF8.GetBytes(Describe(reason)) },
                    { "source_topic", Encoding.UTF8.GetBytes(topic) },
                    { "source_partition", Encoding.UTF8.GetBytes(partition.ToString(CultureInfo.InvariantCulture)) },
                    { "source_offset", Encoding.UTF8.GetBytes(offset.ToString(CultureInfo.InvariantCulture)) },
                };
                chunk.Records.Add(new OutputRecord(
                    dlqTopic,
                    new Message<byte[]?, byte[]> { Key = Key.Copy(), Value = record, Headers = headers },
                    IsAlert: false));
            }
        }

        return chunk.Records.Count > 0;
    }

    /// <summary>
    /// Adds the last message to the totals: records, alerts by score, suppressed, malformed; without
    /// a dead-letter topic each malformed record is logged as <c>TOPIC[P]@OFFSET: reason</c> and counted.
    /// </summary>
    public void Count(in ScoredMessage scored, ConsumeResult<Ignore, ScoredMessage> result, bool hasDlq, PipelineCounters counters, Action<string> log)
    {
        Interlocked.Increment(ref counters.Messages);
        Interlocked.Add(ref counters.Records, scored.Records);
        if (scored.Alerts > 0)
        {
            Interlocked.Add(ref counters.AlertsWritten, scored.Alerts);
            CountAlerts(counters);
        }

        if (_suppressed > 0)
        {
            Interlocked.Add(ref counters.Suppressed, _suppressed);
        }

        if (scored.Malformed > 0)
        {
            Interlocked.Add(ref counters.Malformed, scored.Malformed);
            if (!hasDlq)
            {
                foreach (var (reason, _) in _malformed)
                {
                    log($"{result.Topic}[{result.Partition.Value}]@{result.Offset.Value}: {Describe(reason)}");
                    Interlocked.Increment(ref counters.DeadLettersLogged);
                }
            }
        }
    }

    /// <summary>
    /// One <c>Consume</c> call: a non-fatal consume error is logged and gives null, a fatal one
    /// fails the pipeline.
    /// </summary>
    public static ConsumeResult<Ignore, ScoredMessage>? Next(IConsumer<Ignore, ScoredMessage> consumer, TimeSpan timeout, Action<string> log, Action<string> fail)
    {
        try
        {
            return consumer.Consume(timeout);
        }
        catch (ConsumeException e)
        {
            if (e.Error.IsFatal)
            {
                fail("consumer failed: " + e.Error.Reason);
            }
            else
            {
                log("consume error: " + e.Error.Reason);
            }

            return null;
        }
    }

    /// <summary>Risk scores of the last message's alerts, for the stats.</summary>
    public void CountAlerts(PipelineCounters counters)
    {
        for (int i = 0; i < _batch.Count; i++)
        {
            Interlocked.Increment(ref counters.AlertsByScore[Math.Min(_batch[i].RiskScore, (byte)3)]);
        }
    }
}

/// <summary>
/// The consumer's key deserializer: keeps the key's bytes in a reusable buffer (no allocation)
/// so a dead letter can carry the original key. The key is deserialized before the value.
/// </summary>
internal sealed class KeyCapture : IDeserializer<Ignore>
{
    private byte[] _buffer = new byte[256];
    private int _length = -1;

    public Ignore Deserialize(ReadOnlySpan<byte> data, bool isNull, SerializationContext context)
    {
        if (isNull)
        {
            _length = -1;
            return null!;
        }

        if (data.Length > _buffer.Length)
        {
            _buffer = new byte[Math.Max(data.Length, _buffer.Length * 2)];
        }

        data.CopyTo(_buffer);
        _length = data.Length;
        return null!;
    }

    /// <summary>A copy of the last key (slow path: dead letters only); null when the message had none.</summary>
    public byte[]? Copy() => _length < 0 ? null : _buffer.AsSpan(0, _length).ToArray();
}
