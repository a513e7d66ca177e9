using System.Text;
using NonStdPort.Kafka.Pipeline;

namespace NonStdPort.Kafka.Tests.Units;

/// <summary>How one Kafka message is cut into records.</summary>
public sealed class MessageFramerTests
{
    [Theory]
    [InlineData("{\"a\":1}", new[] { "{\"a\":1}" })]
    [InlineData("{\"a\":1}\n", new[] { "{\"a\":1}" })]
    [InlineData("{\"a\":1}\n{\"b\":2}", new[] { "{\"a\":1}", "{\"b\":2}" })]
    [InlineData("{\"a\":1}\r\n{\"b\":2}\r\n", new[] { "{\"a\":1}", "{\"b\":2}" })]
    [InlineData("\n\n  {\"a\":1}\n\n\t\n{\"b\":2}\n\n", new[] { "{\"a\":1}", "{\"b\":2}" })]
    [InlineData("", new string[0])]
    [InlineData(" \r\n\t", new string[0])]
    [InlineData("<Event><System/>\n  <EventData/>\n</Event>", new[] { "<Event><System/>\n  <EventData/>\n</Event>" })]
    [InlineData("<Event>a</Event>\n<Event>b</Event>\n", new[] { "<Event>a</Event>", "<Event>b</Event>" })]
    [InlineData("<Event>truncated", new[] { "<Event>truncated" })]
    [InlineData("not json\n{\"a\":1}", new[] { "not json", "{\"a\":1}" })]
    [InlineData("{\n  \"a\": {\n    \"b\": 1\n  }\n}\n", new[] { "{\n  \"a\": {\n    \"b\": 1\n  }\n}" })]
    [InlineData("{\"a\":1}  \n{\n \"b\": 2\n}", new[] { "{\"a\":1}", "{\n \"b\": 2\n}" })]
    public void A_message_holds_one_record_per_line_or_one_xml_event_spanning_lines(string message, string[] records)
    {
        var found = new List<string>();
        var framer = new MessageFramer(Encoding.UTF8.GetBytes(message));
        while (framer.Next(out var record))
        {
            found.Add(Encoding.UTF8.GetString(record));
        }

        Assert.Equal(records, found);
    }
}
