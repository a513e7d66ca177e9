using System.IO.Pipelines;
using System.Buffers;
using Microsoft.Win32.SafeHandles;
using NonStdPort.Core.Detect;
using NonStdPort.Core.Frame;
using NonStdPort.Core.Read.Evtx;
using NonStdPort.Core.Write;

namespace NonStdPort.Cli.Files;

/// <summary>What one <c>nonstdport score</c> run reads and writes.</summary>
/// <param name="Inputs">File paths, <c>-</c> for stdin; empty means stdin.</param>
/// <param name="Top">Keep only the N highest-ranked alerts, or null to stream every alert in input order.</param>
/// <param name="Stats">Write progress and a summary to stderr.</param>
/// <param name="MaxRecordBytes">Records longer than this are reported as oversize.</param>
/// <param name="Threads">Scoring threads for plain files: 1 scores on the reading thread; more score in parallel.</param>
internal sealed record ScoreSettings(IReadOnlyList<string> Inputs, int? Top, bool Stats, int MaxRecordBytes, int Threads = 1);

/// <summary>
/// File mode: each input through a <see cref="PipeReader"/> (gunzipped when needed) into the
/// <see cref="RecordFramer"/>, each record into the scorer, alerts into a <see cref="PipeWriter"/>
/// over stdout flushed in large blocks; nothing allocated per record. A plain file is read in large
/// blocks on the calling thread; with more than one thread, those blocks are scored in parallel
/// (see <see cref="ScoringWorkers"/>) and their alerts written in input order.
/// </summary>
/// <remarks>
/// Parallel scoring keeps every stateful detection exactly as in a single-threaded run: the
/// workers score only records that need no detection state (most of them), and one ordered stage
/// on the reading thread scores the rest, with the one stateful engine, in input order. Sharding
/// by host was the alternative; it would split the beacon and lineage bounds (least recently used
/// eviction over all keys) between shards and so change which keys are evicted.
/// </remarks>
internal sealed class ScoreRun(ScoreSettings settings, IRecordScorer scorer, StandardStreams streams)
{
    private const string Name = "nonstdport score";

