using System.Buffers.Binary;

namespace NonStdPort.Core.Write;

/// <summary>
/// The alert's <c>alert_id</c>: 16 lowercase hex digits of a 64-bit FNV-1a hash over the rule and
/// the record's identity (host name, process GUID, event time in 100 ns ticks, protocol, source and
/// destination address, destination port), each field length-prefixed so that no two field splits
/// hash alike. Where the record came from (file, line, topic, offset) is left out: the same record
/// scored again, from another file or a redelivered Kafka message, gets the same id, so at-least-once
/// duplicates can be removed downstream. Allocation-free.
/// </summary>
public static class AlertId
{
    /// <summary>Bytes written by <see cref="Format"/>.</summary>
    public const int FormattedLength = 16;

    private const ulong OffsetBasis = 14695981039346656037;
    private const ulong Prime = 1099511628211;

    /// <summary>The id's hash for one alert's columns.</summary>
    public static ulong Compute(in AlertColumns columns)
    {
        ulong hash = OffsetBasis;
        Span<byte> number = stackalloc byte[8];
        number[0] = (byte)columns.Rule;
        hash = Add(hash, number[..1]);
        hash = AddField(hash, columns.Hostname);
        hash = AddField(hash, columns.ProcessGuid);
        BinaryPrimitives.WriteInt64LittleEndian(number, columns.EventTimeTicks);
        hash = Add(hash, number);
        hash = AddField(hash, columns.Protocol);
        hash = AddField(hash, columns.SourceIp);
        hash = AddField(hash, columns.DestinationIp);
        BinaryPrimitives.WriteInt32LittleEndian(number, columns.DestinationPort);
        return Add(hash, number[..4]);
    }

    /// <summary>Writes <paramref name="hash"/> as 16 lowercase hex digits into <paramref name="destination"/>.</summary>
    public static void Format(ulong hash, Span<byte> destination)
    {
        _ = destination[FormattedLength - 1];
        for (int i = FormattedLength - 1; i >= 0; i--)
        {
            destination[i] = "0123456789abcdef"u8[(int)(hash & 0xF)];
            hash >>= 4;
        }
    }

    private static ulong AddField(ulong hash, ReadOnlySpan<byte> field)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, field.Length);
        return Add(Add(hash, length), field);
    }

    private static ulong Add(ulong hash, ReadOnlySpan<byte> bytes)
    {
        foreach (byte b in bytes)
        {
            hash = (hash ^ b) * Prime;
        }

        return hash;
    }
}
