using NonStdPort.Core.Read.Evtx;

namespace NonStdPort.Core.Tests.Read.Evtx;

/// <summary>What reading a whole EVTX file gives: its records (XML and number) and every damage report, in order.</summary>
public sealed class EvtxFile : IEvtxRecordSink
{
    public List<(long Number, byte[] Xml)> Records { get; } = [];
    public List<(long Chunk, long Record, EvtxDamage Damage)> Damage { get; } = [];

    /// <summary>Reads <paramref name="bytes"/> as a host would: the header, then each 64 KiB chunk (the last one possibly short).</summary>
    public static EvtxFile Read(byte[] bytes, EvtxReader? reader = null)
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
            reader.ReadChunk(bytes.AsSpan(at, Math.Min(EvtxReader.ChunkSize, bytes.Length - at)), chunk, file);
        }

        return file;
    }

    public void OnRecord(ReadOnlySpan<byte> eventXml, long recordNumber) => Records.Add((recordNumber, eventXml.ToArray()));

    public void OnDamage(long chunk, long recordNumber, EvtxDamage damage) => Damage.Add((chunk, recordNumber, damage));
}
