using System.IO.Pipes;
using System.Text;
using NonStdPort.Cli.Tests.Support;

namespace NonStdPort.Cli.Tests;

/// <summary>`nonstdport score` over input that arrives slowly, and over an output whose reader leaves.</summary>
public sealed class LiveOutputTests
{
    /// <summary>Long enough for a loaded machine; a live alert arrives in milliseconds, a held-back one never does.</summary>
    private static readonly TimeSpan ArrivalTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Each_alert_from_a_pausing_pipe_is_written_before_the_next_record_arrives()
    {
        using var input = new AnonymousPipeServerStream(PipeDirection.Out);
        using var stdin = new AnonymousPipeClientStream(PipeDirection.In, input.ClientSafePipeHandle);
        var output = new ObservedStream();
        var error = new StringWriter { NewLine = "\n" };
        var streams = new StandardStreams(() => stdin, output, new StringWriter(), error);
        Task<int> run = Task.Run(() => Program.Run(["score"], streams));

        string[] records = [Records.Score3(), Records.Benign(), Records.Score1(), Records.Score3(1337)];
        int expectedAlerts = 0;
        foreach (string record in records)
        {
            byte[] line = Encoding.UTF8.GetBytes(record + "\n");
            await input.WriteAsync(line);
            await input.FlushAsync();
            if (record != Records.Benign())
            {
                expectedAlerts++;
            }

            // The pipe stays open and quiet until the alert shows up: nothing but a flush on a stalled read can deliver it.
            Assert.True(await output.WaitForLinesAsync(expectedAlerts, ArrivalTimeout), $"alert {expectedAlerts} not written while the input paused; stderr: {error}");
        }

        input.Dispose();
        Assert.Equal(0, await run.WaitAsync(ArrivalTimeout));
        Assert.Equal(expectedAlerts, output.Lines);
        Assert.Equal("", error.ToString());
    }

    [Fact]
    public void An_output_closed_by_its_reader_ends_the_run_with_success_and_no_message()
    {
        // What `score ... | head -1` sees once head exits: EPIPE on the next write.
        byte[] input = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(Records.Score3() + "\n", 2000)));
        var error = new StringWriter { NewLine = "\n" };
        var streams = new StandardStreams(() => new MemoryStream(input, writable: false), new ClosedPipeStream(), new StringWriter(), error);

        int code = Program.Run(["score"], streams);

        Assert.Equal(0, code);
        Assert.Equal("", error.ToString());
    }

    /// <summary>A write-only stream that counts the newline-terminated lines written to it, thread-safely.</summary>
    private sealed class ObservedStream : Stream
    {
        private readonly SemaphoreSlim _written = new(0);
        private int _lines;

        public int Lines => Volatile.Read(ref _lines);

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public async Task<bool> WaitForLinesAsync(int count, TimeSpan timeout)
        {
            DateTime deadline = DateTime.UtcNow + timeout;
            while (Lines < count)
            {
                TimeSpan left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || !await _written.WaitAsync(left))
                {
                    return Lines >= count;
                }
            }

            return true;
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Interlocked.Add(ref _lines, buffer.Count((byte)'\n'));
            _written.Release();
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Write(buffer.AsSpan(offset, count));
            return Task.CompletedTask;
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }

    /// <summary>A pipe whose reader has gone: every write fails as the runtime reports EPIPE (errno 32 as the HResult).</summary>
    private sealed class ClosedPipeStream : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => throw Broken();

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromException(Broken());

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromException(Broken());

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        private static IOException Broken() => new(OperatingSystem.IsWindows() ? "The pipe has been ended." : "Broken pipe", OperatingSystem.IsWindows() ? unchecked((int)0x8007006D) : 32);
    }
}
