using System.Buffers.Binary;
using System.Diagnostics;
using NonStdPort.Core.Read.Evtx;
using NonStdPort.Core.Tests.Support;

namespace NonStdPort.Core.Tests.Read.Evtx;

/// <summary>
/// Spec: damage in an EVTX file is reported, never fatal. A damaged chunk header, record or template
/// is reported with a clear reason for that chunk (and record), costs bounded time and memory, and the
/// other chunks' records are read exactly as from the clean file.
/// </summary>
public sealed class EvtxCorruptionTests
{
    private const string Sample = "AutomatedTestingTools__PanacheSysmon_vs_AtomicRedTeam01"; // 17 chunks
    private const int Header = EvtxReader.FileHeaderSize;
    private const int ChunkSize = EvtxReader.ChunkSize;
    private const int Damaged = 1; // the chunk the table rows damage

    private static readonly Lazy<byte[]> CleanBytes = new(() => File.ReadAllBytes(SamplePath(Sample)));
    private static readonly Lazy<EvtxFile> Clean = new(() => EvtxFile.Read(CleanBytes.Value));

    private static string SamplePath(string name) => Datasets.Path($"evtx-attack-samples/evtx/{name}.evtx");

    /// <summary>What is left of the damaged chunk's records.</summary>
    public enum Kept
    {
        /// <summary>Every record, as in the clean file.</summary>
        All,
        /// <summary>Every record but the first.</summary>
        AllButFirst,
        /// <summary>None.</summary>
        None,
    }

    // Places in the damaged chunk, as the dataset files lay it out: the header, then the first record at
    // 512 whose binary XML (at 536) starts with a fragment header and a template instance at 540
    // whose definition follows inline at 550 (body at 574).
    private const int FirstRecord = 512;
    private const int Definition = 550;
    private const int Body = Definition + 24;

    public static TheoryData<string, Func<byte[], int>, uint, EvtxDamage[], Kept> Flips() => new()
    {
        { "chunk signature", _ => 0, 0x20, [EvtxDamage.ChunkMagic], Kept.None },
        { "a chunk header field under its checksum (last record number)", _ => 16, 0x01, [EvtxDamage.ChunkHeaderChecksum], Kept.All },
        { "the chunk header checksum itself", _ => 124, 0x80, [EvtxDamage.ChunkHeaderChecksum], Kept.All },
        { "the chunk's string offset table", _ => 128, 0x04, [EvtxDamage.ChunkHeaderChecksum], Kept.All },
        { "a record signature", _ => FirstRecord, 0x01, [EvtxDamage.RecordsChecksum, EvtxDamage.RecordMagic], Kept.AllButFirst },
        { "a record's trailing size copy", c => FirstRecord + RecordSize(c) - 4, 0x10, [EvtxDamage.RecordsChecksum, EvtxDamage.RecordSize], Kept.AllButFirst },
        { "a record's first binary XML token", _ => FirstRecord + 24, 0xF0, [EvtxDamage.RecordsChecksum, EvtxDamage.BinXmlToken], Kept.AllButFirst },
        { "a token of the template every record of the chunk instantiates", _ => Body, 0xF0, [EvtxDamage.RecordsChecksum, EvtxDamage.BinXmlToken], Kept.None },
        { "a character of a template's element name", c => NameAt(c) + 8, 0x01, [EvtxDamage.RecordsChecksum], Kept.All },
    };

    [DatasetTheory]
    [MemberData(nameof(Flips))]
    public void A_flipped_byte_is_reported_for_its_chunk_and_the_other_chunks_read_as_clean(
        string place, Func<byte[], int> offset, uint xor, EvtxDamage[] damage, Kept kept)
    {
        byte[] bytes = (byte[])CleanBytes.Value.Clone();
        bytes[ChunkAt(Damaged) + offset(bytes)] ^= (byte)xor;

        AssertDamage(place, EvtxFile.Read(bytes), damage, kept);
    }

