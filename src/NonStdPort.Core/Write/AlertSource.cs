using System.Buffers;
using System.Buffers.Text;
using System.Runtime.CompilerServices;
using System.Text;

namespace NonStdPort.Core.Write;

/// <summary>
/// Completes alerts written with <see cref="SourceRef.Deferred"/>: appends the <c>source</c> member
/// and the closing brace once the host knows where the record came from. Allocation-free.
/// </summary>
public static class AlertSource
{
    /// <summary>Appends <c>,"source":{"topic":"t","partition":P,"offset":O}}</c> (topic JSON-escaped).</summary>
    [SkipLocalsInit]
    public static void AppendKafkaSource(IBufferWriter<byte> output, string topic, int partition, long offset)
    {
        // Kafka topic names are at most 249 ASCII characters; longer text still works, through the pool.
        int topicBytes = Encoding.UTF8.GetMaxByteCount(topic.Length);
        byte[]? rented = topicBytes > 1024 ? ArrayPool<byte>.Shared.Rent(topicBytes) : null;
        Span<byte> utf8 = rented ?? stackalloc byte[1024];
        utf8 = utf8[..Encoding.UTF8.GetBytes(topic, utf8)];

        Span<byte> span = output.GetSpan(64 + JsonStringEscaper.MaxQuotedLength(utf8.Length));
        int n = Append(span, 0, ",\"source\":{\"topic\":"u8);
        n += JsonStringEscaper.Quote(utf8, span[n..]);
        n += Append(span, n, ",\"partition\":"u8);
        Utf8Formatter.TryFormat(partition, span[n..], out int written);
        n += written;
        n += Append(span, n, ",\"offset\":"u8);
        Utf8Formatter.TryFormat(offset, span[n..], out written);
        n += written;
        n += Append(span, n, "}}"u8);
        output.Advance(n);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static int Append(Span<byte> span, int at, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(span[at..]);
        return bytes.Length;
    }
}
