using System.Buffers.Binary;

namespace NonStdPort.Core.Read.Evtx;

/// <summary>Receives what an <see cref="EvtxReader"/> finds in a chunk.</summary>
public interface IEvtxRecordSink
{
    /// <summary>One record rendered as Windows event XML (valid only during the call), with its EVTX record number.</summary>
    void OnRecord(ReadOnlySpan<byte> eventXml, long recordNumber);

    /// <summary>Damage found in chunk <paramref name="chunk"/> (0-based); <paramref name="recordNumber"/> is 0 when no record is known.</summary>
    void OnDamage(long chunk, long recordNumber, EvtxDamage damage);
}

/// <summary>
/// Reads Windows EVTX files: the 4 KiB file header, then 64 KiB chunks, each holding event records
/// whose binary XML is rendered to event XML text for the same readers as the XML envelope. No I/O:
/// the host hands over the header and each chunk. One instance per thread; reused, it allocates
/// nothing per record. Damage is reported per chunk and record, and reading goes on.
/// </summary>
public sealed class EvtxReader
{
    /// <summary>Size of the file header block that precedes the first chunk.</summary>
    public const int FileHeaderSize = 4096;

    /// <summary>Size of one chunk.</summary>
    public const int ChunkSize = 65536;

    private const int ChunkHeaderSize = 512;
    private const int RecordHeaderSize = 24;
    private const uint RecordMagic = 0x00002A2A; // "**\0\0"

    private readonly BinXmlRenderer _renderer = new();
    private readonly XmlBuffer _xml = new();
    private readonly int _maxRecordBytes;

    /// <summary>Creates a reader whose rendered records may be at most <paramref name="maxRecordBytes"/> long.</summary>
    public EvtxReader(int maxRecordBytes = EngineOptions.DefaultMaxRecordBytes) => _maxRecordBytes = maxRecordBytes;

    /// <summary>The file signature, <c>ElfFile\0</c>.</summary>
    public static ReadOnlySpan<byte> FileMagic => "ElfFile\0"u8;

    private static ReadOnlySpan<byte> ChunkMagic => "ElfChnk\0"u8;

    /// <summary>True when <paramref name="head"/> starts with the EVTX file signature.</summary>
    public static bool HasFileMagic(ReadOnlySpan<byte> head) => head.StartsWith(FileMagic);

    /// <summary>
    /// Checks the file header (the file's first <see cref="FileHeaderSize"/> bytes, fewer when the
    /// file is shorter): its signature, its length and its CRC32 over the first 120 bytes.
    /// </summary>
    public static EvtxDamage CheckFileHeader(ReadOnlySpan<byte> header)
    {
        if (!HasFileMagic(header))
        {
            return EvtxDamage.FileMagic;
        }

        if (header.Length < FileHeaderSize)
        {
            return EvtxDamage.FileHeaderTruncated;
        }

        return EvtxCrc32.Compute(header.Slice(0, 120)) == BinaryPrimitives.ReadUInt32LittleEndian(header.Slice(124))
            ? EvtxDamage.None
            : EvtxDamage.FileHeaderChecksum;
    }

    /// <summary>
    /// Reads every record of one chunk (shorter than <see cref="ChunkSize"/> when the file is cut
    /// short) into <paramref name="sink"/>, reporting damage as it goes.
    /// </summary>
    public void ReadChunk(ReadOnlySpan<byte> chunk, long chunkNumber, IEvtxRecordSink sink) =>
        Read(chunk, chunkNumber, sink, ChunkSize);

    /// <summary>
    /// How many bytes of a chunk a host must read, given its first <see cref="ChunkHeaderBytes"/>
    /// bytes: up to the chunk's free-space offset when that offset is plausible (nothing after it
    /// belongs to a record or is covered by a checksum), otherwise the whole chunk.
    /// </summary>
    public static int UsedLength(ReadOnlySpan<byte> chunkHeader)
    {
        if (chunkHeader.Length < ChunkHeaderSize || !chunkHeader.StartsWith(ChunkMagic))
        {
            return ChunkSize;
        }

        uint freeSpace = BinaryPrimitives.ReadUInt32LittleEndian(chunkHeader.Slice(48));
        return freeSpace is >= ChunkHeaderSize and <= ChunkSize ? (int)freeSpace : ChunkSize;
    }

    /// <summary>The bytes of a chunk's header, which <see cref="UsedLength"/> reads.</summary>
    public const int ChunkHeaderBytes = ChunkHeaderSize;

    /// <summary>
    /// Reads one chunk of which the host read only its used part (the first <see cref="UsedLength"/>
    /// bytes), when that part is intact: signature, header checksum and records checksum all match,
    /// so nothing after the free-space offset can belong to a record. False, having reported nothing,
    /// when it is not: the host then reads the whole chunk with <see cref="ReadChunk"/>, which reports
    /// the damage and recovers what it can, so records and damage are exactly as reading whole chunks gives.
    /// </summary>
    public bool TryReadUsedChunk(ReadOnlySpan<byte> used, long chunkNumber, IEvtxRecordSink sink)
    {
        if (used.Length < ChunkHeaderSize || !used.StartsWith(ChunkMagic) || UsedLength(used) != used.Length
            || EvtxCrc32.Compute(used.Slice(0, 120), used.Slice(128, ChunkHeaderSize - 128)) != BinaryPrimitives.ReadUInt32LittleEndian(used.Slice(124))
            || EvtxCrc32.Compute(used.Slice(ChunkHeaderSize)) != BinaryPrimitives.ReadUInt32LittleEndian(used.Slice(52)))
        {
            return false;
        }

        Read(used, chunkNumber, sink, used.Length, checksumsVerified: true);
        return true;
    }

