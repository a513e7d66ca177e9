using System.Buffers;
using System.Runtime.CompilerServices;

namespace NonStdPort.Core.Frame;

/// <summary>Receives the records a <see cref="RecordFramer"/> cuts out of a byte stream.</summary>
public interface IRecordSink
{
    /// <summary>One whole record (no line terminator), valid only for the duration of the call.</summary>
    void OnRecord(ReadOnlySpan<byte> record, long line);

    /// <summary>A record longer than the maximum; its bytes were skipped, not buffered.</summary>
    void OnOversize(long line);
}

/// <summary>
/// Cuts a byte stream into records: one JSON record per line, or one XML <c>&lt;Event&gt;</c>
/// element that may span lines (an <c>&lt;Events&gt;</c> wrapper, an <c>&lt;?xml ...?&gt;</c>
/// prologue and comments between events are skipped). Tracks the 1-based line on which each
/// record starts. Works over <see cref="ReadOnlySequence{T}"/> so a record may straddle buffer
/// segments; it resumes scanning where it stopped, never re-scans, and never holds more than the
/// maximum record size: a longer record is reported and its bytes are discarded as they arrive.
/// One instance per input stream (call <see cref="Reset"/> between streams).
/// </summary>
public sealed class RecordFramer
{
    private static ReadOnlySpan<byte> EventStart => "<Event"u8;
    private static ReadOnlySpan<byte> EventEnd => "</Event"u8;
    private static ReadOnlySpan<byte> Bom => [0xEF, 0xBB, 0xBF];

    // The longest tag prefix that has to be visible to classify what starts at a '<'.
    private const int ClassifyBytes = 9;

    private readonly int _maxRecordBytes;
    private byte[] _scratch;
    private Mode _mode;
    private long _line;
    private long _recordLine;
    private long _scanned;
    private bool _atStreamStart;
    private JsonObjectScanner _json;

