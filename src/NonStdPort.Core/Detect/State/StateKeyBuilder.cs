using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace NonStdPort.Core.Detect.State;

/// <summary>
/// Builds a detection-state key from record fields into a reusable buffer: each part is written
/// with its length in front (so no two different field tuples give the same bytes), and parts
/// compared case-insensitively are case-folded (ASCII fast path, Unicode simple folding otherwise).
/// The buffer grows only for an unusually long key; steady state allocates nothing.
/// </summary>
internal sealed class StateKeyBuilder
{
    private byte[] _buffer = new byte[512];
    private int _length;

    /// <summary>The key built so far.</summary>
    public ReadOnlySpan<byte> Key => _buffer.AsSpan(0, _length);

    /// <summary>Starts a new key.</summary>
    public StateKeyBuilder Clear()
    {
        _length = 0;
        return this;
    }

    /// <summary>Appends a part as it is.</summary>
    public StateKeyBuilder Append(ReadOnlySpan<byte> part)
    {
        Span<byte> target = Reserve(part.Length);
        part.CopyTo(target);
        return this;
    }

    /// <summary>Appends a part folded to lower case, so that keys compare case-insensitively.</summary>
    public StateKeyBuilder AppendFolded(ReadOnlySpan<byte> part) => AppendFolded(part, ReadOnlySpan<byte>.Empty);

    /// <summary>Appends a part folded to lower case, with any of <paramref name="strip"/> removed from both ends.</summary>
    public StateKeyBuilder AppendFolded(ReadOnlySpan<byte> part, ReadOnlySpan<byte> strip)
    {
        if (!strip.IsEmpty)
        {
            part = part.Trim(strip);
        }

        // Lower-casing never lengthens ASCII; for other text a rune's lower case may be longer
        // (and an invalid byte becomes a 3-byte U+FFFD), so reserve the worst case and give back
        // what is unused.
        int start = _length;
        Span<byte> target = Reserve(part.Length * 3);
        int written;
        if (Ascii.ToLower(part, target, out written) != OperationStatus.Done)
        {
            written = FoldUnicode(part, target);
        }

        _length = start + 4 + written;
        BinaryPrimitives.WriteInt32LittleEndian(_buffer.AsSpan(start), written);
        return this;
    }

    /// <summary>Appends a 16-bit number.</summary>
    public StateKeyBuilder Append(ushort value)
    {
        EnsureRoom(2);
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer.AsSpan(_length), value);
        _length += 2;
        return this;
    }

    // Writes a length placeholder and returns room for the part after it.
    private Span<byte> Reserve(int partLength)
    {
        EnsureRoom(4 + partLength);
        BinaryPrimitives.WriteInt32LittleEndian(_buffer.AsSpan(_length), partLength);
        Span<byte> target = _buffer.AsSpan(_length + 4, partLength);
        _length += 4 + partLength;
        return target;
    }

    private void EnsureRoom(int bytes)
    {
        if (_buffer.Length - _length < bytes)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + bytes));
        }
    }

    private static int FoldUnicode(ReadOnlySpan<byte> part, Span<byte> target)
    {
        int written = 0;
        while (!part.IsEmpty)
        {
            Rune.DecodeFromUtf8(part, out Rune rune, out int consumed);
            Rune lower = Rune.ToLowerInvariant(rune);
            written += lower.EncodeToUtf8(target[written..]);
            part = part[consumed..];
        }

        return written;
    }
}
