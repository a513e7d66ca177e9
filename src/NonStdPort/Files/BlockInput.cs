using System.Buffers;
using NonStdPort.Core.Read.Evtx;

namespace NonStdPort.Cli.Files;

/// <summary>
/// Reads a plain record file (seekable, not gzip, not UTF-16, not EVTX) in large synchronous
/// blocks into one reusable buffer. A regular file never waits on a writer, so a blocking read
/// costs nothing, and it avoids an asynchronous hop to a pool thread per buffer. The unconsumed
/// tail of a block (a record cut by the block end) moves to the front before the next read.
/// </summary>
internal sealed class BlockInput
{
    /// <summary>Bytes per read: large enough that the system call cost vanishes, small enough to stay in the cache.</summary>
    public const int BlockSize = 256 * 1024;

    private byte[] _buffer = new byte[BlockSize];
    private Stream? _stream;
    private int _filled;

    /// <summary>
    /// Takes <paramref name="stream"/> when it is a seekable stream of plain records: true, and the
    /// first block is read. Otherwise (not seekable, gzip, UTF-16 byte-order mark, EVTX signature)
    /// false, with the stream back at its start for the general path.
    /// </summary>
    public bool TryStart(Stream stream)
    {
        _stream = null;
        _filled = 0;
        IsCompleted = false;
        if (!stream.CanSeek)
        {
            return false;
        }

        long start = stream.Position;
        int head = FillFrom(stream);
        if (!IsPlain(_buffer.AsSpan(0, head)))
        {
            stream.Position = start;
            _filled = 0;
            return false;
        }

        _stream = stream;
        return true;
    }

    /// <summary>Everything read and not yet consumed.</summary>
    public ReadOnlySequence<byte> Buffer => new(_buffer, 0, _filled);

    /// <summary>True once the stream has ended: <see cref="Buffer"/> is all that is left.</summary>
    public bool IsCompleted { get; private set; }

    /// <summary>
    /// Drops the first <paramref name="consumed"/> bytes of <see cref="Buffer"/> and reads the next block
    /// behind what is left; the buffer grows when a record is longer than it (the framer bounds records).
    /// </summary>
    public void Advance(int consumed)
    {
        int left = _filled - consumed;
        if (left > 0 && consumed > 0)
        {
            _buffer.AsSpan(consumed, left).CopyTo(_buffer);
        }

        _filled = left;
        if (_filled > _buffer.Length - BlockSize / 2)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }

        FillFrom(_stream!);
    }

    /// <summary>The buffer <see cref="Buffer"/> lies in.</summary>
    public byte[] Current => _buffer;

    /// <summary>
    /// Drops the first <paramref name="consumed"/> bytes of <see cref="Buffer"/> by moving what is left
    /// into <paramref name="spare"/> (or a larger buffer when it does not fit), which becomes the
    /// buffer; the old one is left untouched for whoever holds records in it. Call <see cref="Fill"/> next.
    /// </summary>
    public void SwapTo(int consumed, byte[] spare)
    {
        int left = _filled - consumed;
        if (left > spare.Length - BlockSize / 2)
        {
            spare = new byte[Math.Max(spare.Length * 2, left + BlockSize)];
        }

        _buffer.AsSpan(consumed, left).CopyTo(spare);
        _buffer = spare;
        _filled = left;
    }

    /// <summary>Reads behind what is left in the buffer, until it is full or the stream ends.</summary>
    public void Fill() => FillFrom(_stream!);

    private int FillFrom(Stream stream)
    {
        int before = _filled;
        while (_filled < _buffer.Length)
        {
            int read = stream.Read(_buffer, _filled, _buffer.Length - _filled);
            if (read == 0)
            {
                IsCompleted = true;
                break;
            }

            _filled += read;
        }

        return _filled - before;
    }

    /// <summary>False for what the general path has to decode first: gzip, a UTF-16 byte-order mark, an EVTX file.</summary>
    private static bool IsPlain(ReadOnlySpan<byte> head) =>
        !(head.StartsWith((ReadOnlySpan<byte>)[0x1f, 0x8b])
            || head.StartsWith((ReadOnlySpan<byte>)[0xff, 0xfe])
            || head.StartsWith((ReadOnlySpan<byte>)[0xfe, 0xff])
            || EvtxReader.HasFileMagic(head));
}
