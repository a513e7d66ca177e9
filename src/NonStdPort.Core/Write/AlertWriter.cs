using System.Runtime.CompilerServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using NonStdPort.Core.Detect;
using NonStdPort.Core.Read;

namespace NonStdPort.Core.Write;

/// <summary>
/// Writes alerts as UTF-8 JSON objects into an <see cref="AlertBatch"/> through one reused
/// <see cref="Utf8JsonWriter"/>: allocation-free once warm. Columns, in order: <c>event_time</c>,
/// <c>sourceip</c>, <c>destinationip</c>, <c>destinationport</c>, <c>username</c>, <c>process_name</c>,
/// <c>parent_process</c>, <c>command_line</c>, <c>parent_command_line</c>, <c>event_category</c>, <c>log_source_type</c>, <c>is_high_risk_process</c>,
/// <c>is_known_c2_port</c>, <c>risk_score</c>, <c>hostname</c>, <c>process_guid</c>, <c>protocol</c>,
/// <c>technique</c>, <c>severity</c>, <c>rule</c>, <c>timestamp</c> (the event time as ISO 8601 UTC with
/// milliseconds), <c>detected_at</c> (when the alert was written, same form), <c>alert_id</c> (see
/// <see cref="AlertId"/>), then any detection-specific members, then (with
/// <c>--all</c>) <c>alert</c> and <c>not_alert_reason</c>, and <c>source</c> last.
/// Use: <see cref="Begin"/>, optionally write more members through <see cref="Json"/>, then <see cref="End"/>.
/// The alert's key in the batch is its <c>hostname</c> value as it appears in the JSON (the host
/// name itself unless it needed JSON escaping); empty when the record had no host name.
/// One instance per thread.
/// </summary>
public sealed class AlertWriter : IAlertFormatter
{
    /// <summary>The <c>event_category</c> of network-connection alerts.</summary>
    public const string NetworkConnectionCategory = "network_connection";

    /// <summary>The MITRE ATT&amp;CK technique every alert carries.</summary>
    public const string Technique = "T1571";

    private static readonly JsonEncodedText EventTimeName = JsonEncodedText.Encode("event_time");
    private static readonly JsonEncodedText SourceIpName = JsonEncodedText.Encode("sourceip");
    private static readonly JsonEncodedText DestinationIpName = JsonEncodedText.Encode("destinationip");
    private static readonly JsonEncodedText DestinationPortName = JsonEncodedText.Encode("destinationport");
    private static readonly JsonEncodedText UsernameName = JsonEncodedText.Encode("username");
    private static readonly JsonEncodedText ProcessNameName = JsonEncodedText.Encode("process_name");
    private static readonly JsonEncodedText ParentProcessName = JsonEncodedText.Encode("parent_process");
    private static readonly JsonEncodedText CommandLineName = JsonEncodedText.Encode("command_line");
    private static readonly JsonEncodedText ParentCommandLineName = JsonEncodedText.Encode("parent_command_line");
    private static readonly JsonEncodedText EventCategoryName = JsonEncodedText.Encode("event_category");
    private static readonly JsonEncodedText LogSourceTypeName = JsonEncodedText.Encode("log_source_type");
    private static readonly JsonEncodedText IsHighRiskName = JsonEncodedText.Encode("is_high_risk_process");
    private static readonly JsonEncodedText IsKnownC2Name = JsonEncodedText.Encode("is_known_c2_port");
    private static readonly JsonEncodedText RiskScoreName = JsonEncodedText.Encode("risk_score");
    private static readonly JsonEncodedText HostnameName = JsonEncodedText.Encode("hostname");
    private static readonly JsonEncodedText ProcessGuidName = JsonEncodedText.Encode("process_guid");
    private static readonly JsonEncodedText ProtocolName = JsonEncodedText.Encode("protocol");
    private static readonly JsonEncodedText TechniqueName = JsonEncodedText.Encode("technique");
    private static readonly JsonEncodedText TechniqueValue = JsonEncodedText.Encode(Technique);
    private static readonly JsonEncodedText SeverityName = JsonEncodedText.Encode("severity");
    private static readonly JsonEncodedText RuleName = JsonEncodedText.Encode("rule");
    private static readonly JsonEncodedText TimestampName = JsonEncodedText.Encode("timestamp");
    private static readonly JsonEncodedText DetectedAtName = JsonEncodedText.Encode("detected_at");
    private static readonly JsonEncodedText AlertIdName = JsonEncodedText.Encode("alert_id");
    private static readonly JsonEncodedText AlertName = JsonEncodedText.Encode("alert");
    private static readonly JsonEncodedText NotAlertReasonName = JsonEncodedText.Encode("not_alert_reason");
    private static readonly JsonEncodedText SourceName = JsonEncodedText.Encode("source");
    private static readonly JsonEncodedText FileName = JsonEncodedText.Encode("file");
    private static readonly JsonEncodedText LineName = JsonEncodedText.Encode("line");
    private static readonly JsonEncodedText RecordName = JsonEncodedText.Encode("record");
    private static readonly JsonEncodedText TopicName = JsonEncodedText.Encode("topic");
    private static readonly JsonEncodedText PartitionName = JsonEncodedText.Encode("partition");
    private static readonly JsonEncodedText OffsetName = JsonEncodedText.Encode("offset");

