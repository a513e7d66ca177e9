using System.Buffers.Binary;
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
/// Stateful detections keep their state here, so it lives and dies with the engine: process
/// lineage (EID 1/5, enriches every alert), RDP port change (EID 13) and beaconing (scored EID 3).
/// A host that gives each Kafka partition its own engine drops that state with the partition.
/// </remarks>
public sealed class Engine
{
    private readonly RecordReader _reader;
    private readonly IAlertFormatter _writer;
    private readonly long _notBeforeTicks;
    private readonly LiveRules? _live;
    private Scorer _scorer;
    private ProcessLineage? _lineage;
    private BeaconTracker? _beacon;

    /// <summary>Creates an engine over an immutable rule set.</summary>
    public Engine(RuleSet rules, EngineOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(rules);
        Rules = rules;
        Options = options ?? new EngineOptions();
        _reader = new RecordReader(Options.MaxRecordBytes);
        _writer = AlertFormats.Create(Options.Format, Options.Clock);
        _scorer = new Scorer(rules);
        // NotBefore is an instant in UTC; only a value marked Local is converted.
        _notBeforeTicks = Options.NotBefore is { } notBefore
            ? (notBefore.Kind == DateTimeKind.Local ? notBefore.ToUniversalTime() : notBefore).Ticks
            : long.MinValue;
        _lineage = rules.Lineage.Enabled ? new ProcessLineage(rules.Lineage) : null;
        _beacon = rules.Beacon.Enabled ? new BeaconTracker(rules.Beacon) : null;
    }

    /// <summary>
    /// Creates an engine that follows <paramref name="rules"/>: a rule set swapped in there is used
    /// from the next record on. Detection state is kept across a swap that leaves the detection
    /// settings alone and rebuilt when they change (state built for other bounds would be wrong).
    /// </summary>
    public Engine(LiveRules rules, EngineOptions? options = null)
        : this((rules ?? throw new ArgumentNullException(nameof(rules))).Current, options)
    {
        _live = rules;
    }

    /// <summary>The rule set in force.</summary>
    public RuleSet Rules { get; private set; }

    /// <summary>The live rules this engine follows, or null when its rules are fixed.</summary>
    public LiveRules? LiveRules => _live;

    /// <summary>The options in force.</summary>
    public EngineOptions Options { get; }

    /// <summary>Running totals.</summary>
    public EngineCounters Counters { get; } = new();

    /// <summary>The alert writer this engine writes with (for detections that add their own alerts).</summary>
    internal IAlertFormatter Writer => _writer;

    /// <summary>Reads, scores and (when it is an alert) writes one record.</summary>
    public RecordOutcome Process(ReadOnlySpan<byte> record, in SourceRef source, AlertBatch output)
    {
        var view = default(SysmonRecord);
        ReadResult read = _reader.Read(record, ref view);
        if (!read.IsOk)
        {
            Counters.Records++;
            return CountRecord(view.Envelope, Malformed(read.Reason));
        }

        return ProcessView(view, source, output);
    }

    /// <summary>
    /// Processes a record as <see cref="Process"/> does when it neither reads nor changes detection
    /// state, and returns true. Returns false, having counted and written nothing, when it would
    /// (process create/terminate and RDP port changes with lineage on, alerts that lineage enriches,
    /// beacon candidates): the caller then hands that record, in input order, to the one engine
    /// that owns the state. This lets many engines score one stream in parallel while every
    /// stateful detection sees exactly the records, in exactly the order, of a single-threaded run.
    /// </summary>
    public bool TryProcessStateless(ReadOnlySpan<byte> record, in SourceRef source, AlertBatch output, out RecordOutcome outcome)
    {
        var view = default(SysmonRecord);
        ReadResult read = _reader.Read(record, ref view);
        if (!read.IsOk)
        {
            Counters.Records++;
            outcome = CountRecord(view.Envelope, Malformed(read.Reason));
            return true;
        }

        outcome = Route(view, source, output, stateless: true, out bool deferred);
        if (deferred)
        {
            return false;
        }

        Counters.Records++;
        CountRecord(view.Envelope, outcome);
        return true;
    }

    /// <summary>Runs every stage after reading over a record view that is already filled (tests, benchmarks).</summary>
    internal RecordOutcome ProcessView(in SysmonRecord view, in SourceRef source, AlertBatch output)
    {
        Counters.Records++;
        return CountRecord(view.Envelope, Route(view, source, output, stateless: false, out _));
    }

    /// <summary>Counts a record by envelope and outcome (the metrics' <c>records_total</c>) and passes its outcome on.</summary>
    private RecordOutcome CountRecord(Envelope envelope, in RecordOutcome outcome)
    {
        Counters.CountRecord(envelope, outcome.Kind);
        return outcome;
    }

