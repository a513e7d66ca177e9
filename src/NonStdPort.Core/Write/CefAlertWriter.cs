using System.Buffers;

namespace NonStdPort.Core.Write;

/// <summary>
/// Writes alerts as ArcSight CEF version 0 events, one per line:
/// <c>CEF:0|NonStdPort|nonstdport|VERSION|RULE|TITLE|SEVERITY|</c> then space-separated extensions:
/// <c>rt</c> (event time, ms since the epoch; the detection time when the record had none),
/// <c>externalId</c> (alert_id), <c>cat</c>, <c>src</c>, <c>dst</c>, <c>dpt</c>, <c>proto</c>,
/// <c>suser</c>, <c>shost</c>, <c>sproc</c>, <c>cs1</c>..<c>cs6</c>, <c>cn1</c>..<c>cn2</c>,
/// <c>cfp1</c>..<c>cfp2</c>, <c>flexNumber1</c>..<c>2</c>, <c>flexString1</c> and
/// <c>deviceCustomDate1</c>, each with its label, <c>cnt</c>/<c>start</c>/<c>end</c> for a beacon.
/// Severity is 0-10 (low 3, medium 5, high 8). Header fields escape <c>|</c> and <c>\</c>;
/// extension values escape <c>=</c>, <c>\</c> and line breaks (<c>\n</c>, <c>\r</c>).
/// Allocation-free once warm.
/// </summary>
public sealed class CefAlertWriter : IAlertFormatter
{
    private static readonly byte[] HeaderStart = System.Text.Encoding.UTF8.GetBytes(
        $"CEF:0|{ProductInfo.Vendor}|{ProductInfo.Product}|{ProductInfo.Version}|");

    private readonly KeyValueOut _out = new(SearchValues.Create("\\=\n\r"u8), " "u8.ToArray());
    private readonly TimeProvider _clock;
    private AlertText.Utf8Name _file;
    private AlertText.Utf8Name _topic;

    /// <summary>Creates a writer.</summary>
    /// <param name="clock">The clock of <c>deviceCustomDate1</c> (detected_at); the system clock when null.</param>
    public CefAlertWriter(TimeProvider? clock = null) => _clock = clock ?? TimeProvider.System;

    /// <inheritdoc />
    public AlertFormat Format => AlertFormat.Cef;

    /// <inheritdoc />
    public void Write(AlertBatch batch, in AlertDetails alert, in SourceRef source)
    {
        ref readonly AlertColumns c = ref alert.Columns;
        KeyValueOut o = _out;
        int start = batch.WrittenCount;
        long detected = _clock.GetUtcNow().UtcTicks;

        // The header's variable fields are constants without | or \, so need no escaping.
        batch.Write(HeaderStart);
        batch.Write(AlertText.Rule(c.Rule));
        batch.Write("|"u8);
        batch.Write(AlertText.RuleTitle(c.Rule));
        batch.Write("|"u8);
        AlertText.Number(batch, AlertText.Severity10(c.Severity));
        batch.Write("|"u8);

        o.Start(batch);
        o.Number("rt"u8, AlertText.UnixMilliseconds(c.EventTimeTicks >= 0 ? c.EventTimeTicks : detected));
        Span<byte> id = stackalloc byte[AlertId.FormattedLength];
        AlertId.Format(AlertId.Compute(c), id);
        o.Constant("externalId"u8, id);
        o.Constant("cat"u8, AlertText.EventCategory(c.EventCategory));
        o.Text("src"u8, c.SourceIp);
        o.Text("dst"u8, c.DestinationIp);
        if (c.DestinationPort >= 0)
        {
            o.Number("dpt"u8, c.DestinationPort);
        }

        o.Text("proto"u8, c.Protocol);
        o.Text("suser"u8, c.Username);
        (int keyStart, int keyLength) = o.TextAt("shost"u8, c.Hostname);
        o.Text("sproc"u8, c.ProcessName);
        o.Labelled("cs1"u8, "cs1Label"u8, "processGuid"u8, c.ProcessGuid);
        o.Labelled("cs2"u8, "cs2Label"u8, "commandLine"u8, c.CommandLine);
        o.Labelled("cs3"u8, "cs3Label"u8, "parentProcess"u8, c.ParentProcess);
        o.Labelled("cs4"u8, "cs4Label"u8, "parentCommandLine"u8, c.ParentCommandLine);
        o.Labelled("cs5"u8, "cs5Label"u8, "logSourceType"u8, AlertText.Envelope(c.Envelope));
        o.Labelled("cs6"u8, "cs6Label"u8, "technique"u8, "T1571"u8);
        o.Number("cn1"u8, c.RiskScore);
        o.Constant("cn1Label"u8, "riskScore"u8);
        o.Number("flexNumber1"u8, c.IsHighRiskProcess ? 1 : 0);
        o.Constant("flexNumber1Label"u8, "isHighRiskProcess"u8);
        o.Number("flexNumber2"u8, c.IsKnownC2Port ? 1 : 0);
        o.Constant("flexNumber2Label"u8, "isKnownC2Port"u8);
        o.Number("deviceCustomDate1"u8, AlertText.UnixMilliseconds(detected));
        o.Constant("deviceCustomDate1Label"u8, "detectedAt"u8);
        if (alert.IsBeacon)
        {
            o.Number("cnt"u8, alert.BeaconCount);
            o.Number("start"u8, AlertText.UnixMilliseconds(alert.BeaconFirstSeen));
            o.Number("end"u8, AlertText.UnixMilliseconds(alert.BeaconLastSeen));
            o.Decimal("cfp1"u8, alert.BeaconMedianIntervalSeconds, 3);
            o.Constant("cfp1Label"u8, "beaconMedianIntervalS"u8);
            o.Decimal("cfp2"u8, alert.BeaconJitter, 4);
            o.Constant("cfp2Label"u8, "beaconJitter"u8);
        }

        if (alert.NewPort >= 0)
        {
            o.Number("cn2"u8, alert.NewPort);
            o.Constant("cn2Label"u8, "newPort"u8);
        }

        if (alert.HasStatus)
        {
            o.Constant("outcome"u8, alert.IsAlert ? "alert"u8 : "not_alert"u8);
            if (!alert.IsAlert)
            {
                o.Constant("reason"u8, AlertText.Reason(alert.NotAlertReason));
            }
        }

        // Where the record came from, as one value: FILE:LINE (or FILE:RECORD for EVTX), TOPIC:PARTITION:OFFSET.
        o.Key("flexString1"u8);
        if (source.Topic is not null)
        {
            o.Escaped(_topic.Get(source.Topic));
            batch.Write(":"u8);
            AlertText.Number(batch, source.Partition);
            batch.Write(":"u8);
            AlertText.Number(batch, source.Offset);
        }
        else
        {
            o.Escaped(source.File is null ? "-"u8 : _file.Get(source.File));
            batch.Write(":"u8);
            AlertText.Number(batch, source.Line);
        }

        o.Constant("flexString1Label"u8, source.IsEvtxRecord ? "sourceRecord"u8 : "source"u8);
        batch.AddEntry(start, keyStart, keyLength, c.RiskScore, c.Rule, AlertText.RankTime(c.EventTimeTicks));
        batch.Write("\n"u8);
    }
}
