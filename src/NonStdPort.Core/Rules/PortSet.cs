using System.Collections.Immutable;
using System.Runtime.CompilerServices;

namespace NonStdPort.Core.Rules;

/// <summary>A set of TCP/UDP ports as a 65,536-bit bitmap: one shift and one mask per lookup.</summary>
public sealed class PortSet
{
    private readonly ulong[] _bits = new ulong[65536 / 64];

    /// <summary>An empty set.</summary>
    public static PortSet Empty { get; } = new(ImmutableArray<int>.Empty);

    /// <summary>Builds a set; throws <see cref="ArgumentOutOfRangeException"/> for a port outside 0-65535.</summary>
    public PortSet(IEnumerable<int> ports)
    {
        var list = ImmutableArray.CreateBuilder<int>();
        foreach (int port in ports)
        {
            if ((uint)port > ushort.MaxValue)
            {
                throw new ArgumentOutOfRangeException(nameof(ports), port, "A port is a number from 0 to 65535.");
            }

            if (!Contains(port))
            {
                list.Add(port);
                _bits[port >> 6] |= 1UL << port;
            }
        }

        Ports = list.ToImmutable();
    }

    /// <summary>The ports, in the order given, without repeats; used to show the rule set.</summary>
    public ImmutableArray<int> Ports { get; }

    /// <summary>True when the port is in the set; false for any value outside 0-65535.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Contains(int port) => (uint)port <= ushort.MaxValue && (_bits[port >> 6] & (1UL << port)) != 0;
}
