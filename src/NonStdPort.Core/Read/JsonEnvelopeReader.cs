using System.Runtime.CompilerServices;

namespace NonStdPort.Core.Read;

/// <summary>
/// Reads every JSON envelope in one validating pass: flat Sysmon JSON, Winlogbeat 7/8 and 6,
/// Sentinel <c>WindowsEvent</c> and <c>Syslog</c> rows, and evtx_dump JSON. Keys may come in any
/// order, so the walk notes the value of every key it knows (by object context) and the hints
/// that name the envelope; the envelope is decided once the whole object has been read.
/// </summary>
internal sealed class JsonEnvelopeReader
{
    private readonly FieldCollector _fields;

    public JsonEnvelopeReader(FieldCollector fields) => _fields = fields;

    /// <summary>Reads a whole record (an object with nothing after it) whose bytes start at <paramref name="origin"/> in the input.</summary>
    public MalformedReason Read(ReadOnlySpan<byte> record, int origin, out Envelope envelope)
    {
        envelope = Envelope.Unknown;
        var cursor = new JsonCursor(record, origin, inScratch: false);
        MalformedReason reason = ReadObject(ref cursor, JsonContext.Root, depth: 1);
        if (reason != MalformedReason.None)
        {
            return reason;
        }

        cursor.SkipWhitespace();
        if (cursor.Pos != record.Length)
        {
            return MalformedReason.InvalidJson; // trailing bytes after the object
        }

        envelope = Decide(_fields.Hints);
        return envelope == Envelope.Unknown ? MalformedReason.UnknownEnvelope : MalformedReason.None;
    }

    private static Envelope Decide(EnvelopeHints hints)
    {
        if ((hints & EnvelopeHints.Winlog) != 0) return Envelope.Winlogbeat;
        if ((hints & EnvelopeHints.EvtxDump) != 0) return Envelope.EvtxDump;
        if ((hints & EnvelopeHints.SentinelSyslog) != 0) return Envelope.SentinelSyslog;
        if ((hints & EnvelopeHints.SentinelEvent) != 0) return Envelope.SentinelWindowsEvent;
        if ((hints & EnvelopeHints.WinlogLegacy) != 0) return Envelope.WinlogbeatLegacy;
        if ((hints & EnvelopeHints.Flat) != 0) return Envelope.SysmonJson;
        return Envelope.Unknown;
    }