    private static readonly JsonEncodedText BeaconName = JsonEncodedText.Encode("beacon");
    private static readonly JsonEncodedText CountName = JsonEncodedText.Encode("count");
    private static readonly JsonEncodedText MedianIntervalName = JsonEncodedText.Encode("median_interval_s");
    private static readonly JsonEncodedText JitterName = JsonEncodedText.Encode("jitter");
    private static readonly JsonEncodedText FirstSeenName = JsonEncodedText.Encode("first_seen");
    private static readonly JsonEncodedText LastSeenName = JsonEncodedText.Encode("last_seen");
    private static readonly JsonEncodedText NewPortName = JsonEncodedText.Encode("new_port");

    private static readonly JsonEncodedText[] SeverityValues =
        [JsonEncodedText.Encode("none"), JsonEncodedText.Encode("low"), JsonEncodedText.Encode("medium"), JsonEncodedText.Encode("high")];

    private static readonly JsonEncodedText[] RuleValues =
        [JsonEncodedText.Encode("non_standard_port"), JsonEncodedText.Encode("beacon"), JsonEncodedText.Encode("rdp_port_change")];

    private static readonly JsonEncodedText[] NotAlertReasonValues =
    [
        default, JsonEncodedText.Encode("inbound"), JsonEncodedText.Encode("internal_destination"),
        JsonEncodedText.Encode("suppressed"), JsonEncodedText.Encode("below_threshold"),
    ];

    private static readonly JsonEncodedText[] EnvelopeValues = CreateEnvelopeValues();

    /// <summary>Longest UTF-8 value (bytes) repaired through the slow path when it is not valid UTF-8; longer ones are written as null.</summary>
    private const int MaxRepairBytes = 4096;

    private readonly Utf8JsonWriter _json;
    private readonly TimeProvider _clock;
    private readonly JsonStringEscaper _escaper = new();
    private readonly JavaScriptEncoder _encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
    private EncodedName _fileName;
    private EncodedName _topicName;
    private AlertBatch? _batch;
    private int _start;
    private int _keyStart;
    private int _keyLength;
    private byte _riskScore;
    private DetectionRule _rule;

    /// <summary>Creates a writer.</summary>
    /// <param name="clock">The clock of <c>detected_at</c>; the system clock when null.</param>
    public AlertWriter(TimeProvider? clock = null)
    {
        _clock = clock ?? TimeProvider.System;
        var options = new JsonWriterOptions
        {
            // Alerts go to SIEMs and logs, not HTML: keep non-ASCII and punctuation readable.
            Encoder = _encoder,
            Indented = false,
            SkipValidation = true,
        };
        _json = new Utf8JsonWriter(new AlertBatch(256), options);
    }

    /// <summary>The JSON writer, for detection-specific members between <see cref="Begin"/> and <see cref="End"/>.</summary>
    public Utf8JsonWriter Json => _json;

    /// <inheritdoc />
    public AlertFormat Format => AlertFormat.Json;