    /// <summary>
    /// Every stage after reading. With <paramref name="stateless"/>, a record that needs detection
    /// state comes back <paramref name="deferred"/> before anything is counted or written.
    /// </summary>
    private RecordOutcome Route(in SysmonRecord view, in SourceRef source, AlertBatch output, bool stateless, out bool deferred)
    {
        deferred = false;
        if (_live is not null)
        {
            // Between records: this one is scored wholly by the rules in force now.
            RuleSet current = _live.Current;
            if (!ReferenceEquals(current, Rules))
            {
                Apply(current);
            }
        }

        RecordKind kind = Classify(view);
        if (kind == RecordKind.NotSysmon || (kind == RecordKind.OtherSysmonEvent && !IsDetectionInput(view.EventId)))
        {
            // Records no detection reads are skipped without looking further (not even at their time).
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
            if (stateless && OtherEventNeedsState(view))
            {
                deferred = true;
                return default;
            }

            return ProcessOtherEvent(view, eventTicks, source, output);
        }

        return ProcessConnection(view, eventTicks, source, output, stateless, out deferred);
    }

    /// <summary>Puts a reloaded rule set in force; rebuilds detection state only when its settings changed.</summary>
    private void Apply(RuleSet next)
    {
        bool keepState = LiveRules.SameDetectionSettings(Rules, next);
        Rules = next;
        _scorer = new Scorer(next);
        if (!keepState)
        {
            _lineage = next.Lineage.Enabled ? new ProcessLineage(next.Lineage) : null;
            _beacon = next.Beacon.Enabled ? new BeaconTracker(next.Beacon) : null;
        }
    }

    private RecordOutcome ProcessConnection(in SysmonRecord view, long eventTicks, in SourceRef source, AlertBatch output, bool stateless, out bool deferred)
    {
        deferred = false;
        MalformedReason bad = NetworkConnection.TryRead(view, out NetworkConnection connection);
        if (bad != MalformedReason.None)
        {
            return Malformed(bad);
        }

        Verdict verdict = _scorer.Score(view.Image, connection.Destination, connection.DestinationPort, connection.Direction);
        if (stateless && ConnectionNeedsState(eventTicks, connection, verdict))
        {
            deferred = true;
            return default;
        }

        Count(verdict);

        int written = 0;
        if (verdict.IsAlert || Options.EmitAll)
        {
            WriteConnection(view, eventTicks, connection, verdict, source, output);
            written = 1;
        }

        bool beacon = ObserveBeacon(view, eventTicks, connection, verdict, source, output);
        written += beacon ? 1 : 0;
        OutcomeKind outcome = verdict.IsAlert || beacon ? OutcomeKind.Alert : OutcomeKind.NotAlert;
        return new RecordOutcome(outcome, MalformedReason.None, verdict.NotAlertReason, verdict.RiskScore, written);
    }

    /// <summary>True when <see cref="ProcessOtherEvent"/> would read or change lineage.</summary>
    private bool OtherEventNeedsState(in SysmonRecord view) =>
        _lineage is not null
        && (view.EventId is ProcessCreateEventId or ProcessTerminatedEventId
            || (view.EventId == RdpPortChange.RegistryValueSetEventId && Rules.RdpPortChange.Enabled && RdpPortChange.IsPortChange(view, out _)));

    /// <summary>True when a scored connection would be enriched by lineage or observed by the beacon tracker.</summary>
    private bool ConnectionNeedsState(long eventTicks, in NetworkConnection connection, in Verdict verdict) =>
        (_lineage is not null && (verdict.IsAlert || Options.EmitAll)) || IsBeaconCandidate(eventTicks, connection, verdict);

    /// <summary>Sysmon events other than EID 3: process create and terminate feed lineage; a registry value set may move RDP.</summary>
    private RecordOutcome ProcessOtherEvent(in SysmonRecord view, long eventTicks, in SourceRef source, AlertBatch output)
    {
        switch (view.EventId)
        {
            case ProcessCreateEventId:
                RememberProcess(view, eventTicks);
                break;
            case ProcessTerminatedEventId:
                ForgetProcess(view, eventTicks);
                break;
            case RdpPortChange.RegistryValueSetEventId when Rules.RdpPortChange.Enabled && RdpPortChange.IsPortChange(view, out int newPort):
                return WriteRdpPortChange(view, eventTicks, newPort, source, output);
        }

        return Skipped();
    }

    private void RememberProcess(in SysmonRecord view, long eventTicks)
    {
        if (_lineage is null)
        {
            return;
        }

        _lineage.Remember(view.Computer, view.ProcessGuid, view.ParentImage, view.CommandLine, view.ParentCommandLine, LineageTime(eventTicks));
        CountLineage(_lineage);
    }

    private void ForgetProcess(in SysmonRecord view, long eventTicks)
    {
        if (_lineage is null)
        {
            return;
        }

        _lineage.Terminate(view.Computer, view.ProcessGuid, LineageTime(eventTicks));
        CountLineage(_lineage);
    }

