namespace NonStdPort.Core.Detect;

/// <summary>Parameters of process lineage (see <see cref="ProcessLineage"/>).</summary>
internal sealed record LineageSettings
{
    /// <summary>Most processes remembered; the least recently used is evicted beyond it.</summary>
    public int MaxProcesses { get; init; } = 100_000;

    /// <summary>How long a process is still known after its Event ID 5 (late network records still find it).</summary>
    public TimeSpan GracePeriod { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Most bytes of remembered text (keys, images and command lines); the least recently used is evicted beyond it.</summary>
    public long MaxBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>Throws when a value is out of range.</summary>
    public LineageSettings Validated()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxProcesses, 1, nameof(MaxProcesses));
        ArgumentOutOfRangeException.ThrowIfLessThan(GracePeriod, TimeSpan.Zero, nameof(GracePeriod));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBytes, 1024, nameof(MaxBytes));
        return this;
    }
}
