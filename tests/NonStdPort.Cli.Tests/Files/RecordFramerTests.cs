using System.IO.Compression;
using System.Text;
using NonStdPort.Cli.Tests.Support;
using NonStdPort.Core.Frame;

namespace NonStdPort.Cli.Tests.Files;

public sealed class RecordFramerTests
{
    // Segment sizes from one byte (every record straddles segments) to larger than the input.
    public static TheoryData<int> Chunks => new() { 1, 2, 3, 5, 7, 16, 64, 4096 };

    private static string Lines(List<FramedRecord> records) => string.Join("\n", records);

    [Theory]
    [MemberData(nameof(Chunks))]
    public void Ndjson_yields_one_record_per_line_with_its_line_number(int chunk)
    {
        var records = Framing.Frame("{\"a\":1}\n{\"b\":2}\n{\"c\":3}\n", chunk);

        Assert.Equal("1: {\"a\":1}\n2: {\"b\":2}\n3: {\"c\":3}", Lines(records));
    }

    [Theory]
    [MemberData(nameof(Chunks))]
    public void Blank_and_whitespace_lines_are_skipped_but_counted(int chunk)
    {
        var records = Framing.Frame("\n\n{\"a\":1}\n   \n\t\n{\"b\":2}\n\n", chunk);

        Assert.Equal("3: {\"a\":1}\n6: {\"b\":2}", Lines(records));
    }

    [Theory]
    [MemberData(nameof(Chunks))]
    public void Crlf_line_ends_are_stripped(int chunk)
    {
        var records = Framing.Frame("{\"a\":1}\r\n\r\n{\"b\":2}\r\n", chunk);

        Assert.Equal("1: {\"a\":1}\n3: {\"b\":2}", Lines(records));
    }

    [Theory]
    [MemberData(nameof(Chunks))]
    public void A_last_record_without_newline_is_delivered(int chunk)
    {
        var records = Framing.Frame("{\"a\":1}\n{\"b\":2}", chunk);

        Assert.Equal("1: {\"a\":1}\n2: {\"b\":2}", Lines(records));
    }

    [Theory]
    [MemberData(nameof(Chunks))]
    public void A_utf8_byte_order_mark_at_the_start_is_skipped(int chunk)
    {
        byte[] input = [0xEF, 0xBB, 0xBF, .. "{\"a\":1}\n"u8];

        var records = Framing.Frame(input, chunk, 1 << 20, out _);

        Assert.Equal("1: {\"a\":1}", Lines(records));
    }

    [Theory]
    [MemberData(nameof(Chunks))]
    public void Pretty_printed_xml_events_span_lines_and_start_where_their_tag_is(int chunk)
    {
        string input =
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n" +   // 1
            "<Events>\n" +                                       // 2
            "  <Event xmlns=\"x\">\n" +                          // 3
            "    <System><EventID>3</EventID></System>\n" +      // 4
            "    <EventData><Data Name=\"a\">1</Data></EventData>\n" +
            "  </Event>\n" +                                     // 6
            "  <!-- a comment\n between events -->\n" +          // 7-8
            "  <Event xmlns=\"x\">\r\n" +                        // 9
            "    <System><EventID>1</EventID></System>\r\n" +
            "  </Event >\r\n" +                                  // 11
            "</Events>\n";

        var records = Framing.Frame(input, chunk);

        Assert.Equal(2, records.Count);
        Assert.Equal(3, records[0].Line);
        Assert.StartsWith("<Event xmlns=\"x\">\n", records[0].Text);
        Assert.EndsWith("</EventData>\n  </Event>", records[0].Text);
        Assert.Equal(9, records[1].Line);
        Assert.EndsWith("</Event >", records[1].Text);
    }

    [Theory]
    [MemberData(nameof(Chunks))]
    public void One_xml_event_per_line_and_several_on_one_line(int chunk)
    {
        string input =
            "<Event><System><EventID>3</EventID></System><EventData></EventData></Event>\n" +
            "<Events><Event><EventRecordID>1</EventRecordID></Event><Event a='1'/><Event>x</Event></Events>\n" +
            "<Event>\n</Event>\n";

        var records = Framing.Frame(input, chunk);

        Assert.Equal(
            "1: <Event><System><EventID>3</EventID></System><EventData></EventData></Event>\n" +
            "2: <Event><EventRecordID>1</EventRecordID></Event>\n" +
            "2: <Event a='1'/>\n" +
            "2: <Event>x</Event>\n" +
            "3: <Event>\n</Event>",
            Lines(records));
    }

