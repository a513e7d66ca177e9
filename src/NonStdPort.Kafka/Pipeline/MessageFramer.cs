namespace NonStdPort.Kafka.Pipeline;

/// <summary>
/// Splits one Kafka message into records: one JSON record per line (blank lines skipped); when a
/// record starts with <c>&lt;</c>, an XML event running to its <c>&lt;/Event&gt;</c> (an XML event
/// may span lines); when a JSON line does not end with <c>}</c>, a pretty-printed object, which is
/// taken to the end of the message. Works on the message's own bytes; copies nothing.
/// </summary>
internal ref struct MessageFramer
{
    private static ReadOnlySpan<byte> EventEnd => "</Event>"u8;

    private ReadOnlySpan<byte> _rest;

    public MessageFramer(ReadOnlySpan<byte> message) => _rest = message;

    /// <summary>The next record, without its line terminator; false when the message is exhausted.</summary>
    public bool Next(out ReadOnlySpan<byte> record)
    {
        while (!_rest.IsEmpty)
        {
            int start = _rest.IndexOfAnyExcept(" \t\r\n"u8);
            if (start < 0)
            {
                break;
            }

            _rest = _rest[start..];
            int end;
            int next;
            if (_rest[0] == (byte)'<')
            {
                int close = _rest.IndexOf(EventEnd);
                end = close < 0 ? _rest.Length : close + EventEnd.Length;
                next = end;
            }
            else
            {
                int newline = _rest.IndexOf((byte)'\n');
                end = newline < 0 ? _rest.Length : newline;
                next = newline < 0 ? end : newline + 1;
                if (newline >= 0 && _rest[0] == (byte)'{' && _rest[..newline].TrimEnd(" \t\r"u8) is var line && line[^1] != (byte)'}')
                {
                    // A pretty-printed object spans lines: the message is that one record.
                    end = _rest.Length;
                    next = end;
                }
            }

            record = _rest[..end].TrimEnd(" \t\r\n"u8);
            _rest = _rest[next..];
            return true;
        }

        _rest = default;
        record = default;
        return false;
    }
}