    /// <summary>
    /// Writes one complete alert: the base columns, then a beacon's <c>beacon: {count,
    /// median_interval_s, jitter, first_seen, last_seen}</c> or an RDP port change's <c>new_port</c>,
    /// then (with <c>--all</c>) <c>alert</c> and <c>not_alert_reason</c>, and <c>source</c>.
    /// </summary>
    public void Write(AlertBatch batch, in AlertDetails alert, in SourceRef source)
    {
        Begin(batch, alert.Columns);
        Utf8JsonWriter json = _json;
        if (alert.IsBeacon)
        {
            json.WriteStartObject(BeaconName);
            json.WriteNumber(CountName, alert.BeaconCount);
            json.WriteNumber(MedianIntervalName, Math.Round(alert.BeaconMedianIntervalSeconds, 3));
            json.WriteNumber(JitterName, Math.Round(alert.BeaconJitter, 4));
            WriteTime(FirstSeenName, alert.BeaconFirstSeen);
            WriteTime(LastSeenName, alert.BeaconLastSeen);
            json.WriteEndObject();
        }

        if (alert.NewPort >= 0)
        {
            json.WriteNumber(NewPortName, alert.NewPort);
        }

        if (alert.HasStatus)
        {
            WriteAlertStatus(alert.IsAlert, alert.NotAlertReason);
        }

        End(source);
    }

    /// <summary>Writes one complete alert (base columns and source).</summary>
    public void Write(AlertBatch batch, in AlertColumns columns, in SourceRef source)
    {
        Begin(batch, columns);
        End(source);
    }

    /// <summary>Starts an alert in <paramref name="batch"/> and writes its base columns; the object stays open.</summary>
    public void Begin(AlertBatch batch, in AlertColumns columns)
    {
        _batch = batch;
        _start = batch.WrittenCount;
        _riskScore = columns.RiskScore;
        _rule = columns.Rule;
        Utf8JsonWriter json = _json;
        json.Reset(batch);
        json.WriteStartObject();

        Span<byte> time = stackalloc byte[EventTime.IsoFormattedLength];
        if (columns.EventTimeTicks >= 0)
        {
            EventTime.Format(columns.EventTimeTicks, time);
            json.WriteString(EventTimeName, time[..EventTime.FormattedLength]);
        }
        else
        {
            json.WriteNull(EventTimeName);
        }

        WriteText(SourceIpName, columns.SourceIp);
        WriteText(DestinationIpName, columns.DestinationIp);
        if (columns.DestinationPort >= 0)
        {
            json.WriteNumber(DestinationPortName, columns.DestinationPort);
        }
        else
        {
            json.WriteNull(DestinationPortName);
        }

        WriteText(UsernameName, columns.Username);
        WriteText(ProcessNameName, columns.ProcessName);
        WriteText(ParentProcessName, columns.ParentProcess);
        WriteText(CommandLineName, columns.CommandLine);
        WriteText(ParentCommandLineName, columns.ParentCommandLine);
        json.WriteString(EventCategoryName, columns.EventCategory);
        json.WriteString(LogSourceTypeName, EnvelopeValues[(int)columns.Envelope < EnvelopeValues.Length ? (int)columns.Envelope : 0]);
        json.WriteNumber(IsHighRiskName, columns.IsHighRiskProcess ? 1 : 0);
        json.WriteNumber(IsKnownC2Name, columns.IsKnownC2Port ? 1 : 0);
        json.WriteNumber(RiskScoreName, columns.RiskScore);
        WriteHostname(columns.Hostname);
        WriteText(ProcessGuidName, columns.ProcessGuid);
        WriteText(ProtocolName, columns.Protocol);
        json.WriteString(TechniqueName, TechniqueValue);
        json.WriteString(SeverityName, SeverityValues[(int)columns.Severity & 3]);
        json.WriteString(RuleName, RuleValues[(int)columns.Rule < RuleValues.Length ? (int)columns.Rule : 0]);
        if (columns.EventTimeTicks >= 0)
        {
            EventTime.FormatIso(columns.EventTimeTicks, time);
            json.WriteString(TimestampName, time);
        }
        else
        {
            json.WriteNull(TimestampName);
        }

        EventTime.FormatIso(_clock.GetUtcNow().UtcTicks, time);
        json.WriteString(DetectedAtName, time);
        Span<byte> id = stackalloc byte[AlertId.FormattedLength];
        AlertId.Format(AlertId.Compute(columns), id);
        json.WriteString(AlertIdName, id);
    }

    /// <summary>Writes <c>alert</c> and <c>not_alert_reason</c> (for <c>--all</c>).</summary>
    public void WriteAlertStatus(in Verdict verdict) => WriteAlertStatus(verdict.IsAlert, verdict.NotAlertReason);

