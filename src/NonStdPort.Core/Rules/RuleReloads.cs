namespace NonStdPort.Core.Rules;

/// <summary>
/// How many rule reloads succeeded and failed, for the <c>nonstdport_rules_reloads_total</c>
/// metric. The host owns one per process; whatever reloads the rules (SIGHUP, a watched file)
/// calls <see cref="Succeeded"/> or <see cref="Failed"/> once per attempt. Reloads are rare, so
/// an interlocked add is cheap; the metrics thread reads both totals at scrape time.
/// </summary>
public sealed class RuleReloads
{
    private long _successes;
    private long _failures;

    /// <summary>Reloads that swapped a valid rule set in.</summary>
    public long Successes => Interlocked.Read(ref _successes);

    /// <summary>Reloads whose file was invalid or unreadable (the old rules were kept).</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>Counts a reload that swapped new rules in.</summary>
    public void Succeeded() => Interlocked.Increment(ref _successes);

    /// <summary>Counts a reload that kept the old rules.</summary>
    public void Failed() => Interlocked.Increment(ref _failures);
}
