namespace NonStdPort.Core.Detect;

/// <summary>
/// Running totals kept by one <see cref="Engine"/>. Plain fields, written on the engine's thread
/// only (nothing contended per record); <see cref="Add"/> reads another instance's fields one
/// by one with volatile reads, so a host can sum its engines from a stats or metrics thread.
/// </summary>
public sealed class EngineCounters
{
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
        for (int i = 0; i < AlertsByScore.Length; i++)
        {
            AlertsByScore[i] += Volatile.Read(ref other.AlertsByScore[i]);
        }
    }
}
