using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;

namespace NonStdPort.Core.Read;

/// <summary>
/// A forward-only, fully validating JSON (RFC 8259) scanner over one buffer. It does not build
/// tokens: callers ask for the next string, number or literal, or skip a whole value, and every
/// byte skipped is still checked. String bodies are searched with a vectorized
/// <see cref="SearchValues{T}"/> scan. The buffer is known to be valid UTF-8 before scanning.
/// </summary>
internal ref struct JsonCursor
{
    // A string body runs until a quote, a backslash, or a control character (which is invalid there).
    private static readonly SearchValues<byte> StringStops = SearchValues.Create(
        "\0\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000B\f\r\u000E\u000F\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F\"\\"u8);

    /// <summary>The bytes being scanned.</summary>
    public readonly ReadOnlySpan<byte> Buffer;

    /// <summary>Where <see cref="Buffer"/> starts in the location space of the values found in it.</summary>
    public readonly int Origin;

    /// <summary>True when <see cref="Buffer"/> is part of the scratch buffer rather than the record.</summary>
    public readonly bool InScratch;

    /// <summary>The next byte to read.</summary>
    public int Pos;

    public JsonCursor(ReadOnlySpan<byte> buffer, int origin, bool inScratch)
    {
        Buffer = buffer;
        Origin = origin;
        InScratch = inScratch;
        Pos = 0;
    }

    /// <summary>The byte at <see cref="Pos"/>, or -1 at the end.</summary>
    public readonly int Current => (uint)Pos < (uint)Buffer.Length ? Buffer[Pos] : -1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void SkipWhitespace()
    {
        ReadOnlySpan<byte> buffer = Buffer;
        int p = Pos;
        while ((uint)p < (uint)buffer.Length && IsWhitespace(buffer[p]))
        {
            p++;
        }

        Pos = p;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsWhitespace(byte b) => b <= ' ' && (b == ' ' || b == '\n' || b == '\r' || b == '\t');

    /// <summary>
    /// Reads a string whose opening quote is at <see cref="Pos"/>. On success <paramref name="start"/>
    /// and <paramref name="length"/> give the raw body (between the quotes, relative to
    /// <see cref="Buffer"/>) and <paramref name="escaped"/> says whether it holds escapes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool ReadString(out int start, out int length, out bool escaped)
    {
        ReadOnlySpan<byte> buffer = Buffer;
        int p = Pos + 1;
        start = p;
        length = 0;
        escaped = false;
        while (true)
        {
            p = FindStringStop(buffer, p);
            if (p < 0)
            {
                return false;
            }

            byte b = buffer[p];
            if (b == '"')
            {
                length = p - start;
                Pos = p + 1;
                return true;
            }

            if (b != '\\')
            {
                return false; // a raw control character
            }

            escaped = true;
            int consumed = EscapeLength(buffer, p);
            if (consumed == 0)
            {
                return false;
            }

            p += consumed;
        }
    }

    /// <summary>
    /// The index of the first quote, backslash or control character at or after <paramref name="p"/>, or -1.
    /// Most strings are short keys and values, so 16 bytes are tested at a time inline (reading past the
    /// string's end inside the buffer is harmless); long tails go to the library's vectorized search.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int FindStringStop(ReadOnlySpan<byte> buffer, int p)
    {
        if (Vector128.IsHardwareAccelerated)
        {
            ref byte start = ref MemoryMarshal.GetReference(buffer);
            Vector128<byte> quote = Vector128.Create((byte)'"');
            Vector128<byte> backslash = Vector128.Create((byte)'\\');
            Vector128<byte> space = Vector128.Create((byte)0x20);
            int limit = Math.Min(buffer.Length - 16, p + 64);
            while (p <= limit)
            {
                Vector128<byte> chunk = Vector128.LoadUnsafe(ref start, (nuint)p);
                Vector128<byte> stops = Vector128.Equals(chunk, quote) | Vector128.Equals(chunk, backslash) | Vector128.LessThan(chunk, space);
                uint bits = stops.ExtractMostSignificantBits();
                if (bits != 0)
                {
                    return p + BitOperations.TrailingZeroCount(bits);
                }

                p += 16;
            }
        }

        if ((uint)p > (uint)buffer.Length)
        {
            return -1;
        }

        int i = buffer.Slice(p).IndexOfAny(StringStops);
        return i < 0 ? -1 : p + i;
    }

    /// <summary>The length of the valid escape at <paramref name="p"/> (a backslash), or 0 when it is invalid.</summary>
    private static int EscapeLength(ReadOnlySpan<byte> buffer, int p)
    {
        if (p + 1 >= buffer.Length)
        {
            return 0;
        }

        switch (buffer[p + 1])
        {
            case (byte)'"':
            case (byte)'\\':
            case (byte)'/':
            case (byte)'b':
            case (byte)'f':
            case (byte)'n':
            case (byte)'r':
            case (byte)'t':
                return 2;
            case (byte)'u':
                int unit = ReadHex4(buffer, p + 2);
                if (unit < 0 || (unit >= 0xDC00 && unit <= 0xDFFF))
                {
                    return 0; // bad hex, or a lone low surrogate
                }

                if (unit < 0xD800 || unit > 0xDBFF)
                {
                    return 6;
                }

                // A high surrogate must be followed by an escaped low surrogate.
                if (p + 7 >= buffer.Length || buffer[p + 6] != '\\' || buffer[p + 7] != 'u')
                {
                    return 0;
                }

                int low = ReadHex4(buffer, p + 8);
                return low >= 0xDC00 && low <= 0xDFFF ? 12 : 0;
            default:
                return 0;
        }
    }

    private static int ReadHex4(ReadOnlySpan<byte> buffer, int p)
    {
        if (p + 4 > buffer.Length)
        {
            return -1;
        }

        int value = 0;
        for (int i = 0; i < 4; i++)
        {
            int d = HexValue(buffer[p + i]);
            if (d < 0)
            {
                return -1;
            }

            value = (value << 4) | d;
        }

        return value;
    }

    private static int HexValue(byte b)
    {
        if ((uint)(b - '0') <= 9) return b - '0';
        if ((uint)(b - 'a') <= 5) return b - 'a' + 10;
        if ((uint)(b - 'A') <= 5) return b - 'A' + 10;
        return -1;
    }

    /// <summary>Reads a number at <see cref="Pos"/> (RFC 8259 grammar); returns its length, or 0 when invalid.</summary>
    public int ReadNumber()
    {
        ReadOnlySpan<byte> buffer = Buffer;
        int start = Pos;
        int p = start;
        if (p < buffer.Length && buffer[p] == '-')
        {
            p++;
        }

        if (p >= buffer.Length)
        {
            return 0;
        }

        if (buffer[p] == '0')
        {
            p++;
        }
        else if (IsDigit(buffer[p]))
        {
            p = SkipDigits(buffer, p);
        }
        else
        {
            return 0;
        }

        if (p < buffer.Length && buffer[p] == '.')
        {
            p++;
            if (p >= buffer.Length || !IsDigit(buffer[p]))
            {
                return 0;
            }

            p = SkipDigits(buffer, p);
        }

        if (p < buffer.Length && (buffer[p] | 0x20) == 'e')
        {
            p++;
            if (p < buffer.Length && (buffer[p] == '+' || buffer[p] == '-'))
            {
                p++;
            }

            if (p >= buffer.Length || !IsDigit(buffer[p]))
            {
                return 0;
            }

            p = SkipDigits(buffer, p);
        }

        Pos = p;
        return p - start;
    }

    private static bool IsDigit(byte b) => (uint)(b - '0') <= 9;

    private static int SkipDigits(ReadOnlySpan<byte> buffer, int p)
    {
        while (p < buffer.Length && IsDigit(buffer[p]))
        {
            p++;
        }

        return p;
    }

    /// <summary>Reads <c>true</c>, <c>false</c> or <c>null</c> at <see cref="Pos"/>; returns its length, or 0 when invalid.</summary>
    public int ReadLiteral()
    {
        ReadOnlySpan<byte> rest = Buffer.Slice(Pos);
        int length = rest.StartsWith("true"u8) || rest.StartsWith("null"u8) ? 4 : rest.StartsWith("false"u8) ? 5 : 0;
        Pos += length;
        return length;
    }

    /// <summary>Skips (and validates) the value at <see cref="Pos"/>; <paramref name="depth"/> is the depth it sits at.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public MalformedReason SkipValue(int depth)
    {
        int first = Current;
        if (first == '"')
        {
            // Most values are strings: tested first, ahead of the jump table.
            return ReadString(out _, out _, out _) ? MalformedReason.None : MalformedReason.InvalidJson;
        }

        switch (first)
        {
            case '{':
                return SkipContainer(depth, '}');
            case '[':
                return SkipContainer(depth, ']');
            case 't':
            case 'f':
            case 'n':
                return ReadLiteral() != 0 ? MalformedReason.None : MalformedReason.InvalidJson;
            default:
                return ReadNumber() != 0 ? MalformedReason.None : MalformedReason.InvalidJson;
        }
    }

    /// <summary>
    /// Steps into the container whose opener is at <see cref="Pos"/>; <paramref name="empty"/> is set
    /// (and the closer consumed) when it has no members. Fails with TooDeep past the depth limit.
    /// </summary>
    public MalformedReason Open(int depth, char close, out bool empty)
    {
        empty = false;
        if (depth > FieldCollector.MaxDepth)
        {
            return MalformedReason.TooDeep;
        }

        Pos++;
        SkipWhitespace();
        if (Current == close)
        {
            Pos++;
            empty = true;
        }

        return MalformedReason.None;
    }

    /// <summary>
    /// After a member: consumes ',' (<paramref name="more"/> set) or the closer; anything else is invalid,
    /// which rejects trailing commas too, as the next member must then start with a value.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public MalformedReason Next(char close, out bool more)
    {
        SkipWhitespace();
        int b = Current;
        more = b == ',';
        if (more)
        {
            Pos++;
            SkipWhitespace();
            return MalformedReason.None;
        }

        if (b == close)
        {
            Pos++;
            return MalformedReason.None;
        }

        return MalformedReason.InvalidJson;
    }

    /// <summary>Reads <c>"key"</c> and the ':' after it; on success the cursor is at the value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool ReadKey(out int start, out int length, out bool escaped)
    {
        start = length = 0;
        escaped = false;
        if (Current != '"' || !ReadString(out start, out length, out escaped))
        {
            return false;
        }

        SkipWhitespace();
        if (Current != ':')
        {
            return false;
        }

        Pos++;
        SkipWhitespace();
        return true;
    }

    private MalformedReason SkipContainer(int depth, char close)
    {
        MalformedReason reason = Open(depth, close, out bool empty);
        bool more = !empty;
        while (reason == MalformedReason.None && more)
        {
            if (close == '}' && !ReadKey(out _, out _, out _))
            {
                return MalformedReason.InvalidJson;
            }

            reason = SkipValue(depth + 1);
            if (reason == MalformedReason.None)
            {
                reason = Next(close, out more);
            }
        }

        return reason;
    }

    /// <summary>
    /// Decodes a validated string body (escapes resolved, surrogate pairs joined) into
    /// <paramref name="destination"/>; returns the number of bytes written. Never longer than the source.
    /// </summary>
    public static int Unescape(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        int written = 0;
        while (true)
        {
            int slash = source.IndexOf((byte)'\\');
            if (slash < 0)
            {
                source.CopyTo(destination.Slice(written));
                return written + source.Length;
            }

            source.Slice(0, slash).CopyTo(destination.Slice(written));
            written += slash;
            byte kind = source[slash + 1];
            int consumed = 2;
            switch (kind)
            {
                case (byte)'b': destination[written++] = (byte)'\b'; break;
                case (byte)'f': destination[written++] = (byte)'\f'; break;
                case (byte)'n': destination[written++] = (byte)'\n'; break;
                case (byte)'r': destination[written++] = (byte)'\r'; break;
                case (byte)'t': destination[written++] = (byte)'\t'; break;
                case (byte)'u':
                    int unit = ReadHex4(source, slash + 2);
                    consumed = 6;
                    int scalar = unit;
                    if (unit >= 0xD800 && unit <= 0xDBFF)
                    {
                        int low = ReadHex4(source, slash + 8);
                        scalar = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                        consumed = 12;
                    }

                    written += new Rune(scalar).EncodeToUtf8(destination.Slice(written));
                    break;
                default: destination[written++] = kind; break; // " \ /
            }

            source = source.Slice(slash + consumed);
        }
    }
}
