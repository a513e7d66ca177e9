using System.Buffers;

namespace NonStdPort.Core.Write;

/// <summary>
/// Writes a valid UTF-8 value as a quoted JSON string, escaping only what JSON requires
/// (<c>"</c>, <c>\</c> and control characters; everything else, non-ASCII included, is copied as
/// is). Windows paths are full of backslashes, and this vectorized copy is several times faster
/// than the general escaper; the result goes to <see cref="System.Text.Json.Utf8JsonWriter.WriteRawValue(ReadOnlySpan{byte}, bool)"/>.
/// One instance per writer: it owns a scratch buffer that grows to the longest value seen.
/// </summary>
internal sealed class JsonStringEscaper
{
    private static readonly SearchValues<byte> NeedsEscape = SearchValues.Create(
        [(byte)'"', (byte)'\\', 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31]);

    private byte[] _scratch = new byte[1024];

    /// <summary>The value quoted and escaped; valid until the next call.</summary>
    public ReadOnlySpan<byte> Quote(ReadOnlySpan<byte> value)
    {
        // Worst case: every byte becomes a six-byte \u00XX escape, plus the two quotes.
        int worst = MaxQuotedLength(value.Length);
        if (_scratch.Length < worst)
        {
            _scratch = new byte[Math.Max(worst, _scratch.Length * 2)];
        }

        int n = Quote(value, _scratch);
        return _scratch.AsSpan(0, n);
    }

    /// <summary>The most bytes <see cref="Quote(ReadOnlySpan{byte}, Span{byte})"/> writes for a value of <paramref name="length"/> bytes.</summary>
    public static int MaxQuotedLength(int length) => (length * 6) + 2;

    /// <summary>Writes the value quoted and escaped into <paramref name="output"/> (at least <see cref="MaxQuotedLength"/> long); returns the bytes written.</summary>
    public static int Quote(ReadOnlySpan<byte> value, Span<byte> output)
    {
        int n = 0;
        output[n++] = (byte)'"';
        while (true)
        {
            int at = value.IndexOfAny(NeedsEscape);
            if (at < 0)
            {
                value.CopyTo(output[n..]);
                n += value.Length;
                break;
            }

            value[..at].CopyTo(output[n..]);
            n += at;
            n += Escape(value[at], output[n..]);
            value = value[(at + 1)..];
        }

        output[n++] = (byte)'"';
        return n;
    }

    private static int Escape(byte b, Span<byte> output)
    {
        output[0] = (byte)'\\';
        byte shortForm = b switch
        {
            (byte)'"' => (byte)'"',
            (byte)'\\' => (byte)'\\',
            (byte)'\n' => (byte)'n',
            (byte)'\r' => (byte)'r',
            (byte)'\t' => (byte)'t',
            (byte)'\b' => (byte)'b',
            (byte)'\f' => (byte)'f',
            _ => 0,
        };
        if (shortForm != 0)
        {
            output[1] = shortForm;
            return 2;
        }

        output[1] = (byte)'u';
        output[2] = (byte)'0';
        output[3] = (byte)'0';
        output[4] = (byte)"0123456789abcdef"[b >> 4];
        output[5] = (byte)"0123456789abcdef"[b & 0xF];
        return 6;
    }
}
