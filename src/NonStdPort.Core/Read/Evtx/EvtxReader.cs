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

    /// <summary>Checks the file header: its signature and its CRC32 over the first 120 bytes.</summary>
    public static EvtxDamage CheckFileHeader(ReadOnlySpan<byte> header)
    {
        if (!HasFileMagic(header))
        {
            return EvtxDamage.FileMagic;
        }

        if (header.Length < 128)
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
    public void ReadChunk(ReadOnlySpan<byte> chunk, long chunkNumber, IEvtxRecordSink sink)
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
        uint headerCrc = EvtxCrc32.Compute(chunk.Slice(128, ChunkHeaderSize - 128), EvtxCrc32.Compute(chunk.Slice(0, 120)));
        if (headerCrc != BinaryPrimitives.ReadUInt32LittleEndian(chunk.Slice(124)))
        {
            sink.OnDamage(chunkNumber, firstRecord, EvtxDamage.ChunkHeaderChecksum);
        }

        if (chunk.Length < ChunkSize)
        {
            sink.OnDamage(chunkNumber, firstRecord, EvtxDamage.ChunkTruncated);
        }

        uint freeSpace = BinaryPrimitives.ReadUInt32LittleEndian(chunk.Slice(48));
        int limit;
        if (freeSpace < ChunkHeaderSize || freeSpace > ChunkSize)
        {
            sink.OnDamage(chunkNumber, firstRecord, EvtxDamage.FreeSpaceOffset);
            limit = chunk.Length;
        }
        else
        {
            limit = Math.Min((int)freeSpace, chunk.Length);
            if (limit == (int)freeSpace
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
            if (damage == EvtxDamage.RecordMagic && chunk.Slice(pos, limit - pos).IndexOfAnyExcept((byte)0) < 0)
            {
                break; // zeroed space after the last record, when the free-space offset was lost
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
