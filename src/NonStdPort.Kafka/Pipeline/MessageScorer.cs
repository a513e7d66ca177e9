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
/// Frames and scores one consumed message at a time. The consumer's deserializers only copy the
/// key and value into reused buffers (<see cref="Key"/>, <see cref="Value"/>); scoring runs once
/// <c>Consume</c> has returned and the partition and offset are known, so every alert is written
/// once, with its <c>source</c>, into its final bytes. One per consume loop, used on its thread;
/// the counters may be read from any thread.
/// </summary>
internal sealed class MessageScorer
{
    private static readonly byte[][] ScoreValues = [[(byte)'0'], [(byte)'1'], [(byte)'2'], [(byte)'3']];
    private static readonly byte[] Technique = "T1571"u8.ToArray();
    private static readonly byte[][] RuleNames =
        ["non_standard_port"u8.ToArray(), "beacon"u8.ToArray(), "rdp_port_change"u8.ToArray()];

    private readonly Func<IRecordProcessor> _processorFactory;
    private readonly AlertBatch _batch = new();
    private readonly List<(MalformedReason Reason, byte[] Record)> _malformed = [];
    private readonly RecordFramer _framer;
    private readonly Sink _sink;
    /// <summary>Guards swapping the processor against a counters snapshot taken on another thread.</summary>
    private readonly object _countersGate = new();
    /// <summary>Totals of the engines dropped with their partitions, so the running totals never go back.</summary>
    private readonly EngineCounters _retired = new();
    private IRecordProcessor _processor;
    private SourceRef _source;
    private string _topic = "";
    private int _partition;
    private long _offset;
    private int _records;
    private long _messages;
    private long _unscored;
    private long _failed;

    /// <summary>Creates a scorer whose framer reports records longer than <paramref name="maxRecordBytes"/> as oversize.</summary>
    public MessageScorer(Func<IRecordProcessor> processorFactory, int maxRecordBytes = EngineOptions.DefaultMaxRecordBytes)
    {
        _processorFactory = processorFactory;
        _processor = processorFactory();
        _framer = new RecordFramer(maxRecordBytes);
        _sink = new Sink(this);
    }

    /// <summary>Captures each message's key, for alerts' partitioning and dead letters; the consumer's key deserializer.</summary>
    public BytesCapture Key { get; } = new();

    /// <summary>Captures each message's value; the consumer's value deserializer.</summary>
    public BytesCapture Value { get; } = new();

    /// <summary>The malformed records of the last message (for logging when there is no dead-letter topic).</summary>
    public IReadOnlyList<(MalformedReason Reason, byte[] Record)> MalformedRecords => _malformed;

    /// <summary>Drops all detection state (a new engine); used when partitions are revoked. Its totals are kept.</summary>
    public void ResetState()
    {
        var fresh = _processorFactory();
        lock (_countersGate)
        {
            _retired.Add(_processor.Counters);
            // What the dropped engine tracked is gone with it.
            _retired.ClearGauges();
            _processor = fresh;
        }
    }

    /// <summary>
    /// Frames and scores the message last captured by <see cref="Value"/>, consumed from
    /// <paramref name="topic"/>[<paramref name="partition"/>]@<paramref name="offset"/>.
    /// </summary>
    public ScoredMessage Score(string topic, int partition, long offset)
    {
        _batch.Clear();
        _malformed.Clear();
        if (!string.Equals(topic, _topic, StringComparison.Ordinal))
        {
            // The client hands over a new string per message; the alert writer encodes a topic once per string.
            _topic = topic;
        }

        _partition = partition;
        _offset = offset;
        _source = SourceRef.FromKafka(_topic, partition, offset);
        _records = 0;
        _framer.Reset();
        // A message is one whole piece of what a file may hold: the same framer, the same records and errors.
        _framer.Frame(new ReadOnlySequence<byte>(Value.Memory), isFinal: true, _sink);
        Volatile.Write(ref _messages, _messages + 1);
        return new ScoredMessage(_records, _batch.Count, _malformed.Count);
    }

    private void OnRecord(ReadOnlySpan<byte> record)
    {
        _records++;
        RecordOutcome outcome;
        try
        {
            outcome = _processor.Process(record, _source, _batch);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A defect in a detection must not stop the stream or lose the record: dead-letter it.
            Volatile.Write(ref _failed, _failed + 1);
            _malformed.Add((MalformedReason.None, record.ToArray()));
            return;
        }

        if (outcome.Kind == OutcomeKind.Malformed)
        {
            _malformed.Add((outcome.Malformed, record.ToArray()));
        }
    }

    private void OnOversize()
    {
        // The framer skipped the record's bytes without holding them: the dead letter says why, with no value.
        _records++;
        Volatile.Write(ref _unscored, _unscored + 1);
        _malformed.Add((MalformedReason.Oversize, []));
    }

