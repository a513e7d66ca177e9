using System.Text.Json;
using NonStdPort.Core.Detect;
using NonStdPort.Core.Read;
using NonStdPort.Core.Rules;

namespace NonStdPort.Core.Write;

/// <summary>
/// Writes the alerts of the stateful detections (<c>beacon</c>, <c>rdp_port_change</c>) through an
/// <see cref="AlertWriter"/>: its base columns, then the detection's own members. Allocation-free.
/// </summary>
internal static class DetectionAlertWriter
{
    /// <summary>The <c>event_category</c> of RDP port change alerts (Sysmon Event ID 13).</summary>
    public const string RegistryValueSetCategory = "registry_value_set";

    private static readonly JsonEncodedText BeaconName = JsonEncodedText.Encode("beacon");
    private static readonly JsonEncodedText CountName = JsonEncodedText.Encode("count");
    private static readonly JsonEncodedText MedianIntervalName = JsonEncodedText.Encode("median_interval_s");
    private static readonly JsonEncodedText JitterName = JsonEncodedText.Encode("jitter");
    private static readonly JsonEncodedText FirstSeenName = JsonEncodedText.Encode("first_seen");
    private static readonly JsonEncodedText LastSeenName = JsonEncodedText.Encode("last_seen");
    private static readonly JsonEncodedText NewPortName = JsonEncodedText.Encode("new_port");

    /// <summary>
    /// Writes a beacon alert: the connection's base columns with rule <c>beacon</c>, plus
    /// <c>beacon: {count, median_interval_s, jitter, first_seen, last_seen}</c>.
    /// </summary>
    public static void WriteBeacon(AlertWriter writer, AlertBatch batch, in AlertColumns columns, in BeaconObservation beacon, in SourceRef source)
    {
        writer.Begin(batch, columns);
        Utf8JsonWriter json = writer.Json;
        json.WriteStartObject(BeaconName);
        json.WriteNumber(CountName, beacon.Count);
        json.WriteNumber(MedianIntervalName, Math.Round(beacon.MedianInterval.TotalSeconds, 3));
        json.WriteNumber(JitterName, Math.Round(beacon.Jitter, 4));
        WriteTime(json, FirstSeenName, beacon.FirstSeen);
        WriteTime(json, LastSeenName, beacon.LastSeen);
        json.WriteEndObject();
        writer.End(source);
    }

    /// <summary>Writes an RDP port change alert: its base columns plus <c>new_port</c>.</summary>
    public static void WriteRdpPortChange(AlertWriter writer, AlertBatch batch, in AlertColumns columns, int newPort, in SourceRef source)
    {
        writer.Begin(batch, columns);
        writer.Json.WriteNumber(NewPortName, newPort);
        writer.End(source);
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

    private static void WriteTime(Utf8JsonWriter json, JsonEncodedText name, long utcTicks)
    {
        Span<byte> text = stackalloc byte[EventTime.FormattedLength];
        EventTime.Format(utcTicks, text);
        json.WriteString(name, text);
    }
}
