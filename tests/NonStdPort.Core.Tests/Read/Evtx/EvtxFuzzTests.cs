using System.Buffers.Binary;
using System.Diagnostics;
using NonStdPort.Core.Read.Evtx;
using NonStdPort.Core.Tests.Support;
using Xunit.Abstractions;

namespace NonStdPort.Core.Tests.Read.Evtx;

/// <summary>
/// Spec: whatever damage a chunk takes, reading terminates in bounded time and memory, damage that
/// the checksums cover is reported for that chunk with a clear reason, and every other chunk's
/// records read exactly as from the clean file. A seeded fuzz over every dataset file: the same
/// cases on every run, bounded in count.
/// </summary>
public sealed class EvtxFuzzTests(ITestOutputHelper output)
{
    private const int Seed = 20261202;
    private const int Cases = 600;
    private const int Header = EvtxReader.FileHeaderSize;
    private const int ChunkSize = EvtxReader.ChunkSize;

    // Far above what any case needs (a clean 1 MiB file takes milliseconds), far below a hang.
    private static readonly TimeSpan TimePerCase = TimeSpan.FromSeconds(20);
    private const long BytesPerCase = 64L << 20;

    private enum Mutation
    {
        FlipBits,
        RandomRun,
        ZeroRun,
        HugeUInt32,
        CopiedRun,
        FileHeader,
    }

