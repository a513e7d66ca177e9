using NonStdPort.Core.Read;

namespace NonStdPort.Core.Detect;

/// <summary>What became of one record.</summary>
public enum OutcomeKind : byte
{
    /// <summary>Read, a Sysmon network connection, and not an alert (see <see cref="NotAlertReason"/>).</summary>
    NotAlert = 0,
    /// <summary>At least one alert was written.</summary>
    Alert,
    /// <summary>Read, but not a record any detection looks at (another event id or provider, outside the time window).</summary>
    Skipped,
    /// <summary>Could not be read; see <see cref="RecordOutcome.Malformed"/>.</summary>
    Malformed,
}

/// <summary>Why a scored network connection is not an alert.</summary>
public enum NotAlertReason : byte
{
    /// <summary>It is an alert (or was not scored).</summary>
    None = 0,
    /// <summary>The connection was inbound and the rules do not score inbound connections.</summary>
    Inbound,
    /// <summary>The destination is in the internal networks.</summary>
    InternalDestination,
    /// <summary>A suppression matched.</summary>
    Suppressed,
    /// <summary>The risk score is below the threshold.</summary>
    BelowThreshold,
}

/// <summary>The outcome of <see cref="Engine.Process"/> for one record.</summary>
/// <param name="Kind">What became of the record.</param>
/// <param name="Malformed">Why it is malformed, when <see cref="OutcomeKind.Malformed"/>.</param>
/// <param name="Why">Why a scored connection is not an alert.</param>
/// <param name="RiskScore">The risk score (0-3) of a scored connection.</param>
/// <param name="AlertsWritten">How many alerts this record added to the batch.</param>
public readonly record struct RecordOutcome(
    OutcomeKind Kind,
    MalformedReason Malformed,
    NotAlertReason Why,
    byte RiskScore,
    int AlertsWritten);
