using System.IO.Hashing;

namespace NonStdPort.Core.Read.Evtx;

/// <summary>The CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320) that EVTX headers and chunks carry.</summary>
internal static class EvtxCrc32
{
    /// <summary>The CRC of <paramref name="data"/>.</summary>
    /// <remarks>
    /// System.IO.Hashing's CRC-32 folds 64 bytes at a time with carry-less multiplication where the CPU
    /// has it: the checksum over each chunk's records is most of the cost of reading a chunk otherwise
    /// (a table-driven CRC ran at about a third of the speed of the rest of the reader).
    /// </remarks>
    public static uint Compute(ReadOnlySpan<byte> data) => Crc32.HashToUInt32(data);

    /// <summary>
    /// The CRC of <paramref name="first"/> followed by <paramref name="second"/>: a chunk header's
    /// checksum skips 8 of its 512 bytes, so the two parts (504 bytes in all) are joined on the stack.
    /// </summary>
    public static uint Compute(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second)
    {
        Span<byte> joined = stackalloc byte[first.Length + second.Length];
        first.CopyTo(joined);
        second.CopyTo(joined[first.Length..]);
        return Crc32.HashToUInt32(joined);
    }
}
