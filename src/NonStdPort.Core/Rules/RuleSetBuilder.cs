namespace NonStdPort.Core.Rules;

/// <summary>
/// Collects rule data (starting from the defaults) and builds an immutable <see cref="RuleSet"/>.
/// Every list starts as its default; assigning a list replaces it.
/// </summary>
public sealed class RuleSetBuilder
{
    /// <summary>The lowest allowed threshold.</summary>
    public const int MinThreshold = 1;

    /// <summary>The highest allowed threshold.</summary>
    public const int MaxThreshold = 3;

    /// <summary>High-risk process names (file names; <c>*</c> at the end for a prefix).</summary>
    public List<string> HighRiskProcesses { get; set; } = [.. RuleDefaults.HighRiskProcesses];

    /// <summary>Known command-and-control ports.</summary>
    public List<int> C2Ports { get; set; } = [.. RuleDefaults.C2Ports];

    /// <summary>Standard service ports.</summary>
    public List<int> StandardPorts { get; set; } = [.. RuleDefaults.StandardPorts];

    /// <summary>Internal networks (CIDR).</summary>
    public List<string> InternalNetworks { get; set; } = [.. RuleDefaults.InternalNetworks];

    /// <summary>Processes never alerted on.</summary>
    public List<string> SuppressedProcesses { get; set; } = [];

    /// <summary>Destination networks never alerted on.</summary>
    public List<string> SuppressedNetworks { get; set; } = [];

    /// <summary>Process, network and optional port combinations never alerted on.</summary>
    public List<SuppressionCombination> SuppressedCombinations { get; set; } = [];

    /// <summary>Lowest risk score (1-3) that is an alert.</summary>
    public int Threshold { get; set; } = RuleDefaults.Threshold;

    /// <summary>Whether inbound connections can be alerts.</summary>
    public bool ScoreInbound { get; set; } = RuleDefaults.ScoreInbound;

    /// <summary>Beaconing detection settings.</summary>
    public BeaconOptions Beacon { get; set; } = new();

    /// <summary>RDP port change detection settings.</summary>
    public RdpPortChangeOptions RdpPortChange { get; set; } = new();

    /// <summary>Process lineage enrichment settings.</summary>
    public LineageOptions Lineage { get; set; } = new();

    /// <summary>Builds the rule set; throws <see cref="FormatException"/> or <see cref="ArgumentOutOfRangeException"/> for bad data.</summary>
    public RuleSet Build()
    {
        if (Threshold is < MinThreshold or > MaxThreshold)
        {
            throw new ArgumentOutOfRangeException(nameof(Threshold), Threshold, $"The threshold is a risk score from {MinThreshold} to {MaxThreshold}.");
        }

        if (DetectionOptionsValidator.Beacon(Beacon) is { } beaconError)
        {
            throw new ArgumentOutOfRangeException(nameof(Beacon), beaconError);
        }

        if (DetectionOptionsValidator.Lineage(Lineage) is { } lineageError)
        {
            throw new ArgumentOutOfRangeException(nameof(Lineage), lineageError);
        }

        return new RuleSet(
            new ProcessNameSet(HighRiskProcesses),
            new PortSet(C2Ports),
            new PortSet(StandardPorts),
            NetworkSet.Parse(InternalNetworks),
            new Suppressions(new ProcessNameSet(SuppressedProcesses), NetworkSet.Parse(SuppressedNetworks), SuppressedCombinations),
            Threshold,
            ScoreInbound,
            Beacon,
            RdpPortChange,
            Lineage);
    }
}

/// <summary>Range checks for the detection settings, shared by the builder and the rules file.</summary>
internal static class DetectionOptionsValidator
{
    public static string? Beacon(BeaconOptions o)
    {
        if (o.Count is < 3 or > 1000)
        {
            return "beacon.count must be from 3 to 1000";
        }

        if (o.MinInterval <= TimeSpan.Zero)
        {
            return "beacon.min_interval must be greater than zero";
        }

        if (o.MaxInterval < o.MinInterval)
        {
            return "beacon.max_interval must not be less than beacon.min_interval";
        }

        if (!(o.MaxJitter >= 0 && o.MaxJitter <= 1))
        {
            return "beacon.max_jitter must be from 0 to 1";
        }

        if (o.MaxLateness < TimeSpan.Zero)
        {
            return "beacon.max_lateness must not be negative";
        }

        return o.MaxKeys < 1 ? "beacon.max_keys must be at least 1" : null;
    }

    public static string? Lineage(LineageOptions o)
    {
        if (o.MaxProcesses < 1)
        {
            return "lineage.max_processes must be at least 1";
        }

        return o.TerminatedGrace < TimeSpan.Zero ? "lineage.grace_period must not be negative" : null;
    }
}
