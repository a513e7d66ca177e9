using System.Text;
using System.Text.Unicode;

namespace NonStdPort.Core.Read;

/// <summary>
/// Detects a record's envelope and reads it into a <see cref="SysmonRecord"/> view.
/// One instance per thread: it owns the scratch buffer that unescaped values live in,
/// which stays valid until the next call to <see cref="Read"/>. Never throws on bad input.
/// </summary>
/// <remarks>
/// A record starting with <c>{</c> is JSON (flat Sysmon, Winlogbeat 7/8 or 6, Sentinel rows,
/// evtx_dump: told apart by their keys); one starting with <c>&lt;</c> is Windows event XML.
/// Whatever a conforming JSON or XML 1.0 parser rejects is malformed, never read leniently.
/// </remarks>
public sealed class RecordReader
{
    private readonly FieldCollector _fields = new();
    private readonly JsonEnvelopeReader _json;

    /// <summary>Creates a reader that rejects records larger than <paramref name="maxRecordBytes"/>.</summary>
    public RecordReader(int maxRecordBytes = EngineOptions.DefaultMaxRecordBytes)
    {
        MaxRecordBytes = maxRecordBytes;
        _json = new JsonEnvelopeReader(_fields);
    }

    /// <summary>The largest record accepted, in bytes.</summary>
    public int MaxRecordBytes { get; }

    /// <summary>Reads one record (JSON object or XML <c>&lt;Event&gt;</c>; surrounding whitespace allowed).</summary>
    public ReadResult Read(ReadOnlySpan<byte> input, ref SysmonRecord record)
    {
        record.Reset(); // every field starts absent, including any a reader does not fill
        MalformedReason reason = ReadInto(input, ref record);
        if (reason != MalformedReason.None)
        {
            record.Reset(); // a malformed record leaves no partial view behind
            return ReadResult.Malformed(reason);
        }

        return ReadResult.Ok;
    }

    private MalformedReason ReadInto(ReadOnlySpan<byte> input, ref SysmonRecord record)
    {
        if (input.Length > MaxRecordBytes)
        {
            return MalformedReason.Oversize;
        }

        int start = 0;
        int end = input.Length;
        while (start < end && JsonCursor.IsWhitespace(input[start]))
        {
            start++;
        }

        while (end > start && JsonCursor.IsWhitespace(input[end - 1]))
        {
            end--;
        }

        if (start == end)
        {
            return MalformedReason.Empty;
        }

        ReadOnlySpan<byte> body = input.Slice(start, end - start);
        if (!Utf8.IsValid(body))
        {
            return MalformedReason.InvalidUtf8;
        }

        _fields.Begin(body.Length);
        MalformedReason reason;
        Envelope envelope;
        if (body[0] == '{')
        {
            reason = _json.Read(body, start, out envelope);
        }
        else if (body[0] == '<' || body.StartsWith(ByteOrderMark))
        {
            reason = XmlEventParser.Parse(body, start, inScratch: false, _fields, outerDepth: 0);
            envelope = Envelope.EventXml;
        }
        else
        {
            return MalformedReason.UnknownEnvelope;
        }

        return reason == MalformedReason.None ? Fill(input, ref record, envelope) : reason;
    }

    private static ReadOnlySpan<byte> ByteOrderMark => [0xEF, 0xBB, 0xBF];

    private MalformedReason Fill(ReadOnlySpan<byte> input, ref SysmonRecord record, Envelope envelope)
    {
        if (envelope != Envelope.Winlogbeat)
        {
            _fields.DropEcsValues(); // ECS names mean other things outside Winlogbeat 7+ (e.g. 6.x host.name is the collector)
        }

        record.Envelope = envelope;
        record.ProviderName = _fields.Value(input, FieldId.ProviderName);
        record.Channel = _fields.Value(input, FieldId.Channel);
        record.Computer = _fields.Value(input, FieldId.Computer);
        record.UtcTime = _fields.Value(input, FieldId.UtcTime);
        record.User = _fields.Value(input, FieldId.User);
        record.Image = _fields.Value(input, FieldId.Image);
        record.ProcessGuid = _fields.Value(input, FieldId.ProcessGuid);
        record.Protocol = _fields.Value(input, FieldId.Protocol);
        record.Initiated = _fields.Value(input, FieldId.Initiated);
        record.NetworkDirection = _fields.Value(input, FieldId.NetworkDirection);
        record.SourceIp = _fields.Value(input, FieldId.SourceIp);
        record.SourcePort = _fields.Value(input, FieldId.SourcePort);
        record.DestinationIp = _fields.Value(input, FieldId.DestinationIp);
        record.DestinationPort = _fields.Value(input, FieldId.DestinationPort);
        record.DestinationHostname = _fields.Value(input, FieldId.DestinationHostname);
        record.ParentImage = _fields.Value(input, FieldId.ParentImage);
        record.CommandLine = _fields.Value(input, FieldId.CommandLine);
        record.ParentCommandLine = _fields.Value(input, FieldId.ParentCommandLine);
        record.TargetObject = _fields.Value(input, FieldId.TargetObject);
        record.Details = _fields.Value(input, FieldId.Details);
        record.EventType = _fields.Value(input, FieldId.EventType);

        record.Provider = record.ProviderName.IsEmpty && record.Channel.IsEmpty ? ProviderKind.Absent
            : NamesSysmon(record.ProviderName) || NamesSysmon(record.Channel) ? ProviderKind.Sysmon
            : ProviderKind.Other;

        if (_fields.Get(FieldId.EventId).Precedence == Precedence.Unset)
        {
            return _fields.EventIdNotScalar ? MalformedReason.InvalidEventId : MalformedReason.None;
        }

        if (!TryParseEventId(_fields.Value(input, FieldId.EventId), out record.EventId))
        {
            return MalformedReason.InvalidEventId;
        }

        return MalformedReason.None;
    }

    /// <summary>An event id is a non-negative decimal integer (from a JSON number or text); nothing else.</summary>
    internal static bool TryParseEventId(ReadOnlySpan<byte> text, out int value)
    {
        value = -1;
        if (text.IsEmpty || text.Length > 9)
        {
            return false;
        }

        int result = 0;
        foreach (byte b in text)
        {
            uint digit = (uint)(b - '0');
            if (digit > 9)
            {
                return false;
            }

            result = (result * 10) + (int)digit;
        }

        value = result;
        return true;
    }

    /// <summary>True when the name contains "sysmon" in any letter case.</summary>
    internal static bool NamesSysmon(ReadOnlySpan<byte> name)
    {
        for (int i = name.IndexOfAny((byte)'s', (byte)'S'); i >= 0 && i + 6 <= name.Length;)
        {
            if (Ascii.EqualsIgnoreCase(name.Slice(i, 6), "sysmon"u8))
            {
                return true;
            }

            int next = name.Slice(i + 1).IndexOfAny((byte)'s', (byte)'S');
            i = next < 0 ? -1 : i + 1 + next;
        }

        return false;
    }
}