    [Theory]
    [MemberData(nameof(Chunks))]
    public void Json_and_xml_records_mix_in_one_stream(int chunk)
    {
        var records = Framing.Frame("{\"a\":1}\n<Event>\n<x/>\n</Event>\n{\"b\":2}\nnot a record\n", chunk);

        Assert.Equal("1: {\"a\":1}\n2: <Event>\n<x/>\n</Event>\n5: {\"b\":2}\n6: not a record", Lines(records));
    }

    [Theory]
    [MemberData(nameof(Chunks))]
    public void An_xml_event_cut_short_ends_where_the_next_event_starts(int chunk)
    {
        string input =
            "<Event>\n<System><EventID>3</EventID>\n" +                                  // 1-2: cut short
            "<Event xmlns=\"x\">\n<EventData><Data>1</Data></EventData>\n</Event>\n" +  // 3-5
            "{\"a\":1}\n";                                                               // 6

        var records = Framing.Frame(input, chunk);

        Assert.Equal(
            "1: <Event>\n<System><EventID>3</EventID>\n\n" +
            "3: <Event xmlns=\"x\">\n<EventData><Data>1</Data></EventData>\n</Event>\n" +
            "6: {\"a\":1}",
            Lines(records));
    }

    [Theory]
    [MemberData(nameof(Chunks))]
    public void An_unterminated_xml_event_at_the_end_is_handed_over_for_the_reader_to_reject(int chunk)
    {
        var records = Framing.Frame("{\"a\":1}\n<Event>\n<System>\n", chunk);

        Assert.Equal("1: {\"a\":1}\n2: <Event>\n<System>\n", Lines(records));
    }

    [Theory]
    [MemberData(nameof(Chunks))]
    public void An_oversize_line_is_reported_at_its_line_without_being_buffered(int chunk)
    {
        const int max = 256;
        string big = "{\"pad\":\"" + new string('x', 10_000) + "\"}";
        byte[] input = Encoding.UTF8.GetBytes("{\"a\":1}\n" + big + "\r\n{\"b\":2}\n");

        var records = Framing.Frame(input, chunk, max, out long largestBuffered);

        Assert.Equal("1: {\"a\":1}\n2: <oversize>\n3: {\"b\":2}", Lines(records));
        Assert.True(largestBuffered <= max + (2 * Math.Max(chunk, 4096)), $"buffered {largestBuffered} bytes");
    }

    [Theory]
    [MemberData(nameof(Chunks))]
    public void An_oversize_multiline_xml_event_is_reported_and_the_lines_after_it_stay_right(int chunk)
    {
        const int max = 256;
        var big = new StringBuilder("<Event>\n");
        for (int i = 0; i < 200; i++)
        {
            big.Append("<Data Name=\"n\">value</Data>\n");
        }

        big.Append("</Event>\n");
        byte[] input = Encoding.UTF8.GetBytes("{\"a\":1}\n" + big + "{\"b\":2}\n");

        var records = Framing.Frame(input, chunk, max, out long largestBuffered);

        // Line 2 opens the event, 3-202 are its data, 203 closes it.
        Assert.Equal("1: {\"a\":1}\n2: <oversize>\n204: {\"b\":2}", Lines(records));
        Assert.True(largestBuffered <= max + (2 * Math.Max(chunk, 4096)), $"buffered {largestBuffered} bytes");
    }

