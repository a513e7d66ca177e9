using System.Buffers;
using System.IO.Compression;
using System.IO.Pipelines;

namespace NonStdPort.Cli.Files;

/// <summary>
/// Opens one named input (a file path, or <c>-</c> for standard input) as a <see cref="PipeReader"/>,
/// decompressing it when it starts with the gzip magic bytes (<c>1f 8b</c>), whatever its name.
/// </summary>
internal static class InputOpener
{
    /// <summary>The name that stands for standard input.</summary>
    public const string StandardInputName = "-";

    /// <summary>Read size: large enough that most records sit in one segment and the scan stays in long runs.</summary>
    private const int BufferSize = 64 * 1024;

    /// <summary>Opens <paramref name="stream"/> as a pipe, transparently gunzipping it.</summary>
    public static async ValueTask<PipeReader> OpenAsync(Stream stream, CancellationToken cancellationToken, int bufferSize = BufferSize)
    {
        var options = new StreamPipeReaderOptions(bufferSize: bufferSize, minimumReadSize: Math.Min(bufferSize, 4096), leaveOpen: false);
        PipeReader raw = PipeReader.Create(stream, options);
        ReadResult head = await raw.ReadAtLeastAsync(2, cancellationToken).ConfigureAwait(false);
        bool gzip = IsGzip(head.Buffer);
        raw.AdvanceTo(head.Buffer.Start);
        if (!gzip)
        {
            return raw;
        }

        // GZipStream reads concatenated members too (as `cat a.gz b.gz` produces).
        var inflated = new GZipStream(raw.AsStream(), CompressionMode.Decompress, leaveOpen: false);
        return PipeReader.Create(inflated, options);
    }

    /// <summary>Opens a file for one sequential pass; the pipe does the buffering.</summary>
    public static Stream OpenFile(string path) =>
        new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0, FileOptions.SequentialScan);

    private static bool IsGzip(ReadOnlySequence<byte> head)
    {
        if (head.Length < 2)
        {
            return false;
        }

        Span<byte> magic = stackalloc byte[2];
        head.Slice(0, 2).CopyTo(magic);
        return magic[0] == 0x1f && magic[1] == 0x8b;
    }
}
