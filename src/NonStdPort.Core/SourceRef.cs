namespace NonStdPort.Core;

/// <summary>
/// Where a record came from, written into each alert's <c>source</c> object:
/// a file and 1-based line, an EVTX file and record number, or a Kafka topic, partition and offset.
/// </summary>
public readonly struct SourceRef
{
    private SourceRef(string? file, long line, string? topic, int partition, long offset, bool isEvtxRecord = false)
    {
        IsEvtxRecord = isEvtxRecord;
        File = file;
        Line = line;
        Topic = topic;
        Partition = partition;
        Offset = offset;
    }

    /// <summary>The file name (<c>-</c> for stdin), or null for a Kafka record.</summary>
    public string? File { get; }
    /// <summary>The 1-based line on which the record starts (file mode).</summary>
    public long Line { get; }
    /// <summary>True when <see cref="Line"/> is an EVTX record number (written as <c>record</c>, not <c>line</c>).</summary>
    public bool IsEvtxRecord { get; }
    /// <summary>The Kafka topic, or null for a file record.</summary>
    public string? Topic { get; }
    /// <summary>The Kafka partition.</summary>
    public int Partition { get; }
    /// <summary>The Kafka offset.</summary>
    public long Offset { get; }

    /// <summary>A record read from a file (or stdin, named <c>-</c>).</summary>
    public static SourceRef FromFile(string file, long line) => new(file, line, null, 0, 0);

    /// <summary>A record read from an EVTX file, by its EVTX record number.</summary>
    public static SourceRef FromEvtx(string file, long recordNumber) => new(file, recordNumber, null, 0, 0, isEvtxRecord: true);

    /// <summary>A record consumed from Kafka.</summary>
    public static SourceRef FromKafka(string topic, int partition, long offset) => new(null, 0, topic, partition, offset);
}
