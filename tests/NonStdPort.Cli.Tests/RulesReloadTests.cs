using System.IO.Pipes;
using System.Text;
using System.Text.Json;
using NonStdPort.Cli.Tests.Support;

namespace NonStdPort.Cli.Tests;

/// <summary>`score --rules FILE --watch-rules` following a pipe: a changed file is used from the next record on.</summary>
public sealed class RulesReloadTests
{
    /// <summary>Generous for a loaded machine; every wait ends as soon as its condition holds.</summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Records_after_a_reload_are_scored_by_the_new_rules_none_twice_or_skipped_and_an_invalid_file_keeps_them()
    {
        using var dir = new TempDir();
        string rules = dir.File("rules.yaml", "threshold: 1\n");
        using var input = new AnonymousPipeServerStream(PipeDirection.Out);
        using var stdin = new AnonymousPipeClientStream(PipeDirection.In, input.ClientSafePipeHandle);
        var output = new CapturedStream();
        var errorText = new StringWriter { NewLine = "\n" };
        TextWriter error = TextWriter.Synchronized(errorText);
        var streams = new StandardStreams(() => stdin, output, new StringWriter(), error);
        Task<int> run = Task.Run(() => Program.Run(["score", "--rules", rules, "--watch-rules"], streams));
        string Errors()
        {
            lock (error)
            {
                return errorText.ToString();
            }
        }

        async Task Send(params string[] records)
        {
            await input.WriteAsync(Encoding.UTF8.GetBytes(string.Concat(records.Select(r => r + "\n"))));
            await input.FlushAsync();
        }

        await Send(Records.Score1());
        Assert.True(await Until(() => output.Lines().Length == 1), $"first alert not written; stderr: {Errors()}");

        Replace(rules, "threshold: 2\n");
        Assert.True(await Until(() => Errors().Contains("rules reloaded", StringComparison.Ordinal)), $"no reload; stderr: {Errors()}");
        // Score 1 is below the new threshold; score 3 is not: one alert, from the new rules.
        await Send(Records.Score1(), Records.Score3());
        Assert.True(await Until(() => output.Lines().Length == 2), $"second alert not written; stderr: {Errors()}");

        Replace(rules, "threshold: [2\n");
        Assert.True(await Until(() => Errors().Contains("rules reload (file change) failed", StringComparison.Ordinal)), $"invalid file not reported; stderr: {Errors()}");
        await Send(Records.Score1(), Records.Score2());
        input.Dispose();
        Assert.Equal(0, await run.WaitAsync(Timeout));

        int[] scores = [.. output.Lines().Select(line => JsonDocument.Parse(line).RootElement.GetProperty("risk_score").GetInt32())];
        Assert.Equal([1, 3, 2], scores);
        // FILE:LINE:COL: message
        Assert.Contains(Errors().Split('\n'), line => line.StartsWith(rules + ":", StringComparison.Ordinal)
            && line[(rules.Length + 1)..].Split(':') is [var row, var column, ..] && int.TryParse(row, out _) && int.TryParse(column, out _));
        Assert.Contains("detection state kept", Errors(), StringComparison.Ordinal);
    }

    /// <summary>Writes the new content beside the file and moves it over, as a deployment would: never half a file.</summary>
    private static void Replace(string path, string content)
    {
        string temp = path + ".new";
        File.WriteAllText(temp, content);
        File.Move(temp, path, overwrite: true);
    }

    private static async Task<bool> Until(Func<bool> condition)
    {
        DateTime deadline = DateTime.UtcNow + Timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(20);
        }

        return true;
    }

    /// <summary>A write-only stream keeping what is written, readable from another thread.</summary>
    private sealed class CapturedStream : Stream
    {
        private readonly MemoryStream _bytes = new();

        public string[] Lines()
        {
            lock (_bytes)
            {
                return Encoding.UTF8.GetString(_bytes.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            }
        }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            lock (_bytes)
            {
                _bytes.Write(buffer);
            }
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
}
