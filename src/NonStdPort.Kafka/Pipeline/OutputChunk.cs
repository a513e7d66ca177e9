using System.Collections.Concurrent;
using Confluent.Kafka;

namespace NonStdPort.Kafka.Pipeline;

/// <summary>One output record of a consumed message: an alert or a dead letter, ready to produce.</summary>
internal readonly record struct OutputRecord(string Topic, Message<byte[]?, byte[]> Message, bool IsAlert);

/// <summary>
/// The outputs of one consumed message, handed from the consume loop to the producer stage.
/// When the broker has acknowledged all of them, the message's entry in its partition's
/// <see cref="OffsetTracker"/> is acknowledged. Pooled: the delivery callback is made once per chunk object.
/// </summary>
internal sealed class OutputChunk
{
    private readonly ChunkPool _pool;
    private readonly PipelineCounters _counters;
    private readonly Action<DeliveryFailure> _onFailure;
    private int _pending;

    internal OutputChunk(ChunkPool pool, PipelineCounters counters, Action<DeliveryFailure> onFailure)
    {
        _pool = pool;
        _counters = counters;
        _onFailure = onFailure;
        OnDelivered = Delivered;
    }

    public List<OutputRecord> Records { get; } = new(4);

    public OffsetTracker? Tracker { get; private set; }

    /// <summary>The alert topic, to tell alert acknowledgements from dead-letter ones.</summary>
    public string? AlertTopic { get; set; }

    public long Sequence { get; private set; }

    /// <summary>The delivery report handler, the same delegate for the chunk's whole life.</summary>
    public Action<DeliveryReport<byte[]?, byte[]>> OnDelivered { get; }

    /// <summary>Ties the chunk to its input record's place in the tracker.</summary>
    public void Bind(OffsetTracker tracker, long sequence)
    {
        Tracker = tracker;
        Sequence = sequence;
        _pending = Records.Count;
    }

    /// <summary>Returns the chunk to its pool without producing it (its partition was given up).</summary>
    public void Release()
    {
        Records.Clear();
        Tracker = null;
        _pool.Return(this);
    }

    private void Delivered(DeliveryReport<byte[]?, byte[]> report)
    {
        if (report.Error.IsError)
        {
            // Not acknowledged: the input offset stays uncommitted, so the record is read again after a restart.
            _onFailure(new DeliveryFailure(report.Topic, report.Error));
            return;
        }

        if (report.Topic == AlertTopic)
        {
            Interlocked.Increment(ref _counters.AlertsDelivered);
        }
        else
        {
            Interlocked.Increment(ref _counters.DeadLettersDelivered);
        }

        if (Interlocked.Decrement(ref _pending) == 0)
        {
            Tracker?.Ack(Sequence);
            Release();
        }
    }
}

/// <summary>Why a record could not be delivered.</summary>
internal readonly record struct DeliveryFailure(string Topic, Error Error);

/// <summary>A bounded pool of <see cref="OutputChunk"/> objects.</summary>
internal sealed class ChunkPool(PipelineCounters counters, Action<DeliveryFailure> onFailure, int capacity)
{
    private readonly ConcurrentQueue<OutputChunk> _free = new();

    public OutputChunk Rent() => _free.TryDequeue(out var chunk) ? chunk : new OutputChunk(this, counters, onFailure);

    public void Return(OutputChunk chunk)
    {
        if (_free.Count < capacity)
        {
            _free.Enqueue(chunk);
        }
    }
}
