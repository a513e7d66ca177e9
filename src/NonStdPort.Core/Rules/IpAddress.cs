using System.Runtime.CompilerServices;

namespace NonStdPort.Core.Rules;

/// <summary>
/// An IPv4 or IPv6 address as one 128-bit number. IPv4 addresses are held in their IPv4-mapped
/// IPv6 form (<c>::ffff:a.b.c.d</c>), so an IPv4-mapped IPv6 address and the IPv4 address it maps
/// are the same value and are judged alike by every <see cref="NetworkSet"/>.
/// </summary>
public readonly struct IpAddress : IEquatable<IpAddress>
{
    private static readonly UInt128 MappedPrefix = (UInt128)0xFFFF << 32;
    private static readonly UInt128 MappedMask = ~(UInt128)uint.MaxValue;

    /// <summary>The longest text form accepted (IPv6 with an IPv4 tail, fully written out).</summary>
    public const int MaxTextLength = 45;

    private IpAddress(UInt128 value) => Value = value;

    /// <summary>The address as a 128-bit number (IPv4 in the <c>::ffff:0:0/96</c> range).</summary>
    public UInt128 Value { get; }

    /// <summary>True when the address is IPv4 (written as such, or IPv4-mapped IPv6).</summary>
    public bool IsIPv4 => (Value & MappedMask) == MappedPrefix;

    /// <summary>An address from its 128-bit value.</summary>
    public static IpAddress FromValue(UInt128 value) => new(value);

    /// <summary>An IPv4 address from its 32-bit value (network order as a number: 10.0.0.1 = 0x0A000001).</summary>
    public static IpAddress FromIPv4(uint value) => new(MappedPrefix | value);

    /// <summary>
    /// Parses an address from UTF-8 text without allocating. IPv4 must be a strict dotted quad
    /// (four decimal parts 0-255, no leading zeros). IPv6 may be compressed (<c>::1</c>) or written
    /// out (<c>0:0:0:0:0:0:0:1</c>) and may end in an IPv4 tail (<c>::ffff:10.0.0.1</c>). Zone ids
    /// (<c>%eth0</c>), brackets, ports, prefixes and surrounding whitespace are rejected.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> text, out IpAddress address)
    {
        address = default;
        if (text.IsEmpty || text.Length > MaxTextLength)
        {
            return false;
        }

        if (text.IndexOf((byte)':') < 0)
        {
            if (!TryParseIPv4(text, out uint v4))
            {
                return false;
            }

            address = FromIPv4(v4);
            return true;
        }

        if (!TryParseIPv6(text, out UInt128 v6))
        {
            return false;
        }

        address = new IpAddress(v6);
        return true;
    }

    /// <summary>Parses an address from UTF-16 text (rules files); same grammar as the UTF-8 overload.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out IpAddress address)
    {
        address = default;
        if (text.IsEmpty || text.Length > MaxTextLength)
        {
            return false;
        }

        Span<byte> ascii = stackalloc byte[MaxTextLength];
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c > 0x7F)
            {
                return false;
            }

            ascii[i] = (byte)c;
        }

        return TryParse(ascii[..text.Length], out address);
    }

    private static bool TryParseIPv4(ReadOnlySpan<byte> text, out uint value)
    {
        value = 0;
        int i = 0;
        for (int part = 0; part < 4; part++)
        {
            if (part > 0)
            {
                if (i >= text.Length || text[i] != (byte)'.')
                {
                    return false;
                }

                i++;
            }

            int start = i;
            uint octet = 0;
            while (i < text.Length && i - start < 3 && IsDigit(text[i]))
            {
                octet = (octet * 10) + (uint)(text[i] - '0');
                i++;
            }

            int digits = i - start;
            if (digits == 0 || octet > 255 || (digits > 1 && text[start] == (byte)'0'))
            {
                return false;
            }

            value = (value << 8) | octet;
        }

        return i == text.Length;
    }

    [SkipLocalsInit]
    private static bool TryParseIPv6(ReadOnlySpan<byte> text, out UInt128 value)
    {
        value = 0;
        Span<ushort> groups = stackalloc ushort[8];
        int count = 0;
        int gap = -1;
        int i = 0;

        if (text[0] == (byte)':')
        {
            if (text.Length < 2 || text[1] != (byte)':')
            {
                return false;
            }

            gap = 0;
            i = 2;
        }

        while (i < text.Length)
        {
            int start = i;
            uint group = 0;
            while (i < text.Length && i - start < 5 && TryHex(text[i], out uint nibble))
            {
                group = (group << 4) | nibble;
                i++;
            }

            if (i < text.Length && text[i] == (byte)'.')
            {
                // An IPv4 tail: it takes the last two groups and must end the text.
                if (count > 6 || !TryParseIPv4(text[start..], out uint v4))
                {
                    return false;
                }

                groups[count++] = (ushort)(v4 >> 16);
                groups[count++] = (ushort)v4;
                i = text.Length;
                break;
            }

            int digits = i - start;
            if (digits == 0 || digits > 4 || count == 8)
            {
                return false;
            }

            groups[count++] = (ushort)group;
            if (i == text.Length)
            {
                break;
            }

            if (text[i] != (byte)':')
            {
                return false;
            }

            i++;
            if (i < text.Length && text[i] == (byte)':')
            {
                if (gap >= 0)
                {
                    return false;
                }

                gap = count;
                i++;
            }
            else if (i == text.Length)
            {
                return false;
            }
        }

        if (gap < 0 ? count != 8 : count > 7)
        {
            return false;
        }

        int zeros = 8 - count;
        for (int g = 0; g < 8; g++)
        {
            ushort word;
            if (gap < 0 || g < gap)
            {
                word = groups[g];
            }
            else if (g < gap + zeros)
            {
                word = 0;
            }
            else
            {
                word = groups[g - zeros];
            }

            value = (value << 16) | word;
        }

        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsDigit(byte b) => (uint)(b - '0') <= 9;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryHex(byte b, out uint nibble)
    {
        nibble = (uint)(b - '0');
        if (nibble <= 9)
        {
            return true;
        }

        nibble = (uint)((b | 0x20) - 'a');
        if (nibble <= 5)
        {
            nibble += 10;
            return true;
        }

        return false;
    }

    /// <inheritdoc />
    public bool Equals(IpAddress other) => Value == other.Value;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is IpAddress other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => Value.GetHashCode();

    /// <summary>Equality.</summary>
    public static bool operator ==(IpAddress left, IpAddress right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(IpAddress left, IpAddress right) => !left.Equals(right);

    /// <summary>The address as text (dotted quad for IPv4; for display and diagnostics, allocates).</summary>
    public override string ToString()
    {
        if (IsIPv4)
        {
            uint v = (uint)Value;
            return $"{v >> 24}.{(v >> 16) & 0xFF}.{(v >> 8) & 0xFF}.{v & 0xFF}";
        }

        Span<byte> bytes = stackalloc byte[16];
        for (int i = 0; i < 16; i++)
        {
            bytes[i] = (byte)(Value >> (8 * (15 - i)));
        }

        return new System.Net.IPAddress(bytes).ToString();
    }
}
