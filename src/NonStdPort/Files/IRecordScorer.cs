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

    /// <summary>
    /// A scorer for another thread that takes the records needing no detection state, over the same
    /// rules and options; null when this scorer cannot be split so (then one thread scores everything).
    /// </summary>
    IStatelessScorer? CreateStatelessScorer();
}

/// <summary>Scores, on a worker thread, the records that need no detection state (see <see cref="Engine.TryProcessStateless"/>).</summary>
internal interface IStatelessScorer
{
    /// <summary>Running totals of the records this scorer finished.</summary>
    EngineCounters Counters { get; }

    /// <summary>True when the record was processed; false, with nothing counted or written, when it needs detection state.</summary>
    bool TryProcess(ReadOnlySpan<byte> record, in SourceRef source, AlertBatch output, out RecordOutcome outcome);
}

/// <summary>The real <see cref="Engine"/> behind <see cref="IRecordScorer"/>.</summary>
internal sealed class EngineScorer(Engine engine) : IRecordScorer
{
    /// <inheritdoc />
    public EngineCounters Counters => engine.Counters;

    /// <inheritdoc />
    public RecordOutcome Process(ReadOnlySpan<byte> record, in SourceRef source, AlertBatch output) =>
        engine.Process(record, source, output);

    /// <inheritdoc />
    public IStatelessScorer CreateStatelessScorer() =>
        // A worker follows the same live rules as the ordered stage, so a reload reaches every thread.
        new StatelessEngineScorer(engine.LiveRules is { } live ? new Engine(live, engine.Options) : new Engine(engine.Rules, engine.Options));

    private sealed class StatelessEngineScorer(Engine worker) : IStatelessScorer
    {
        public EngineCounters Counters => worker.Counters;

        public bool TryProcess(ReadOnlySpan<byte> record, in SourceRef source, AlertBatch output, out RecordOutcome outcome) =>
            worker.TryProcessStateless(record, source, output, out outcome);
    }
}
