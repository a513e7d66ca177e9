namespace NonStdPort.Core.Read;

/// <summary>The outcome of reading one record: either it was read, or why it is malformed.</summary>
public readonly struct ReadResult
{
    private ReadResult(MalformedReason reason) => Reason = reason;

    /// <summary>Why the record is malformed; <see cref="MalformedReason.None"/> when it was read.</summary>
    public MalformedReason Reason { get; }

    /// <summary>True when the record was read.</summary>
    public bool IsOk => Reason == MalformedReason.None;

    /// <summary>A successful read.</summary>
    public static ReadResult Ok => default;

    /// <summary>A malformed record with its reason.</summary>
    public static ReadResult Malformed(MalformedReason reason) => new(reason);
}
