using System.Buffers;
using System.IO.Compression;
using System.IO.Pipelines;
using System.Text;

namespace NonStdPort.Cli.Files;

/// <summary>
/// Opens one named input (a file path, or <c>-</c> for standard input) as a <see cref="PipeReader"/>,
/// decompressing it when it starts with the gzip magic bytes (<c>1f 8b</c>), whatever its name, and decoding
/// UTF-16 that starts with a byte-order mark. <see cref="IsEvtxAsync"/> then tells a Windows EVTX file by its signature.
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
        if (await StartsWithAsync(raw, 0x1f, 0x8b, cancellationToken).ConfigureAwait(false))
        {
            // GZipStream reads concatenated members too (as `cat a.gz b.gz` produces). Its content is not sniffed for
            // UTF-16 here: a corrupt member must surface while reading, where it is reported with its line.
            return PipeReader.Create(new GZipStream(raw.AsStream(), CompressionMode.Decompress, leaveOpen: false), options);
        }

        // UTF-16 with a byte-order mark (PowerShell's Out-File and > default) is transcoded to UTF-8 in large blocks,
        // so the framer and readers see the same bytes as from a UTF-8 file; the BOM becomes a UTF-8 BOM, which the
        // framer skips.
        Encoding? utf16 = await StartsWithAsync(raw, 0xff, 0xfe, cancellationToken).ConfigureAwait(false) ? Encoding.Unicode
            : await StartsWithAsync(raw, 0xfe, 0xff, cancellationToken).ConfigureAwait(false) ? Encoding.BigEndianUnicode
            : null;
        if (utf16 is not null)
        {
            raw = PipeReader.Create(Encoding.CreateTranscodingStream(raw.AsStream(), utf16, Encoding.UTF8, leaveOpen: false), options);
        }

        return raw;
    }

    /// <summary>True when the pipe starts with the two bytes; consumes nothing.</summary>
    private static async ValueTask<bool> StartsWithAsync(PipeReader reader, byte first, byte second, CancellationToken cancellationToken)
    {
        ReadResult head = await reader.ReadAtLeastAsync(2, cancellationToken).ConfigureAwait(false);
        bool match = StartsWith(head.Buffer, first, second);
        reader.AdvanceTo(head.Buffer.Start);
        return match;
    }

    /// <summary>True when the (already gunzipped) pipe starts with the EVTX signature <c>ElfFile\0</c>; consumes nothing.</summary>
    public static async ValueTask<bool> IsEvtxAsync(PipeReader reader, CancellationToken cancellationToken)
    {
        int length = NonStdPort.Core.Read.Evtx.EvtxReader.FileMagic.Length;
        ReadResult head = await reader.ReadAtLeastAsync(length, cancellationToken).ConfigureAwait(false);
        bool match = false;
        if (head.Buffer.Length >= length)
        {
            Span<byte> magic = stackalloc byte[8];
            head.Buffer.Slice(0, length).CopyTo(magic);
            match = NonStdPort.Core.Read.Evtx.EvtxReader.HasFileMagic(magic.Slice(0, length));
        }

        reader.AdvanceTo(head.Buffer.Start);
        return match;
    }

    /// <summary>Opens a file for one sequential pass; the pipe does the buffering.</summary>
    public static Stream OpenFile(string path) =>
        new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0, FileOptions.SequentialScan);

    private static bool StartsWith(ReadOnlySequence<byte> head, byte first, byte second)
    {
        if (head.Length < 2)
        {
            return false;
        }

        Span<byte> magic = stackalloc byte[2];
        head.Slice(0, 2).CopyTo(magic);
        return magic[0] == first && magic[1] == second;
    }
}