    public static TheoryData<string, Func<byte[], int>, uint, EvtxDamage[], Kept> HugeSizes() => new()
    {
        { "free-space offset", _ => 48, 0xFFFFFFF0, [EvtxDamage.ChunkHeaderChecksum, EvtxDamage.FreeSpaceOffset], Kept.All },
        { "record size", _ => FirstRecord + 4, 0xFFFFFFF0, [EvtxDamage.RecordsChecksum, EvtxDamage.RecordSize], Kept.AllButFirst },
        { "record size, inside the chunk but past the record", _ => FirstRecord + 4, 0x8000, [EvtxDamage.RecordsChecksum, EvtxDamage.RecordSize], Kept.AllButFirst },
        { "template size", _ => Definition + 20, 0x7FFFFFF0, [EvtxDamage.RecordsChecksum, EvtxDamage.BinXmlTruncated], Kept.None },
        { "substitution count", c => SubstitutionsAt(c), 0x7FFFFFF0, [EvtxDamage.RecordsChecksum, EvtxDamage.BinXmlTruncated], Kept.AllButFirst },
        { "name character count", c => NameAt(c) + 6, 0xFFFF, [EvtxDamage.RecordsChecksum, EvtxDamage.BinXmlTruncated], Kept.None },
        { "template definition offset", _ => FirstRecord + 24 + 4 + 6, 0x7FFFFFF0, [EvtxDamage.RecordsChecksum, EvtxDamage.BinXmlTruncated], Kept.AllButFirst },
    };