    [DatasetFact]
    public void Seeded_damage_is_reported_in_bounded_time_and_memory_and_spares_the_other_chunks()
    {
        string[] paths = Directory.GetFiles(Datasets.Path("evtx-attack-samples/evtx"), "*.evtx").Order(StringComparer.Ordinal).ToArray();
        byte[][] files = paths.Select(File.ReadAllBytes).ToArray();
        EvtxFile[] clean = files.Select(bytes => EvtxFile.Read(bytes)).ToArray();
        var random = new Random(Seed);
        var reader = new EvtxReader(); // one reader for every case: no state may leak from a damaged chunk
        var failures = new List<string>();
        var seen = new SortedDictionary<EvtxDamage, int>();

        for (int n = 0; n < Cases && failures.Count < 5; n++)
        {
            int f = random.Next(files.Length);
            byte[] bytes = (byte[])files[f].Clone();
            int chunks = (bytes.Length - Header) / ChunkSize;
            int chunk = random.Next(chunks);
            var mutation = (Mutation)random.Next(Enum.GetValues<Mutation>().Length);
            string what = $"case {n} ({mutation}) of {Path.GetFileName(paths[f])} chunk {chunk}";
            bool covered = Mutate(bytes, chunk, mutation, random);
            if (mutation == Mutation.FileHeader)
            {
                chunk = -1;
            }

            long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            var time = Stopwatch.StartNew();
            EvtxFile read;
            try
            {
                read = EvtxFile.Read(bytes, reader);
            }
            catch (Exception e)
            {
                failures.Add($"{what}: threw {e}");
                continue;
            }

            time.Stop();
            foreach ((long _, long _, EvtxDamage damage) in read.Damage)
            {
                seen[damage] = seen.GetValueOrDefault(damage) + 1;
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

            EvtxFile usedOnly = EvtxFile.Read(bytes, reader, usedPartsOnly: true);
            if (!usedOnly.Damage.SequenceEqual(read.Damage) || !SameRecords(usedOnly, read))
            {
                failures.Add($"{what}: reading each chunk's used part only gives other records or damage than reading whole chunks: {string.Join(",", usedOnly.Damage)} {usedOnly.Records.Count} vs {string.Join(",", read.Damage)} {read.Records.Count}");
            }

            string? failure = Check(read, clean[f], chunk, chunks, covered, time.Elapsed, allocated);
            if (failure is not null)
            {
                failures.Add($"{what}: {failure}");
            }
        }

        output.WriteLine(string.Join(", ", seen.Select(kv => $"{kv.Key} x{kv.Value}")));
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        // The cases reach the binary XML, not only the checksums and the framing.
        Assert.Contains(EvtxDamage.BinXmlToken, seen.Keys);
        Assert.Contains(EvtxDamage.RecordSize, seen.Keys);
        Assert.Contains(EvtxDamage.ChunkMagic, seen.Keys);
    }

    private static string? Check(EvtxFile read, EvtxFile clean, long damagedChunk, int chunks, bool covered, TimeSpan time, long allocated)
    {
        if (time > TimePerCase)
        {
            return $"took {time}";
        }

        if (allocated > BytesPerCase)
        {
            return $"allocated {allocated} bytes";
        }

        foreach ((long chunk, long _, EvtxDamage damage) in read.Damage)
        {
            if (chunk != damagedChunk)
            {
                return $"damage reported for chunk {chunk}: {damage}";
            }

            if (EvtxDamages.Describe(damage) == damage.ToString())
            {
                return $"no message for {damage}";
            }
        }

        if (covered && read.Damage.Count == 0)
        {
            return "a byte under a checksum changed, yet nothing was reported";
        }

        bool fileRejected = read.Damage.Any(d => d.Damage == EvtxDamage.FileMagic);
        for (long c = 0; c < chunks && !fileRejected; c++)
        {
            if (c != damagedChunk && !clean.RecordsOf(c).SequenceEqual(read.RecordsOf(c)))
            {
                return $"chunk {c} did not read as clean";
            }
        }

        return null;
    }

    // Damages the chunk (or the file header); true when a changed byte lies under one of the checksums.
    private static bool Mutate(byte[] bytes, int chunk, Mutation mutation, Random random)
    {
        byte[] before = (byte[])bytes.Clone();
        int start = Header + (chunk * ChunkSize);
        Span<byte> c = bytes.AsSpan(start, ChunkSize);
        int used = (int)Math.Clamp(BinaryPrimitives.ReadUInt32LittleEndian(c[48..]), 512, ChunkSize);
        int at = random.Next(2) == 0 ? random.Next(512) : random.Next(512, used); // the header, or the records
        int run = Math.Min(random.Next(1, 65), ChunkSize - at);
        switch (mutation)
        {
            case Mutation.FlipBits:
                for (int i = random.Next(1, 9); i > 0; i--)
                {
                    c[random.Next(Math.Max(0, at - 256), Math.Min(used, at + 256))] ^= (byte)(1 << random.Next(8));
                }

                break;
            case Mutation.RandomRun:
                random.NextBytes(c.Slice(at, run));
                break;
            case Mutation.ZeroRun:
                c.Slice(at, run).Clear();
                break;
            case Mutation.HugeUInt32:
                BinaryPrimitives.WriteUInt32LittleEndian(c.Slice(Math.Min(at, ChunkSize - 4)), (uint)random.Next(1 << 16, int.MaxValue) | (random.Next(2) == 0 ? 0x80000000 : 0));
                break;
            case Mutation.CopiedRun:
                // Bytes that look like binary XML: a run from elsewhere in the same chunk.
                c.Slice(random.Next(512, Math.Max(513, used - run)), run).ToArray().CopyTo(c.Slice(at, run));
                break;
            case Mutation.FileHeader:
                bytes[random.Next(128)] ^= (byte)(1 << random.Next(8));
                return bytes.AsSpan(0, 120).SequenceCompareTo(before.AsSpan(0, 120)) != 0
                    || bytes.AsSpan(124, 4).SequenceCompareTo(before.AsSpan(124, 4)) != 0;
        }

        Span<byte> was = before.AsSpan(start, ChunkSize);
        return !c[..120].SequenceEqual(was[..120]) || !c[124..used].SequenceEqual(was[124..used]);
    }

    private static bool SameRecords(EvtxFile a, EvtxFile b)
    {
        if (a.Records.Count != b.Records.Count)
        {
            return false;
        }

        for (int i = 0; i < a.Records.Count; i++)
        {
            if (a.Records[i].Number != b.Records[i].Number || !a.Records[i].Xml.AsSpan().SequenceEqual(b.Records[i].Xml))
            {
                return false;
            }
        }

        return true;
    }
}
