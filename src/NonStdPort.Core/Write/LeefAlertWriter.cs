using System.Buffers;

namespace NonStdPort.Core.Write;

/// <summary>
/// Writes alerts as IBM QRadar LEEF 2.0 events, one per line:
/// <c>LEEF:2.0|NonStdPort|nonstdport|VERSION|RULE|x09|</c> then tab-separated attributes, the
/// predefined ones first (<c>devTime</c> with <c>devTimeFormat</c>, <c>cat</c>, <c>sev</c> 1-10,
/// <c>src</c>, <c>dst</c>, <c>dstPort</c>, <c>proto</c>, <c>usrName</c>, <c>identHostName</c>), then
/// custom keys for the score columns and detection members. The EventID is the rule, so QRadar's
/// QID map has one entry per rule. Values escape the backslash, the tab delimiter (<c>\t</c>) and
/// line breaks (<c>\n</c>, <c>\r</c>). Allocation-free once warm.
/// </summary>
public sealed class LeefAlertWriter : IAlertFormatter
{
    /// <summary>The pattern of <c>devTime</c>, in the Java SimpleDateFormat syntax LEEF's <c>devTimeFormat</c> uses.</summary>
    public const string DevTimeFormat = "yyyy-MM-dd'T'HH:mm:ss.SSSX";

    private static readonly byte[] HeaderStart = System.Text.Encoding.UTF8.GetBytes(
        $"LEEF:2.0|{ProductInfo.Vendor}|{ProductInfo.Product}|{ProductInfo.Version}|");

    private readonly KeyValueOut _out = new(SearchValues.Create("\\\t\n\r"u8), "\t"u8.ToArray());
    private readonly TimeProvider _clock;
    private AlertText.Utf8Name _file;
    private AlertText.Utf8Name _topic;

    /// <summary>Creates a writer.</summary>
    /// <param name="clock">The clock of <c>detectedAt</c>; the system clock when null.</param>
    public LeefAlertWriter(TimeProvider? clock = null) => _clock = clock ?? TimeProvider.System;

    /// <inheritdoc />
    public AlertFormat Format => AlertFormat.Leef;

    /// <inheritdoc />
    public void Write(AlertBatch batch, in AlertDetails alert, in SourceRef source)
    {
        ref readonly AlertColumns c = ref alert.Columns;
        KeyValueOut o = _out;
        int start = batch.WrittenCount;
        batch.Write(HeaderStart);
        batch.Write(AlertText.Rule(c.Rule));
        batch.Write("|x09|"u8);
        o.Start(batch);
        if (c.EventTimeTicks >= 0)
        {
            o.Iso("devTime"u8, c.EventTimeTicks);
            o.Constant("devTimeFormat"u8, "yyyy-MM-dd'T'HH:mm:ss.SSSX"u8);
        }

        o.Constant("cat"u8, AlertText.EventCategory(c.EventCategory));
        o.Number("sev"u8, Math.Max(1, AlertText.Severity10(c.Severity)));
        o.Text("src"u8, c.SourceIp);
        o.Text("dst"u8, c.DestinationIp);
        if (c.DestinationPort >= 0)
        {
            o.Number("dstPort"u8, c.DestinationPort);
        }

        o.Text("proto"u8, c.Protocol);
        o.Text("usrName"u8, c.Username);
        (int keyStart, int keyLength) = o.TextAt("identHostName"u8, c.Hostname);

        Span<byte> id = stackalloc byte[AlertId.FormattedLength];
        AlertId.Format(AlertId.Compute(c), id);
        o.Constant("alertId"u8, id);
        o.Iso("detectedAt"u8, _clock.GetUtcNow().UtcTicks);
        o.Constant("technique"u8, "T1571"u8);
        o.Constant("severity"u8, AlertText.Severity(c.Severity));
        o.Number("riskScore"u8, c.RiskScore);
        o.Number("isHighRiskProcess"u8, c.IsHighRiskProcess ? 1 : 0);
        o.Number("isKnownC2Port"u8, c.IsKnownC2Port ? 1 : 0);
        o.Constant("logSourceType"u8, AlertText.Envelope(c.Envelope));
        o.Text("processName"u8, c.ProcessName);
        o.Text("processGuid"u8, c.ProcessGuid);
        o.Text("parentProcess"u8, c.ParentProcess);
        o.Text("commandLine"u8, c.CommandLine);
        o.Text("parentCommandLine"u8, c.ParentCommandLine);
        if (alert.IsBeacon)
        {
            o.Number("beaconCount"u8, alert.BeaconCount);
            o.Decimal("beaconMedianIntervalS"u8, alert.BeaconMedianIntervalSeconds, 3);
            o.Decimal("beaconJitter"u8, alert.BeaconJitter, 4);
            o.Iso("beaconFirstSeen"u8, alert.BeaconFirstSeen);
            o.Iso("beaconLastSeen"u8, alert.BeaconLastSeen);
        }

        if (alert.NewPort >= 0)
        {
            o.Number("newPort"u8, alert.NewPort);
        }

        if (alert.HasStatus)
        {
            o.Constant("alert"u8, alert.IsAlert ? "true"u8 : "false"u8);
            if (!alert.IsAlert)
            {
                o.Constant("notAlertReason"u8, AlertText.Reason(alert.NotAlertReason));
            }
        }

        if (source.Topic is not null)
        {
            o.Text("sourceTopic"u8, _topic.Get(source.Topic));
            o.Number("sourcePartition"u8, source.Partition);
            o.Number("sourceOffset"u8, source.Offset);
        }
        else
        {
            if (source.File is not null)
            {
                o.Key("sourceFile"u8);
                o.Escaped(_file.Get(source.File));
            }

            o.Number(source.IsEvtxRecord ? "sourceRecord"u8 : "sourceLine"u8, source.Line);
        }

        batch.AddEntry(start, keyStart, keyLength, c.RiskScore, c.Rule, AlertText.RankTime(c.EventTimeTicks));
        batch.Write("\n"u8);
    }
}
