namespace NonStdPort.Core.Read.Evtx;

/// <summary>
/// Growable UTF-8 output, reused: a rendered record, or a compiled template's literal text with the
/// places (holes) where substitution values go.
/// </summary>
internal sealed class XmlBuffer
{
    private byte[] _bytes = new byte[4096];
    private Hole[] _holes = new Hole[16];

    /// <summary>Bytes written.</summary>
    public int Length;

    /// <summary>Holes noted (templates only).</summary>
    public int HoleCount;

    /// <summary>The written bytes.</summary>
    public ReadOnlySpan<byte> Written => _bytes.AsSpan(0, Length);

    /// <summary>The holes noted.</summary>
    public ReadOnlySpan<Hole> Holes => _holes.AsSpan(0, HoleCount);

    /// <summary>Empties the buffer, keeping its storage.</summary>
    public void Clear()
    {
        Length = 0;
        HoleCount = 0;
    }

    /// <summary>A span of at least <paramref name="size"/> free bytes at the end; follow with <see cref="Advance"/>.</summary>
    public Span<byte> Reserve(int size)
    {
        if (_bytes.Length - Length < size)
        {
            Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, Length + size));
        }

        return _bytes.AsSpan(Length);
    }

    /// <summary>Marks bytes written into <see cref="Reserve"/>'s span as used.</summary>
    public void Advance(int count) => Length += count;

    /// <summary>Appends bytes.</summary>
    public void Append(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(Reserve(bytes.Length));
        Length += bytes.Length;
    }

    /// <summary>Appends one byte.</summary>
    public void Append(byte value)
    {
        Reserve(1)[0] = value;
        Length++;
    }

    /// <summary>Notes that substitution <paramref name="index"/> goes at the current end.</summary>
    public void AddHole(int index)
    {
        if (HoleCount == _holes.Length)
        {
            Array.Resize(ref _holes, _holes.Length * 2);
        }

        _holes[HoleCount++] = new Hole(Length, index);
    }
}

/// <summary>Where a substitution value goes in a compiled template: after the first <see cref="At"/> literal bytes.</summary>
internal readonly record struct Hole(int At, int Index);
