using NonStdPort.Core;
using NonStdPort.Core.Detect;
using NonStdPort.Core.Write;

namespace NonStdPort.Kafka.Pipeline;

/// <summary>What a consume loop needs from the core: score one record into a batch, and count.</summary>
internal interface IRecordProcessor
{
    /// <summary>Reads, scores and (when it is an alert) writes one record; see <see cref="Engine.Process"/>.</summary>
    RecordOutcome Process(ReadOnlySpan<byte> record, in SourceRef source, AlertBatch output);

    /// <summary>The running totals, counted as <see cref="Engine.Counters"/> counts them (the same figures as <c>score</c>).</summary>
    EngineCounters Counters { get; }
}

/// <summary>The core engine as a record processor. One per consume loop: it owns detection state.</summary>
internal sealed class EngineProcessor(Engine engine) : IRecordProcessor
{
    public EngineCounters Counters => engine.Counters;

    public RecordOutcome Process(ReadOnlySpan<byte> record, in SourceRef source, AlertBatch output) =>
        engine.Process(record, source, output);
}
