using NonStdPort.Core.Detect;
using NonStdPort.Core.Read;
using NonStdPort.Core.Rules;
using NonStdPort.Core.Write;

namespace NonStdPort.Core;

/// <summary>
/// The one entry point of the core: reads a record in any supported envelope, runs every
/// detection over it and writes the alerts it raises into an <see cref="AlertBatch"/>.
/// One instance per thread (or Kafka partition): it owns scratch buffers and detection state.
/// </summary>
/// <remarks>
/// Stages, one private method each: read (envelope → <see cref="SysmonRecord"/>) → classify
/// (Sysmon? which event id?) → event time and the <see cref="EngineOptions.NotBefore"/> window →
/// network fields → score → write → count. Allocation-free per record once warm.
/// </remarks>
public sealed class Engine
{
    private readonly RecordReader _reader;
    private readonly Scorer _scorer;
    private readonly AlertWriter _writer = new();
    private readonly long _notBeforeTicks;

    /// <summary>Creates an engine over an immutable rule set.</summary>
    public Engine(RuleSet rules, EngineOptions? options = null)
    {
        Rules = rules;
        Options = options ?? new EngineOptions();
        _reader = new RecordReader(Options.MaxRecordBytes);
        _scorer = new Scorer(rules);
        _notBeforeTicks = Options.NotBefore is { } notBefore ? notBefore.ToUniversalTime().Ticks : long.MinValue;
    }

    /// <summary>The rule set in force.</summary>
    public RuleSet Rules { get; }

    /// <summary>The options in force.</summary>
    public EngineOptions Options { get; }

    /// <summary>Running totals.</summary>
    public EngineCounters Counters { get; } = new();

    /// <summary>The alert writer this engine writes with (for detections that add their own alerts).</summary>
    internal AlertWriter Writer => _writer;

    /// <summary>Reads, scores and (when it is an alert) writes one record.</summary>
    public RecordOutcome Process(ReadOnlySpan<byte> record, in SourceRef source, AlertBatch output)
    {
        var view = default(SysmonRecord);
        ReadResult read = _reader.Read(record, ref view);
        if (!read.IsOk)
        {
            Counters.Records++;
            return Malformed(read.Reason);
        }

        return ProcessView(view, source, output);
    }

    /// <summary>Runs every stage after reading over a record view that is already filled (tests, benchmarks).</summary>
    internal RecordOutcome ProcessView(in SysmonRecord view, in SourceRef source, AlertBatch output)
    {
        Counters.Records++;
        RecordKind kind = Classify(view);
        if (kind == RecordKind.NotSysmon)
        {
            return Skipped();
        }

        if (!TryReadEventTime(view, out long eventTicks))
        {
            return Malformed(MalformedReason.InvalidTime);
        }

        if (eventTicks >= 0 && eventTicks < _notBeforeTicks)
        {
            return Skipped();
        }

        if (kind == RecordKind.OtherSysmonEvent)
        {
            // Seam: process-lineage (EID 1/5) and RDP-port-change (EID 13) detections plug in here.
            return Skipped();
        }

        return ProcessConnection(view, eventTicks, source, output);
    }

    private RecordOutcome ProcessConnection(in SysmonRecord view, long eventTicks, in SourceRef source, AlertBatch output)
    {
        MalformedReason bad = NetworkConnection.TryRead(view, out NetworkConnection connection);
        if (bad != MalformedReason.None)
        {
            return Malformed(bad);
        }

        Verdict verdict = _scorer.Score(view.Image, connection.Destination, connection.DestinationPort, connection.Direction);
        Count(verdict);

        // Seam: the beacon detection observes every scored connection here.
        int written = 0;
        if (verdict.IsAlert || Options.EmitAll)
        {
            WriteConnection(view, eventTicks, connection, verdict, source, output);
            written = 1;
        }

        return new RecordOutcome(verdict.IsAlert ? OutcomeKind.Alert : OutcomeKind.NotAlert, MalformedReason.None, verdict.NotAlertReason, verdict.RiskScore, written);
    }

    private void WriteConnection(in SysmonRecord view, long eventTicks, in NetworkConnection connection, in Verdict verdict, in SourceRef source, AlertBatch output)
    {
        AlertColumns columns = AlertColumns.ForConnection(view, eventTicks, connection, verdict);
        _writer.Begin(output, columns);
        if (Options.EmitAll)
        {
            _writer.WriteAlertStatus(verdict);
        }

        _writer.End(source);
    }

    private void Count(in Verdict verdict)
    {
        EngineCounters counters = Counters;
        counters.NetworkEvents++;
        switch (verdict.NotAlertReason)
        {
            case NotAlertReason.None:
                counters.Alerts++;
                counters.AlertsByScore[verdict.RiskScore]++;
                break;
            case NotAlertReason.Inbound:
                counters.Inbound++;
                break;
            case NotAlertReason.InternalDestination:
                counters.Internal++;
                break;
            case NotAlertReason.Suppressed:
                counters.Suppressed++;
                break;
            case NotAlertReason.BelowThreshold:
                counters.BelowThreshold++;
                break;
        }
    }

    /// <summary>
    /// A Sysmon record names Sysmon as its provider; a record naming no provider at all counts as
    /// Sysmon only when it is an EID 3 with a destination address and port. EID 3 from any other
    /// provider is not a network-connection record.
    /// </summary>
    private static RecordKind Classify(in SysmonRecord view)
    {
        bool isConnection = view.EventId == 3;
        switch (view.Provider)
        {
            case ProviderKind.Sysmon:
                return isConnection ? RecordKind.Connection : RecordKind.OtherSysmonEvent;
            case ProviderKind.Absent when isConnection
                && !NetworkConnection.IsAbsent(view.DestinationIp) && !NetworkConnection.IsAbsent(view.DestinationPort):
                return RecordKind.Connection;
            default:
                return RecordKind.NotSysmon;
        }
    }

    /// <summary>Parses the event time into UTC ticks (-1 when absent); false when present but invalid.</summary>
    private static bool TryReadEventTime(in SysmonRecord view, out long ticks)
    {
        if (NetworkConnection.IsAbsent(view.UtcTime))
        {
            ticks = -1;
            return true;
        }

        return EventTime.TryParseUtcTicks(view.UtcTime, out ticks);
    }

    private RecordOutcome Malformed(MalformedReason reason)
    {
        Counters.Malformed++;
        return new RecordOutcome(OutcomeKind.Malformed, reason, NotAlertReason.None, 0, 0);
    }

    private RecordOutcome Skipped()
    {
        Counters.Skipped++;
        return new RecordOutcome(OutcomeKind.Skipped, MalformedReason.None, NotAlertReason.None, 0, 0);
    }

    private enum RecordKind : byte
    {
        NotSysmon,
        OtherSysmonEvent,
        Connection,
    }
}
