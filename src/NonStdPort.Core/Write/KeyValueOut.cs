using System.Buffers;

namespace NonStdPort.Core.Write;

/// <summary>
/// Appends the <c>key=value</c> extensions of the line formats (LEEF, CEF) straight into an
/// <see cref="AlertBatch"/>, escaping each value with a backslash where the format requires:
/// the backslash itself, the format's separator characters, and line breaks as <c>\n</c> and
/// <c>\r</c> so that every alert stays on one line. Absent values (empty or <c>-</c>) are left out.
/// One instance per writer; allocation-free once its repair buffer (invalid UTF-8 only) has grown.
/// </summary>
internal sealed class KeyValueOut
{
    private readonly SearchValues<byte> _special;
    private readonly ReadOnlyMemory<byte> _separator;
    private AlertBatch _batch = null!;
    private bool _first;
    private byte[]? _repair;

    /// <param name="special">Bytes escaped in values (the backslash and line breaks among them).</param>
    /// <param name="separator">What goes between two extensions.</param>
    public KeyValueOut(SearchValues<byte> special, byte[] separator)
    {
        _special = special;
        _separator = separator;
    }

    /// <summary>Starts the extensions of one alert; the header is already written.</summary>
    public void Start(AlertBatch batch)
    {
        _batch = batch;
        _first = true;
    }

    /// <summary>Where the next byte lands in the batch.</summary>
    public int Position => _batch.WrittenCount;

    public void Key(ReadOnlySpan<byte> key)
    {
        if (!_first)
        {
            _batch.Write(_separator.Span);
        }

        _first = false;
        _batch.Write(key);
        _batch.Write("="u8);
    }

    /// <summary>A text value, escaped; left out when absent.</summary>
    public void Text(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        if (!AlertText.IsAbsent(value))
        {
            Key(key);
            Escaped(value);
        }
    }

    /// <summary>A text value with its CEF-style label pair (<c>cs1=... cs1Label=...</c>); left out when absent.</summary>
    public void Labelled(ReadOnlySpan<byte> key, ReadOnlySpan<byte> labelKey, ReadOnlySpan<byte> label, ReadOnlySpan<byte> value)
    {
        if (!AlertText.IsAbsent(value))
        {
            Key(key);
            Escaped(value);
            Key(labelKey);
            _batch.Write(label);
        }
    }

    /// <summary>A text value; returns where its bytes (as escaped) lie, for the alert's key.</summary>
    public (int Start, int Length) TextAt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        if (AlertText.IsAbsent(value))
        {
            return (Position, 0);
        }

        Key(key);
        int start = Position;
        Escaped(value);
        return (start, Position - start);
    }

    /// <summary>A constant value needing no escaping.</summary>
    public void Constant(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        Key(key);
        _batch.Write(value);
    }

    public void Number(ReadOnlySpan<byte> key, long value)
    {
        Key(key);
        AlertText.Number(_batch, value);
    }

    public void Decimal(ReadOnlySpan<byte> key, double value, int decimals)
    {
        Key(key);
        AlertText.Decimal(_batch, value, decimals);
    }

    public void Iso(ReadOnlySpan<byte> key, long utcTicks)
    {
        Key(key);
        AlertText.Iso(_batch, utcTicks);
    }

    /// <summary>Writes <paramref name="value"/> escaped: <c>\t</c>, <c>\n</c>, <c>\r</c> for those bytes, a backslash before any other special byte.</summary>
    public void Escaped(ReadOnlySpan<byte> value)
    {
        value = AlertText.Valid(value, ref _repair);
        AlertBatch batch = _batch;
        while (true)
        {
            int at = value.IndexOfAny(_special);
            if (at < 0)
            {
                batch.Write(value);
                return;
            }

            batch.Write(value[..at]);
            byte b = value[at];
            Span<byte> pair = batch.GetSpan(2);
            pair[0] = (byte)'\\';
            pair[1] = b switch
            {
                (byte)'\t' => (byte)'t',
                (byte)'\n' => (byte)'n',
                (byte)'\r' => (byte)'r',
                _ => b,
            };
            batch.Advance(2);
            value = value[(at + 1)..];
        }
    }
}
