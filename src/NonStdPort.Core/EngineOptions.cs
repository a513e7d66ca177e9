using NonStdPort.Core.Write;

namespace NonStdPort.Core;

/// <summary>Per-run engine settings. Defaults live here and nowhere else.</summary>
public sealed record EngineOptions
{
    /// <summary>The default largest record accepted, in bytes.</summary>
    public const int DefaultMaxRecordBytes = 1024 * 1024;

    /// <summary>Write every scored Sysmon EID 3 record (with its score and why it is not an alert), not only alerts.</summary>
    public bool EmitAll { get; init; }

    /// <summary>Records larger than this are malformed (<c>Oversize</c>).</summary>
    public int MaxRecordBytes { get; init; } = DefaultMaxRecordBytes;

    /// <summary>Records whose event time is before this instant (UTC; a value of kind Local is converted) are skipped; records without an event time are kept; null keeps all.</summary>
    public DateTime? NotBefore { get; init; }

    /// <summary>The shape alerts are written in; <see cref="AlertFormat.Json"/> by default.</summary>
    public AlertFormat Format { get; init; } = AlertFormat.Json;

    /// <summary>The clock of each alert's detection time (<c>detected_at</c>); the system clock when null.</summary>
    public TimeProvider? Clock { get; init; }
}