    [DatasetTheory]
    [MemberData(nameof(HugeSizes))]
    public void A_huge_declared_size_is_reported_and_costs_nothing_more(
        string field, Func<byte[], int> offset, uint value, EvtxDamage[] damage, Kept kept)
    {
        byte[] bytes = (byte[])CleanBytes.Value.Clone();
        int at = ChunkAt(Damaged) + offset(bytes);
        if (value > ushort.MaxValue)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at), value);
        }
        else
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(at), (ushort)value);
        }

        AssertDamage(field, EvtxFile.Read(bytes), damage, kept);
    }

    public static TheoryData<string, int, EvtxDamage[], int> Cuts() => new()
    {
        // (where the file ends, damage reported, whole chunks read before the cut)
        { "inside the file header", 1000, [EvtxDamage.FileHeaderTruncated], 0 },
        { "right after the file header", Header, [], 0 },
        { "inside a chunk header", Header + (3 * ChunkSize) + 100, [EvtxDamage.ChunkTruncated], 3 },
        { "inside a chunk's records", Header + (3 * ChunkSize) + 30000, [EvtxDamage.ChunkTruncated, EvtxDamage.RecordSize], 3 },
        { "on a chunk boundary", Header + (3 * ChunkSize), [], 3 },
    };

    [DatasetTheory]
    [MemberData(nameof(Cuts))]
    public void A_truncated_file_gives_the_records_wholly_present(string where, int length, EvtxDamage[] damage, int wholeChunks)
    {
        EvtxFile read = EvtxFile.Read(CleanBytes.Value[..length]);

        Assert.True(damage.SequenceEqual(read.Damage.Select(d => d.Damage)), $"{where}: {string.Join(", ", read.Damage)}");
        for (int c = 0; c < wholeChunks; c++)
        {
            Assert.Equal(Clean.Value.RecordsOf(c), read.RecordsOf(c));
        }

        // In the cut chunk, the records wholly inside the part present are read, in order, unchanged.
        List<string> partial = read.RecordsOf(wholeChunks);
        List<string> clean = Clean.Value.RecordsOf(wholeChunks);
        Assert.Equal(clean.Take(partial.Count), partial);
        Assert.True(partial.Count < clean.Count || length <= Header);
        Assert.Equal(length > Header + (wholeChunks * ChunkSize) + 1000, partial.Count > 0);
    }

    [Fact]
    public void A_file_of_zeros_is_not_an_evtx_file()
    {
        EvtxFile read = EvtxFile.Read(new byte[Header + (2 * ChunkSize)]);

        Assert.Empty(read.Records);
        Assert.Equal([(-1L, 0L, EvtxDamage.FileMagic)], read.Damage);
    }

    [DatasetFact]
    public void Zeroed_chunks_after_the_last_one_in_use_hold_no_records_and_no_damage()
    {
        // Windows preallocates log files: unused chunks are zeros.
        byte[] bytes = [.. CleanBytes.Value.AsSpan(0, Header + ChunkSize), .. new byte[2 * ChunkSize]];

        EvtxFile read = EvtxFile.Read(bytes);

        Assert.Empty(read.Damage);
        Assert.Equal(Clean.Value.RecordsOf(0), read.RecordsOf(0));
        Assert.Equal(Clean.Value.RecordsOf(0).Count, read.Records.Count);
    }

    public static TheoryData<string, byte[], EvtxDamage> HostileTemplates() => new()
    {
        { "a template that instantiates itself", SyntheticChunk.SelfInstantiatingTemplate(), EvtxDamage.TemplateRecursion },
        { "two templates that instantiate each other", SyntheticChunk.MutuallyInstantiatingTemplates(), EvtxDamage.TemplateRecursion },
        { "values that nest the same template 60 deep", SyntheticChunk.NestedValues(levels: 60, fanOut: 1), EvtxDamage.TooDeep },
        { "a template that repeats a nested value 4 times, 20 deep (4^20 expansions)", SyntheticChunk.NestedValues(levels: 20, fanOut: 4), EvtxDamage.Oversize },
    };

    [DatasetTheory]
    [MemberData(nameof(HostileTemplates))]
    public void Hostile_templates_are_reported_in_bounded_time_and_memory_and_the_next_chunk_reads(string what, byte[] chunk, EvtxDamage damage)
    {
        byte[] bytes = [.. CleanBytes.Value.AsSpan(0, Header), .. chunk, .. CleanBytes.Value.AsSpan(Header, ChunkSize)];
        var reader = new EvtxReader();

        long before = GC.GetAllocatedBytesForCurrentThread();
        EvtxFile read = EvtxFile.Read(bytes, reader);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(read.Damage.SequenceEqual([(0L, SyntheticChunk.RecordNumber, damage)]), $"{what}: {string.Join(", ", read.Damage)}");
        Assert.Equal(Clean.Value.RecordsOf(0), read.RecordsOf(1));
        Assert.True(allocated < 64 << 20, $"{what}: {allocated} bytes allocated");
    }

    [DatasetFact]
    public void Expansion_beyond_the_work_limit_is_reported_even_when_the_output_may_be_large()
    {
        byte[] bytes = [.. CleanBytes.Value.AsSpan(0, Header), .. SyntheticChunk.NestedValues(levels: 20, fanOut: 4)];

        EvtxFile read = EvtxFile.Read(bytes, new EvtxReader(maxRecordBytes: 256 << 20));

        Assert.Equal([(0L, SyntheticChunk.RecordNumber, EvtxDamage.TooComplex)], read.Damage);
    }

    [DatasetFact]
    public void A_synthetic_chunk_without_hostile_parts_reads()
    {
        // The builder's control case: the same shape as the hostile chunks, one level, renders.
        byte[] bytes = [.. CleanBytes.Value.AsSpan(0, Header), .. SyntheticChunk.NestedValues(levels: 2, fanOut: 2)];

        EvtxFile read = EvtxFile.Read(bytes);

        Assert.Empty(read.Damage);
        Assert.Equal(["1: <a><a>xx</a><a>xx</a></a>"], read.RecordsOf(0));
    }

    private static void AssertDamage(string place, EvtxFile read, EvtxDamage[] damage, Kept kept)
    {
        EvtxFile clean = Clean.Value;
        Assert.True(damage.SequenceEqual(read.Damage.Select(d => d.Damage).Distinct()), $"{place}: {string.Join(", ", read.Damage)}");
        Assert.All(read.Damage, d =>
        {
            Assert.Equal(Damaged, d.Chunk);
            Assert.NotEqual(d.Damage.ToString(), EvtxDamages.Describe(d.Damage)); // a sentence, not a name
        });

        for (long c = 0; c < 17; c++)
        {
            if (c != Damaged)
            {
                Assert.Equal(clean.RecordsOf(c), read.RecordsOf(c));
            }
        }

        List<string> before = clean.RecordsOf(Damaged);
        List<string> after = read.RecordsOf(Damaged);
        switch (kept)
        {
            case Kept.All:
                Assert.Equal(before.Count, after.Count);
                break;
            case Kept.AllButFirst:
                Assert.Equal(before.Skip(1), after);
                break;
            case Kept.None:
                Assert.Empty(after);
                Assert.True(read.Damage.Count >= before.Count || damage[0] == EvtxDamage.ChunkMagic, "each lost record is named");
                break;
        }
    }

    private static int ChunkAt(int chunk) => Header + (chunk * ChunkSize);

    private static int RecordSize(byte[] bytes) => (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(ChunkAt(Damaged) + FirstRecord + 4));

    // The first element of the shared template: after the body's fragment header, an element token
    // whose name offset (at +7) points at the name written inline.
    private static int NameAt(byte[] bytes) => (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(ChunkAt(Damaged) + Body + 4 + 7));

    // The first record's substitution array follows its inline template definition.
    private static int SubstitutionsAt(byte[] bytes) => Body + (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(ChunkAt(Damaged) + Definition + 20));
}
