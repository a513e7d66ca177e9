using System.IO.Pipelines;
using System.Buffers;
using NonStdPort.Core.Frame;
using NonStdPort.Core.Read.Evtx;
using NonStdPort.Core.Write;

namespace NonStdPort.Cli.Files;

/// <summary>What one <c>nonstdport score</c> run reads and writes.</summary>
/// <param name="Inputs">File paths, <c>-</c> for stdin; empty means stdin.</param>
/// <param name="Top">Keep only the N highest-ranked alerts, or null to stream every alert in input order.</param>
/// <param name="Stats">Write progress and a summary to stderr.</param>
/// <param name="MaxRecordBytes">Records longer than this are reported as oversize.</param>
internal sealed record ScoreSettings(IReadOnlyList<string> Inputs, int? Top, bool Stats, int MaxRecordBytes);

/// <summary>
/// File mode: each input through a <see cref="PipeReader"/> (gunzipped when needed) into the
/// <see cref="RecordFramer"/>, each record into the scorer, alerts into a <see cref="PipeWriter"/>
/// over stdout flushed in large blocks. One thread; nothing allocated per record.
/// </summary>
internal sealed class ScoreRun(ScoreSettings settings, IRecordScorer scorer, StandardStreams streams)
{
    private const string Name = "nonstdport score";

    private EvtxReader? _evtx;

    /// <summary>errno for a write to a pipe nobody reads (32 on Linux and macOS).</summary>
    private const int EPipe = 32;

    /// <summary>Runs every input to the end and returns the exit code.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<string> inputs = settings.Inputs.Count == 0 ? [InputOpener.StandardInputName] : settings.Inputs;
        if (!AllInputsExist(inputs))
        {
            return ExitCodes.UsageOrIo;
        }

        var sink = new ScoringSink(scorer, new AlertBatch(), streams.Error);
        var framer = new RecordFramer(settings.MaxRecordBytes);
        ScoreStats? stats = settings.Stats ? new ScoreStats(streams.Error, ScoreStats.DefaultProgressInterval) : null;
        PipeWriter writer = PipeWriter.Create(streams.Output, new StreamPipeWriterOptions(minimumBufferSize: 64 * 1024, leaveOpen: true));
        AlertOutput output = settings.Top is int top ? new TopAlertOutput(writer, top) : new OrderedAlertOutput(writer);

        bool inputFailed = false;
        try
        {
            foreach (string input in inputs)
            {
                inputFailed |= !await ScoreInputAsync(input, framer, sink, output, stats, cancellationToken).ConfigureAwait(false);
            }

            await output.CompleteAsync(cancellationToken).ConfigureAwait(false);
            await writer.CompleteAsync().ConfigureAwait(false);
        }
        catch (IOException e) when (IsClosedPipe(e))
        {
            // The reader took what it wanted and left (`score ... | head -1`): done, as grep is.
            return ExitCodes.Ok;
        }
        catch (IOException e)
        {
            streams.Error.WriteLine($"{Name}: cannot write the output: {e.Message}");
            return ExitCodes.UsageOrIo;
        }
        finally
        {
            stats?.Report(scorer.Counters, sink.Unscored);
            streams.Error.Flush();
        }

        if (inputFailed)
        {
            return ExitCodes.UsageOrIo;
        }

