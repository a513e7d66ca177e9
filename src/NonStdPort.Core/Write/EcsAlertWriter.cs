namespace NonStdPort.Core.Write;

/// <summary>
/// Writes alerts as Elastic Common Schema 9.x alert documents (one JSON object per line), nested
/// as Elasticsearch stores them: <c>@timestamp</c> (the event time, or the detection time when the
/// record had none), <c>event.*</c> (<c>kind: alert</c>, category and type, <c>id</c> = alert_id,
/// <c>created</c> = detected_at, <c>severity</c> 1-3, <c>risk_score</c> 21/47/73 as Elastic's
/// low/medium/high rules use), <c>rule.*</c>, <c>threat.*</c> (MITRE ATT&amp;CK TA0011 / T1571),
/// <c>host.name</c>, <c>user.name</c>, <c>process.*</c>, <c>source.ip</c>, <c>destination.*</c>,
/// <c>network.transport</c>, <c>observer.*</c>, and everything ECS has no field for under the one
/// custom namespace <c>nonstdport.</c>. Absent values are left out. Allocation-free once warm.
/// </summary>
public sealed class EcsAlertWriter : IAlertFormatter
{
    /// <summary>The ECS version the documents follow (<c>ecs.version</c>).</summary>
    public const string EcsVersion = "9.4.0";

    private static readonly byte[] Threat = System.Text.Encoding.UTF8.GetBytes(
        "{\"framework\":\"MITRE ATT&CK\"," +
        $"\"tactic\":{{\"id\":[\"{AlertText.TacticId}\"],\"name\":[\"{AlertText.TacticName}\"],\"reference\":[\"{AlertText.TacticReference}\"]}}," +
        $"\"technique\":{{\"id\":[\"{AlertText.TechniqueId}\"],\"name\":[\"{AlertText.TechniqueName}\"],\"reference\":[\"{AlertText.TechniqueReference}\"]}}}}");

    private readonly JsonOut _out = new();
    private readonly TimeProvider _clock;
    private AlertText.Utf8Name _file;
    private AlertText.Utf8Name _topic;

    /// <summary>Creates a writer.</summary>
    /// <param name="clock">The clock of <c>event.created</c>; the system clock when null.</param>
    public EcsAlertWriter(TimeProvider? clock = null) => _clock = clock ?? TimeProvider.System;

    /// <inheritdoc />
    public AlertFormat Format => AlertFormat.Ecs;

    /// <inheritdoc />
    public void Write(AlertBatch batch, in AlertDetails alert, in SourceRef source)
    {
        ref readonly AlertColumns c = ref alert.Columns;
        JsonOut o = _out;
        int start = batch.WrittenCount;
        long detected = _clock.GetUtcNow().UtcTicks;
        bool registry = c.Rule == DetectionRule.RdpPortChange;
        o.Start(batch);
        o.Iso("@timestamp"u8, c.EventTimeTicks >= 0 ? c.EventTimeTicks : detected);
        o.Raw("ecs"u8, "{\"version\":\"9.4.0\"}"u8);

        o.Open("event"u8);
        o.Constant("kind"u8, "alert"u8);
        o.Raw("category"u8, registry ? "[\"registry\",\"configuration\"]"u8 : "[\"network\"]"u8);
        o.Raw("type"u8, registry ? "[\"change\"]"u8 : "[\"connection\",\"start\"]"u8);
        Span<byte> id = stackalloc byte[AlertId.FormattedLength];
        AlertId.Format(AlertId.Compute(c), id);
        o.Constant("id"u8, id);
        o.Iso("created"u8, detected);
        o.Number("severity"u8, (int)c.Severity);
        o.Number("risk_score"u8, AlertText.RiskScore100(c.Severity));
        o.Constant("module"u8, "nonstdport"u8);
        o.Constant("dataset"u8, "nonstdport.alert"u8);
        if (alert.IsBeacon)
        {
            o.Iso("start"u8, alert.BeaconFirstSeen);
            o.Iso("end"u8, alert.BeaconLastSeen);
        }

        o.Close();

        o.Open("rule"u8);
        o.Constant("id"u8, AlertText.Rule(c.Rule));
        o.Constant("name"u8, AlertText.Rule(c.Rule));
        o.Constant("description"u8, AlertText.RuleTitle(c.Rule));
        o.Constant("ruleset"u8, "nonstdport"u8);
        o.Constant("reference"u8, "https://attack.mitre.org/techniques/T1571/"u8);
        o.Close();
        o.Raw("threat"u8, Threat);

        (int keyStart, int keyLength) = (o.Position, 0);
        if (!AlertText.IsAbsent(c.Hostname))
        {
            o.Open("host"u8);
            (keyStart, keyLength) = o.StringAt("name"u8, c.Hostname);
            o.Close();
        }

        if (!AlertText.IsAbsent(c.Username))
        {
            o.Open("user"u8);
            o.String("name"u8, c.Username);
            o.Close();
        }

        o.Open("process"u8);
        o.String("executable"u8, c.ProcessName);
        o.String("name"u8, AlertText.FileName(c.ProcessName));
        o.String("entity_id"u8, c.ProcessGuid);
        o.String("command_line"u8, c.CommandLine);
        if (!AlertText.IsAbsent(c.ParentProcess) || !AlertText.IsAbsent(c.ParentCommandLine))
        {
            o.Open("parent"u8);
            o.String("executable"u8, c.ParentProcess);
            o.String("name"u8, AlertText.FileName(c.ParentProcess));
            o.String("command_line"u8, c.ParentCommandLine);
            o.Close();
        }

        o.Close();
        if (!AlertText.IsAbsent(c.SourceIp))
        {
            o.Open("source"u8);
            o.String("ip"u8, c.SourceIp);
            o.Close();
        }

        if (!AlertText.IsAbsent(c.DestinationIp) || c.DestinationPort >= 0)
        {
            o.Open("destination"u8);
            o.String("ip"u8, c.DestinationIp);
            if (c.DestinationPort >= 0)
            {
                o.Number("port"u8, c.DestinationPort);
            }

            o.Close();
        }

        if (!AlertText.IsAbsent(c.Protocol))
        {
            o.Open("network"u8);
            o.String("transport"u8, c.Protocol);
            o.Close();
        }

        o.Open("observer"u8);
        o.Constant("vendor"u8, AlertText.Vendor);
        o.Constant("product"u8, AlertText.Product);
        o.Constant("version"u8, AlertText.Version);
        o.Close();

        o.Open("nonstdport"u8);
        o.ProjectFields(alert, source, ref _file, ref _topic);
        o.Close();
        o.Finish();
        batch.AddEntry(start, keyStart, keyLength, c.RiskScore, c.Rule, AlertText.RankTime(c.EventTimeTicks));
        batch.Write("\n"u8);
    }
}
