using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using NonStdPort.Cli.Files;
using NonStdPort.Core.Frame;

namespace NonStdPort.Cli.Tests.Support;

/// <summary>A record the framer delivered (or reported as oversize), with its start line.</summary>
internal readonly record struct FramedRecord(long Line, string? Text)
{
    public bool IsOversize => Text is null;

    public override string ToString() => IsOversize ? $"{Line}: <oversize>" : $"{Line}: {Text}";
}

/// <summary>Collects what a framer hands out.</summary>
internal sealed class CollectingSink : IRecordSink
{
    public List<FramedRecord> Records { get; } = [];

    public void OnRecord(ReadOnlySpan<byte> record, long line) => Records.Add(new FramedRecord(line, Encoding.UTF8.GetString(record)));

    public void OnOversize(long line) => Records.Add(new FramedRecord(line, null));
}

/// <summary>A read-only stream that returns at most a few bytes per read, so records straddle many pipe segments.</summary>
internal sealed class TrickleStream(byte[] data, int chunk) : Stream
{
    private int _position;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => data.Length;
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n = Math.Min(Math.Min(chunk, buffer.Length), data.Length - _position);
        data.AsSpan(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>Runs bytes through <see cref="InputOpener"/> and a <see cref="RecordFramer"/> the way the score command does.</summary>
internal static class Framing
{
    public static List<FramedRecord> Frame(string text, int chunk, int maxRecordBytes = 1 << 20) =>
        Frame(Encoding.UTF8.GetBytes(text), chunk, maxRecordBytes, out _);

    public static List<FramedRecord> Frame(byte[] input, int chunk, int maxRecordBytes, out long largestBuffered)
    {
        var sink = new CollectingSink();
        var framer = new RecordFramer(maxRecordBytes);
        PipeReader reader = InputOpener.OpenAsync(new TrickleStream(input, chunk), CancellationToken.None, bufferSize: chunk)
            .AsTask().GetAwaiter().GetResult();
        largestBuffered = 0;
        while (true)
        {
            ReadResult result = reader.ReadAsync().AsTask().GetAwaiter().GetResult();
            largestBuffered = Math.Max(largestBuffered, result.Buffer.Length);
            SequencePosition consumed = framer.Frame(result.Buffer, result.IsCompleted, sink);
            reader.AdvanceTo(consumed, result.Buffer.End);
            if (result.IsCompleted)
            {
                break;
            }
        }

        reader.Complete();
        return sink.Records;
    }
}