    /// <summary>Fills <c>parent_process</c>, <c>command_line</c> and <c>parent_command_line</c> when lineage knows the process.</summary>
    private void AddLineage(ref AlertColumns columns, in SysmonRecord view, long eventTicks)
    {
        if (_lineage is null)
        {
            return;
        }

        if (_lineage.TryGet(view.Computer, view.ProcessGuid, LineageTime(eventTicks), out ProcessContext process))
        {
            columns.ParentProcess = process.ParentImage;
            columns.CommandLine = process.CommandLine;
            columns.ParentCommandLine = process.ParentCommandLine;
        }

        CountLineage(_lineage);
    }

    private void CountLineage(ProcessLineage lineage)
    {
        Counters.ProcessesEvicted = lineage.Evicted;
        Counters.ProcessesForgotten = lineage.Forgotten;
        Counters.LineageProcesses = lineage.Processes;
    }

    private static long LineageTime(long eventTicks) => eventTicks >= 0 ? eventTicks : long.MinValue;

    private RecordOutcome WriteRdpPortChange(in SysmonRecord view, long eventTicks, int newPort, in SourceRef source, AlertBatch output)
    {
        AlertColumns columns = DetectionAlertWriter.RdpPortChangeColumns(view, eventTicks, newPort, Rules);
        AddLineage(ref columns, view, eventTicks);
        DetectionAlertWriter.WriteRdpPortChange(_writer, output, columns, newPort, source);
        Counters.Alerts++;
        Counters.RdpPortChangeAlerts++;
        Counters.RdpPortChangeAlertsByScore[columns.RiskScore & 3]++;
        return new RecordOutcome(OutcomeKind.Alert, MalformedReason.None, NotAlertReason.None, columns.RiskScore, 1);
    }

    /// <summary>
    /// Beacon candidates are outbound connections to external addresses on a port outside the
    /// standard list, from any process, not suppressed, with an event time. True when this one
    /// started a beacon and its alert was written.
    /// </summary>
    private bool ObserveBeacon(in SysmonRecord view, long eventTicks, in NetworkConnection connection, in Verdict verdict, in SourceRef source, AlertBatch output)
    {
        if (_beacon is null || !IsBeaconCandidate(eventTicks, connection, verdict))
        {
            return false;
        }

        Span<byte> address = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128LittleEndian(address, connection.Destination.Value);
        BeaconObservation observation = _beacon.Observe(view.Computer, view.Image, address, (ushort)connection.DestinationPort, eventTicks);
        EngineCounters counters = Counters;
        counters.BeaconKeysEvicted = _beacon.Evicted;
        counters.BeaconKeysExpired = _beacon.Expired;
        counters.BeaconKeys = _beacon.Keys;
        if (observation.Verdict == BeaconVerdict.Late)
        {
            counters.LateRecords++;
            return false;
        }

        if (observation.Verdict != BeaconVerdict.Started)
        {
            return false;
        }

        AlertColumns columns = AlertColumns.ForConnection(view, eventTicks, connection, verdict);
        columns.Rule = DetectionRule.Beacon;
        columns.Severity = DetectionAlertWriter.BeaconSeverity(verdict.RiskScore);
        AddLineage(ref columns, view, eventTicks);
        DetectionAlertWriter.WriteBeacon(_writer, output, columns, observation, source);
        counters.Alerts++;
        counters.BeaconAlerts++;
        counters.BeaconAlertsByScore[verdict.RiskScore & 3]++;
        return true;
    }

    private bool IsBeaconCandidate(long eventTicks, in NetworkConnection connection, in Verdict verdict) =>
        _beacon is not null
        && eventTicks >= 0
        && connection.Direction != ConnectionDirection.Inbound
        && verdict.NotAlertReason is NotAlertReason.None or NotAlertReason.BelowThreshold
        && !Rules.StandardPorts.Contains(connection.DestinationPort);

    private void WriteConnection(in SysmonRecord view, long eventTicks, in NetworkConnection connection, in Verdict verdict, in SourceRef source, AlertBatch output)
    {
        AlertColumns columns = AlertColumns.ForConnection(view, eventTicks, connection, verdict);
        AddLineage(ref columns, view, eventTicks);
        var details = new AlertDetails(columns)
        {
            HasStatus = Options.EmitAll,
            IsAlert = verdict.IsAlert,
            NotAlertReason = verdict.NotAlertReason,
        };
        _writer.Write(output, details, source);
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

    /// <summary>The Sysmon event ids besides 3 that a detection reads: process create and terminate (lineage), registry value set (RDP port).</summary>
    private static bool IsDetectionInput(int eventId) =>
        eventId is ProcessCreateEventId or ProcessTerminatedEventId or RdpPortChange.RegistryValueSetEventId;

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
        Counters.CountMalformed(reason);
        return new RecordOutcome(OutcomeKind.Malformed, reason, NotAlertReason.None, 0, 0);
    }

    private RecordOutcome Skipped()
    {
        Counters.Skipped++;
        return new RecordOutcome(OutcomeKind.Skipped, MalformedReason.None, NotAlertReason.None, 0, 0);
    }

    private const int ProcessCreateEventId = 1;
    private const int ProcessTerminatedEventId = 5;

    private enum RecordKind : byte
    {
        NotSysmon,
        OtherSysmonEvent,
        Connection,
    }
}