        return scorer.Counters.Malformed + sink.Unscored > 0 ? ExitCodes.SomeMalformed : ExitCodes.Ok;
    }

    /// <summary>Checks every named file up front, so a typo fails before any output is written.</summary>
    private bool AllInputsExist(IReadOnlyList<string> inputs)
    {
        bool ok = true;
        foreach (string input in inputs)
        {
            if (input == InputOpener.StandardInputName || File.Exists(input))
            {
                continue;
            }

            string problem = Directory.Exists(input) ? "is a directory (give -r to read the files under it)" : "no such file";
            streams.Error.WriteLine($"{Name}: {input}: {problem}");
            ok = false;
        }

        return ok;
    }

    /// <summary>Scores one input; false when it could not be opened or read to the end (reported on stderr).</summary>
    private async Task<bool> ScoreInputAsync(
        string input, RecordFramer framer, ScoringSink sink, AlertOutput output, ScoreStats? stats, CancellationToken cancellationToken)
    {
        PipeReader reader;
        bool live;
        try
        {
            bool isStdin = input == InputOpener.StandardInputName;
            if (isStdin && streams.InputIsTerminal)
            {
                // Someone typed `nonstdport score` with nothing piped in: say what it is waiting for.
                streams.Error.WriteLine($"{Name}: reading records from the terminal; end with Ctrl+D (files: {Name} FILE...)");
                streams.Error.Flush();
            }

            Stream stream = isStdin ? streams.OpenInput() : InputOpener.OpenFile(input);

            // A pipe, terminal or socket may pause (`tail -F`): its alerts are sent whenever it does. A
            // regular file never waits on a writer, so its alerts keep going out in large blocks.
            live = !stream.CanSeek;
            reader = await InputOpener.OpenAsync(stream, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ReportInputError(input, "cannot open", e);
            return false;
        }

        sink.StartInput(input);
        try
        {
            bool evtx;
            try
            {
                evtx = await InputOpener.IsEvtxAsync(reader, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                ReportInputError(input, "cannot read past line 1", e);
                return false;
            }

            if (evtx)
            {
                return await ScoreEvtxAsync(input, reader, sink, output, stats, cancellationToken).ConfigureAwait(false);
            }

            framer.Reset();
            while (true)
            {
                ReadResult result;
                ValueTask<ReadResult> next = reader.ReadAsync(cancellationToken);
                if (live && !next.IsCompleted)
                {
                    // The input has nothing ready: the alerts found so far go out now, not at the next block.
                    await output.FlushTakenAsync(cancellationToken).ConfigureAwait(false);
                }

                try
                {
                    result = await next.ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
                {
                    // A corrupt or truncated gzip member, or a device error: what was read so far stands.
                    ReportInputError(input, $"cannot read past line {framer.Line}", e);
                    return false;
                }

                SequencePosition consumed = framer.Frame(result.Buffer, result.IsCompleted, sink);
                reader.AdvanceTo(consumed, result.Buffer.End);
                await output.TakeAsync(sink.Batch, cancellationToken).ConfigureAwait(false);
                if (sink.TakeErrorsWritten())
                {
                    streams.Error.Flush();
                }

                stats?.Tick(scorer.Counters, sink.Unscored);
                if (result.IsCompleted)
                {
                    return true;
                }
            }
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Scores a Windows EVTX file: its 4 KiB header, then each 64 KiB chunk through the <see cref="EvtxReader"/>,
    /// whose records go to the engine as event XML. Damage is reported and counted as malformed; reading goes on.
    /// </summary>
    private async Task<bool> ScoreEvtxAsync(
        string input, PipeReader reader, ScoringSink sink, AlertOutput output, ScoreStats? stats, CancellationToken cancellationToken)
    {
        _evtx ??= new EvtxReader(settings.MaxRecordBytes);
        byte[] block = ArrayPool<byte>.Shared.Rent(EvtxReader.ChunkSize);
        try
        {
            bool header = true;
            long chunk = 0;
            while (true)
            {
                int want = header ? EvtxReader.FileHeaderSize : EvtxReader.ChunkSize;
                ReadResult result;
                try
                {
                    result = await reader.ReadAtLeastAsync(want, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
                {
                    ReportInputError(input, $"cannot read past chunk {chunk}", e);
                    return false;
                }

                ReadOnlySequence<byte> buffer = result.Buffer;
                int length = (int)Math.Min(buffer.Length, want);
                if (length == 0)
                {
                    reader.AdvanceTo(buffer.End);
                    return true;
                }

                ReadOnlySequence<byte> part = buffer.Slice(0, length);
                ReadOnlySpan<byte> span;
                if (part.IsSingleSegment)
                {
                    span = part.FirstSpan;
                }
                else
                {
                    part.CopyTo(block);
                    span = block.AsSpan(0, length);
                }

                if (header)
                {
                    EvtxDamage damage = EvtxReader.CheckFileHeader(span);
                    if (damage is EvtxDamage.None or EvtxDamage.FileHeaderChecksum && length < want) // (None or Checksum) and cut short
                    {
                        damage = EvtxDamage.FileHeaderTruncated;
                    }

                    if (damage != EvtxDamage.None)
                    {
                        sink.OnFileDamage(damage);
                    }

                    header = false;
                }
                else
                {
                    sink.StartChunk(chunk);
                    _evtx.ReadChunk(span, chunk, sink.Evtx);
                    chunk++;
                }

                reader.AdvanceTo(part.End);
                await output.TakeAsync(sink.Batch, cancellationToken).ConfigureAwait(false);
                if (sink.TakeErrorsWritten())
                {
                    streams.Error.Flush();
                }

                stats?.Tick(scorer.Counters, sink.Unscored);
                if (length < want)
                {
                    return true; // the file ended inside this block (the reader reported a truncated chunk)
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(block);
        }
    }

    /// <summary>
    /// True when the output's reader closed its end: EPIPE on Unix (the runtime keeps the errno as
    /// the HResult), ERROR_BROKEN_PIPE or ERROR_NO_DATA on Windows.
    /// </summary>
    private static bool IsClosedPipe(IOException e) =>
        OperatingSystem.IsWindows() ? e.HResult is unchecked((int)0x8007006D) or unchecked((int)0x800700E8) : e.HResult == EPipe;

    private void ReportInputError(string input, string what, Exception e) =>
        streams.Error.WriteLine($"{Name}: {input}: {what}: {e.Message}");
}
