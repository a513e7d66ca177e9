namespace NonStdPort.Core.Detect;

/// <summary>Parameters of the beacon detection (see <see cref="BeaconTracker"/>).</summary>
internal sealed record BeaconSettings
{
    /// <summary>Largest <see cref="Count"/> accepted; the interval maths runs on the stack.</summary>
    public const int MaxCount = 64;

    /// <summary>Connections whose intervals are judged (N); N connections give N - 1 intervals.</summary>
    public int Count { get; init; } = 6;

    /// <summary>Shortest median interval that counts as a beacon.</summary>
    public TimeSpan MinInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest median interval that counts as a beacon.</summary>
    public TimeSpan MaxInterval { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Largest jitter (median absolute deviation of the intervals over their median).</summary>
    public double MaxJitter { get; init; } = 0.2;

    /// <summary>How far behind the newest event time a record may arrive and still be used.</summary>
    public TimeSpan MaxLateness { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Most keys held; the least recently used is evicted beyond it.</summary>
    public int MaxKeys { get; init; } = 200_000;

    /// <summary>Throws when a value is out of range.</summary>
    public BeaconSettings Validated()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Count, 3, nameof(Count));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Count, MaxCount, nameof(Count));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(MinInterval, TimeSpan.Zero, nameof(MinInterval));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxInterval, MinInterval, nameof(MaxInterval));
        ArgumentOutOfRangeException.ThrowIfNegative(MaxJitter, nameof(MaxJitter));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxLateness, TimeSpan.Zero, nameof(MaxLateness));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxKeys, 1, nameof(MaxKeys));
        return this;
    }
}
