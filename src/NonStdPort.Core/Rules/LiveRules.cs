namespace NonStdPort.Core.Rules;

/// <summary>
/// The rule set in force for a long-running host, swapped whole on reload. Engines built over it
/// look at <see cref="Current"/> once per record, before they score it, so a record is scored by
/// the old rules or by the new ones, never by a mix, never twice. The swap itself is one reference
/// write: scoring threads take no lock and allocate nothing until they see a new rule set.
/// </summary>
public sealed class LiveRules
{
    private RuleSet _current;
    private long _version;

    /// <summary>Starts with <paramref name="initial"/> in force.</summary>
    public LiveRules(RuleSet initial)
    {
        ArgumentNullException.ThrowIfNull(initial);
        _current = initial;
    }

    /// <summary>The rule set in force now (safe from any thread).</summary>
    public RuleSet Current => Volatile.Read(ref _current);

    /// <summary>How many rule sets have been swapped in since the start.</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>Reload outcomes so far (for logs and metrics).</summary>
    public RuleReloads Reloads { get; } = new();

    /// <summary>
    /// Puts <paramref name="next"/> in force and counts a successful reload. Returns true when the
    /// detection settings (beacon, lineage, RDP port change) are the same as before, so engines keep
    /// their detection state; false when they differ and engines rebuild it.
    /// </summary>
    public bool Swap(RuleSet next)
    {
        ArgumentNullException.ThrowIfNull(next);
        RuleSet previous = Interlocked.Exchange(ref _current, next);
        Interlocked.Increment(ref _version);
        Reloads.CountSuccess();
        return SameDetectionSettings(previous, next);
    }

    /// <summary>Counts a reload whose file was invalid or unreadable; the rules in force stay.</summary>
    public void Reject() => Reloads.CountFailure();

    /// <summary>
    /// True when two rule sets configure the stateful detections alike, so state built under one is
    /// valid under the other (the options are records: equal by value).
    /// </summary>
    public static bool SameDetectionSettings(RuleSet a, RuleSet b) =>
        a.Beacon == b.Beacon && a.Lineage == b.Lineage && a.RdpPortChange == b.RdpPortChange;
}

/// <summary>Counts rule reloads by result (<c>nonstdport_rules_reloads_total{result}</c>). Safe from any thread.</summary>
public sealed class RuleReloads
{
    private long _success;
    private long _failure;

    /// <summary>Reloads that put a new rule set in force.</summary>
    public long Success => Interlocked.Read(ref _success);

    /// <summary>Reloads refused because the file was invalid or unreadable.</summary>
    public long Failure => Interlocked.Read(ref _failure);

    /// <summary>Counts a reload that put a new rule set in force.</summary>
    public void CountSuccess() => Interlocked.Increment(ref _success);

    /// <summary>Counts a reload that kept the rules in force.</summary>
    public void CountFailure() => Interlocked.Increment(ref _failure);
}
