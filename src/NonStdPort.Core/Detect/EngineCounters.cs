using NonStdPort.Core.Read;

namespace NonStdPort.Core.Detect;

/// <summary>
/// Running totals kept by one <see cref="Engine"/>. Plain fields, written on the engine's thread
/// only (nothing contended per record); <see cref="Add"/> reads another instance's fields one
/// by one with volatile reads, so a host can sum its engines from a stats or metrics thread.
/// </summary>
public sealed class EngineCounters
{
    /// <summary>Slots per envelope in <see cref="RecordsByEnvelope"/>: one per <see cref="OutcomeKind"/>.</summary>
    public const int OutcomeSlots = (int)OutcomeKind.Malformed + 1;

    /// <summary>Slots in <see cref="RecordsByEnvelope"/> for envelopes: one per <see cref="Envelope"/> value.</summary>
    public const int EnvelopeSlots = (int)Envelope.EvtxDump + 1;

    /// <summary>Slots in <see cref="MalformedByReason"/>: one per <see cref="MalformedReason"/> value.</summary>
    public const int ReasonSlots = (int)MalformedReason.TooDeep + 1;

    /// <summary>Records handed to the engine.</summary>
    public long Records;
    /// <summary>Sysmon network-connection records (EID 3) that were scored.</summary>
    public long NetworkEvents;
    /// <summary>Records skipped (other event ids or providers, outside the time window).</summary>
    public long Skipped;
    /// <summary>Malformed records.</summary>
    public long Malformed;
    /// <summary>Connections not scored as alerts because they were inbound.</summary>
    public long Inbound;
    /// <summary>Connections to internal destinations.</summary>
    public long Internal;
    /// <summary>Connections a suppression matched.</summary>
    public long Suppressed;
    /// <summary>Connections scored below the threshold.</summary>
    public long BelowThreshold;
    /// <summary>Alerts written, all rules together.</summary>
    public long Alerts;
    /// <summary>Single-event alerts by risk score (index 1 to 3).</summary>
    public readonly long[] AlertsByScore = new long[4];
    /// <summary>Beacon alerts (keys that started beaconing).</summary>
    public long BeaconAlerts;
    /// <summary>RDP port change alerts.</summary>
    public long RdpPortChangeAlerts;
    /// <summary>Beacon candidates that arrived more than <c>max_lateness</c> behind their key's newest connection: counted, not used.</summary>
    public long LateRecords;
    /// <summary>Beacon keys evicted at <c>max_keys</c> (least recently used first).</summary>
    public long BeaconKeysEvicted;
    /// <summary>Beacon keys dropped after <c>max_interval</c> × N of silence.</summary>
    public long BeaconKeysExpired;
    /// <summary>Processes evicted from lineage at <c>max_processes</c> or its byte budget.</summary>
    public long ProcessesEvicted;
    /// <summary>Processes forgotten by lineage after their Event ID 5 and the grace period.</summary>
    public long ProcessesForgotten;

    /// <summary>
    /// Records by envelope and outcome, at <c>envelope * OutcomeSlots + outcome</c> (a record that
    /// could not be read counts under <see cref="Envelope.Unknown"/> unless its envelope was recognised).
    /// </summary>
    public readonly long[] RecordsByEnvelope = new long[EnvelopeSlots * OutcomeSlots];
    /// <summary>Malformed records by <see cref="MalformedReason"/> (index <see cref="MalformedReason.None"/>: a scoring failure).</summary>
    public readonly long[] MalformedByReason = new long[ReasonSlots];
    /// <summary>Beacon alerts by risk score (index 0 to 3).</summary>
    public readonly long[] BeaconAlertsByScore = new long[4];
    /// <summary>RDP port change alerts by risk score (index 0 to 3).</summary>
    public readonly long[] RdpPortChangeAlertsByScore = new long[4];
    /// <summary>A gauge, not a total: beacon keys tracked now.</summary>
    public long BeaconKeys;
    /// <summary>A gauge, not a total: processes lineage remembers now.</summary>
    public long LineageProcesses;

    /// <summary>Counts one record under its envelope and outcome (a plain add on the engine's thread).</summary>
    public void CountRecord(Envelope envelope, OutcomeKind outcome)
    {
        int index = (int)envelope * OutcomeSlots + (int)outcome;
        if ((uint)index < (uint)RecordsByEnvelope.Length)
        {
            RecordsByEnvelope[index]++;
        }
    }

    /// <summary>Counts one malformed record under its reason.</summary>
    public void CountMalformed(MalformedReason reason)
    {
        if ((uint)reason < (uint)MalformedByReason.Length)
        {
            MalformedByReason[(int)reason]++;
        }
    }

    /// <summary>Zeroes the gauges (<see cref="BeaconKeys"/>, <see cref="LineageProcesses"/>): for totals kept from an engine whose state was dropped.</summary>
    public void ClearGauges()
    {
        BeaconKeys = 0;
        LineageProcesses = 0;
    }

    /// <summary>Adds another engine's totals to this one (safe while that engine runs on its own thread).</summary>
    public void Add(EngineCounters other)
    {
        Records += Volatile.Read(ref other.Records);
        NetworkEvents += Volatile.Read(ref other.NetworkEvents);
        Skipped += Volatile.Read(ref other.Skipped);
        Malformed += Volatile.Read(ref other.Malformed);
        Inbound += Volatile.Read(ref other.Inbound);
        Internal += Volatile.Read(ref other.Internal);
        Suppressed += Volatile.Read(ref other.Suppressed);
        BelowThreshold += Volatile.Read(ref other.BelowThreshold);
        Alerts += Volatile.Read(ref other.Alerts);
        BeaconAlerts += Volatile.Read(ref other.BeaconAlerts);
        RdpPortChangeAlerts += Volatile.Read(ref other.RdpPortChangeAlerts);
        LateRecords += Volatile.Read(ref other.LateRecords);
        BeaconKeysEvicted += Volatile.Read(ref other.BeaconKeysEvicted);
        BeaconKeysExpired += Volatile.Read(ref other.BeaconKeysExpired);
        ProcessesEvicted += Volatile.Read(ref other.ProcessesEvicted);
        ProcessesForgotten += Volatile.Read(ref other.ProcessesForgotten);
        BeaconKeys += Volatile.Read(ref other.BeaconKeys);
        LineageProcesses += Volatile.Read(ref other.LineageProcesses);
        AddAll(AlertsByScore, other.AlertsByScore);
        AddAll(BeaconAlertsByScore, other.BeaconAlertsByScore);
        AddAll(RdpPortChangeAlertsByScore, other.RdpPortChangeAlertsByScore);
        AddAll(RecordsByEnvelope, other.RecordsByEnvelope);
        AddAll(MalformedByReason, other.MalformedByReason);
    }

    private static void AddAll(long[] into, long[] from)
    {
        for (int i = 0; i < into.Length; i++)
        {
            into[i] += Volatile.Read(ref from[i]);
        }
    }
}
