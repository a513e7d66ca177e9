using NonStdPort.Core;
using NonStdPort.Core.Detect;
using NonStdPort.Core.Write;

namespace NonStdPort.Cli.Files;

/// <summary>What the file pipeline needs of the engine: score one record, keep running totals.</summary>
internal interface IRecordScorer
{
    /// <summary>Running totals.</summary>
    EngineCounters Counters { get; }

    /// <summary>Reads, scores and (when it is an alert) writes one record.</summary>
    RecordOutcome Process(ReadOnlySpan<byte> record, in SourceRef source, AlertBatch output);
}

/// <summary>The real <see cref="Engine"/> behind <see cref="IRecordScorer"/>.</summary>
internal sealed class EngineScorer(Engine engine) : IRecordScorer
{
    /// <inheritdoc />
    public EngineCounters Counters => engine.Counters;

    /// <inheritdoc />
    public RecordOutcome Process(ReadOnlySpan<byte> record, in SourceRef source, AlertBatch output) =>
        engine.Process(record, source, output);
}