    private void Read(ReadOnlySpan<byte> chunk, long chunkNumber, IEvtxRecordSink sink, int expectedLength, bool checksumsVerified = false)
    {
        if (chunk.IndexOfAnyExcept((byte)0) < 0)
        {
            return; // an unused (preallocated) chunk holds no records
        }

        if (chunk.Length < ChunkHeaderSize)
        {
            sink.OnDamage(chunkNumber, 0, EvtxDamage.ChunkTruncated);
            return;
        }

        if (!chunk.StartsWith(ChunkMagic))
        {
            sink.OnDamage(chunkNumber, 0, EvtxDamage.ChunkMagic);
            return;
        }

        long firstRecord = (long)BinaryPrimitives.ReadUInt64LittleEndian(chunk.Slice(8));
        long lastInHeader = (long)BinaryPrimitives.ReadUInt64LittleEndian(chunk.Slice(16));
        if (!checksumsVerified
            && EvtxCrc32.Compute(chunk.Slice(0, 120), chunk.Slice(128, ChunkHeaderSize - 128)) != BinaryPrimitives.ReadUInt32LittleEndian(chunk.Slice(124)))
        {
            sink.OnDamage(chunkNumber, firstRecord, EvtxDamage.ChunkHeaderChecksum);
        }

        if (chunk.Length < expectedLength)
        {
            sink.OnDamage(chunkNumber, firstRecord, EvtxDamage.ChunkTruncated);
        }

        uint freeSpace = BinaryPrimitives.ReadUInt32LittleEndian(chunk.Slice(48));
        int limit;
        bool freeSpaceLost = freeSpace < ChunkHeaderSize || freeSpace > ChunkSize;
        if (freeSpaceLost)
        {
            sink.OnDamage(chunkNumber, firstRecord, EvtxDamage.FreeSpaceOffset);
            limit = chunk.Length;
        }
        else
        {
            limit = Math.Min((int)freeSpace, chunk.Length);
            if (!checksumsVerified && limit == (int)freeSpace
                && EvtxCrc32.Compute(chunk.Slice(ChunkHeaderSize, limit - ChunkHeaderSize)) != BinaryPrimitives.ReadUInt32LittleEndian(chunk.Slice(52)))
            {
                sink.OnDamage(chunkNumber, firstRecord, EvtxDamage.RecordsChecksum);
            }
        }

        _renderer.BeginChunk();
        int pos = ChunkHeaderSize;
        long lastRecord = firstRecord - 1;
        while (limit - pos >= RecordHeaderSize)
        {
            EvtxDamage damage = Record(chunk, pos, limit, out int size, out long recordNumber);
            if (damage == EvtxDamage.RecordMagic && freeSpaceLost
                && (lastRecord >= lastInHeader || chunk.Slice(pos, limit - pos).IndexOfAnyExcept((byte)0) < 0))
            {
                // Without the free-space offset, the records end after the one the header names last
                // (what follows is unused space: zeros, or the leftovers of an older chunk).
                break;
            }

            if (damage is EvtxDamage.RecordMagic or EvtxDamage.RecordSize)
            {
                // The record's own framing is gone: name the record that should have come next, and
                // resume at the next signature.
                sink.OnDamage(chunkNumber, lastRecord + 1, damage);
                int next = chunk.Slice(pos + 1, limit - pos - 1).IndexOf("**\0\0"u8);
                if (next < 0)
                {
                    break;
                }

                pos += 1 + next;
                continue;
            }

            lastRecord = recordNumber;
            if (damage != EvtxDamage.None)
            {
                sink.OnDamage(chunkNumber, recordNumber, damage);
            }
            else
            {
                sink.OnRecord(_xml.Written, recordNumber);
            }

            pos += size;
        }
    }

    private EvtxDamage Record(ReadOnlySpan<byte> chunk, int pos, int limit, out int size, out long recordNumber)
    {
        size = 0;
        recordNumber = 0;
        if (BinaryPrimitives.ReadUInt32LittleEndian(chunk.Slice(pos)) != RecordMagic)
        {
            return EvtxDamage.RecordMagic;
        }

        uint declared = BinaryPrimitives.ReadUInt32LittleEndian(chunk.Slice(pos + 4));
        if (declared < RecordHeaderSize + 4 || declared > (uint)(limit - pos)
            || BinaryPrimitives.ReadUInt32LittleEndian(chunk.Slice(pos + (int)declared - 4)) != declared)
        {
            return EvtxDamage.RecordSize;
        }

        size = (int)declared;
        recordNumber = (long)BinaryPrimitives.ReadUInt64LittleEndian(chunk.Slice(pos + 8));
        return _renderer.Render(chunk, pos + RecordHeaderSize, pos + size - 4, _xml, _maxRecordBytes) ? EvtxDamage.None : _renderer.Damage;
    }
}
