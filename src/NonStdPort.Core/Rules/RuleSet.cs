namespace NonStdPort.Core.Rules;

/// <summary>
/// The immutable rule set: lists, networks, suppressions, thresholds and detection settings.
/// Built once (by <see cref="RuleSetBuilder"/> or <see cref="RulesFile"/>), passed in, never
/// mutated; reloading means building a new one. Safe to share between threads.
/// </summary>
public sealed class RuleSet
{
    internal RuleSet(
        ProcessNameSet highRiskProcesses,
        PortSet c2Ports,
        PortSet standardPorts,
        NetworkSet internalNetworks,
        Suppressions suppressions,
        int threshold,
        bool scoreInbound,
        BeaconOptions beacon,
        RdpPortChangeOptions rdpPortChange,
        LineageOptions lineage)
    {
        HighRiskProcesses = highRiskProcesses;
        C2Ports = c2Ports;
        StandardPorts = standardPorts;
        InternalNetworks = internalNetworks;
        Suppressions = suppressions;
        Threshold = threshold;
        ScoreInbound = scoreInbound;
        Beacon = beacon;
        RdpPortChange = rdpPortChange;
        Lineage = lineage;
    }

    /// <summary>The built-in defaults.</summary>
    public static RuleSet Default { get; } = new RuleSetBuilder().Build();

    /// <summary>High-risk processes, matched against the image's file name.</summary>
    public ProcessNameSet HighRiskProcesses { get; }

    /// <summary>Ports known for command-and-control.</summary>
    public PortSet C2Ports { get; }

    /// <summary>Standard service ports (a high-risk process on one of these scores no 2).</summary>
    public PortSet StandardPorts { get; }

    /// <summary>Internal destination networks (never alerts).</summary>
    public NetworkSet InternalNetworks { get; }

    /// <summary>Known-good traffic.</summary>
    public Suppressions Suppressions { get; }

    /// <summary>Lowest risk score (1-3) that is an alert.</summary>
    public int Threshold { get; }

    /// <summary>Whether inbound connections can be alerts.</summary>
    public bool ScoreInbound { get; }

    /// <summary>Beaconing detection settings.</summary>
    public BeaconOptions Beacon { get; }

    /// <summary>RDP port change detection settings.</summary>
    public RdpPortChangeOptions RdpPortChange { get; }

    /// <summary>Process lineage enrichment settings.</summary>
    public LineageOptions Lineage { get; }
}
