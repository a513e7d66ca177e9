namespace NonStdPort.Core.Write;

/// <summary>An alert's <c>severity</c>.</summary>
public enum AlertSeverity : byte
{
    /// <summary>Not an alert (written only with <c>--all</c>): <c>none</c>.</summary>
    None = 0,
    /// <summary><c>low</c> (risk score 1).</summary>
    Low,
    /// <summary><c>medium</c> (risk score 2).</summary>
    Medium,
    /// <summary><c>high</c> (risk score 3).</summary>
    High,
}

/// <summary>Severity helpers.</summary>
public static class AlertSeverities
{
    /// <summary>The severity of a single-event risk score: 3 high, 2 medium, 1 low, 0 none.</summary>
    public static AlertSeverity FromRiskScore(int riskScore) => riskScore switch
    {
        >= 3 => AlertSeverity.High,
        2 => AlertSeverity.Medium,
        1 => AlertSeverity.Low,
        _ => AlertSeverity.None,
    };
}
