using NonStdPort.Core.Read.Evtx;

namespace NonStdPort.Core.Tests.Read.Evtx;

/// <summary>What reading a whole EVTX file gives: its records (XML, number and chunk) and every damage report, in order.</summary>
public sealed class EvtxFile : IEvtxRecordSink
{
    private long _chunk;

    public List<(long Number, byte[] Xml)> Records { get; } = [];

    /// <summary>The chunk each of <see cref="Records"/> came from.</summary>
    public List<long> RecordChunks { get; } = [];
    public List<(long Chunk, long Record, EvtxDamage Damage)> Damage { get; } = [];

    /// <summary>
    /// Reads <paramref name="bytes"/> as a host would: the header, then each 64 KiB chunk (the last one
    /// possibly short); with <paramref name="usedPartsOnly"/>, as the file host does, each whole chunk
    /// only up to its <see cref="EvtxReader.UsedLength"/>.
    /// </summary>
    public static EvtxFile Read(byte[] bytes, EvtxReader? reader = null, bool usedPartsOnly = false)
    {
        reader ??= new EvtxReader();
        var file = new EvtxFile();
        EvtxDamage header = EvtxReader.CheckFileHeader(bytes.AsSpan(0, Math.Min(bytes.Length, EvtxReader.FileHeaderSize)));
        if (header == EvtxDamage.FileMagic)
        {
            file.Damage.Add((-1, 0, header));
            return file;
        }

        if (header != EvtxDamage.None)
        {
            file.Damage.Add((-1, 0, header));
        }

        long chunk = 0;
        for (int at = EvtxReader.FileHeaderSize; at < bytes.Length; at += EvtxReader.ChunkSize, chunk++)
        {
            file._chunk = chunk;
            ReadOnlySpan<byte> whole = bytes.AsSpan(at, Math.Min(EvtxReader.ChunkSize, bytes.Length - at));
            if (usedPartsOnly && whole.Length == EvtxReader.ChunkSize)
            {
                ReadOnlySpan<byte> used = whole.Slice(0, EvtxReader.UsedLength(whole.Slice(0, EvtxReader.ChunkHeaderBytes)));
                if (!reader.TryReadUsedChunk(used, chunk, file))
                {
                    reader.ReadChunk(whole, chunk, file);
                }
            }
            else
            {
                reader.ReadChunk(whole, chunk, file);
            }
        }

        return file;
    }

    /// <summary>The records read from chunk <paramref name="chunk"/>, as "number: xml" lines.</summary>
    public List<string> RecordsOf(long chunk)
    {
        var found = new List<string>();
        for (int i = 0; i < Records.Count; i++)
        {
            if (RecordChunks[i] == chunk)
            {
                found.Add($"{Records[i].Number}: {System.Text.Encoding.UTF8.GetString(Records[i].Xml)}");
            }
        }

        return found;
    }

    public void OnRecord(ReadOnlySpan<byte> eventXml, long recordNumber)
    {
        Records.Add((recordNumber, eventXml.ToArray()));
        RecordChunks.Add(_chunk);
    }

    public void OnDamage(long chunk, long recordNumber, EvtxDamage damage) => Damage.Add((chunk, recordNumber, damage));
}
