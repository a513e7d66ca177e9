using System.Collections.Immutable;

namespace NonStdPort.Core.Rules;

/// <summary>
/// One combined suppression: connections from a process (file name, <c>*</c> prefix allowed) to a
/// destination network, optionally on one port.
/// </summary>
public sealed class SuppressionCombination
{
    private readonly ProcessNameSet _process;

    /// <summary>Builds a combination; throws <see cref="FormatException"/> for a bad name or network.</summary>
    public SuppressionCombination(string process, string network, int? port, string? reason = null)
    {
        if (port is { } p && (uint)p > ushort.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(port), p, "A port is a number from 0 to 65535.");
        }

        Process = process;
        Network = network;
        Port = port;
        Reason = reason;
        _process = new ProcessNameSet([process]);
        Networks = NetworkSet.Parse([network]);
    }

    /// <summary>The process file name (or prefix ending in <c>*</c>).</summary>
    public string Process { get; }

    /// <summary>The destination network (CIDR text).</summary>
    public string Network { get; }

    /// <summary>The destination port, or null for any port.</summary>
    public int? Port { get; }

    /// <summary>Why it is suppressed (free text from the rules file, shown back by <c>rules show</c>).</summary>
    public string? Reason { get; }

    internal NetworkSet Networks { get; }

    /// <summary>True when this combination matches the connection.</summary>
    public bool Matches(in ProcessFileName fileName, in IpAddress destination, int port) =>
        (Port is not { } p || p == port) && Networks.Contains(destination) && _process.Contains(fileName);
}

/// <summary>
/// Known-good traffic that is never an alert: by process file name, by destination network, or by
/// a (process, network, optional port) combination. A match is counted as suppressed.
/// </summary>
public sealed class Suppressions
{
    private readonly SuppressionCombination[] _combinations;

    /// <summary>No suppressions.</summary>
    public static Suppressions None { get; } = new(ProcessNameSet.Empty, NetworkSet.Empty, []);

    /// <summary>Builds the suppressions.</summary>
    public Suppressions(ProcessNameSet processes, NetworkSet networks, IEnumerable<SuppressionCombination> combinations)
    {
        Processes = processes;
        Networks = networks;
        Combinations = [.. combinations];
        _combinations = [.. Combinations];
    }

    /// <summary>Processes whose connections are never alerts.</summary>
    public ProcessNameSet Processes { get; }

    /// <summary>Destination networks never alerted on.</summary>
    public NetworkSet Networks { get; }

    /// <summary>Process, network and optional port combinations never alerted on.</summary>
    public ImmutableArray<SuppressionCombination> Combinations { get; }

    /// <summary>True when no suppression is configured.</summary>
    public bool IsEmpty => Processes.Names.IsEmpty && Networks.Networks.IsEmpty && _combinations.Length == 0;

    /// <summary>True when any suppression matches the connection.</summary>
    public bool Matches(in ProcessFileName fileName, in IpAddress destination, int port)
    {
        if (Processes.Contains(fileName) || Networks.Contains(destination))
        {
            return true;
        }

        foreach (SuppressionCombination combination in _combinations)
        {
            if (combination.Matches(fileName, destination, port))
            {
                return true;
            }
        }

        return false;
    }
}