    private MalformedReason ReadObject(ref JsonCursor c, JsonContext context, int depth)
    {
        MalformedReason reason = c.Open(depth, '}', out bool empty);
        bool more = !empty;
        while (reason == MalformedReason.None && more)
        {
            if (!c.ReadKey(out int keyStart, out int keyLength, out bool keyEscaped))
            {
                return MalformedReason.InvalidJson;
            }

            ReadOnlySpan<byte> key = c.Buffer.Slice(keyStart, keyLength);
            if (keyEscaped)
            {
                // Decoded into free scratch space without claiming it: the key is used only until its value is read.
                int length = JsonCursor.Unescape(key, _fields.ScratchTail);
                key = _fields.Scratch.AsSpan(_fields.ScratchUsed, length);
            }

            KeyTarget target = JsonKeyMap.Resolve(context, key);
            if (target.Hint != EnvelopeHints.None)
            {
                _fields.Hints |= target.Hint;
            }
            reason = target.Kind == TargetKind.Ignore
                ? c.SkipValue(depth + 1)
                : ReadValue(ref c, target, depth + 1);
            if (reason == MalformedReason.None)
            {
                reason = c.Next('}', out more);
            }
        }

        return reason;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private MalformedReason ReadValue(ref JsonCursor c, KeyTarget target, int depth)
    {
        int start = c.Pos;
        int first = c.Current;
        if (first == '"')
        {
            // Most values are strings: tested first, ahead of the jump table.
            if (!c.ReadString(out int bodyStart, out int bodyLength, out bool escaped))
            {
                return MalformedReason.InvalidJson;
            }

            return target.Kind switch
            {
                TargetKind.WrappedJson => ReadWrappedJson(ref c, bodyStart, bodyLength, escaped, depth),
                TargetKind.WrappedXml => ReadWrappedXml(ref c, bodyStart, bodyLength, escaped, depth),
                _ => SetString(ref c, target, bodyStart, bodyLength, escaped),
            };
        }

        switch (first)
        {
            case '{':
                if (target.Object != JsonContext.Ignore)
                {
                    return ReadObject(ref c, target.Object, depth);
                }

                NoteNotScalar(target);
                return c.SkipValue(depth);
            case '[':
                if (target.Kind == TargetKind.FirstOfArray)
                {
                    return ReadFirstOfArray(ref c, target, depth);
                }

                NoteNotScalar(target);
                return c.SkipValue(depth);
            case 't':
            case 'f':
            case 'n':
                int literal = c.ReadLiteral();
                if (literal == 0)
                {
                    return MalformedReason.InvalidJson;
                }

                if (c.Buffer[start] != 'n' && target.Field != FieldId.None)
                {
                    if (target.Field == FieldId.EventId)
                    {
                        _fields.EventIdNotScalar = true;
                    }
                    else
                    {
                        _fields.Set(target.Field, c.Origin + start, literal, c.InScratch, target.Precedence);
                    }
                }

                return MalformedReason.None;
            default:
                int number = c.ReadNumber();
                if (number == 0)
                {
                    return MalformedReason.InvalidJson;
                }

                if (target.Field != FieldId.None)
                {
                    _fields.Set(target.Field, c.Origin + start, number, c.InScratch, target.Precedence);
                }

                return MalformedReason.None;
        }
    }

    private void NoteNotScalar(KeyTarget target)
    {
        if (target.Field == FieldId.EventId)
        {
            _fields.EventIdNotScalar = true;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private MalformedReason SetString(ref JsonCursor c, KeyTarget target, int bodyStart, int bodyLength, bool escaped)
    {
        if (target.Field == FieldId.None)
        {
            return MalformedReason.None;
        }

        if (!escaped)
        {
            _fields.Set(target.Field, c.Origin + bodyStart, bodyLength, c.InScratch, target.Precedence);
            return MalformedReason.None;
        }

        int at = Decode(c.Buffer.Slice(bodyStart, bodyLength), out int length);
        _fields.Set(target.Field, at, length, inScratch: true, target.Precedence);
        return MalformedReason.None;
    }

    /// <summary>ECS <c>registry.data.strings</c>: the first element is the value; the rest are skipped.</summary>
    private MalformedReason ReadFirstOfArray(ref JsonCursor c, KeyTarget target, int depth)
    {
        MalformedReason reason = c.Open(depth, ']', out bool empty);
        if (reason != MalformedReason.None || empty)
        {
            return reason;
        }

        reason = ReadValue(ref c, target with { Kind = TargetKind.Value, Object = JsonContext.Ignore }, depth + 1);
        bool more = true;
        while (reason == MalformedReason.None && (reason = c.Next(']', out more)) == MalformedReason.None && more)
        {
            reason = c.SkipValue(depth + 1);
        }

        return reason;
    }

    /// <summary>
    /// Borrows the text of a JSON string that holds another record: a view of the body when it
    /// has no escapes, otherwise its decoded text, claimed in the scratch buffer.
    /// </summary>
    private JsonCursor Payload(ref JsonCursor c, int bodyStart, int bodyLength, bool escaped)
    {
        if (!escaped)
        {
            return new JsonCursor(c.Buffer.Slice(bodyStart, bodyLength), c.Origin + bodyStart, c.InScratch);
        }

        int at = Decode(c.Buffer.Slice(bodyStart, bodyLength), out int length);
        return new JsonCursor(_fields.Scratch.AsSpan(at, length), at, inScratch: true);
    }

    /// <summary>Unescapes a string body into the scratch buffer, claiming it; returns where it starts there.</summary>
    private int Decode(ReadOnlySpan<byte> body, out int length)
    {
        int at = _fields.ScratchUsed;
        length = JsonCursor.Unescape(body, _fields.ScratchTail);
        _fields.Commit(length);
        return at;
    }

    /// <summary>Sentinel <c>EventData</c>: a JSON string holding a JSON object of Sysmon fields.</summary>
    private MalformedReason ReadWrappedJson(ref JsonCursor c, int bodyStart, int bodyLength, bool escaped, int depth)
    {
        JsonCursor inner = Payload(ref c, bodyStart, bodyLength, escaped);
        inner.SkipWhitespace();
        if (inner.Current < 0)
        {
            return MalformedReason.None; // an empty EventData: the event carries no data
        }

        if (inner.Current != '{' || ReadObject(ref inner, JsonContext.EventData, depth + 1) != MalformedReason.None)
        {
            return MalformedReason.InvalidWrappedPayload;
        }

        inner.SkipWhitespace();
        return inner.Pos == inner.Buffer.Length ? MalformedReason.None : MalformedReason.InvalidWrappedPayload;
    }

    /// <summary>Sentinel <c>SyslogMessage</c>: a Sysmon for Linux XML event, or an unrelated syslog line.</summary>
    private MalformedReason ReadWrappedXml(ref JsonCursor c, int bodyStart, int bodyLength, bool escaped, int depth)
    {
        JsonCursor inner = Payload(ref c, bodyStart, bodyLength, escaped);
        inner.SkipWhitespace();
        if (inner.Current != '<')
        {
            return MalformedReason.None; // a syslog line from some other program: nothing to read
        }

        ReadOnlySpan<byte> xml = inner.Buffer.Slice(inner.Pos);
        int end = xml.Length;
        while (end > 0 && JsonCursor.IsWhitespace(xml[end - 1]))
        {
            end--;
        }

        MalformedReason reason = XmlEventParser.Parse(xml.Slice(0, end), inner.Origin + inner.Pos, inner.InScratch, _fields, depth);
        return reason == MalformedReason.None ? MalformedReason.None : MalformedReason.InvalidWrappedPayload;
    }
}
