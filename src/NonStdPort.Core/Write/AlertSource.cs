using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace NonStdPort.Core.Write;

/// <summary>
/// Completes alerts written with <see cref="SourceRef.Deferred"/>: appends the <c>source</c> member
/// and the closing brace once the host knows where the record came from. Allocation-free.
/// </summary>
public static class AlertSource
{
    /// <summary>Appends <c>,"source":{"topic":"t","partition":P,"offset":O}}</c> (topic JSON-escaped).</summary>
    public static void AppendKafkaSource(IBufferWriter<byte> output, string topic, int partition, long offset)
    {
        int maxTopicBytes = topic.Length * 6; // a char is at most 3 UTF-8 bytes, or a 6-byte \u escape
        Span<byte> span = output.GetSpan(64 + maxTopicBytes);
        int n = Append(span, 0, ",\"source\":{\"topic\":\""u8);
        n += EscapeUtf16(topic, span[n..]);
        n += Append(span, n, "\",\"partition\":"u8);
        Utf8Formatter.TryFormat(partition, span[n..], out int written);
        n += written;
        n += Append(span, n, ",\"offset\":"u8);
        Utf8Formatter.TryFormat(offset, span[n..], out written);
        n += written;
        n += Append(span, n, "}}"u8);
        output.Advance(n);
    }

    private static int Append(Span<byte> span, int at, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(span[at..]);
        return bytes.Length;
    }

    private static int EscapeUtf16(ReadOnlySpan<char> text, Span<byte> destination)
    {
        int n = 0;
        foreach (Rune rune in text.EnumerateRunes())
        {
            int value = rune.Value;
            if (value == '"' || value == '\\')
            {
                destination[n++] = (byte)'\\';
                destination[n++] = (byte)value;
            }
            else if (value < 0x20)
            {
                destination[n++] = (byte)'\\';
                destination[n++] = (byte)'u';
                destination[n++] = (byte)'0';
                destination[n++] = (byte)'0';
                destination[n++] = (byte)"0123456789abcdef"[value >> 4];
                destination[n++] = (byte)"0123456789abcdef"[value & 0xF];
            }
            else
            {
                n += rune.EncodeToUtf8(destination[n..]);
            }
        }

        return n;
    }
}