    [Theory]
    [MemberData(nameof(Chunks))]
    public void Pretty_printed_json_objects_span_lines_up_to_their_closing_brace(int chunk)
    {
        string input =
            "Record 7\n" +                                             // 1: evtx_dump's separator
            "{\n" +                                                    // 2
            "  \"Event\": {\n" +
            "    \"Data\": \"a } and a { and \\\" quote\",\n" +     // braces and an escaped quote in a string
            "    \"Empty\": {}\n" +
            "  }\n" +
            "}\r\n" +                                                  // 7
            "Record 8\r\n" +                                          // 8
            "{\n\"b\": [1, {\"c\": 2}]\n}\n" +                         // 9-11
            "{\"compact\": 1}\n" +                                     // 12
            "{ \"spaced\": 1 }\n";                                     // 13

        var records = Framing.Frame(input, chunk);

        Assert.Equal(
            "2: {\n  \"Event\": {\n    \"Data\": \"a } and a { and \\\" quote\",\n    \"Empty\": {}\n  }\n}\n" +
            "9: {\n\"b\": [1, {\"c\": 2}]\n}\n" +
            "12: {\"compact\": 1}\n" +
            "13: { \"spaced\": 1 }",
            Lines(records));
    }

    [Theory]
    [MemberData(nameof(Chunks))]
    public void A_json_array_of_pretty_printed_objects_yields_its_elements(int chunk)
    {
        string input =
            "[\r\n" +                       // 1, as ConvertTo-Json writes it
            "    {\r\n" +                   // 2
            "        \"Id\":  3\r\n" +
            "    },\r\n" +
            "    {\r\n" +                   // 5
            "        \"Id\":  1\r\n" +
            "    }\r\n" +
            "]\r\n" +
            "[1, 2]\n";                     // 9: not furniture: a record (the reader rejects it)

        var records = Framing.Frame(input, chunk);

        Assert.Equal(
            "2: {\r\n        \"Id\":  3\r\n    }\n" +
            "5: {\r\n        \"Id\":  1\r\n    }\n" +
            "9: [1, 2]",
            Lines(records));
    }

    [Theory]
    [MemberData(nameof(Chunks))]
    public void Lines_that_only_look_like_separators_are_records(int chunk)
    {
        var records = Framing.Frame("Record\nRecord 12 of 40\nRecords 3\n{\n\"unclosed\": 1\n", chunk);

        Assert.Equal("1: Record\n2: Record 12 of 40\n3: Records 3\n4: {\n\"unclosed\": 1\n", Lines(records));
    }

    [Theory]
    [MemberData(nameof(Chunks))]
    public void An_oversize_pretty_printed_json_object_is_reported_and_skipped_to_its_end(int chunk)
    {
        const int max = 256;
        var big = new StringBuilder("{\n");
        for (int i = 0; i < 100; i++)
        {
            big.Append("  \"k").Append(i).Append("\": {\"v\": \"}\"},\n");
        }

        big.Append("  \"last\": 0\n}\n");
        byte[] input = Encoding.UTF8.GetBytes(big + "{\"b\":2}\n");

        var records = Framing.Frame(input, chunk, max, out long largestBuffered);

        Assert.Equal("1: <oversize>\n104: {\"b\":2}", Lines(records));
        Assert.True(largestBuffered <= max + (2 * Math.Max(chunk, 4096)), $"buffered {largestBuffered} bytes");
    }

    [Fact]
    public void A_record_of_exactly_the_maximum_is_accepted_and_one_byte_more_is_not()
    {
        const int max = 64;
        string exact = "{\"p\":\"" + new string('x', max - 8) + "\"}";
        string over = "{\"p\":\"" + new string('x', max - 7) + "\"}";

        var records = Framing.Frame(Encoding.UTF8.GetBytes(exact + "\n" + over + "\n"), 4096, max, out _);

        Assert.Equal($"1: {exact}\n2: <oversize>", Lines(records));
    }

    [Theory]
    [MemberData(nameof(Chunks))]
    public void Gzip_input_is_detected_by_its_magic_bytes(int chunk)
    {
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write("{\"a\":1}\n\n<Event>\n</Event>\n"u8);
        }

        var records = Framing.Frame(compressed.ToArray(), chunk, 1 << 20, out _);

        Assert.Equal("1: {\"a\":1}\n3: <Event>\n</Event>", Lines(records));
    }

    [Fact]
    public void Empty_input_yields_nothing()
    {
        Assert.Empty(Framing.Frame("", 1));
        Assert.Empty(Framing.Frame("\n\r\n  \n", 1));
    }
}
