using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using NonStdPort.Benchmarks.Read;
using NonStdPort.Cli.Files;
using NonStdPort.Core.Frame;

namespace NonStdPort.Benchmarks.Files;

/// <summary>
/// File-mode framing alone: cutting a buffered stream into records (NDJSON lines, one-line XML
/// events, pretty-printed multi-line XML events), as the pipe hands it over in segments of 64 KiB
/// (the score command's read size) or 4 KiB (more records straddle segments and are copied).
/// One operation = one record.
/// </summary>
[MemoryDiagnoser]
public class RecordFramerBenchmarks
{
    private const int Records = 4096;

    private readonly RecordFramer _framer = new(1 << 20);
    private readonly CountingSink _sink = new();
    private ReadOnlySequence<byte> _input;

    /// <summary>What the stream holds.</summary>
    [Params("ndjson", "xml-line", "xml-pretty")]
    public string Shape { get; set; } = "ndjson";

    /// <summary>Bytes per pipe segment.</summary>
    [Params(65536, 4096)]
    public int SegmentBytes { get; set; } = 65536;

    [GlobalSetup]
    public void Setup()
    {
        string record = Shape switch
        {
            "ndjson" => ReadBenchmarkRecords.Flat.Trim() + "\n",
            "xml-line" => ReadBenchmarkRecords.Xml.Trim() + "\r\n",
            _ => ReadBenchmarkRecords.Xml.Trim().Replace("><", ">\r\n    <", StringComparison.Ordinal) + "\r\n",
        };
        var text = new StringBuilder();
        for (int i = 0; i < Records; i++)
        {
            text.Append(record);
        }

        _input = Segments.Split(Encoding.UTF8.GetBytes(text.ToString()), SegmentBytes);
        if (Frame() != Records)
        {
            throw new InvalidOperationException($"framed {_sink.Count} records, expected {Records}");
        }
    }

    [Benchmark(OperationsPerInvoke = Records)]
    public long Frame()
    {
        _sink.Count = 0;
        _framer.Reset();
        _framer.Frame(_input, isFinal: true, _sink);
        return _sink.Count;
    }

    private sealed class CountingSink : IRecordSink
    {
        public long Count;

        public void OnRecord(ReadOnlySpan<byte> record, long line) => Count++;

        public void OnOversize(long line) => Count++;
    }

    private sealed class Segments : ReadOnlySequenceSegment<byte>
    {
        private Segments(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public static ReadOnlySequence<byte> Split(byte[] data, int size)
        {
            var first = new Segments(data.AsMemory(0, Math.Min(size, data.Length)), 0);
            Segments last = first;
            for (int offset = size; offset < data.Length; offset += size)
            {
                var next = new Segments(data.AsMemory(offset, Math.Min(size, data.Length - offset)), offset);
                last.Next = next;
                last = next;
            }

            return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
        }
    }
}
