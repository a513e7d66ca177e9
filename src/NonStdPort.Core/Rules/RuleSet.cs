namespace NonStdPort.Core.Rules;

/// <summary>The immutable rule set: lists, networks, suppressions and thresholds. Built once, passed in.</summary>
public sealed class RuleSet
{
    /// <summary>The built-in defaults.</summary>
    public static RuleSet Default { get; } = new();
}
