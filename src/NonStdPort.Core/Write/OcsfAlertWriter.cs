namespace NonStdPort.Core.Write;

/// <summary>
/// Writes alerts as OCSF 1.8.0 Detection Findings (class_uid 2004, activity Create, status New),
/// one JSON object per line: <c>time</c> (event time in ms since the epoch, or the detection time
/// when the record had none), <c>severity_id</c> (low 2, medium 3, high 4; informational 1 for a
/// record that is not an alert), <c>finding_info</c> (uid = alert_id, title, analytic = the rule,
/// created_time = detected_at, attacks), <c>attacks</c> (TA0011 / T1571), <c>metadata.product</c>,
/// <c>device.hostname</c>, and one <c>evidences</c> entry with the process, the source and
/// destination endpoints, the connection info and the user. The score columns and detection
/// members go under <c>unmapped.nonstdport</c>. Absent values are left out. Allocation-free once warm.
/// </summary>
public sealed class OcsfAlertWriter : IAlertFormatter
{
    /// <summary>The OCSF schema version the findings follow (<c>metadata.version</c>).</summary>
    public const string OcsfVersion = "1.8.0";

    private static readonly byte[] Attack = System.Text.Encoding.UTF8.GetBytes(
        $"[{{\"tactic\":{{\"uid\":\"{AlertText.TacticId}\",\"name\":\"{AlertText.TacticName}\",\"src_url\":\"{AlertText.TacticReference}\"}}," +
        $"\"technique\":{{\"uid\":\"{AlertText.TechniqueId}\",\"name\":\"{AlertText.TechniqueName}\",\"src_url\":\"{AlertText.TechniqueReference}\"}}}}]");

    private static readonly byte[] Product = System.Text.Encoding.UTF8.GetBytes(
        $"{{\"name\":\"{ProductInfo.Product}\",\"vendor_name\":\"{ProductInfo.Vendor}\",\"version\":\"{ProductInfo.Version}\"}}");

    private readonly JsonOut _out = new();
    private readonly TimeProvider _clock;
    private AlertText.Utf8Name _file;
    private AlertText.Utf8Name _topic;

    /// <summary>Creates a writer.</summary>
    /// <param name="clock">The clock of <c>finding_info.created_time</c>; the system clock when null.</param>
    public OcsfAlertWriter(TimeProvider? clock = null) => _clock = clock ?? TimeProvider.System;

    /// <inheritdoc />
    public AlertFormat Format => AlertFormat.Ocsf;

