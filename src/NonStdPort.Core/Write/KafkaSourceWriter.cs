using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace NonStdPort.Core.Write;

/// <summary>
/// Completes an alert written for <see cref="SourceRef.Deferred"/>: appends
/// <c>"source":{"topic":"T","partition":P,"offset":O}}</c>. The topic's bytes are prepared once
/// per topic, so completing an alert copies a few dozen bytes and allocates nothing.
/// </summary>
public sealed class KafkaSourceWriter
{
    private static ReadOnlySpan<byte> PartitionMember => "\",\"partition\":"u8;
    private static ReadOnlySpan<byte> OffsetMember => ",\"offset\":"u8;
    private static ReadOnlySpan<byte> Close => "}}"u8;

    private readonly byte[] _prefix;

    /// <summary>Prepares the <c>source</c> member for records of <paramref name="topic"/>.</summary>
    public KafkaSourceWriter(string topic)
    {
        Topic = topic;
        // Kafka topic names are limited to [A-Za-z0-9._-], but escape anyway: the name comes from configuration.
        string escaped = System.Text.Json.JsonEncodedText.Encode(topic).ToString();
        _prefix = Encoding.UTF8.GetBytes("\"source\":{\"topic\":\"" + escaped);
    }

    /// <summary>The topic this writer completes alerts for.</summary>
    public string Topic { get; }

    /// <summary>The most bytes <see cref="Append"/> writes.</summary>
    public int MaxLength => _prefix.Length + PartitionMember.Length + OffsetMember.Length + Close.Length + 11 + 20;

    /// <summary>Appends the <c>source</c> member and the alert's closing brace.</summary>
    public void Append(IBufferWriter<byte> output, int partition, long offset)
    {
        Span<byte> span = output.GetSpan(MaxLength);
        _prefix.CopyTo(span);
        int n = _prefix.Length;
        PartitionMember.CopyTo(span[n..]);
        n += PartitionMember.Length;
        Utf8Formatter.TryFormat(partition, span[n..], out int written);
        n += written;
        OffsetMember.CopyTo(span[n..]);
        n += OffsetMember.Length;
        Utf8Formatter.TryFormat(offset, span[n..], out written);
        n += written;
        Close.CopyTo(span[n..]);
        output.Advance(n + Close.Length);
    }
}