    /// <summary>Hands the framer's records back to the scorer; a struct so the generic framer call is not boxed.</summary>
    private readonly struct Sink(MessageScorer scorer) : IRecordSink
    {
        public void OnRecord(ReadOnlySpan<byte> record, long line) => scorer.OnRecord(record);

        public void OnOversize(long line) => scorer.OnOversize();
    }

    /// <summary>
    /// Adds this scorer's running totals to <paramref name="total"/>: its engines' counters, with
    /// records the engine never saw (oversize: counted as records and malformed; a scoring failure:
    /// malformed). Safe from any thread; the figures are at most one message behind.
    /// </summary>
    public void AddCountersTo(EngineCounters total, ref long messages)
    {
        lock (_countersGate)
        {
            total.Add(_retired);
            total.Add(_processor.Counters);
        }

        long unscored = Volatile.Read(ref _unscored);
        long failed = Volatile.Read(ref _failed);
        total.Records += unscored;
        total.Malformed += unscored + failed;
        total.RecordsByEnvelope[(int)OutcomeKind.Malformed] += unscored;
        total.MalformedByReason[(int)MalformedReason.Oversize] += unscored;
        total.MalformedByReason[(int)MalformedReason.None] += failed;
        messages += Volatile.Read(ref _messages);
    }

    /// <summary>
    /// Without a dead-letter topic: logs each malformed record of the last message as
    /// <c>TOPIC[P]@OFFSET: reason</c> and counts it.
    /// </summary>
    public void LogMalformed(Action<string> log, PipelineCounters counters)
    {
        foreach (var (reason, _) in _malformed)
        {
            log($"{_topic}[{_partition}]@{_offset}: {Describe(reason)}");
            Interlocked.Increment(ref counters.DeadLettersLogged);
        }
    }

    /// <summary>
    /// One <c>Consume</c> call: a non-fatal consume error is logged and gives null, a fatal one
    /// fails the pipeline.
    /// </summary>
    public static ConsumeResult<Null, Null>? Next(IConsumer<Null, Null> consumer, TimeSpan timeout, Action<string> log, Action<string> fail)
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

    /// <summary>The reason written for a record the engine failed on.</summary>
    public static string Describe(MalformedReason reason) =>
        reason == MalformedReason.None ? "internal error while scoring" : MalformedReasons.Describe(reason);

    /// <summary>
    /// Turns the last message's alerts and malformed records into output records: each alert's
    /// bytes as the engine wrote them (one copy, into the array the producer takes), each dead
    /// letter with headers saying where it came from. Returns false when there is nothing to send.
    /// </summary>
    public bool TakeOutputs(string outputTopic, string? dlqTopic, OutputChunk chunk)
    {
        chunk.AlertTopic = outputTopic;
        for (int i = 0; i < _batch.Count; i++)
        {
            ref readonly var entry = ref _batch[i];
            var key = _batch.Key(entry);
            var headers = new Headers
            {
                { "risk_score", ScoreValues[Math.Min(entry.RiskScore, (byte)3)] },
                { "technique", Technique },
                { "rule", RuleNames[(int)entry.Rule < RuleNames.Length ? (int)entry.Rule : 0] },
            };
            chunk.Records.Add(new OutputRecord(
                outputTopic,
                new Message<byte[]?, byte[]> { Key = key.IsEmpty ? null : key.ToArray(), Value = _batch.Json(entry).ToArray(), Headers = headers },
                IsAlert: true));
        }

        if (dlqTopic is not null)
        {
            foreach (var (reason, record) in _malformed)
            {
                var headers = new Headers
                {
                    { "reason", Encoding.UTF8.GetBytes(Describe(reason)) },
                    { "source_topic", Encoding.UTF8.GetBytes(_topic) },
                    { "source_partition", Encoding.UTF8.GetBytes(_partition.ToString(CultureInfo.InvariantCulture)) },
                    { "source_offset", Encoding.UTF8.GetBytes(_offset.ToString(CultureInfo.InvariantCulture)) },
                };
                chunk.Records.Add(new OutputRecord(
                    dlqTopic,
                    new Message<byte[]?, byte[]> { Key = Key.Copy(), Value = record, Headers = headers },
                    IsAlert: false));
            }
        }

        return chunk.Records.Count > 0;
    }
}

/// <summary>
/// A consumer deserializer that keeps the bytes in a reusable buffer (no allocation once warm)
/// until the next message: the loop scores the value and a dead letter carries the original key.
/// </summary>
internal sealed class BytesCapture : IDeserializer<Null>
{
    private byte[] _buffer = new byte[4096];
    private int _length = -1;

    /// <summary>The last message's bytes (empty when it had none), valid until the next <c>Consume</c>.</summary>
    public ReadOnlyMemory<byte> Memory => _length < 0 ? ReadOnlyMemory<byte>.Empty : _buffer.AsMemory(0, _length);

    public Null Deserialize(ReadOnlySpan<byte> data, bool isNull, SerializationContext context)
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

    /// <summary>A copy of the last bytes (slow path: dead letters only); null when the message had none.</summary>
    public byte[]? Copy() => _length < 0 ? null : _buffer.AsSpan(0, _length).ToArray();
}
