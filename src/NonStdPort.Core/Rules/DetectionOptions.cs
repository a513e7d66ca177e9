namespace NonStdPort.Core.Rules;

/// <summary>
/// Beaconing detection settings (rules file section <c>beacon</c>). A key (host, image, destination
/// address, destination port) beacons when its last <see cref="Count"/> connections have intervals
/// whose median lies in [<see cref="MinInterval"/>, <see cref="MaxInterval"/>] and whose jitter
/// (median absolute deviation / median) is at most <see cref="MaxJitter"/>.
/// </summary>
public sealed record BeaconOptions
{
    /// <summary>Run the detection.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Connections looked at per key (N); at least 3.</summary>
    public int Count { get; init; } = 6;

    /// <summary>Smallest median interval that counts as a beacon.</summary>
    public TimeSpan MinInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Largest median interval that counts as a beacon.</summary>
    public TimeSpan MaxInterval { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Largest jitter (median absolute deviation of the intervals over their median), 0 to 1.</summary>
    public double MaxJitter { get; init; } = 0.2;

    /// <summary>How late (in event time) a record may arrive and still be used for the interval maths.</summary>
    public TimeSpan MaxLateness { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Most keys kept; the least recently used is evicted beyond it.</summary>
    public int MaxKeys { get; init; } = 200_000;
}

/// <summary>RDP port change detection settings (rules file section <c>rdp_port_change</c>).</summary>
public sealed record RdpPortChangeOptions
{
    /// <summary>Run the detection.</summary>
    public bool Enabled { get; init; } = true;
}

/// <summary>Process lineage enrichment settings (rules file section <c>lineage</c>).</summary>
public sealed record LineageOptions
{
    /// <summary>Run the enrichment.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Most processes remembered; the least recently used is evicted beyond it.</summary>
    public int MaxProcesses { get; init; } = 200_000;

    /// <summary>How long a process is still remembered after its EID 5 (process terminated), in event time.</summary>
    public TimeSpan TerminatedGrace { get; init; } = TimeSpan.FromMinutes(5);
}
