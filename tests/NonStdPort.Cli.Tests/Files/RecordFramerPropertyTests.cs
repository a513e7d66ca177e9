using System.Text;
using NonStdPort.Cli.Tests.Support;
using NonStdPort.Core.Frame;

namespace NonStdPort.Cli.Tests.Files;

/// <summary>
/// Framing does not depend on how the stream is cut: random streams built from the tokens that
/// matter to the framer give the same records at the same lines whatever the segment size.
/// </summary>
public sealed class RecordFramerPropertyTests
{
    private static readonly string[] Tokens =
    [
        "{", "}", "\"", "\\", "\n", "\r\n", " ", "x", "{\n", "}\n", "{\"a\":1}\n",
        "<Event>", "<Event a='1'>", "</Event>", "</Event >", "<EventData>", "</EventData>", "<Event/>",
        "<Events>", "</Events>", "<?xml version=\"1.0\"?>", "<!-- c -->", "Record 12\n", "<", "[\n", "]\n", ",",
    ];

    [Fact]
    public void Any_stream_frames_the_same_whatever_the_segment_size()
    {
        for (int seed = 1; seed <= 500; seed++)
        {
            FramesTheSameWhateverTheSegmentSize(seed);
        }
    }

    private static void FramesTheSameWhateverTheSegmentSize(int seed)
    {
        var random = new Random(seed);
        var text = new StringBuilder();
        int tokens = random.Next(1, 400);
        for (int i = 0; i < tokens; i++)
        {
            text.Append(Tokens[random.Next(Tokens.Length)]);
        }

        byte[] input = Encoding.UTF8.GetBytes(text.ToString());
        int max = random.Next(64, 2048);

        string whole = string.Join("\n", Framing.Frame(input, 1 << 16, max, out _));
        foreach (int chunk in new[] { 1, 2, 3, 7, 64 })
        {
            string cut = string.Join("\n", Framing.Frame(input, chunk, max, out _));
            Assert.True(whole == cut, $"seed {seed}, segments of {chunk} bytes, max {max}:\n{whole}\n---\n{cut}");
        }
    }
}