    /// <summary>Creates a framer that reports records longer than <paramref name="maxRecordBytes"/> as oversize.</summary>
    public RecordFramer(int maxRecordBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRecordBytes, 16);
        _maxRecordBytes = maxRecordBytes;
        _scratch = new byte[Math.Min(maxRecordBytes, 16 * 1024)];
        Reset();
    }

    private enum Mode : byte
    {
        Between,
        InLine,
        InXml,
        InJson,
        DiscardLine,
        DiscardXml,
        DiscardJson,
    }

    /// <summary>The 1-based line the framer has reached (the start of the bytes not yet consumed).</summary>
    public long Line => _line;

    /// <summary>Starts over for a new stream: line 1, nothing pending.</summary>
    public void Reset()
    {
        _mode = Mode.Between;
        _line = 1;
        _recordLine = 1;
        _scanned = 0;
        _atStreamStart = true;
    }

    /// <summary>
    /// Hands every whole record in <paramref name="buffer"/> to <paramref name="sink"/> and returns
    /// how far the caller may consume. With <paramref name="isFinal"/> the stream has ended: a
    /// trailing record without terminator is delivered too, and everything is consumed.
    /// </summary>
    public SequencePosition Frame<TSink>(ReadOnlySequence<byte> buffer, bool isFinal, TSink sink)
        where TSink : IRecordSink
    {
        if (_atStreamStart && !SkipBom(ref buffer, isFinal))
        {
            return buffer.Start;
        }

        while (true)
        {
            bool progressed = _mode switch
            {
                Mode.Between => SkipToRecord(ref buffer, isFinal),
                Mode.InLine => FrameLine(ref buffer, isFinal, sink),
                Mode.InXml => FrameXml(ref buffer, isFinal, sink),
                Mode.InJson => FrameJson(ref buffer, isFinal, sink),
                Mode.DiscardLine => DiscardLine(ref buffer),
                Mode.DiscardJson => DiscardJson(ref buffer),
                _ => DiscardXml(ref buffer, isFinal),
            };

            if (!progressed)
            {
                return buffer.Start;
            }
        }
    }

    private bool SkipBom(ref ReadOnlySequence<byte> buffer, bool isFinal)
    {
        if (buffer.Length < Bom.Length && !isFinal)
        {
            return false;
        }

        Span<byte> head = stackalloc byte[3];
        if (buffer.Length >= Bom.Length)
        {
            buffer.Slice(0, Bom.Length).CopyTo(head);
            if (head.SequenceEqual(Bom))
            {
                buffer = buffer.Slice(Bom.Length);
            }
        }

        _atStreamStart = false;
        return true;
    }

    /// <summary>Skips whitespace, blank lines and XML furniture; switches to a record mode at the next record.</summary>
    private bool SkipToRecord(ref ReadOnlySequence<byte> buffer, bool isFinal)
    {
        var reader = new SequenceReader<byte>(buffer);
        while (reader.TryPeek(out byte b))
        {
            if (b == (byte)'\n')
            {
                _line++;
            }
            else if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r'))
            {
                break;
            }

            reader.Advance(1);
        }

        buffer = buffer.Slice(reader.Position);
        if (buffer.IsEmpty)
        {
            return false;
        }

        _recordLine = _line;
        _scanned = 0;
        byte first = reader.UnreadSpan[0];
        if (first != (byte)'<')
        {
            return StartTextRecord(ref buffer, first, isFinal);
        }

        Span<byte> headBuffer = stackalloc byte[ClassifyBytes];
        int headLength = (int)Math.Min(buffer.Length, ClassifyBytes);
        buffer.Slice(0, headLength).CopyTo(headBuffer);
        ReadOnlySpan<byte> head = headBuffer[..headLength];

        Markup markup = Classify(head, complete: headLength == ClassifyBytes || isFinal);
        switch (markup)
        {
            case Markup.NeedMore:
                return false;
            case Markup.Event:
                _mode = Mode.InXml;
                return true;
            case Markup.Other:
                _mode = Mode.InLine;
                return true;
            default:
                return SkipMarkup(ref buffer, markup, isFinal);
        }
    }

    private enum LineShape : byte
    {
        NeedMore,
        Yes,
        No,
    }

    /// <summary>
    /// A record that does not start with '&lt;': one JSON object per line, unless the line is a lone
    /// <c>{</c> (a pretty-printed object, read to its closing brace). Furniture is skipped:
    /// evtx_dump's <c>Record N</c> separator lines, and the <c>[</c>, <c>,</c> and <c>]</c> of a
    /// JSON array whose elements stand on lines of their own (<c>ConvertTo-Json</c>, <c>jq -s</c>).
    /// </summary>
    private bool StartTextRecord(ref ReadOnlySequence<byte> buffer, byte first, bool isFinal)
    {
        if (first == (byte)',')
        {
            // Between two array elements: the comma belongs to no record.
            buffer = buffer.Slice(1);
            return true;
        }

        LineShape shape = first switch
        {
            (byte)'{' => LineIs(buffer, "{"u8, digitsAfter: false, isFinal),
            (byte)'R' => LineIs(buffer, "Record "u8, digitsAfter: true, isFinal),
            (byte)'[' => LineIs(buffer, "["u8, digitsAfter: false, isFinal),
            (byte)']' => LineIs(buffer, "]"u8, digitsAfter: false, isFinal),
            _ => LineShape.No,
        };
        if (shape == LineShape.NeedMore)
        {
            return false;
        }

        if (shape == LineShape.No)
        {
            _mode = Mode.InLine;
            return true;
        }

        if (first == (byte)'{')
        {
            _json.Reset();
            _mode = Mode.InJson;
            return true;
        }

        // "Record 17", "[" or "]" alone on a line: furniture between records, not a record.
        SequencePosition end = buffer.PositionOf((byte)'\n') ?? buffer.End;
        buffer = buffer.Slice(end);
        return true;
    }

    /// <summary>Whether the line at the start of <paramref name="buffer"/> is <paramref name="prefix"/> (then digits, if asked) and trailing whitespace.</summary>
    private static LineShape LineIs(ReadOnlySequence<byte> buffer, ReadOnlySpan<byte> prefix, bool digitsAfter, bool isFinal)
    {
        const int Longest = 40;
        Span<byte> head = stackalloc byte[Longest];
        int length = (int)Math.Min(buffer.Length, Longest);
        buffer.Slice(0, length).CopyTo(head);
        ReadOnlySpan<byte> line = head[..length];
        int newline = line.IndexOf((byte)'\n');
        if (newline >= 0)
        {
            line = line[..newline];
        }
        else if (!isFinal && length < Longest)
        {
            return LineShape.NeedMore;
        }
        else if (length == Longest)
        {
            return LineShape.No;
        }

        if (!line.StartsWith(prefix))
        {
            return LineShape.No;
        }

        ReadOnlySpan<byte> rest = line[prefix.Length..];
        if (digitsAfter)
        {
            int digits = rest.IndexOfAnyExceptInRange((byte)'0', (byte)'9');
            if (digits == 0 || rest.IsEmpty)
            {
                return LineShape.No;
            }

            rest = digits < 0 ? default : rest[digits..];
        }

        return rest.IndexOfAnyExcept((byte)' ', (byte)'\t', (byte)'\r') < 0 ? LineShape.Yes : LineShape.No;
    }

    private enum Markup : byte
    {
        NeedMore,
        Event,
        Other,
        Prologue,
        Comment,
        WrapperTag,
    }

    private static Markup Classify(ReadOnlySpan<byte> head, bool complete)
    {
        if (head.StartsWith("<?"u8))
        {
            return Markup.Prologue;
        }

        if (head.StartsWith("<!--"u8))
        {
            return Markup.Comment;
        }

        if (IsTag(head, "<Events"u8) || IsTag(head, "</Events"u8))
        {
            return Markup.WrapperTag;
        }

        if (IsTag(head, "<Event"u8))
        {
            return Markup.Event;
        }

        // Too few bytes to tell yet: wait for more rather than misread a split tag.
        bool couldBeMarkup = "<!--"u8.StartsWith(head) || "<Events"u8.StartsWith(head) || "</Events"u8.StartsWith(head);
        return !complete && couldBeMarkup ? Markup.NeedMore : Markup.Other;
    }

    /// <summary>True when <paramref name="head"/> opens the element <paramref name="name"/> (the name followed by whitespace, '>' or '/').</summary>
    private static bool IsTag(ReadOnlySpan<byte> head, ReadOnlySpan<byte> name) =>
        head.Length > name.Length && head.StartsWith(name) && IsNameEnd(head[name.Length]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsNameEnd(byte b) => b is (byte)'>' or (byte)'/' or (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';

    /// <summary>Skips a prologue, comment or wrapper tag, counting its newlines.</summary>
    private bool SkipMarkup(ref ReadOnlySequence<byte> buffer, Markup markup, bool isFinal)
    {
        ReadOnlySpan<byte> end = markup switch
        {
            Markup.Prologue => "?>"u8,
            Markup.Comment => "-->"u8,
            _ => ">"u8,
        };

        var reader = new SequenceReader<byte>(buffer);
        if (!reader.TryReadTo(out ReadOnlySequence<byte> skipped, end, advancePastDelimiter: true))
        {
            if (!isFinal)
            {
                return false;
            }

            // An unterminated prologue at the end of input: nothing more to frame.
            _line += CountNewlines(buffer);
            buffer = buffer.Slice(buffer.End);
            return false;
        }

        _line += CountNewlines(skipped);
        buffer = buffer.Slice(reader.Position);
        return true;
    }

    /// <summary>A record that ends at the next newline.</summary>
    private bool FrameLine<TSink>(ref ReadOnlySequence<byte> buffer, bool isFinal, TSink sink)
        where TSink : IRecordSink
    {
        SequencePosition? newline = buffer.Slice(_scanned).PositionOf((byte)'\n');
        if (newline is SequencePosition at)
        {
            ReadOnlySequence<byte> record = buffer.Slice(0, at);
            Deliver(record, trimCarriageReturn: true, sink);
            _line++;
            buffer = buffer.Slice(buffer.GetPosition(1, at));
            _mode = Mode.Between;
            return true;
        }

        if (isFinal)
        {
            Deliver(buffer, trimCarriageReturn: true, sink);
            buffer = buffer.Slice(buffer.End);
            _mode = Mode.Between;
            return false;
        }

        if (buffer.Length > _maxRecordBytes)
        {
            sink.OnOversize(_recordLine);
            buffer = buffer.Slice(buffer.End);
            _mode = Mode.DiscardLine;
            return false;
        }

        _scanned = buffer.Length;
        return false;
    }

    /// <summary>An XML event that ends at its matching <c>&lt;/Event&gt;</c>, on this line or a later one.</summary>
    private bool FrameXml<TSink>(ref ReadOnlySequence<byte> buffer, bool isFinal, TSink sink)
        where TSink : IRecordSink
    {
        long end = -1;
        long resumeAt = 0;
        if (_scanned == 0)
        {
            // Until the start tag is whole, it cannot be told whether it is an empty element.
            end = SelfClosingEnd(buffer, out bool startTagWhole);
            if (!startTagWhole && !isFinal && buffer.Length <= _maxRecordBytes)
            {
                return false;
            }
        }

        if (end < 0)
        {
            end = FindEventEnd(buffer, _scanned, isFinal, out resumeAt);
        }

        // An event cut short (a writer that died mid-event) must not take the next one with it: it
        // ends where the next <Event starts, and the reader reports it as malformed. Only a start
        // within the first MaxRecordBytes counts, so the outcome is the same however the stream
        // is cut into segments (a longer event is oversize either way).
        bool searchedToTheEnd = end >= 0 || isFinal;
        if (searchedToTheEnd || resumeAt > _maxRecordBytes)
        {
            long limit = Math.Min(end >= 0 ? end : buffer.Length, _maxRecordBytes);
            long cut = Earliest(NextEventStart(buffer.Slice(0, limit)), NextLineStartingRecord(buffer.Slice(0, limit)));
            if (cut > 0)
            {
                DeliverSpanningLines(ref buffer, cut, trimCarriageReturn: false, sink);
                return true;
            }
        }

        if (end > _maxRecordBytes)
        {
            // Oversize, and its end tag may belong to a later event: skip to the next record start, as a stream cut finer would.
            sink.OnOversize(_recordLine);
            _mode = Mode.DiscardXml;
            return DiscardXml(ref buffer, isFinal);
        }

        if (end >= 0)
        {
            DeliverSpanningLines(ref buffer, end, trimCarriageReturn: false, sink);
            return true;
        }

        if (isFinal)
        {
            // Unterminated: hand it over as it is so the reader reports it as malformed.
            DeliverSpanningLines(ref buffer, buffer.Length, trimCarriageReturn: true, sink);
            return false;
        }

        if (resumeAt > _maxRecordBytes)
        {
            sink.OnOversize(_recordLine);
            _mode = Mode.DiscardXml;
            return DiscardXml(ref buffer, isFinal);
        }

        _scanned = resumeAt;
        return false;
    }

    /// <summary>Where a second <c>&lt;Event</c> start tag begins inside <paramref name="record"/>, or -1.</summary>
    private static long NextEventStart(ReadOnlySequence<byte> record)
    {
        if (record.IsSingleSegment)
        {
            ReadOnlySpan<byte> span = record.FirstSpan;
            for (int from = 1; from < span.Length;)
            {
                int at = span[from..].IndexOf(EventStart);
                if (at < 0)
                {
                    return -1;
                }

                from += at + EventStart.Length;
                if (from < span.Length && IsNameEnd(span[from]))
                {
                    return from - EventStart.Length;
                }
            }

            return -1;
        }

        // Rare: the record straddles segments. Walk its tags.
        var reader = new SequenceReader<byte>(record);
        reader.Advance(1);
        while (reader.TryAdvanceTo((byte)'<', advancePastDelimiter: false))
        {
            long tagStart = reader.Consumed;
            if (reader.IsNext(EventStart, advancePast: true) && reader.TryPeek(out byte b) && IsNameEnd(b))
            {
                return tagStart;
            }

            reader.Rewind(reader.Consumed - tagStart);
            reader.Advance(1);
        }

        return -1;
    }

    /// <summary>
    /// The end of an empty <c>&lt;Event .../&gt;</c> element, or -1: such a record has no end tag, and
    /// searching for one would swallow the next event into it.
    /// </summary>
    private static long SelfClosingEnd(ReadOnlySequence<byte> buffer, out bool startTagWhole)
    {
        SequencePosition? startTagEnd = buffer.PositionOf((byte)'>');
        startTagWhole = startTagEnd.HasValue;
        if (startTagEnd is not SequencePosition close)
        {
            return -1;
        }

        long length = buffer.Slice(0, close).Length;
        Span<byte> before = stackalloc byte[1];
        buffer.Slice(length - 1, 1).CopyTo(before);
        return before[0] == (byte)'/' ? length + 1 : -1;
    }

    /// <summary>
    /// A pretty-printed JSON object that ends at its closing brace, lines later. An object that
    /// never closes ends where a line starts the next record (<c>{</c> or <c>&lt;Event</c> in
    /// column 1: pretty-printers indent nested objects), so it costs no later record.
    /// </summary>
    private bool FrameJson<TSink>(ref ReadOnlySequence<byte> buffer, bool isFinal, TSink sink)
        where TSink : IRecordSink
    {
        long end = _json.Scan(buffer.Slice(_scanned));
        if (end >= 0)
        {
            end += _scanned;
        }

        if (end >= 0 || isFinal || buffer.Length > _maxRecordBytes)
        {
            // As for XML, only a start within the first MaxRecordBytes counts, however the stream is cut.
            long limit = Math.Min(end >= 0 ? end : buffer.Length, _maxRecordBytes);
            long cut = NextLineStartingRecord(buffer.Slice(0, limit));
            if (cut > 0)
            {
                DeliverSpanningLines(ref buffer, cut, trimCarriageReturn: false, sink);
                return true;
            }
        }

        if (end > _maxRecordBytes)
        {
            sink.OnOversize(_recordLine);
            long resume = Earliest(NextLineStartingRecord(buffer.Slice(0, end)), end);
            _line += CountNewlines(buffer.Slice(0, resume));
            buffer = buffer.Slice(resume);
            _mode = Mode.Between;
            return true;
        }

        if (end >= 0)
        {
            DeliverSpanningLines(ref buffer, end, trimCarriageReturn: false, sink);
            return true;
        }

        if (isFinal)
        {
            DeliverSpanningLines(ref buffer, buffer.Length, trimCarriageReturn: true, sink);
            return false;
        }

        if (buffer.Length > _maxRecordBytes)
        {
            // The scanner has seen the whole buffer already: what is left is to look past the maximum for a record start.
            sink.OnOversize(_recordLine);
            _mode = Mode.DiscardJson;
            return SkipToLineStartingRecord(ref buffer);
        }

        _scanned = buffer.Length;
        return false;
    }

    /// <summary>Drops the rest of an oversize pretty-printed JSON object as it arrives, up to its end or the next record start.</summary>
    private bool DiscardJson(ref ReadOnlySequence<byte> buffer)
    {
        long end = _json.Scan(buffer);
        if (end < 0)
        {
            return SkipToLineStartingRecord(ref buffer);
        }

        long cut = NextLineStartingRecord(buffer.Slice(0, end));
        long resume = cut > 0 ? cut : end;
        _line += CountNewlines(buffer.Slice(0, resume));
        buffer = buffer.Slice(resume);
        _mode = Mode.Between;
        return true;
    }

    /// <summary>
    /// In an oversize JSON object the scanner has seen all of <paramref name="buffer"/>: resumes at a
    /// line starting a record in it, or drops it, keeping a last line that may still become one
    /// (its newline and a part of <c>&lt;Event</c> are state-neutral for the scanner, which sees them again).
    /// </summary>
    private bool SkipToLineStartingRecord(ref ReadOnlySequence<byte> buffer)
    {
        long cut = NextLineStartingRecord(buffer);
        if (cut > 0)
        {
            _line += CountNewlines(buffer.Slice(0, cut));
            buffer = buffer.Slice(cut);
            _mode = Mode.Between;
            return true;
        }

        long drop = buffer.Length - PendingLineStart(buffer);

        _line += CountNewlines(buffer.Slice(0, drop));
        buffer = buffer.Slice(drop);
        return false;
    }

    /// <summary>
    /// How many bytes at the end of <paramref name="region"/> are a newline followed by what may
    /// still grow into a line starting a record (a part of <c>&lt;Event</c>, or the whole name with
    /// its end not seen yet); 0 when none. Data that arrives a few bytes at a time must not lose a
    /// record start that whole-buffer reading sees.
    /// </summary>
    private static long PendingLineStart(ReadOnlySequence<byte> region)
    {
        Span<byte> tail = stackalloc byte[ClassifyBytes];
        int length = (int)Math.Min(region.Length, EventStart.Length + 1);
        region.Slice(region.Length - length).CopyTo(tail);
        int newline = tail[..length].LastIndexOf((byte)'\n');
        return newline >= 0 && EventStart.StartsWith(tail[(newline + 1)..length]) ? length - newline : 0;
    }

    /// <summary>The smaller of two offsets where -1 means none.</summary>
    private static long Earliest(long a, long b) => a < 0 ? b : b < 0 ? a : Math.Min(a, b);

    /// <summary>
    /// The offset of the first line after the first that starts a record (<c>{</c> or an
    /// <c>&lt;Event</c> start tag in column 1), or -1.
    /// </summary>
    private static long NextLineStartingRecord(ReadOnlySequence<byte> region)
    {
        var reader = new SequenceReader<byte>(region);
        while (reader.TryAdvanceTo((byte)'\n', advancePastDelimiter: true))
        {
            long lineStart = reader.Consumed;
            if (reader.IsNext((byte)'{'))
            {
                return lineStart;
            }

            if (reader.IsNext(EventStart, advancePast: true))
            {
                if (reader.TryPeek(out byte b) && IsNameEnd(b))
                {
                    return lineStart;
                }

                reader.Rewind(reader.Consumed - lineStart);
            }
        }

        return -1;
    }

    /// <summary>Drops the rest of an oversize line as it arrives.</summary>
    private bool DiscardLine(ref ReadOnlySequence<byte> buffer)
    {
        SequencePosition? newline = buffer.PositionOf((byte)'\n');
        if (newline is SequencePosition at)
        {
            _line++;
            buffer = buffer.Slice(buffer.GetPosition(1, at));
            _mode = Mode.Between;
            return true;
        }

        buffer = buffer.Slice(buffer.End);
        return false;
    }

    /// <summary>Drops the rest of an oversize XML event as it arrives, keeping only what could be the start of its end tag.</summary>
    private bool DiscardXml(ref ReadOnlySequence<byte> buffer, bool isFinal)
    {
        long end = FindEventEnd(buffer, 0, isFinal, out long resumeAt);
        long drop = end >= 0 ? end : isFinal ? buffer.Length : resumeAt;

        // An oversize event that never closes must not swallow the next record: it ends where one starts.
        ReadOnlySequence<byte> region = buffer.Slice(0, drop);
        long cut = NextLineStartingRecord(region);
        if (cut > 0 || end >= 0)
        {
            long resume = cut > 0 ? cut : end;
            _line += CountNewlines(buffer.Slice(0, resume));
            buffer = buffer.Slice(resume);
            _mode = Mode.Between;
            return true;
        }

        if (!isFinal)
        {
            // The next line may start a record whose start tag is not whole yet: keep from its newline.
            drop -= PendingLineStart(region);
        }

        _line += CountNewlines(buffer.Slice(0, drop));
        buffer = buffer.Slice(drop);
        return false;
    }

    /// <summary>
    /// Finds the end of the first <c>&lt;/Event&gt;</c> (whitespace allowed before the '>') at or after
    /// <paramref name="from"/>; returns the offset just past it, or -1 with the offset a later
    /// search must resume at (before any partial end tag at the end of the buffer).
    /// </summary>
    private static long FindEventEnd(ReadOnlySequence<byte> buffer, long from, bool isFinal, out long resumeAt)
    {
        var reader = new SequenceReader<byte>(buffer);
        reader.Advance(from);
        while (true)
        {
            // Fast path: a vectorized search for the whole tag within the current segment. When it
            // is not there, only the segment's last bytes can start one that straddles into the next.
            ReadOnlySpan<byte> unread = reader.UnreadSpan;
            int at = unread.IndexOf(EventEnd);
            if (at >= 0)
            {
                reader.Advance(at);
            }
            else if (unread.Length >= EventEnd.Length)
            {
                reader.Advance(unread.Length - EventEnd.Length + 1);
            }

            if (!reader.TryAdvanceTo((byte)'<', advancePastDelimiter: false))
            {
                resumeAt = buffer.Length;
                return -1;
            }

            long tagStart = reader.Consumed;
            if (!reader.IsNext(EventEnd, advancePast: true))
            {
                if (reader.Remaining < EventEnd.Length && !isFinal && IsPrefixOfEventEnd(reader))
                {
                    resumeAt = tagStart;
                    return -1;
                }

                reader.Advance(1);
                continue;
            }

            // "</Event" seen: it closes the event only if the name ends here ("</EventData>" does not).
            while (reader.TryPeek(out byte b) && b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
            {
                reader.Advance(1);
            }

            if (!reader.TryPeek(out byte next))
            {
                resumeAt = tagStart;
                return -1;
            }

            if (next == (byte)'>')
            {
                resumeAt = 0;
                return reader.Consumed + 1;
            }
        }
    }

    private static bool IsPrefixOfEventEnd(SequenceReader<byte> reader)
    {
        Span<byte> rest = stackalloc byte[8];
        int length = (int)reader.Remaining;
        reader.TryCopyTo(rest[..length]);
        return EventEnd.StartsWith(rest[..length]);
    }

    /// <summary>Delivers the first <paramref name="length"/> bytes as one record that may span lines, and moves past it.</summary>
    private void DeliverSpanningLines<TSink>(ref ReadOnlySequence<byte> buffer, long length, bool trimCarriageReturn, TSink sink)
        where TSink : IRecordSink
    {
        ReadOnlySequence<byte> record = buffer.Slice(0, length);
        Deliver(record, trimCarriageReturn, sink);
        _line += CountNewlines(record);
        buffer = buffer.Slice(record.End);
        _mode = Mode.Between;
    }

    private void Deliver<TSink>(ReadOnlySequence<byte> record, bool trimCarriageReturn, TSink sink)
        where TSink : IRecordSink
    {
        if (record.Length > _maxRecordBytes)
        {
            sink.OnOversize(_recordLine);
            return;
        }

        ReadOnlySpan<byte> span;
        if (record.IsSingleSegment)
        {
            span = record.FirstSpan;
        }
        else
        {
            int length = (int)record.Length;
            if (_scratch.Length < length)
            {
                _scratch = new byte[Math.Min(_maxRecordBytes, Math.Max(length, _scratch.Length * 2))];
            }

            record.CopyTo(_scratch);
            span = _scratch.AsSpan(0, length);
        }

        if (trimCarriageReturn && !span.IsEmpty && span[^1] == (byte)'\r')
        {
            span = span[..^1];
        }

        if (!span.IsWhiteSpace())
        {
            sink.OnRecord(span, _recordLine);
        }
    }

    private static long CountNewlines(ReadOnlySequence<byte> bytes)
    {
        if (bytes.IsSingleSegment)
        {
            return bytes.FirstSpan.Count((byte)'\n');
        }

        long count = 0;
        foreach (ReadOnlyMemory<byte> segment in bytes)
        {
            count += segment.Span.Count((byte)'\n');
        }

        return count;
    }
}

file static class SpanWhiteSpace
{
    public static bool IsWhiteSpace(this ReadOnlySpan<byte> span) =>
        span.IndexOfAnyExcept((byte)' ', (byte)'\t', (byte)'\r') < 0;
}