    private void WriteAlertStatus(bool isAlert, NotAlertReason reason)
    {
        _json.WriteBoolean(AlertName, isAlert);
        if (isAlert)
        {
            _json.WriteNull(NotAlertReasonName);
        }
        else
        {
            _json.WriteString(NotAlertReasonName, NotAlertReasonValues[(int)reason]);
        }
    }

    private void WriteTime(JsonEncodedText name, long utcTicks)
    {
        Span<byte> text = stackalloc byte[EventTime.FormattedLength];
        EventTime.Format(utcTicks, text);
        _json.WriteString(name, text);
    }

    /// <summary>
    /// Finishes the alert: writes <c>source</c> and closes the object, indexes it in the batch and
    /// appends the newline.
    /// </summary>
    public void End(in SourceRef source)
    {
        AlertBatch batch = _batch ?? throw new InvalidOperationException("End called without Begin.");
        Utf8JsonWriter json = _json;
        json.WriteStartObject(SourceName);
        if (source.Topic is not null)
        {
            json.WriteString(TopicName, _topicName.Get(source.Topic, _encoder));
            json.WriteNumber(PartitionName, source.Partition);
            json.WriteNumber(OffsetName, source.Offset);
        }
        else if (source.File is not null)
        {
            json.WriteString(FileName, _fileName.Get(source.File, _encoder));
            json.WriteNumber(source.IsEvtxRecord ? RecordName : LineName, source.Line);
        }
        else
        {
            json.WriteNull(FileName);
            json.WriteNumber(LineName, source.Line);
        }

        json.WriteEndObject();
        json.WriteEndObject();

        json.Flush();
        batch.AddEntry(_start, _keyStart, _keyLength, _riskScore, _rule);
        batch.Write("\n"u8);
        _batch = null;
    }

    /// <summary>
    /// A file or topic name, encoded once per distinct name rather than per alert (a host passes
    /// the same string for every record of a file or topic); files and topics are kept apart so
    /// that alternating between one of each does not encode again.
    /// </summary>
    private struct EncodedName
    {
        private string? _name;
        private JsonEncodedText _encoded;

        public JsonEncodedText Get(string name, JavaScriptEncoder encoder)
        {
            if (!ReferenceEquals(name, _name))
            {
                _encoded = JsonEncodedText.Encode(name, encoder);
                _name = name;
            }

            return _encoded;
        }
    }

    private void WriteHostname(ReadOnlySpan<byte> hostname)
    {
        int before = Position;
        WriteText(HostnameName, hostname);
        if (NetworkConnection.IsAbsent(hostname))
        {
            // Written as null: no key.
            _keyStart = Position;
            _keyLength = 0;
            return;
        }

        // The member is ,"hostname":"value" (always after other members): the key is the value's
        // bytes as written, found from the writer's position without flushing it.
        _keyStart = before + ",\"hostname\":\"".Length;
        _keyLength = Position - 1 - _keyStart;
    }

    /// <summary>Where the next byte will land in the batch (committed plus pending bytes since <see cref="Begin"/>).</summary>
    private int Position => _start + (int)_json.BytesCommitted + _json.BytesPending;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void WriteText(JsonEncodedText name, ReadOnlySpan<byte> value)
    {
        if (NetworkConnection.IsAbsent(value))
        {
            _json.WriteNull(name);
        }
        else if (Utf8.IsValid(value))
        {
            _json.WritePropertyName(name);
            _json.WriteRawValue(_escaper.Quote(value), skipInputValidation: true);
        }
        else
        {
            WriteRepaired(name, value);
        }
    }

    [SkipLocalsInit]
    private void WriteRepaired(JsonEncodedText name, ReadOnlySpan<byte> value)
    {
        // Readers hand over valid UTF-8; this keeps a reader bug from throwing on the hot path.
        if (value.Length > MaxRepairBytes)
        {
            _json.WriteNull(name);
            return;
        }

        Span<char> chars = stackalloc char[MaxRepairBytes];
        Utf8.ToUtf16(value, chars, out _, out int written, replaceInvalidSequences: true);
        _json.WriteString(name, chars[..written]);
    }

    private static JsonEncodedText[] CreateEnvelopeValues()
    {
        var values = new JsonEncodedText[(int)Enum.GetValues<Envelope>().Max() + 1];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = JsonEncodedText.Encode(EnvelopeNames.Name((Envelope)i));
        }

        return values;
    }
}