    private readonly BlockInput _blocks = new();
    private readonly Queue<RecordChunk> _inFlight = new();
    private readonly Stack<RecordChunk> _freeChunks = new();
    private ScoringWorkers? _workers;
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
            _workers?.Dispose();
            stats?.Report(Totals(), sink.Unscored);
            streams.Error.Flush();
        }

        if (inputFailed)
        {
            return ExitCodes.UsageOrIo;
        }

        EngineCounters totals = Totals();
        return totals.Malformed + sink.Unscored > 0 ? ExitCodes.SomeMalformed : ExitCodes.Ok;
    }

    /// <summary>The totals of the stateful scorer and of every scoring thread.</summary>
    private EngineCounters Totals()
    {
        if (_workers is null)
        {
            return scorer.Counters;
        }

        var totals = new EngineCounters();
        totals.Add(scorer.Counters);
        _workers.AddCounters(totals);
        return totals;
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
        PipeReader? reader = null;
        Stream? plain = null;
        FileStream? evtxFile = null;
        bool live = false;
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
            if (_blocks.TryStart(stream))
            {
                // A regular file never waits on a writer: blocking reads of large blocks, alerts out in large blocks.
                plain = stream;
            }
            else if (stream is FileStream file && IsEvtxFile(file))
            {
                // A plain .evtx file is read chunk by chunk with positioned reads of each chunk's used part.
                evtxFile = file;
            }
            else
            {
                // A pipe, terminal or socket may pause (`tail -F`): its alerts are sent whenever it does. Other
                // seekable input (gzip, UTF-16, EVTX) is decoded through a pipe; its alerts go out in large blocks.
                live = !stream.CanSeek;
                reader = await InputOpener.OpenAsync(stream, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ReportInputError(input, "cannot open", e);
            return false;
        }

        if (evtxFile is not null)
        {
            using (evtxFile)
            {
                return await ScoreEvtxFileAsync(input, evtxFile, sink, output, stats, cancellationToken).ConfigureAwait(false);
            }
        }

        if (plain is not null)
        {
            using (plain)
            {
                return await ScoreBlocksAsync(input, framer, sink, output, stats, cancellationToken).ConfigureAwait(false);
            }
        }

        return await ScorePipeAsync(input, reader!, live, framer, sink, output, stats, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Scores one input read through a pipe (standard input, gzip, UTF-16, EVTX).</summary>
    private async Task<bool> ScorePipeAsync(
        string input, PipeReader reader, bool live, RecordFramer framer, ScoringSink sink, AlertOutput output, ScoreStats? stats, CancellationToken cancellationToken)
    {
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

                stats?.Tick(Totals(), sink.Unscored);
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
    /// Scores a plain record file read in large synchronous blocks (see <see cref="BlockInput"/>); the
    /// first block is already read. With scoring threads, each block goes to them as a <see cref="RecordChunk"/>
    /// and comes back through the ordered stage. False when a read failed (reported on stderr).
    /// </summary>
    private async Task<bool> ScoreBlocksAsync(
        string input, RecordFramer framer, ScoringSink sink, AlertOutput output, ScoreStats? stats, CancellationToken cancellationToken)
    {
        sink.StartInput(input);
        framer.Reset();
        ScoringWorkers? workers = StartWorkers();
        while (true)
        {
            ReadOnlySequence<byte> buffer = _blocks.Buffer;
            bool final = _blocks.IsCompleted;
            int consumed;
            if (workers is null)
            {
                consumed = (int)buffer.Slice(0, framer.Frame(buffer, final, sink)).Length;
            }
            else
            {
                RecordChunk chunk = FreeChunk(sink, workers);
                byte[] spare = chunk.Block;
                chunk.Begin(input, _blocks.Current);
                consumed = (int)buffer.Slice(0, framer.Frame(buffer, final, chunk)).Length;
                _blocks.SwapTo(consumed, spare);
                workers.Score(chunk);
                _inFlight.Enqueue(chunk);
                TakeScored(sink, workers, all: final);
            }

            await output.TakeAsync(sink.Batch, cancellationToken).ConfigureAwait(false);
            if (sink.TakeErrorsWritten())
            {
                streams.Error.Flush();
            }

            stats?.Tick(Totals(), sink.Unscored);
            if (final)
            {
                return true;
            }

            try
            {
                if (workers is null)
                {
                    _blocks.Advance(consumed);
                }
                else
                {
                    _blocks.Fill();
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                if (workers is not null)
                {
                    // What was read before the failure stands.
                    TakeScored(sink, workers, all: true);
                    await output.TakeAsync(sink.Batch, cancellationToken).ConfigureAwait(false);
                }

                ReportInputError(input, $"cannot read past line {framer.Line}", e);
                return false;
            }
        }
    }

    /// <summary>The scoring threads, started on first use; null when scoring stays on this thread.</summary>
    private ScoringWorkers? StartWorkers()
    {
        if (_workers is not null || settings.Threads < 2)
        {
            return _workers;
        }

        var scorers = new IStatelessScorer[settings.Threads];
        for (int i = 0; i < scorers.Length; i++)
        {
            if (scorer.CreateStatelessScorer() is not { } worker)
            {
                return null;
            }

            scorers[i] = worker;
        }

        _workers = new ScoringWorkers(scorers);
        return _workers;
    }

    /// <summary>A chunk to frame into: a free one, a new one while few are in flight, or else the oldest once it is taken.</summary>
    private RecordChunk FreeChunk(ScoringSink sink, ScoringWorkers workers)
    {
        if (_freeChunks.Count == 0 && _inFlight.Count < 2 * workers.Count + 1)
        {
            return new RecordChunk();
        }

        if (_freeChunks.Count == 0)
        {
            TakeOldest(sink, workers);
        }

        return _freeChunks.Pop();
    }

    /// <summary>The ordered stage: takes the scored chunks at the head of the queue (with <paramref name="all"/>, every chunk, waiting for each).</summary>
    private void TakeScored(ScoringSink sink, ScoringWorkers workers, bool all)
    {
        while (_inFlight.Count > 0 && (all || _inFlight.Peek().IsScored))
        {
            TakeOldest(sink, workers);
        }
    }

    private void TakeOldest(ScoringSink sink, ScoringWorkers workers)
    {
        RecordChunk chunk = _inFlight.Dequeue();
        workers.WaitScored(chunk);
        sink.TakeScored(chunk);
        _freeChunks.Push(chunk);
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

                stats?.Tick(Totals(), sink.Unscored);
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

    /// <summary>True when a seekable file starts with the EVTX signature; the position is left at the start.</summary>
    private static bool IsEvtxFile(FileStream file)
    {
        if (!file.CanSeek)
        {
            return false;
        }

        Span<byte> head = stackalloc byte[8];
        int read = RandomAccess.Read(file.SafeFileHandle, head, file.Position);
        return EvtxReader.HasFileMagic(head.Slice(0, read));
    }

    /// <summary>
    /// Scores a plain (seekable, uncompressed) EVTX file with blocking positioned reads: the file
    /// header, then for each 64 KiB chunk its header and the records up to its free-space offset.
    /// Chunks of files copied from a host are often mostly unused space, which is never read; a
    /// chunk the file cuts short is read as far as it goes and reported as the pipe path reports it.
    /// </summary>
    private async Task<bool> ScoreEvtxFileAsync(
        string input, FileStream file, ScoringSink sink, AlertOutput output, ScoreStats? stats, CancellationToken cancellationToken)
    {
        sink.StartInput(input);
        _evtx ??= new EvtxReader(settings.MaxRecordBytes);
        byte[] block = ArrayPool<byte>.Shared.Rent(EvtxReader.ChunkSize);
        try
        {
            SafeFileHandle handle = file.SafeFileHandle;
            long start = file.Position;
            long length;
            int headerRead;
            try
            {
                length = RandomAccess.GetLength(handle);
                headerRead = ReadFully(handle, block.AsSpan(0, EvtxReader.FileHeaderSize), start);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                ReportInputError(input, "cannot read past chunk 0", e);
                return false;
            }

            EvtxDamage damage = EvtxReader.CheckFileHeader(block.AsSpan(0, headerRead));
            if (damage != EvtxDamage.None)
            {
                sink.OnFileDamage(damage);
            }

            long chunk = 0;
            for (long offset = start + EvtxReader.FileHeaderSize; offset < length; offset += EvtxReader.ChunkSize, chunk++)
            {
                int read;
                try
                {
                    if (length - offset < EvtxReader.ChunkSize)
                    {
                        // The file ends inside this chunk: read all there is, as the pipe path does.
                        read = ReadFully(handle, block.AsSpan(0, (int)(length - offset)), offset);
                        sink.StartChunk(chunk);
                        _evtx.ReadChunk(block.AsSpan(0, read), chunk, sink.Evtx);
                    }
                    else
                    {
                        read = ReadFully(handle, block.AsSpan(0, EvtxReader.ChunkHeaderBytes), offset);
                        int used = EvtxReader.UsedLength(block.AsSpan(0, read));
                        read += ReadFully(handle, block.AsSpan(read, used - read), offset + read);
                        sink.StartChunk(chunk);
                        if (!_evtx.TryReadUsedChunk(block.AsSpan(0, read), chunk, sink.Evtx))
                        {
                            // Damaged: read it whole, so it is reported and recovered as any damaged chunk is.
                            read += ReadFully(handle, block.AsSpan(read, EvtxReader.ChunkSize - read), offset + read);
                            _evtx.ReadChunk(block.AsSpan(0, read), chunk, sink.Evtx);
                        }
                    }
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    ReportInputError(input, $"cannot read past chunk {chunk}", e);
                    return false;
                }

                await output.TakeAsync(sink.Batch, cancellationToken).ConfigureAwait(false);
                if (sink.TakeErrorsWritten())
                {
                    streams.Error.Flush();
                }

                stats?.Tick(Totals(), sink.Unscored);
            }

            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(block);
        }
    }

    /// <summary>Reads until <paramref name="buffer"/> is full or the file ends; the count read.</summary>
    private static int ReadFully(SafeFileHandle handle, Span<byte> buffer, long offset)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int read = RandomAccess.Read(handle, buffer.Slice(total), offset + total);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
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
