using NonStdPort.Core.Detect;

namespace NonStdPort.Core.Write;

/// <summary>
/// Writes one alert, in its final bytes, into an <see cref="AlertBatch"/>: the alert followed by a
/// newline, indexed with its key (the host name as it appears in the alert). Every format
/// implements it; allocation-free once warm. One instance per thread.
/// </summary>
public interface IAlertFormatter
{
    /// <summary>The format written.</summary>
    AlertFormat Format { get; }

    /// <summary>Writes <paramref name="alert"/>, read from <paramref name="source"/>, into <paramref name="batch"/>.</summary>
    void Write(AlertBatch batch, in AlertDetails alert, in SourceRef source);
}

/// <summary>
/// Everything one alert says, as views: the base columns plus what a detection adds. The one input
/// of every <see cref="IAlertFormatter"/>, so a field added here reaches every format.
/// </summary>
public ref struct AlertDetails
{
    /// <summary>Creates details over <paramref name="columns"/> with nothing added.</summary>
    public AlertDetails(in AlertColumns columns)
    {
        Columns = columns;
        NewPort = -1;
    }

    /// <summary>The base columns.</summary>
    public AlertColumns Columns;

    /// <summary>Beacon: connections in the window (0 when the alert is not a beacon).</summary>
    public int BeaconCount;
    /// <summary>Beacon: median interval between connections, in seconds.</summary>
    public double BeaconMedianIntervalSeconds;
    /// <summary>Beacon: median absolute deviation of the intervals over their median.</summary>
    public double BeaconJitter;
    /// <summary>Beacon: event time of the first connection of the window, UTC ticks.</summary>
    public long BeaconFirstSeen;
    /// <summary>Beacon: event time of the last connection of the window, UTC ticks.</summary>
    public long BeaconLastSeen;

    /// <summary>RDP port change: the new listening port (negative when the alert is not one).</summary>
    public int NewPort;

    /// <summary>True with <c>--all</c>: <see cref="IsAlert"/> and <see cref="NotAlertReason"/> are written.</summary>
    public bool HasStatus;
    /// <summary>With <see cref="HasStatus"/>: whether the record is an alert.</summary>
    public bool IsAlert;
    /// <summary>With <see cref="HasStatus"/>: why the record is not an alert.</summary>
    public NotAlertReason NotAlertReason;

    /// <summary>True when this is a beacon alert.</summary>
    public readonly bool IsBeacon => BeaconCount > 0;
}
