using NonStdPort.Cli.Tests.Support;

namespace NonStdPort.Cli.Tests.Files;

/// <summary>A record that never closes is reported once and costs no later record, however the stream is cut.</summary>
public sealed class RecordFramerResyncTests
{
    private static readonly string Oversize = new('x', 200);

    public static TheoryData<string, string, int> Damage => new()
    {
        // input, what the framer hands out (records joined by " | "), chunk
        { "{\n{\"a\":1}\n{\"b\":2}\n", "1: {\n | 2: {\"a\":1} | 3: {\"b\":2}", 1 },
        { "{\n{\"a\":1}\n{\"b\":2}\n", "1: {\n | 2: {\"a\":1} | 3: {\"b\":2}", 4096 },
        { "{\n  \"a\": 1,\n<Event>b</Event>\n", "1: {\n  \"a\": 1,\n | 3: <Event>b</Event>", 3 },
        { "<Event>\n{\"a\":1}\n{\"b\":2}\n", "1: <Event>\n | 2: {\"a\":1} | 3: {\"b\":2}", 1 },
        { "<Event>\n{\"a\":1}\n{\"b\":2}\n", "1: <Event>\n | 2: {\"a\":1} | 3: {\"b\":2}", 4096 },
        { "<Event>" + Oversize + "\n<Event>b</Event>\n", "1: <oversize> | 2: <Event>b</Event>", 1 },
        { "<Event>" + Oversize + "\n<Event>b</Event>\n", "1: <oversize> | 2: <Event>b</Event>", 16 },
        { "<Event>" + Oversize + "\n<Event>b</Event>\n", "1: <oversize> | 2: <Event>b</Event>", 4096 },
        { "<Event>" + Oversize + "\n{\"a\":1}\n", "1: <oversize> | 2: {\"a\":1}", 7 },
        { "<Event>" + Oversize + "\n{\"a\":1}\n", "1: <oversize> | 2: {\"a\":1}", 4096 },
        { "{\n\"k\": \"" + Oversize + "\",\n{\"a\":1}\n", "1: <oversize> | 3: {\"a\":1}", 5 },
        { "{\n\"k\": \"" + Oversize + "\",\n{\"a\":1}\n", "1: <oversize> | 3: {\"a\":1}", 4096 },
        { "{\n\"k\": \"" + Oversize + "\"\n}\n{\"a\":1}\n", "1: <oversize> | 4: {\"a\":1}", 1 },
        { "{\n\"k\": \"" + Oversize + "\"\n}\n{\"a\":1}\n", "1: <oversize> | 4: {\"a\":1}", 4096 },
        { "{\n\"k\": \"" + Oversize + "\",\n<Event/>\n{\"a\":1}\n", "1: <oversize> | 3: <Event/> | 4: {\"a\":1}", 1 },
        { "{\n\"k\": \"" + Oversize + "\",\n<Event/>\n{\"a\":1}\n", "1: <oversize> | 3: <Event/> | 4: {\"a\":1}", 4096 },
    };

    [Theory]
    [MemberData(nameof(Damage))]
    public void An_unclosed_or_oversize_record_ends_where_the_next_line_starts_a_record(string input, string expected, int chunk)
    {
        var records = Framing.Frame(input, chunk, maxRecordBytes: 64);

        Assert.Equal(expected, string.Join(" | ", records));
    }
}
