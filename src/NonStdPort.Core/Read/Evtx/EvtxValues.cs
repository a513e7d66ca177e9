using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Text.Unicode;

namespace NonStdPort.Core.Read.Evtx;

/// <summary>
/// Writes binary XML values as XML text, escaped, in the spellings the common EVTX renderers use
/// (GUIDs in braces and lower case, SIDs as <c>S-1-...</c>, FILETIME as <c>yyyy-MM-dd HH:mm:ss.ffffff</c>
/// with the fraction left out when zero, hex integers as <c>0x...</c>).
/// </summary>
internal static class EvtxValues
{
    private static readonly SearchValues<byte> NeedsEscape = SearchValues.Create(
        [(byte)'&', (byte)'<', (byte)'>', (byte)'"', 0, 1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31]);

    /// <summary>Writes one value of <paramref name="type"/>; false when the bytes do not fit the type.</summary>
    public static bool Write(XmlBuffer output, byte type, ReadOnlySpan<byte> value)
    {
        if ((type & 0x80) != 0)
        {
            return WriteArray(output, (byte)(type & 0x7F), value);
        }

        switch (type)
        {
            case 0x00: // null
                return true;
            case 0x01: // UTF-16LE string, NUL-terminated or not
                WriteUtf16(output, TrimUtf16Nul(value));
                return (value.Length & 1) == 0;
            case 0x02: // code-page string: read as Latin-1 (the code page is not recorded)
                WriteLatin1(output, TrimNul(value));
                return true;
            case 0x03: return value.Length == 1 && Number(output, (sbyte)value[0]);
            case 0x04: return value.Length == 1 && Number(output, value[0]);
            case 0x05: return value.Length == 2 && Number(output, BinaryPrimitives.ReadInt16LittleEndian(value));
            case 0x06: return value.Length == 2 && Number(output, BinaryPrimitives.ReadUInt16LittleEndian(value));
            case 0x07: return value.Length == 4 && Number(output, BinaryPrimitives.ReadInt32LittleEndian(value));
            case 0x08: return value.Length == 4 && Number(output, BinaryPrimitives.ReadUInt32LittleEndian(value));
            case 0x09: return value.Length == 8 && Number(output, BinaryPrimitives.ReadInt64LittleEndian(value));
            case 0x0A: return value.Length == 8 && UNumber(output, BinaryPrimitives.ReadUInt64LittleEndian(value));
            case 0x0B: return value.Length == 4 && Real(output, BinaryPrimitives.ReadSingleLittleEndian(value));
            case 0x0C: return value.Length == 8 && Real(output, BinaryPrimitives.ReadDoubleLittleEndian(value));
            case 0x0D: // boolean, 32 bits
                if (value.Length != 4)
                {
                    return false;
                }

                output.Append(BinaryPrimitives.ReadUInt32LittleEndian(value) != 0 ? "True"u8 : "False"u8);
                return true;
            case 0x0E: // binary
                WriteHex(output, value);
                return true;
            case 0x0F: return value.Length == 16 && Guid(output, value);
            case 0x10: // size_t, as hex
                return value.Length switch
                {
                    4 => Hex(output, BinaryPrimitives.ReadUInt32LittleEndian(value), 8),
                    8 => Hex(output, BinaryPrimitives.ReadUInt64LittleEndian(value), 16),
                    _ => false,
                };
            case 0x11: return value.Length == 8 && FileTime(output, BinaryPrimitives.ReadUInt64LittleEndian(value));
            case 0x12: return value.Length == 16 && SystemTime(output, value);
            case 0x13: return Sid(output, value);
            case 0x14: return value.Length == 4 && Hex(output, BinaryPrimitives.ReadUInt32LittleEndian(value), 8);
            case 0x15: return value.Length == 8 && Hex(output, BinaryPrimitives.ReadUInt64LittleEndian(value), 16);
            default:
                return false;
        }
    }

    /// <summary>The fixed size of one element of <paramref name="type"/>, or 0 for a variable size.</summary>
    private static int ElementSize(byte type) => type switch
    {
        0x03 or 0x04 => 1,
        0x05 or 0x06 => 2,
        0x07 or 0x08 or 0x0B or 0x0D or 0x14 => 4,
        0x09 or 0x0A or 0x0C or 0x11 or 0x15 => 8,
        0x0F or 0x12 => 16,
        _ => 0,
    };

    // Arrays: elements separated by commas; strings are NUL-separated in the value.
    private static bool WriteArray(XmlBuffer output, byte type, ReadOnlySpan<byte> value)
    {
        if (type == 0x01)
        {
            bool first = true;
            for (int i = 0; i + 1 < value.Length;)
            {
                int end = i;
                while (end + 1 < value.Length && (value[end] | value[end + 1]) != 0)
                {
                    end += 2;
                }

                if (!first)
                {
                    output.Append((byte)',');
                }

                WriteUtf16(output, value.Slice(i, end - i));
                first = false;
                i = end + 2;
            }

            return (value.Length & 1) == 0;
        }

        int size = ElementSize(type);
        if (size == 0 || value.Length % size != 0)
        {
            return false;
        }

        for (int i = 0; i < value.Length; i += size)
        {
            if (i > 0)
            {
                output.Append((byte)',');
            }

            if (!Write(output, type, value.Slice(i, size)))
            {
                return false;
            }
        }

        return true;
    }

