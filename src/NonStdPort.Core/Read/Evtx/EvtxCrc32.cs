namespace NonStdPort.Core.Read.Evtx;

/// <summary>The CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320) that EVTX headers and chunks carry.</summary>
internal static class EvtxCrc32
{
    // Slicing by 8: eight tables so that eight bytes are folded per step (a chunk is 64 KiB).
    private static readonly uint[] Table = Build();

    /// <summary>The CRC of <paramref name="data"/>, continuing from <paramref name="crc"/> (0 to start).</summary>
    public static uint Compute(ReadOnlySpan<byte> data, uint crc = 0)
    {
        uint[] t = Table;
        crc = ~crc;
        int i = 0;
        for (; i + 8 <= data.Length; i += 8)
        {
            uint a = crc ^ (uint)(data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24));
            uint b = (uint)(data[i + 4] | (data[i + 5] << 8) | (data[i + 6] << 16) | (data[i + 7] << 24));
            crc = t[(7 * 256) + (a & 0xFF)] ^ t[(6 * 256) + ((a >> 8) & 0xFF)] ^ t[(5 * 256) + ((a >> 16) & 0xFF)] ^ t[(4 * 256) + (a >> 24)]
                ^ t[(3 * 256) + (b & 0xFF)] ^ t[(2 * 256) + ((b >> 8) & 0xFF)] ^ t[256 + ((b >> 16) & 0xFF)] ^ t[b >> 24];
        }

        for (; i < data.Length; i++)
        {
            crc = t[(crc ^ data[i]) & 0xFF] ^ (crc >> 8);
        }

        return ~crc;
    }

    private static uint[] Build()
    {
        var table = new uint[8 * 256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        for (int s = 1; s < 8; s++)
        {
            for (int n = 0; n < 256; n++)
            {
                uint prev = table[((s - 1) * 256) + n];
                table[(s * 256) + n] = table[prev & 0xFF] ^ (prev >> 8);
            }
        }

        return table;
    }
}
