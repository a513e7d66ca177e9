using System.Collections.Immutable;

namespace NonStdPort.Core.Rules;

/// <summary>
/// A set of CIDR networks (IPv4 and IPv6) with an allocation-free membership test. The networks
/// are flattened once into a sorted table of disjoint address ranges (IPv4 lives in the
/// IPv4-mapped range, see <see cref="IpAddress"/>), so a lookup is one binary search.
/// </summary>
public sealed class NetworkSet
{
    private readonly UInt128[] _starts;
    private readonly UInt128[] _ends;

    /// <summary>An empty set.</summary>
    public static NetworkSet Empty { get; } = new(ImmutableArray<string>.Empty, Array.Empty<(UInt128, UInt128)>());

    private NetworkSet(ImmutableArray<string> networks, (UInt128 Start, UInt128 End)[] ranges)
    {
        Networks = networks;
        Array.Sort(ranges, static (a, b) => a.Start.CompareTo(b.Start));
        var starts = new List<UInt128>(ranges.Length);
        var ends = new List<UInt128>(ranges.Length);
        foreach (var (start, end) in ranges)
        {
            // Merge overlapping and adjacent ranges so that the table stays disjoint and sorted.
            if (ends.Count > 0 && (start <= ends[^1] || start - 1 == ends[^1]))
            {
                if (end > ends[^1])
                {
                    ends[^1] = end;
                }

                continue;
            }

            starts.Add(start);
            ends.Add(end);
        }

        _starts = starts.ToArray();
        _ends = ends.ToArray();
    }

    /// <summary>The networks as given (CIDR text), in order; used to show the rule set.</summary>
    public ImmutableArray<string> Networks { get; }

    /// <summary>Builds a set from CIDR texts; throws <see cref="FormatException"/> naming the first bad entry.</summary>
    public static NetworkSet Parse(IEnumerable<string> networks)
    {
        var texts = ImmutableArray.CreateBuilder<string>();
        var ranges = new List<(UInt128, UInt128)>();
        foreach (string text in networks)
        {
            if (!Cidr.TryParse(text, out Cidr cidr, out string? error))
            {
                throw new FormatException(error);
            }

            texts.Add(text);
            ranges.Add((cidr.First, cidr.Last));
        }

        return new NetworkSet(texts.ToImmutable(), ranges.ToArray());
    }

    /// <summary>True when the address lies in one of the networks.</summary>
    public bool Contains(in IpAddress address)
    {
        UInt128 value = address.Value;
        UInt128[] starts = _starts;
        int lo = 0;
        int hi = starts.Length - 1;
        while (lo <= hi)
        {
            int mid = (int)((uint)(lo + hi) >> 1);
            if (starts[mid] <= value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        // hi is now the last range starting at or below the address.
        return hi >= 0 && value <= _ends[hi];
    }
}

/// <summary>One network in CIDR notation, as its first and last address.</summary>
public readonly struct Cidr
{
    private Cidr(UInt128 first, UInt128 last, int prefixLength)
    {
        First = first;
        Last = last;
        PrefixLength = prefixLength;
    }

    /// <summary>The network's first address.</summary>
    public UInt128 First { get; }

    /// <summary>The network's last address.</summary>
    public UInt128 Last { get; }

    /// <summary>The prefix length in the address's own family (0-32 for IPv4, 0-128 for IPv6).</summary>
    public int PrefixLength { get; }

    /// <summary>
    /// Parses <c>address/prefix</c>; a bare address means that one host. The address must have no
    /// bits set past the prefix (<c>10.0.0.1/8</c> is an error, to catch typos).
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> text, out Cidr cidr, out string? error)
    {
        cidr = default;
        int slash = text.IndexOf('/');
        ReadOnlySpan<char> addressText = slash < 0 ? text : text[..slash];
        if (!IpAddress.TryParse(addressText, out IpAddress address))
        {
            error = $"'{text}' is not a network: '{addressText}' is not an IPv4 or IPv6 address";
            return false;
        }

        bool isV4 = address.IsIPv4 && addressText.IndexOf(':') < 0;
        int max = isV4 ? 32 : 128;
        int prefix = max;
        if (slash >= 0)
        {
            ReadOnlySpan<char> prefixText = text[(slash + 1)..];
            if (prefixText.IsEmpty || prefixText.Length > 3 || !int.TryParse(prefixText, System.Globalization.NumberStyles.None, null, out prefix) || prefix > max)
            {
                error = $"'{text}' is not a network: the prefix length must be a number from 0 to {max}";
                return false;
            }
        }

        int hostBits = (isV4 ? 32 - prefix : 128 - prefix);
        UInt128 hostMask = hostBits == 128 ? UInt128.MaxValue : (((UInt128)1) << hostBits) - 1;
        UInt128 first = address.Value;
        if ((first & hostMask) != 0)
        {
            var network = IpAddress.FromValue(first & ~hostMask);
            error = $"'{text}' has bits set past the /{prefix} prefix; did you mean {network}/{prefix}?";
            return false;
        }

        cidr = new Cidr(first, first | hostMask, prefix);
        error = null;
        return true;
    }
}
