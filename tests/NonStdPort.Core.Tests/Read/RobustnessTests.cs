using System.Text;
using NonStdPort.Core.Read;

namespace NonStdPort.Core.Tests.Read;

/// <summary>
/// Spec: truncated records and random byte flips give a clean malformed result or a valid read,
/// never an exception or a hang; and the reader accepts nothing a conforming parser rejects.
/// </summary>
public sealed class RobustnessTests
{
    private static readonly TimeSpan HangLimit = TimeSpan.FromMinutes(2);

    [Theory]
    [MemberData(nameof(Samples.Names), MemberType = typeof(Samples))]
    public void Every_proper_prefix_of_a_record_is_malformed(string sample)
    {
        byte[] record = Encoding.UTF8.GetBytes(Samples.All[sample]);
        var reader = new RecordReader();

        WithinHangLimit(() =>
        {
            for (int length = 0; length < record.Length; length++)
            {
                var outcome = ReadOutcome.Of(record[..length], reader);
                Assert.False(outcome.IsOk, $"prefix of {length} bytes was read: {outcome}");
            }
        });

        Assert.True(ReadOutcome.Of(record, reader).IsOk);
    }

    [Theory]
    [MemberData(nameof(Samples.Names), MemberType = typeof(Samples))]
    public void Random_byte_flips_never_throw_and_never_read_what_a_conforming_parser_rejects(string sample)
    {
        byte[] original = Encoding.UTF8.GetBytes(Samples.All[sample]);
        var random = new Random(20_240_301 + sample.Length);
        var reader = new RecordReader();
        byte[] alphabet = "\"\\{}[]:,<>/&;#!?-=' \r\n\tux0123456789aeEtrfnl"u8.ToArray();
        int read = 0, malformed = 0;

        WithinHangLimit(() =>
        {
            for (int trial = 0; trial < 3000; trial++)
            {
                byte[] mutated = (byte[])original.Clone();
                int flips = 1 + random.Next(3);
                for (int i = 0; i < flips; i++)
                {
                    int at = random.Next(mutated.Length);
                    mutated[at] = random.Next(4) == 0 ? (byte)random.Next(256) : alphabet[random.Next(alphabet.Length)];
                }

                var outcome = ReadOutcome.Of(mutated, reader);
                bool reference = ReferenceParsers.Accepts(mutated);
                string shown = Encoding.UTF8.GetString(mutated);
                if (outcome.IsOk)
                {
                    read++;
                    Assert.True(reference, $"read a record the reference parser rejects: {shown}");
                }
                else
                {
                    malformed++;
                    if (reference)
                    {
                        Assert.DoesNotContain(outcome.Reason, new[] { MalformedReason.InvalidJson, MalformedReason.InvalidXml, MalformedReason.InvalidUtf8 });
                    }
                }
            }
        });

        Assert.True(read > 0 && malformed > 0, $"{read} read, {malformed} malformed: the mutations should produce both");
    }

    [Fact]
    public void Random_bytes_never_throw()
    {
        var random = new Random(7);
        var reader = new RecordReader();
        WithinHangLimit(() =>
        {
            for (int trial = 0; trial < 20_000; trial++)
            {
                byte[] bytes = new byte[random.Next(1, 64)];
                random.NextBytes(bytes);
                bytes[0] = (byte)"{<"[trial % 2];
                Assert.False(ReadOutcome.Of(bytes, reader).IsOk && !ReferenceParsers.Accepts(bytes));
            }
        });
    }

    private static void WithinHangLimit(Action action)
    {
        var task = Task.Run(action);
        Assert.True(task.Wait(HangLimit), "the reader did not finish: a hang");
        task.GetAwaiter().GetResult();
    }
}
