using System.Buffers;
using System.Text;
using NonStdPort.Cli.Files;
using NonStdPort.Core.Frame;
using NonStdPort.Core.Tests.Support;

namespace NonStdPort.Cli.Tests.Files;

/// <summary>The framer allocates nothing per record once warm, whether records sit in one segment or straddle several.</summary>
public sealed class RecordFramerAllocationTests
{
    private sealed class CountingSink : IRecordSink
    {
        public long Records;
        public long Bytes;

        public void OnRecord(ReadOnlySpan<byte> record, long line)
        {
            Records++;
            Bytes += record.Length;
        }

        public void OnOversize(long line) => Records++;
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, Segment? previous)
        {
            Memory = memory;
            if (previous is not null)
            {
                RunningIndex = previous.RunningIndex + previous.Memory.Length;
                previous.Next = this;
            }
        }
    }

    private static ReadOnlySequence<byte> Split(byte[] data, int segmentSize)
    {
        Segment first = new(data.AsMemory(0, Math.Min(segmentSize, data.Length)), null);
        Segment last = first;
        for (int offset = segmentSize; offset < data.Length; offset += segmentSize)
        {
            last = new Segment(data.AsMemory(offset, Math.Min(segmentSize, data.Length - offset)), last);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private static byte[] Input()
    {
        var text = new StringBuilder();
        for (int i = 0; i < 200; i++)
        {
            text.Append("{\"EventID\":3,\"Image\":\"C:\\\\Windows\\\\System32\\\\cmd.exe\",\"DestinationPort\":\"4444\"}\r\n\n");
            text.Append("<Event xmlns=\"x\">\n  <System><EventID>3</EventID></System>\n  <EventData><Data Name=\"a\">b</Data></EventData>\n</Event>\n");
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    [Theory]
    [InlineData(1 << 20)]   // one segment
    [InlineData(97)]        // most records straddle segments and are copied to scratch
    public void Framing_a_warm_stream_allocates_nothing(int segmentSize)
    {
        ReadOnlySequence<byte> input = Split(Input(), segmentSize);
        var framer = new RecordFramer(1 << 20);
        var sink = new CountingSink();
        framer.Frame(input, isFinal: true, sink);   // warm: JIT, scratch buffer growth
        framer.Reset();
        sink.Records = 0;

        int runs = 0;
        AllocationAssert.None(
            () =>
            {
                runs++;
                framer.Reset();
                framer.Frame(input, isFinal: true, sink);
            },
            iterations: 20);

        Assert.Equal(runs * 400, sink.Records);
    }
}
