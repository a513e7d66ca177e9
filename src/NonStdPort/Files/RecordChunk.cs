using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NonStdPort.Core.Detect;
using NonStdPort.Core.Frame;
using NonStdPort.Core.Read;
using NonStdPort.Core.Write;

namespace NonStdPort.Cli.Files;

/// <summary>What became of one record of a <see cref="RecordChunk"/> on a scoring worker.</summary>
internal enum ChunkRecordStatus : byte
{
    /// <summary>Scored, counted and (when an alert) written into the chunk's batch by the worker.</summary>
    Done,
    /// <summary>Needs detection state: left to the ordered stage, which scores it in input order.</summary>
    Deferred,
    /// <summary>Malformed: counted by the worker, reported by the ordered stage in input order.</summary>
    Malformed,
    /// <summary>Longer than the maximum; the framer kept none of its bytes.</summary>
    Oversize,
}

/// <summary>One framed record of a chunk: where its bytes lie, its line, and what the worker made of it.</summary>
internal struct ChunkRecord
{
    public int Offset;
    public int Length;
    public bool InOverflow;
    public ChunkRecordStatus Status;
    public MalformedReason Reason;
    /// <summary>The chunk batch's alert count after this record (its alerts end there).</summary>
    public int EntryEnd;
    public long Line;
}

/// <summary>
/// One block of input with the records framed out of it, handed from the reading thread to a
/// scoring worker and back, in input order, to the ordered stage. Reused: the block buffer, the
/// record table and the alert batch all keep their capacity, so steady state allocates nothing.
/// Framing it: it is the framer's sink and records each record's place in <see cref="Block"/>.
/// </summary>
internal sealed class RecordChunk : IRecordSink
{
    private ChunkRecord[] _records = new ChunkRecord[1024];
    private byte[] _overflow = [];
    private int _overflowLength;
    private volatile bool _scored;

    /// <summary>The bytes the records lie in (the input block they were framed from).</summary>
    public byte[] Block { get; set; } = new byte[BlockInput.BlockSize];

    /// <summary>The input the records come from.</summary>
    public string File { get; private set; } = "";

    /// <summary>Records framed into this chunk.</summary>
    public int Count { get; private set; }

    /// <summary>The alerts of the records the worker finished, in record order.</summary>
    public AlertBatch Batch { get; } = new();

    /// <summary>Set by the worker when a record could not be scored for a reason other than the input (a defect).</summary>
    public Exception? Failure { get; set; }

    /// <summary>True once a worker has scored every record (read by the ordered stage).</summary>
    public bool IsScored => _scored;

    /// <summary>The record table; valid up to <see cref="Count"/>.</summary>
    public Span<ChunkRecord> Records => _records.AsSpan(0, Count);

    /// <summary>Starts a new chunk of <paramref name="file"/> framed out of <paramref name="block"/>.</summary>
    public void Begin(string file, byte[] block)
    {
        File = file;
        Block = block;
        Count = 0;
        _overflowLength = 0;
        Batch.Clear();
        Failure = null;
        _scored = false;
    }

    /// <summary>Marks every record scored (the worker's last write).</summary>
    public void MarkScored() => _scored = true;

    /// <summary>The bytes of <paramref name="record"/>.</summary>
    public ReadOnlySpan<byte> Bytes(in ChunkRecord record) =>
        record.InOverflow ? _overflow.AsSpan(record.Offset, record.Length) : Block.AsSpan(record.Offset, record.Length);

    /// <inheritdoc />
    public void OnRecord(ReadOnlySpan<byte> record, long line)
    {
        ref ChunkRecord slot = ref Add(line, ChunkRecordStatus.Done);
        slot.Length = record.Length;
        nint offset = Unsafe.ByteOffset(ref MemoryMarshal.GetArrayDataReference(Block), ref MemoryMarshal.GetReference(record));
        if (offset >= 0 && offset <= Block.Length - record.Length)
        {
            slot.Offset = (int)offset;
            return;
        }

        // The framer joined this record from pieces in its own scratch buffer: keep a copy.
        if (_overflow.Length - _overflowLength < record.Length)
        {
            Array.Resize(ref _overflow, Math.Max(_overflow.Length * 2, _overflowLength + record.Length));
        }

        record.CopyTo(_overflow.AsSpan(_overflowLength));
        slot.Offset = _overflowLength;
        slot.InOverflow = true;
        _overflowLength += record.Length;
    }

    /// <inheritdoc />
    public void OnOversize(long line) => Add(line, ChunkRecordStatus.Oversize);

    private ref ChunkRecord Add(long line, ChunkRecordStatus status)
    {
        if (Count == _records.Length)
        {
            Array.Resize(ref _records, _records.Length * 2);
        }

        ref ChunkRecord slot = ref _records[Count++];
        slot = default;
        slot.Line = line;
        slot.Status = status;
        return ref slot;
    }
}