    /// <inheritdoc />
    public void Write(AlertBatch batch, in AlertDetails alert, in SourceRef source)
    {
        ref readonly AlertColumns c = ref alert.Columns;
        JsonOut o = _out;
        int start = batch.WrittenCount;
        long detected = _clock.GetUtcNow().UtcTicks;
        bool isAlert = !alert.HasStatus || alert.IsAlert;
        o.Start(batch);
        o.Raw("activity_id"u8, "1"u8);
        o.Constant("activity_name"u8, "Create"u8);
        o.Raw("category_uid"u8, "2"u8);
        o.Constant("category_name"u8, "Findings"u8);
        o.Raw("class_uid"u8, "2004"u8);
        o.Constant("class_name"u8, "Detection Finding"u8);
        o.Raw("type_uid"u8, "200401"u8);
        o.Constant("type_name"u8, "Detection Finding: Create"u8);
        o.Number("time"u8, AlertText.UnixMilliseconds(c.EventTimeTicks >= 0 ? c.EventTimeTicks : detected));
        o.Number("severity_id"u8, c.Severity switch { AlertSeverity.High => 4, AlertSeverity.Medium => 3, AlertSeverity.Low => 2, _ => 1 });
        o.Constant("severity"u8, c.Severity switch
        {
            AlertSeverity.High => "High"u8,
            AlertSeverity.Medium => "Medium"u8,
            AlertSeverity.Low => "Low"u8,
            _ => "Informational"u8,
        });
        o.Raw("status_id"u8, "1"u8);
        o.Constant("status"u8, "New"u8);
        o.Bool("is_alert"u8, isAlert);
        o.Constant("message"u8, AlertText.RuleTitle(c.Rule));
        o.Number("risk_score"u8, c.RiskScore);
        if (alert.IsBeacon)
        {
            o.Number("count"u8, alert.BeaconCount);
            o.Number("start_time"u8, AlertText.UnixMilliseconds(alert.BeaconFirstSeen));
            o.Number("end_time"u8, AlertText.UnixMilliseconds(alert.BeaconLastSeen));
        }

        Span<byte> id = stackalloc byte[AlertId.FormattedLength];
        AlertId.Format(AlertId.Compute(c), id);
        o.Open("finding_info"u8);
        o.Constant("uid"u8, id);
        o.Constant("title"u8, AlertText.RuleTitle(c.Rule));
        o.Number("created_time"u8, AlertText.UnixMilliseconds(detected));
        o.Open("analytic"u8);
        o.Constant("uid"u8, AlertText.Rule(c.Rule));
        o.Constant("name"u8, AlertText.Rule(c.Rule));
        o.Raw("type_id"u8, "1"u8);
        o.Constant("type"u8, "Rule"u8);
        o.Close();
        o.Name("types"u8);
        batch.Write("[\""u8);
        batch.Write(AlertText.Rule(c.Rule));
        batch.Write("\"]"u8);
        o.Raw("attacks"u8, Attack);
        if (alert.IsBeacon)
        {
            o.Number("first_seen_time"u8, AlertText.UnixMilliseconds(alert.BeaconFirstSeen));
            o.Number("last_seen_time"u8, AlertText.UnixMilliseconds(alert.BeaconLastSeen));
        }

        o.Close();
        o.Raw("attacks"u8, Attack);

        o.Open("metadata"u8);
        o.Constant("version"u8, "1.8.0"u8);
        o.Constant("uid"u8, id);
        o.Raw("product"u8, Product);
        o.Raw("profiles"u8, "[\"security_control\",\"host\"]"u8);
        o.Constant("log_name"u8, AlertText.Envelope(c.Envelope));
        o.Close();

        (int keyStart, int keyLength) = (o.Position, 0);
        if (!AlertText.IsAbsent(c.Hostname))
        {
            o.Open("device"u8);
            (keyStart, keyLength) = o.StringAt("hostname"u8, c.Hostname);
            o.Raw("type_id"u8, "0"u8);
            o.Constant("type"u8, "Unknown"u8);
            o.Close();
        }

        o.Name("evidences"u8);
        batch.Write("["u8);
        o.OpenElement();
        WriteProcess(o, c);
        if (!AlertText.IsAbsent(c.SourceIp))
        {
            o.Open("src_endpoint"u8);
            o.String("ip"u8, c.SourceIp);
            o.Close();
        }

        if (!AlertText.IsAbsent(c.DestinationIp) || c.DestinationPort >= 0)
        {
            o.Open("dst_endpoint"u8);
            o.String("ip"u8, c.DestinationIp);
            if (c.DestinationPort >= 0)
            {
                o.Number("port"u8, c.DestinationPort);
            }

            o.Close();
        }

        if (c.Rule != DetectionRule.RdpPortChange)
        {
            o.Open("connection_info"u8);
            o.String("protocol_name"u8, c.Protocol);
            int number = ProtocolNumber(c.Protocol);
            if (number >= 0)
            {
                o.Number("protocol_num"u8, number);
            }

            // Only outbound connections are scored as alerts; with --all, inbound ones say so.
            bool inbound = alert.HasStatus && alert.NotAlertReason == Detect.NotAlertReason.Inbound;
            o.Raw("direction_id"u8, inbound ? "1"u8 : "2"u8);
            o.Constant("direction"u8, inbound ? "Inbound"u8 : "Outbound"u8);
            o.Close();
        }

        if (!AlertText.IsAbsent(c.Username))
        {
            o.Open("user"u8);
            o.String("name"u8, c.Username);
            o.Close();
        }

        o.Close();
        batch.Write("]"u8);

        o.Open("unmapped"u8);
        o.Open("nonstdport"u8);
        o.ProjectFields(alert, source, ref _file, ref _topic);
        o.Close();
        o.Close();
        o.Finish();
        batch.AddEntry(start, keyStart, keyLength, c.RiskScore, c.Rule, AlertText.RankTime(c.EventTimeTicks));
        batch.Write("\n"u8);
    }

    private static void WriteProcess(JsonOut o, in AlertColumns c)
    {
        if (AlertText.IsAbsent(c.ProcessName) && AlertText.IsAbsent(c.ProcessGuid))
        {
            return;
        }

        o.Open("process"u8);
        o.String("name"u8, AlertText.FileName(c.ProcessName));
        o.String("path"u8, c.ProcessName);
        o.String("uid"u8, c.ProcessGuid);
        o.String("cmd_line"u8, c.CommandLine);
        if (!AlertText.IsAbsent(c.ProcessName))
        {
            o.Open("file"u8);
            o.String("name"u8, AlertText.FileName(c.ProcessName));
            o.String("path"u8, c.ProcessName);
            o.Raw("type_id"u8, "1"u8);
            o.Constant("type"u8, "Regular File"u8);
            o.Close();
        }

        if (!AlertText.IsAbsent(c.ParentProcess) || !AlertText.IsAbsent(c.ParentCommandLine))
        {
            o.Open("parent_process"u8);
            o.String("name"u8, AlertText.FileName(c.ParentProcess));
            o.String("path"u8, c.ParentProcess);
            o.String("cmd_line"u8, c.ParentCommandLine);
            o.Close();
        }

        o.Close();
    }

    /// <summary>The IANA protocol number of Sysmon's protocol name (tcp 6, udp 17), or -1.</summary>
    private static int ProtocolNumber(ReadOnlySpan<byte> protocol)
    {
        if (System.Text.Ascii.EqualsIgnoreCase(protocol, "tcp"u8))
        {
            return 6;
        }

        return System.Text.Ascii.EqualsIgnoreCase(protocol, "udp"u8) ? 17 : -1;
    }
}
