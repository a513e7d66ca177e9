using System.Buffers;

namespace NonStdPort.Core.Frame;

/// <summary>
/// Finds where a JSON object that spans lines (pretty-printed, as <c>jq .</c> or evtx_dump write
/// it) ends: counts braces outside strings, skipping escaped characters. State carries over
/// between calls, so the object may arrive in any number of pieces. Structure only: whether the
/// object is valid JSON is the reader's call.
/// </summary>
internal struct JsonObjectScanner
{
    private static readonly SearchValues<byte> Structure = SearchValues.Create("{}\""u8);
    private static readonly SearchValues<byte> StringEnd = SearchValues.Create("\"\\"u8);

    private int _depth;
    private bool _inString;
    private bool _escaped;

    /// <summary>Forgets everything, ready for the next object.</summary>
    public void Reset() => this = default;

    /// <summary>
    /// Scans the next piece of the object; returns the offset in <paramref name="piece"/> just past
    /// the brace that closes it, or -1 when the object goes on past this piece.
    /// </summary>
    public long Scan(ReadOnlySequence<byte> piece)
    {
        long offset = 0;
        foreach (ReadOnlyMemory<byte> memory in piece)
        {
            ReadOnlySpan<byte> span = memory.Span;
            int i = 0;
            while (i < span.Length)
            {
                if (_escaped)
                {
                    _escaped = false;
                    i++;
                    continue;
                }

                int at = _inString ? span[i..].IndexOfAny(StringEnd) : span[i..].IndexOfAny(Structure);
                if (at < 0)
                {
                    break;
                }

                i += at;
                switch (span[i++])
                {
                    case (byte)'\\':
                        _escaped = true;
                        break;
                    case (byte)'"':
                        _inString = !_inString;
                        break;
                    case (byte)'{':
                        _depth++;
                        break;
                    default:
                        if (--_depth == 0)
                        {
                            return offset + i;
                        }

                        break;
                }
            }

            offset += span.Length;
        }

        return -1;
    }
}
