using NonStdPort.Core.Detect;

namespace NonStdPort.Kafka.Pipeline;

/// <summary>
/// What only the pipeline sees: deliveries, dead letters logged, pauses. Updated per delivery or
/// event with interlocked adds (never per record); what scoring counts lives in each consume
/// loop's engine (<see cref="EngineCounters"/>) and is summed at each snapshot.
/// </summary>
internal sealed class PipelineCounters
{
    public long AlertsDelivered;
    public long DeadLettersDelivered;
    public long DeadLettersLogged;
    public long Pauses;
    /// <summary>Offset commits the broker rejected (auto-commits, revoke and final commits; exactly-once: transaction commits).</summary>
    public long CommitFailures;
    /// <summary>Rebalances a consumer of this pipeline took part in (one per assignment callback).</summary>
    public long Rebalances;

    /// <summary>A snapshot: the engines' totals summed with this pipeline's own.</summary>
    public PipelineTotals Snapshot(EngineCounters engines, long messages) => new(
        messages,
        engines.Records,
        engines.Malformed,
        engines.Suppressed,
        engines.Alerts,
        Interlocked.Read(ref AlertsDelivered),
        Interlocked.Read(ref DeadLettersDelivered),
        Interlocked.Read(ref DeadLettersLogged),
        Interlocked.Read(ref Pauses),
        engines.AlertsByScore[1],
        engines.AlertsByScore[2],
        engines.AlertsByScore[3],
        engines.BeaconAlerts,
        engines.RdpPortChangeAlerts);
}

/// <summary>
/// A snapshot of a pipeline's totals, counted as <c>score</c> counts them (the engine's
/// <see cref="EngineCounters"/>, summed over the consume loops), plus delivery figures.
/// </summary>
/// <param name="Messages">Kafka messages consumed.</param>
/// <param name="Records">Records read from them (a message may hold several).</param>
/// <param name="Malformed">Records that could not be read.</param>
/// <param name="Suppressed">Connections a suppression matched.</param>
/// <param name="AlertsWritten">Alerts scored (before delivery), every rule.</param>
/// <param name="AlertsDelivered">Alerts the broker acknowledged.</param>
/// <param name="DeadLettersDelivered">Malformed records the broker acknowledged on the dead-letter topic.</param>
/// <param name="DeadLettersLogged">Malformed records logged to stderr (no dead-letter topic).</param>
/// <param name="Pauses">Times consumption paused because the output side was full.</param>
/// <param name="Score1"><c>non_standard_port</c> alerts with risk score 1.</param>
/// <param name="Score2"><c>non_standard_port</c> alerts with risk score 2.</param>
/// <param name="Score3"><c>non_standard_port</c> alerts with risk score 3.</param>
/// <param name="BeaconAlerts"><c>beacon</c> alerts.</param>
/// <param name="RdpPortChangeAlerts"><c>rdp_port_change</c> alerts.</param>
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
    long Score3,
    long BeaconAlerts,
    long RdpPortChangeAlerts);
