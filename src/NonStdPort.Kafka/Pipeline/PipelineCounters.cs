namespace NonStdPort.Kafka.Pipeline;

/// <summary>Running totals of one pipeline, updated with interlocked adds (per message, not per record).</summary>
internal sealed class PipelineCounters
{
    public long Messages;
    public long Records;
    public long Malformed;
    public long Suppressed;
    public long AlertsWritten;
    public long AlertsDelivered;
    public long DeadLettersDelivered;
    public long DeadLettersLogged;
    public long Pauses;
    public readonly long[] AlertsByScore = new long[4];

    public PipelineTotals Snapshot() => new(
        Interlocked.Read(ref Messages),
        Interlocked.Read(ref Records),
        Interlocked.Read(ref Malformed),
        Interlocked.Read(ref Suppressed),
        Interlocked.Read(ref AlertsWritten),
        Interlocked.Read(ref AlertsDelivered),
        Interlocked.Read(ref DeadLettersDelivered),
        Interlocked.Read(ref DeadLettersLogged),
        Interlocked.Read(ref Pauses),
        Interlocked.Read(ref AlertsByScore[1]),
        Interlocked.Read(ref AlertsByScore[2]),
        Interlocked.Read(ref AlertsByScore[3]));
}

/// <summary>A consistent-enough snapshot of a pipeline's totals.</summary>
/// <param name="Messages">Kafka messages consumed.</param>
/// <param name="Records">Records read from them (a message may hold several).</param>
/// <param name="Malformed">Records that could not be read.</param>
/// <param name="Suppressed">Connections a suppression matched.</param>
/// <param name="AlertsWritten">Alerts scored (before delivery).</param>
/// <param name="AlertsDelivered">Alerts the broker acknowledged.</param>
/// <param name="DeadLettersDelivered">Malformed records the broker acknowledged on the dead-letter topic.</param>
/// <param name="DeadLettersLogged">Malformed records logged to stderr (no dead-letter topic).</param>
/// <param name="Pauses">Times consumption paused because the output side was full.</param>
/// <param name="Score1">Alerts with risk score 1.</param>
/// <param name="Score2">Alerts with risk score 2.</param>
/// <param name="Score3">Alerts with risk score 3.</param>
public readonly record struct PipelineTotals(
    long Messages,
    long Records,
    long Malformed,
    long Suppressed,
    long AlertsWritten,
    long AlertsDelivered,
    long DeadLettersDelivered,
    long DeadLettersLogged,
    long Pauses,
    long Score1,
    long Score2,
    long Score3);