    private static ReadOnlySpan<byte> TrimUtf16Nul(ReadOnlySpan<byte> value)
    {
        int length = value.Length & ~1;
        while (length >= 2 && value[length - 1] == 0 && value[length - 2] == 0)
        {
            length -= 2;
        }

        return value.Slice(0, length);
    }

    private static ReadOnlySpan<byte> TrimNul(ReadOnlySpan<byte> value)
    {
        int length = value.Length;
        while (length > 0 && value[length - 1] == 0)
        {
            length--;
        }

        return value.Slice(0, length);
    }

    /// <summary>Writes UTF-16LE text as escaped UTF-8 (unpaired surrogates become U+FFFD).</summary>
    public static void WriteUtf16(XmlBuffer output, ReadOnlySpan<byte> utf16le)
    {
        // EVTX is little-endian, as are the machines .NET runs this on.
        ReadOnlySpan<char> chars = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, char>(utf16le.Slice(0, utf16le.Length & ~1));
        Span<byte> tail = output.Reserve(chars.Length * 3);
        Utf8.FromUtf16(chars, tail, out _, out int written, replaceInvalidSequences: true);
        ReadOnlySpan<byte> text = tail.Slice(0, written);
        int first = text.IndexOfAny(NeedsEscape);
        if (first < 0)
        {
            output.Advance(written);
            return;
        }

        // Rare: escape in place from the first special byte, working from a copy of the rest.
        output.Advance(first);
        int restLength = written - first;
        byte[] rest = ArrayPool<byte>.Shared.Rent(restLength);
        text.Slice(first).CopyTo(rest);
        WriteEscaped(output, rest.AsSpan(0, restLength));
        ArrayPool<byte>.Shared.Return(rest);
    }

    private static void WriteLatin1(XmlBuffer output, ReadOnlySpan<byte> latin1)
    {
        Span<byte> tail = output.Reserve(latin1.Length * 2);
        int n = 0;
        foreach (byte b in latin1)
        {
            if (b < 0x80)
            {
                tail[n++] = b;
            }
            else
            {
                tail[n++] = (byte)(0xC0 | (b >> 6));
                tail[n++] = (byte)(0x80 | (b & 0x3F));
            }
        }

        int first = tail.Slice(0, n).IndexOfAny(NeedsEscape);
        if (first < 0)
        {
            output.Advance(n);
            return;
        }

        byte[] rest = ArrayPool<byte>.Shared.Rent(n - first);
        tail.Slice(first, n - first).CopyTo(rest);
        output.Advance(first);
        WriteEscaped(output, rest.AsSpan(0, n - first));
        ArrayPool<byte>.Shared.Return(rest);
    }

    /// <summary>
    /// Writes UTF-8 text escaped for XML content and attribute values. Control characters that XML 1.0
    /// cannot carry at all become U+FFFD, so that the record stays well-formed.
    /// </summary>
    public static void WriteEscaped(XmlBuffer output, ReadOnlySpan<byte> text)
    {
        while (!text.IsEmpty)
        {
            int i = text.IndexOfAny(NeedsEscape);
            if (i < 0)
            {
                output.Append(text);
                return;
            }

            output.Append(text.Slice(0, i));
            output.Append(text[i] switch
            {
                (byte)'&' => "&amp;"u8,
                (byte)'<' => "&lt;"u8,
                (byte)'>' => "&gt;"u8,
                (byte)'"' => "&quot;"u8,
                _ => "\uFFFD"u8,
            });
            text = text.Slice(i + 1);
        }
    }

    private static bool Number(XmlBuffer output, long value)
    {
        Utf8Formatter.TryFormat(value, output.Reserve(24), out int n);
        output.Advance(n);
        return true;
    }

    private static bool UNumber(XmlBuffer output, ulong value)
    {
        Utf8Formatter.TryFormat(value, output.Reserve(24), out int n);
        output.Advance(n);
        return true;
    }

    private static bool Real(XmlBuffer output, double value)
    {
        value.TryFormat(output.Reserve(40), out int n, "R", System.Globalization.CultureInfo.InvariantCulture);
        output.Advance(n);
        return true;
    }

    private static bool Hex(XmlBuffer output, ulong value, int digits)
    {
        Span<byte> s = output.Reserve(2 + digits);
        s[0] = (byte)'0';
        s[1] = (byte)'x';
        for (int i = digits - 1; i >= 0; i--)
        {
            s[2 + i] = HexDigit((int)(value & 0xF), lower: true);
            value >>= 4;
        }

        output.Advance(2 + digits);
        return true;
    }

    private static byte HexDigit(int nibble, bool lower) =>
        (byte)(nibble < 10 ? '0' + nibble : (lower ? 'a' : 'A') + nibble - 10);

