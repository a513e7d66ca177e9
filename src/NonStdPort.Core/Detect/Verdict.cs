namespace NonStdPort.Core.Detect;

/// <summary>The single-event score of one network connection, and why it is not an alert.</summary>
public readonly struct Verdict
{
    /// <summary>Creates a verdict.</summary>
    public Verdict(bool isHighRiskProcess, bool isKnownC2Port, byte riskScore, NotAlertReason notAlertReason)
    {
        IsHighRiskProcess = isHighRiskProcess;
        IsKnownC2Port = isKnownC2Port;
        RiskScore = riskScore;
        NotAlertReason = notAlertReason;
    }

    /// <summary>The image's file name is in the high-risk list (<c>is_high_risk_process</c>).</summary>
    public bool IsHighRiskProcess { get; }

    /// <summary>The destination port is in the C2 list (<c>is_known_c2_port</c>).</summary>
    public bool IsKnownC2Port { get; }

    /// <summary>The risk score, 0 to 3 (<c>risk_score</c>).</summary>
    public byte RiskScore { get; }

    /// <summary>Why the connection is not an alert; <see cref="NotAlertReason.None"/> when it is one.</summary>
    public NotAlertReason NotAlertReason { get; }

    /// <summary>True when the connection is an alert.</summary>
    public bool IsAlert => NotAlertReason == NotAlertReason.None;
}

/// <summary>The direction of a connection as the record states it.</summary>
public enum ConnectionDirection : byte
{
    /// <summary>Not stated; treated as outbound.</summary>
    Unknown = 0,
    /// <summary>The host initiated it (<c>Initiated</c> true; <c>network.direction</c> egress/outbound).</summary>
    Outbound,
    /// <summary>The host accepted it (<c>Initiated</c> false; <c>network.direction</c> ingress/inbound).</summary>
    Inbound,
}
