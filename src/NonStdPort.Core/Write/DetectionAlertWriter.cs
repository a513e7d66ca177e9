using NonStdPort.Core.Detect;
using NonStdPort.Core.Read;
using NonStdPort.Core.Rules;

namespace NonStdPort.Core.Write;

/// <summary>
/// Writes the alerts of the stateful detections (<c>beacon</c>, <c>rdp_port_change</c>) through any
/// <see cref="IAlertFormatter"/>: its base columns, then the detection's own members. Allocation-free.
/// </summary>
internal static class DetectionAlertWriter
{
    /// <summary>The <c>event_category</c> of RDP port change alerts (Sysmon Event ID 13).</summary>
    public const string RegistryValueSetCategory = "registry_value_set";

    /// <summary>Writes a beacon alert: the connection's base columns with rule <c>beacon</c>, plus what the tracker observed.</summary>
    public static void WriteBeacon(IAlertFormatter writer, AlertBatch batch, in AlertColumns columns, in BeaconObservation beacon, in SourceRef source)
    {
        var details = new AlertDetails(columns)
        {
            BeaconCount = beacon.Count,
            BeaconMedianIntervalSeconds = beacon.MedianInterval.TotalSeconds,
            BeaconJitter = beacon.Jitter,
            BeaconFirstSeen = beacon.FirstSeen,
            BeaconLastSeen = beacon.LastSeen,
        };
        writer.Write(batch, details, source);
    }

    /// <summary>Writes an RDP port change alert: its base columns plus the new port.</summary>
    public static void WriteRdpPortChange(IAlertFormatter writer, AlertBatch batch, in AlertColumns columns, int newPort, in SourceRef source)
    {
        var details = new AlertDetails(columns) { NewPort = newPort };
        writer.Write(batch, details, source);
    }

    /// <summary>
    /// The base columns of an RDP port change: who wrote the value and where; no address or
    /// destination port. The score columns judge the writing image and the new port as the
    /// single-event score would; the severity is always high.
    /// </summary>
    public static AlertColumns RdpPortChangeColumns(in SysmonRecord record, long eventTimeTicks, int newPort, RuleSet rules)
    {
        bool highRisk = rules.HighRiskProcesses.ContainsImage(record.Image);
        bool c2Port = rules.C2Ports.Contains(newPort);
        return new AlertColumns
        {
            EventTimeTicks = eventTimeTicks,
            DestinationPort = -1,
            Username = record.User,
            ProcessName = record.Image,
            EventCategory = RegistryValueSetCategory,
            Envelope = record.Envelope,
            IsHighRiskProcess = highRisk,
            IsKnownC2Port = c2Port,
            RiskScore = Scorer.RiskScore(highRisk, c2Port, rules.StandardPorts.Contains(newPort), newPort),
            Hostname = record.Computer,
            ProcessGuid = record.ProcessGuid,
            Severity = AlertSeverity.High,
            Rule = DetectionRule.RdpPortChange,
        };
    }

    /// <summary>The severity of a beacon: high when the key's single-event risk score is 2 or more, else medium.</summary>
    public static AlertSeverity BeaconSeverity(int riskScore) => riskScore >= 2 ? AlertSeverity.High : AlertSeverity.Medium;
}