    private static void WriteHex(XmlBuffer output, ReadOnlySpan<byte> value)
    {
        Span<byte> s = output.Reserve(2 * value.Length);
        for (int i = 0; i < value.Length; i++)
        {
            s[2 * i] = HexDigit(value[i] >> 4, lower: false);
            s[(2 * i) + 1] = HexDigit(value[i] & 0xF, lower: false);
        }

        output.Advance(2 * value.Length);
    }

    private static bool Guid(XmlBuffer output, ReadOnlySpan<byte> value)
    {
        // Data1-3 are little-endian; Data4 is 8 bytes in order.
        Span<byte> s = output.Reserve(38);
        int n = 0;
        s[n++] = (byte)'{';
        n = PutHexLe(s, n, value.Slice(0, 4));
        s[n++] = (byte)'-';
        n = PutHexLe(s, n, value.Slice(4, 2));
        s[n++] = (byte)'-';
        n = PutHexLe(s, n, value.Slice(6, 2));
        s[n++] = (byte)'-';
        n = PutHexBe(s, n, value.Slice(8, 2));
        s[n++] = (byte)'-';
        n = PutHexBe(s, n, value.Slice(10, 6));
        s[n++] = (byte)'}';
        output.Advance(n);
        return true;
    }

    private static int PutHexLe(Span<byte> s, int n, ReadOnlySpan<byte> bytes)
    {
        for (int i = bytes.Length - 1; i >= 0; i--)
        {
            s[n++] = HexDigit(bytes[i] >> 4, lower: true);
            s[n++] = HexDigit(bytes[i] & 0xF, lower: true);
        }

        return n;
    }

    private static int PutHexBe(Span<byte> s, int n, ReadOnlySpan<byte> bytes)
    {
        foreach (byte b in bytes)
        {
            s[n++] = HexDigit(b >> 4, lower: true);
            s[n++] = HexDigit(b & 0xF, lower: true);
        }

        return n;
    }

    private const ulong FileTimeOfYear10000 = 2650467744000000000UL; // 9999-12-31 end, in 100 ns since 1601

    private static bool FileTime(XmlBuffer output, ulong ticks)
    {
        if (ticks >= FileTimeOfYear10000)
        {
            return false;
        }

        var time = new DateTime((long)ticks + new DateTime(1601, 1, 1).Ticks, DateTimeKind.Utc);
        WriteTime(output, time.Year, time.Month, time.Day, time.Hour, time.Minute, time.Second, (int)(time.Ticks % TimeSpan.TicksPerSecond / 10));
        return true;
    }

    private static bool SystemTime(XmlBuffer output, ReadOnlySpan<byte> v)
    {
        int year = BinaryPrimitives.ReadUInt16LittleEndian(v);
        int month = BinaryPrimitives.ReadUInt16LittleEndian(v.Slice(2));
        int day = BinaryPrimitives.ReadUInt16LittleEndian(v.Slice(6));
        int hour = BinaryPrimitives.ReadUInt16LittleEndian(v.Slice(8));
        int minute = BinaryPrimitives.ReadUInt16LittleEndian(v.Slice(10));
        int second = BinaryPrimitives.ReadUInt16LittleEndian(v.Slice(12));
        int ms = BinaryPrimitives.ReadUInt16LittleEndian(v.Slice(14));
        if (year > 9999 || month > 12 || day > 31 || hour > 23 || minute > 59 || second > 59 || ms > 999)
        {
            return false;
        }

        WriteTime(output, year, month, day, hour, minute, second, ms * 1000);
        return true;
    }

    private static void WriteTime(XmlBuffer output, int year, int month, int day, int hour, int minute, int second, int microseconds)
    {
        Span<byte> s = output.Reserve(26);
        Digits(s, 0, year, 4);
        s[4] = (byte)'-';
        Digits(s, 5, month, 2);
        s[7] = (byte)'-';
        Digits(s, 8, day, 2);
        s[10] = (byte)' ';
        Digits(s, 11, hour, 2);
        s[13] = (byte)':';
        Digits(s, 14, minute, 2);
        s[16] = (byte)':';
        Digits(s, 17, second, 2);
        if (microseconds == 0)
        {
            output.Advance(19);
            return;
        }

        s[19] = (byte)'.';
        Digits(s, 20, microseconds, 6);
        output.Advance(26);
    }

    private static void Digits(Span<byte> s, int at, int value, int count)
    {
        for (int i = count - 1; i >= 0; i--)
        {
            s[at + i] = (byte)('0' + (value % 10));
            value /= 10;
        }
    }

    private static bool Sid(XmlBuffer output, ReadOnlySpan<byte> v)
    {
        if (v.Length < 8 || v.Length != 8 + (4 * v[1]))
        {
            return false;
        }

        ulong authority = 0;
        for (int i = 2; i < 8; i++)
        {
            authority = (authority << 8) | v[i];
        }

        output.Append("S-"u8);
        Number(output, v[0]);
        output.Append((byte)'-');
        UNumber(output, authority);
        for (int i = 0; i < v[1]; i++)
        {
            output.Append((byte)'-');
            UNumber(output, BinaryPrimitives.ReadUInt32LittleEndian(v.Slice(8 + (4 * i))));
        }

        return true;
    }
}
