using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;

namespace NonStdPort.Core.Read;

/// <summary>
/// Reads a Windows event XML record (<c>&lt;Event&gt;&lt;System&gt;...&lt;EventData&gt;&lt;Data Name=...&gt;</c>)
/// while checking XML 1.0 well-formedness: legal characters, names, matching tags, unique attributes,
/// quoted attribute values without <c>&lt;</c>, comments, processing instructions and CDATA in the
/// right places, no <c>]]&gt;</c> in text, one root element. The five predefined entities and
/// character references are decoded; any other entity is rejected, as is a DOCTYPE (so nothing is
/// ever expanded or loaded). Line ends in text are normalised to <c>\n</c> as XML requires.
/// </summary>
internal ref struct XmlEventParser
{
    /// <summary>The most attributes one element may carry (needed to check them for duplicates without allocating).</summary>
    public const int MaxAttributes = 32;

    // The illegal controls, plus the lead byte of U+F000..U+FFFF (to find U+FFFE and U+FFFF in the same pass).
    private static readonly SearchValues<byte> IllegalControlsOrEF = SearchValues.Create(
        "\0\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\u000B\f\u000E\u000F\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F"u8.ToArray().Append((byte)0xEF).ToArray());

    private static readonly SearchValues<byte> TextStops = SearchValues.Create("<&]\r"u8);
    private static readonly SearchValues<byte> DoubleQuotedStops = SearchValues.Create("\"<&"u8);
    private static readonly SearchValues<byte> SingleQuotedStops = SearchValues.Create("'<&"u8);
    private static readonly SearchValues<byte> AttributeWhitespace = SearchValues.Create("\t\n\r"u8);

    private static ReadOnlySpan<byte> ByteOrderMark => [0xEF, 0xBB, 0xBF];

    private readonly ReadOnlySpan<byte> _buffer;
    private readonly int _origin;
    private readonly bool _inScratch;
    private readonly FieldCollector _fields;
    private int _pos;

    // The element whose text is being captured into a field, if any.
    private FieldId _captureField;
    private Precedence _capturePrecedence;
    private int _captureDepth;
    private bool _captureHasText;
    private bool _captureInScratch;
    private int _captureStart;
    private int _captureLength;

    private XmlEventParser(ReadOnlySpan<byte> buffer, int origin, bool inScratch, FieldCollector fields)
    {
        _buffer = buffer;
        _origin = origin;
        _inScratch = inScratch;
        _fields = fields;
    }

    /// <summary>
    /// Reads one XML document whose root is <c>Event</c>. <paramref name="origin"/> is where the
    /// buffer starts in the input (or in the scratch buffer when <paramref name="inScratch"/>);
    /// <paramref name="outerDepth"/> is how deeply the document is already nested in a wrapper.
    /// </summary>
    public static MalformedReason Parse(ReadOnlySpan<byte> buffer, int origin, bool inScratch, FieldCollector fields, int outerDepth)
    {
        if (!HasOnlyXmlCharacters(buffer))
        {
            return MalformedReason.InvalidXml;
        }

        Span<int> names = stackalloc int[2 * (FieldCollector.MaxDepth + 1)];
        Span<byte> kinds = stackalloc byte[FieldCollector.MaxDepth + 1];
        Span<int> attributes = stackalloc int[2 * MaxAttributes];
        var parser = new XmlEventParser(buffer, origin, inScratch, fields);
        return parser.Document(names, kinds, attributes, FieldCollector.MaxDepth - outerDepth);
    }

    /// <summary>
    /// The offset from <paramref name="p"/> of the first of four bytes, or -1. Texts and attribute values
    /// are mostly short, so 16 bytes are tested at a time inline first (reading past the value inside
    /// the buffer is harmless); long runs go to the library's vectorized search.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int IndexOfAny(ReadOnlySpan<byte> buffer, int p, byte a, byte b, byte c, byte d, SearchValues<byte> all)
    {
        int from = p;
        if (Vector128.IsHardwareAccelerated)
        {
            ref byte start = ref MemoryMarshal.GetReference(buffer);
            int limit = Math.Min(buffer.Length - 16, p + 64);
            while (p <= limit)
            {
                Vector128<byte> chunk = Vector128.LoadUnsafe(ref start, (nuint)p);
                Vector128<byte> hits = Vector128.Equals(chunk, Vector128.Create(a)) | Vector128.Equals(chunk, Vector128.Create(b))
                    | Vector128.Equals(chunk, Vector128.Create(c)) | Vector128.Equals(chunk, Vector128.Create(d));
                uint bits = hits.ExtractMostSignificantBits();
                if (bits != 0)
                {
                    return p - from + BitOperations.TrailingZeroCount(bits);
                }

                p += 16;
            }
        }

        if ((uint)p > (uint)buffer.Length)
        {
            return -1;
        }

        int i = buffer.Slice(p).IndexOfAny(all);
        return i < 0 ? -1 : p - from + i;
    }

    /// <summary>
    /// XML 1.0 Char: no control characters other than tab, LF and CR, and not U+FFFE or U+FFFF
    /// (the buffer is valid UTF-8, so surrogates cannot occur).
    /// </summary>
    private static bool HasOnlyXmlCharacters(ReadOnlySpan<byte> buffer)
    {
        int i;
        while ((i = buffer.IndexOfAny(IllegalControlsOrEF)) >= 0)
        {
            if (buffer[i] != 0xEF)
            {
                return false;
            }

            // EF BF BE and EF BF BF encode U+FFFE and U+FFFF.
            if (i + 2 < buffer.Length && buffer[i + 1] == 0xBF && (buffer[i + 2] | 1) == 0xBF)
            {
                return false;
            }

            buffer = buffer.Slice(i + 1);
        }

        return true;
    }

    private enum Kind : byte
    {
        Other = 0,
        Event,
        System,
        EventData,
        Provider,
        EventId,
        Channel,
        Computer,
        TimeCreated,
        Data,
    }

    private readonly int Current => (uint)_pos < (uint)_buffer.Length ? _buffer[_pos] : -1;

    private readonly bool At(ReadOnlySpan<byte> text) => _buffer.Slice(_pos).StartsWith(text);

    private static bool IsWhitespace(int b) => b == ' ' || b == '\n' || b == '\r' || b == '\t';

    private bool SkipWhitespace()
    {
        int start = _pos;
        while (IsWhitespace(Current))
        {
            _pos++;
        }

        return _pos > start;
    }

    private MalformedReason Document(scoped Span<int> names, scoped Span<byte> kinds, scoped Span<int> attributes, int maxDepth)
    {
        if (At(ByteOrderMark))
        {
            _pos += ByteOrderMark.Length;
        }

        if (At("<?xml"u8) && _pos + 5 < _buffer.Length && IsWhitespace(_buffer[_pos + 5]))
        {
            MalformedReason declaration = XmlDeclaration();
            if (declaration != MalformedReason.None)
            {
                return declaration;
            }
        }

        MalformedReason reason = Misc();
        if (reason != MalformedReason.None)
        {
            return reason;
        }

        if (Current != '<')
        {
            return MalformedReason.InvalidXml; // no root element
        }

        reason = Elements(names, kinds, attributes, maxDepth, out bool rootIsEvent);
        if (reason != MalformedReason.None)
        {
            return reason;
        }

        reason = Misc();
        if (reason != MalformedReason.None)
        {
            return reason;
        }

        if (_pos != _buffer.Length)
        {
            return MalformedReason.InvalidXml; // content after the root element
        }

        return rootIsEvent ? MalformedReason.None : MalformedReason.UnknownEnvelope;
    }

    /// <summary>Whitespace, comments and processing instructions around the root element.</summary>
    private MalformedReason Misc()
    {
        while (true)
        {
            SkipWhitespace();
            if (At("<!--"u8))
            {
                MalformedReason comment = Comment();
                if (comment != MalformedReason.None) return comment;
            }
            else if (At("<?"u8))
            {
                MalformedReason instruction = ProcessingInstruction();
                if (instruction != MalformedReason.None) return instruction;
            }
            else if (At("<!DOCTYPE"u8))
            {
                return MalformedReason.XmlDoctype;
            }
            else
            {
                return MalformedReason.None;
            }
        }
    }

    /// <summary><c>&lt;?xml version="1.x" encoding="UTF-8" standalone="yes|no"?&gt;</c>; only UTF-8 is accepted.</summary>
    private MalformedReason XmlDeclaration()
    {
        _pos += 5;
        if (!SkipWhitespace() || !At("version"u8))
        {
            return MalformedReason.InvalidXml;
        }

        _pos += 7;
        if (!PseudoAttributeValue(out int start, out int length))
        {
            return MalformedReason.InvalidXml;
        }

        ReadOnlySpan<byte> version = _buffer.Slice(start, length);
        if (version.Length < 3 || !version.StartsWith("1."u8) || version.Slice(2).IndexOfAnyExceptInRange((byte)'0', (byte)'9') >= 0)
        {
            return MalformedReason.InvalidXml;
        }

        bool space = SkipWhitespace();
        if (space && At("encoding"u8))
        {
            _pos += 8;
            if (!PseudoAttributeValue(out start, out length) || !Ascii.EqualsIgnoreCase(_buffer.Slice(start, length), "UTF-8"u8))
            {
                return MalformedReason.InvalidXml;
            }

            space = SkipWhitespace();
        }

        if (space && At("standalone"u8))
        {
            _pos += 10;
            if (!PseudoAttributeValue(out start, out length))
            {
                return MalformedReason.InvalidXml;
            }

            ReadOnlySpan<byte> standalone = _buffer.Slice(start, length);
            if (!standalone.SequenceEqual("yes"u8) && !standalone.SequenceEqual("no"u8))
            {
                return MalformedReason.InvalidXml;
            }

            SkipWhitespace();
        }

        if (!At("?>"u8))
        {
            return MalformedReason.InvalidXml;
        }

        _pos += 2;
        return MalformedReason.None;
    }

    private bool PseudoAttributeValue(out int start, out int length)
    {
        start = length = 0;
        SkipWhitespace();
        if (Current != '=')
        {
            return false;
        }

        _pos++;
        SkipWhitespace();
        int quote = Current;
        if (quote != '"' && quote != '\'')
        {
            return false;
        }

        start = _pos + 1;
        int end = _buffer.Slice(start).IndexOf((byte)quote);
        if (end < 0)
        {
            return false;
        }

        length = end;
        _pos = start + end + 1;
        return true;
    }

    private MalformedReason Comment()
    {
        int contentStart = _pos + 4;
        int dashes = _buffer.Slice(contentStart).IndexOf("--"u8);
        if (dashes < 0)
        {
            return MalformedReason.InvalidXml;
        }

        int close = contentStart + dashes + 2;
        if (close >= _buffer.Length || _buffer[close] != '>')
        {
            return MalformedReason.InvalidXml; // "--" inside a comment
        }

        _pos = close + 1;
        return MalformedReason.None;
    }

    private MalformedReason ProcessingInstruction()
    {
        _pos += 2;
        int targetStart = _pos;
        if (!Name())
        {
            return MalformedReason.InvalidXml;
        }

        if (Ascii.EqualsIgnoreCase(_buffer.Slice(targetStart, _pos - targetStart), "xml"u8))
        {
            return MalformedReason.InvalidXml; // the declaration is allowed only at the very start
        }

        if (At("?>"u8))
        {
            _pos += 2;
            return MalformedReason.None;
        }

        if (!SkipWhitespace())
        {
            return MalformedReason.InvalidXml;
        }

        int end = _buffer.Slice(_pos).IndexOf("?>"u8);
        if (end < 0)
        {
            return MalformedReason.InvalidXml;
        }

        _pos += end + 2;
        return MalformedReason.None;
    }

    /// <summary>The root element and everything inside it, iteratively, with a stack of open tags.</summary>
    private MalformedReason Elements(scoped Span<int> names, scoped Span<byte> kinds, scoped Span<int> attributes, int maxDepth, out bool rootIsEvent)
    {
        rootIsEvent = false;
        int depth = 0;
        while (true)
        {
            // At '<' of a start tag.
            if (depth + 1 > maxDepth)
            {
                return MalformedReason.TooDeep;
            }

            MalformedReason reason = StartTag(names, kinds, attributes, depth + 1, out bool empty);
            if (reason != MalformedReason.None)
            {
                return reason;
            }

            if (depth == 0)
            {
                rootIsEvent = (Kind)kinds[1] == Kind.Event;
            }

            if (empty)
            {
                if (_captureDepth == depth + 1)
                {
                    EndCapture();
                }

                if (depth == 0)
                {
                    return MalformedReason.None;
                }
            }
            else
            {
                depth++;
            }

            // Content until the next start tag, or until the root closes.
            while (true)
            {
                reason = Content(out bool startTag);
                if (reason != MalformedReason.None)
                {
                    return reason;
                }

                if (startTag)
                {
                    break;
                }

                // At "</": the open element's name must follow, then whitespace or '>'.
                _pos += 2;
                ReadOnlySpan<byte> open = _buffer.Slice(names[2 * depth], names[(2 * depth) + 1]);
                if (!_buffer.Slice(_pos).StartsWith(open))
                {
                    return MalformedReason.InvalidXml; // mismatched end tag
                }

                _pos += open.Length;
                SkipWhitespace();
                if (Current != '>')
                {
                    return MalformedReason.InvalidXml;
                }

                _pos++;
                if (_captureDepth == depth)
                {
                    EndCapture();
                }

                depth--;
                if (depth == 0)
                {
                    return MalformedReason.None;
                }
            }
        }
    }

    /// <summary>
    /// Character data, references, comments, PIs and CDATA up to the next start tag
    /// (<paramref name="startTag"/> true, at '&lt;') or end tag (false, at "&lt;/").
    /// </summary>
    private MalformedReason Content(out bool startTag)
    {
        startTag = false;
        while (true)
        {
            int stop = IndexOfAny(_buffer, _pos, (byte)'<', (byte)'&', (byte)']', (byte)'\r', TextStops);
            if (stop < 0)
            {
                return MalformedReason.InvalidXml; // unclosed element
            }

            if (stop > 0)
            {
                CaptureRaw(_pos, stop);
                _pos += stop;
            }

            switch (_buffer[_pos])
            {
                case (byte)'&':
                    MalformedReason reference = Reference(capture: _captureDepth != 0);
                    if (reference != MalformedReason.None)
                    {
                        return reference;
                    }

                    break;
                case (byte)']':
                    if (At("]]>"u8))
                    {
                        return MalformedReason.InvalidXml;
                    }

                    CaptureRaw(_pos, 1);
                    _pos++;
                    break;
                case (byte)'\r':
                    // CR LF and a lone CR both become LF.
                    CaptureByte((byte)'\n');
                    _pos++;
                    if (Current == '\n')
                    {
                        _pos++;
                    }

                    break;
                default: // '<'
                    int next = _pos + 1 < _buffer.Length ? _buffer[_pos + 1] : -1;
                    if (next == '/')
                    {
                        return MalformedReason.None;
                    }

                    if (next == '?')
                    {
                        MalformedReason instruction = ProcessingInstruction();
                        if (instruction != MalformedReason.None) return instruction;
                        break;
                    }

                    if (next == '!')
                    {
                        MalformedReason markup = At("<!--"u8) ? Comment()
                            : At("<![CDATA["u8) ? CData()
                            : At("<!DOCTYPE"u8) ? MalformedReason.XmlDoctype
                            : MalformedReason.InvalidXml;
                        if (markup != MalformedReason.None) return markup;
                        break;
                    }

                    startTag = true;
                    return MalformedReason.None;
            }
        }
    }

    private MalformedReason CData()
    {
        int contentStart = _pos + 9;
        int end = _buffer.Slice(contentStart).IndexOf("]]>"u8);
        if (end < 0)
        {
            return MalformedReason.InvalidXml;
        }

        _pos = contentStart + end + 3;
        if (_captureDepth == 0)
        {
            return MalformedReason.None;
        }

        // Line ends inside CDATA are normalised too.
        ReadOnlySpan<byte> content = _buffer.Slice(contentStart, end);
        int offset = contentStart;
        while (true)
        {
            int cr = content.IndexOf((byte)'\r');
            if (cr < 0)
            {
                CaptureRaw(offset, content.Length);
                return MalformedReason.None;
            }

            CaptureRaw(offset, cr);
            CaptureByte((byte)'\n');
            int skip = cr + 1 < content.Length && content[cr + 1] == '\n' ? cr + 2 : cr + 1;
            content = content.Slice(skip);
            offset += skip;
        }
    }

    /// <summary>
    /// A reference at '&amp;': a predefined entity or a character reference to a legal XML character.
    /// Decoded into the capture when <paramref name="capture"/> is set.
    /// </summary>
    private MalformedReason Reference(bool capture)
    {
        MalformedReason reason = DecodeReference(out int scalar);
        if (reason == MalformedReason.None && capture)
        {
            CaptureScalar(scalar);
        }

        return reason;
    }

    private MalformedReason DecodeReference(out int scalar)
    {
        scalar = 0;
        int p = _pos + 1;
        if (p < _buffer.Length && _buffer[p] == '#')
        {
            p++;
            bool hex = p < _buffer.Length && _buffer[p] == 'x';
            if (hex)
            {
                p++;
            }

            int digitsStart = p;
            long value = 0;
            while (p < _buffer.Length && p - digitsStart < 8)
            {
                byte b = _buffer[p];
                int digit = (uint)(b - '0') <= 9 ? b - '0'
                    : hex && (uint)((b | 0x20) - 'a') <= 5 ? (b | 0x20) - 'a' + 10
                    : -1;
                if (digit < 0)
                {
                    break;
                }

                value = (value * (hex ? 16 : 10)) + digit;
                p++;
            }

            if (p == digitsStart || p >= _buffer.Length || _buffer[p] != ';' || !IsXmlChar(value))
            {
                return MalformedReason.InvalidXml;
            }

            scalar = (int)value;
            _pos = p + 1;
            return MalformedReason.None;
        }

        int nameStart = p;
        _pos = p;
        if (!Name() || Current != ';')
        {
            return MalformedReason.InvalidXml;
        }

        ReadOnlySpan<byte> name = _buffer.Slice(nameStart, _pos - nameStart);
        _pos++;
        scalar = name.SequenceEqual("lt"u8) ? '<'
            : name.SequenceEqual("gt"u8) ? '>'
            : name.SequenceEqual("amp"u8) ? '&'
            : name.SequenceEqual("apos"u8) ? '\''
            : name.SequenceEqual("quot"u8) ? '"'
            : -1;
        return scalar < 0 ? MalformedReason.XmlUndefinedEntity : MalformedReason.None;
    }

    private static bool IsXmlChar(long c) =>
        c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);

    /// <summary>A start tag at '&lt;': name, attributes, then '&gt;' or '/&gt;'. Pushes the element.</summary>
    private MalformedReason StartTag(scoped Span<int> names, scoped Span<byte> kinds, scoped Span<int> attributes, int depth, out bool empty)
    {
        empty = false;
        _pos++;
        int nameStart = _pos;
        if (!Name())
        {
            return MalformedReason.InvalidXml;
        }

        ReadOnlySpan<byte> name = _buffer.Slice(nameStart, _pos - nameStart);
        names[2 * depth] = nameStart;
        names[(2 * depth) + 1] = name.Length;
        Kind kind = Classify(depth == 1 ? Kind.Other : (Kind)kinds[depth - 1], depth, name);
        kinds[depth] = (byte)kind;

        FieldId capture = kind switch
        {
            Kind.EventId => FieldId.EventId,
            Kind.Channel => FieldId.Channel,
            Kind.Computer => FieldId.Computer,
            _ => FieldId.None,
        };
        Precedence precedence = kind == Kind.Computer ? Precedence.Envelope : Precedence.Raw;

        int attributeCount = 0;
        while (true)
        {
            bool space = SkipWhitespace();
            int b = Current;
            if (b == '>')
            {
                _pos++;
                break;
            }

            if (b == '/')
            {
                if (_pos + 1 >= _buffer.Length || _buffer[_pos + 1] != '>')
                {
                    return MalformedReason.InvalidXml;
                }

                _pos += 2;
                empty = true;
                break;
            }

            if (!space)
            {
                return MalformedReason.InvalidXml; // attributes must be separated by whitespace
            }

            int attributeStart = _pos;
            if (!Name())
            {
                return MalformedReason.InvalidXml;
            }

            ReadOnlySpan<byte> attribute = _buffer.Slice(attributeStart, _pos - attributeStart);
            if (attributeCount == MaxAttributes)
            {
                return MalformedReason.InvalidXml;
            }

            for (int i = 0; i < attributeCount; i++)
            {
                if (_buffer.Slice(attributes[2 * i], attributes[(2 * i) + 1]).SequenceEqual(attribute))
                {
                    return MalformedReason.InvalidXml; // duplicate attribute
                }
            }

            attributes[2 * attributeCount] = attributeStart;
            attributes[(2 * attributeCount) + 1] = attribute.Length;
            attributeCount++;

            SkipWhitespace();
            if (Current != '=')
            {
                return MalformedReason.InvalidXml;
            }

            _pos++;
            SkipWhitespace();
            MalformedReason reason = AttributeValue(out int valueStart, out int valueLength, out bool needsDecoding);
            if (reason != MalformedReason.None)
            {
                return reason;
            }

            if (kind is Kind.Provider or Kind.Data or Kind.TimeCreated)
            {
                // Literal tab, LF and CR in a value are normalised to spaces: decode when present.
                needsDecoding |= _buffer.Slice(valueStart, valueLength).IndexOfAny(AttributeWhitespace) >= 0;
            }

            if (attribute.SequenceEqual("Name"u8))
            {
                if (kind == Kind.Provider)
                {
                    SetAttribute(FieldId.ProviderName, Precedence.Raw, valueStart, valueLength, needsDecoding);
                }
                else if (kind == Kind.Data)
                {
                    ReadOnlySpan<byte> dataName = needsDecoding
                        ? DecodeAttribute(valueStart, valueLength, commit: false)
                        : _buffer.Slice(valueStart, valueLength);
                    capture = SysmonFieldMap.Lookup(dataName);
                }
            }
            else if (kind == Kind.TimeCreated && attribute.SequenceEqual("SystemTime"u8))
            {
                SetAttribute(FieldId.UtcTime, Precedence.Envelope, valueStart, valueLength, needsDecoding);
            }
        }

        if (capture != FieldId.None && _captureDepth == 0)
        {
            _captureField = capture;
            _capturePrecedence = precedence;
            _captureDepth = depth;
            _captureHasText = false;
            _captureInScratch = false;
        }

        return MalformedReason.None;
    }

    private static Kind Classify(Kind parent, int depth, ReadOnlySpan<byte> name)
    {
        if (depth == 1)
        {
            return name.SequenceEqual("Event"u8) ? Kind.Event : Kind.Other;
        }

        switch (parent)
        {
            case Kind.Event:
                return name.Length switch
                {
                    6 when name.SequenceEqual("System"u8) => Kind.System,
                    9 when name.SequenceEqual("EventData"u8) => Kind.EventData,
                    _ => Kind.Other,
                };
            case Kind.System:
                return name.Length switch
                {
                    7 when name.SequenceEqual("EventID"u8) => Kind.EventId,
                    7 when name.SequenceEqual("Channel"u8) => Kind.Channel,
                    8 when name.SequenceEqual("Provider"u8) => Kind.Provider,
                    8 when name.SequenceEqual("Computer"u8) => Kind.Computer,
                    11 when name.SequenceEqual("TimeCreated"u8) => Kind.TimeCreated,
                    _ => Kind.Other,
                };
            case Kind.EventData:
                return name.SequenceEqual("Data"u8) ? Kind.Data : Kind.Other;
            default:
                return Kind.Other;
        }
    }

    /// <summary>A quoted attribute value at the quote; checks it has no '&lt;' and only valid references.</summary>
    private MalformedReason AttributeValue(out int start, out int length, out bool needsDecoding)
    {
        start = length = 0;
        needsDecoding = false;
        int quote = Current;
        if (quote != '"' && quote != '\'')
        {
            return MalformedReason.InvalidXml;
        }

        SearchValues<byte> stops = quote == '"' ? DoubleQuotedStops : SingleQuotedStops;
        _pos++;
        start = _pos;
        while (true)
        {
            int stop = IndexOfAny(_buffer, _pos, (byte)quote, (byte)'<', (byte)'&', (byte)quote, stops);
            if (stop < 0)
            {
                return MalformedReason.InvalidXml;
            }

            _pos += stop;
            byte b = _buffer[_pos];
            if (b == quote)
            {
                length = _pos - start;
                _pos++;
                return MalformedReason.None;
            }

            if (b == '<')
            {
                return MalformedReason.InvalidXml;
            }

            needsDecoding = true;
            MalformedReason reason = DecodeReference(out _);
            if (reason != MalformedReason.None)
            {
                return reason;
            }
        }
    }

    private void SetAttribute(FieldId field, Precedence precedence, int start, int length, bool needsDecoding)
    {
        if (!needsDecoding)
        {
            _fields.Set(field, _origin + start, length, _inScratch, precedence);
            return;
        }

        int at = _fields.ScratchUsed;
        int decoded = DecodeAttribute(start, length, commit: true).Length;
        _fields.Set(field, at, decoded, inScratch: true, precedence);
    }

    /// <summary>
    /// Decodes a validated attribute value into scratch: references resolved, literal tab, LF, CR
    /// (and CR LF) each normalised to a space as XML requires for attribute values.
    /// </summary>
    private ReadOnlySpan<byte> DecodeAttribute(int start, int length, bool commit)
    {
        Span<byte> destination = _fields.ScratchTail;
        int written = 0;
        int end = start + length;
        int p = start;
        while (p < end)
        {
            byte b = _buffer[p];
            if (b == '&')
            {
                int saved = _pos;
                _pos = p;
                DecodeReference(out int scalar); // already validated
                p = _pos;
                _pos = saved;
                written += new Rune(scalar).EncodeToUtf8(destination.Slice(written));
                continue;
            }

            if (b == '\r' && p + 1 < end && _buffer[p + 1] == '\n')
            {
                p++;
            }

            destination[written++] = b is (byte)'\t' or (byte)'\n' or (byte)'\r' ? (byte)' ' : b;
            p++;
        }

        ReadOnlySpan<byte> value = _fields.Scratch.AsSpan(_fields.ScratchUsed, written);
        if (commit)
        {
            _fields.Commit(written);
        }

        return value;
    }

    /// <summary>An XML Name at the current position (ASCII by table; other characters by code point).</summary>
    private bool Name()
    {
        ReadOnlySpan<byte> buffer = _buffer;
        ReadOnlySpan<byte> classes = AsciiNameClasses;
        int start = _pos;
        int p = start;
        while ((uint)p < (uint)buffer.Length)
        {
            byte b = buffer[p];
            if (b < 0x80)
            {
                if ((classes[b] & (p == start ? NameStartClass : NameCharClass)) == 0)
                {
                    break;
                }

                p++;
                continue;
            }

            if (Rune.DecodeFromUtf8(buffer.Slice(p), out Rune rune, out int consumed) != OperationStatus.Done)
            {
                break;
            }

            bool valid = p == start ? IsNameStart(rune.Value) : IsNameStart(rune.Value) || IsNameCharOnly(rune.Value);
            if (!valid)
            {
                break;
            }

            p += consumed;
        }

        _pos = p;
        return p > start;
    }

    private const byte NameCharClass = 1;
    private const byte NameStartClass = 2;

    /// <summary>For each ASCII byte: 1 when it may continue a name, 3 when it may also start one.</summary>
    private static ReadOnlySpan<byte> AsciiNameClasses =>
    [
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 3, 0, 0, 0, 0, 0, // '-' '.' 0-9 ':'
        0, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 0, 0, 0, 0, 3, // A-Z '_'
        0, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 0, 0, 0, 0, 0, // a-z
    ];

    private static bool IsNameStart(int c) =>
        (c >= 0xC0 && c <= 0xD6) || (c >= 0xD8 && c <= 0xF6) || (c >= 0xF8 && c <= 0x2FF) || (c >= 0x370 && c <= 0x37D)
        || (c >= 0x37F && c <= 0x1FFF) || (c >= 0x200C && c <= 0x200D) || (c >= 0x2070 && c <= 0x218F)
        || (c >= 0x2C00 && c <= 0x2FEF) || (c >= 0x3001 && c <= 0xD7FF) || (c >= 0xF900 && c <= 0xFDCF)
        || (c >= 0xFDF0 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0xEFFFF);

    private static bool IsNameCharOnly(int c) => c == 0xB7 || (c >= 0x300 && c <= 0x36F) || (c >= 0x203F && c <= 0x2040);

    private void CaptureRaw(int start, int length)
    {
        if (_captureDepth == 0 || length == 0)
        {
            return;
        }

        if (!_captureInScratch)
        {
            if (!_captureHasText)
            {
                _captureStart = start;
                _captureLength = length;
                _captureHasText = true;
                return;
            }

            if (_captureStart + _captureLength == start)
            {
                _captureLength += length;
                return;
            }

            MoveCaptureToScratch();
        }

        _fields.Append(_buffer.Slice(start, length));
    }

    private void CaptureByte(byte value)
    {
        if (_captureDepth == 0)
        {
            return;
        }

        if (!_captureInScratch)
        {
            MoveCaptureToScratch();
        }

        _fields.Append(value);
    }

    private void CaptureScalar(int scalar)
    {
        if (!_captureInScratch)
        {
            MoveCaptureToScratch();
        }

        _fields.Commit(new Rune(scalar).EncodeToUtf8(_fields.ScratchTail));
    }

    /// <summary>The captured text is no longer one run of the record: continue it in scratch.</summary>
    private void MoveCaptureToScratch()
    {
        int at = _fields.ScratchUsed;
        if (_captureHasText)
        {
            _fields.Append(_buffer.Slice(_captureStart, _captureLength));
        }

        _captureStart = at;
        _captureInScratch = true;
        _captureHasText = true;
    }

    private void EndCapture()
    {
        if (_captureInScratch)
        {
            _fields.Set(_captureField, _captureStart, _fields.ScratchUsed - _captureStart, inScratch: true, _capturePrecedence);
        }
        else if (_captureHasText)
        {
            _fields.Set(_captureField, _origin + _captureStart, _captureLength, _inScratch, _capturePrecedence);
        }
        else
        {
            _fields.Set(_captureField, 0, 0, inScratch: false, _capturePrecedence);
        }

        _captureDepth = 0;
    }
}
