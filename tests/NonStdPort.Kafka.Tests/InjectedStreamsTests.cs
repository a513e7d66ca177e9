using System.Text;
using NonStdPort.Cli;
using NonStdPort.Kafka.Tests.Support;

namespace NonStdPort.Kafka.Tests;

/// <summary><c>run</c> and <c>broker</c> read and write the streams they are given, as <c>score</c> does, so they run in-process.</summary>
public sealed class InjectedStreamsTests
{
    [Theory]
    [InlineData("--brokers must be at least 1", "broker", "--brokers", "0")]
    [InlineData("is not NAME:PARTITIONS", "broker", "--topic", "sysmon")]
    [InlineData("No such configuration property", "run", "-b", "127.0.0.1:9", "-X", "no.such.setting=1")]
    [InlineData("shutdown timeout", "run", "-b", "127.0.0.1:9", "--shutdown-timeout", "0")]
    public void Errors_of_run_and_broker_go_to_the_injected_error_stream(string message, params string[] args)
    {
        var (streams, stdout, error) = Streams();

        int code = Program.Run(args, streams);

        Assert.Equal(ExitCodes.UsageOrIo, code);
        Assert.Contains(message, error.ToString());
        Assert.Equal(0, stdout.Length);
    }

    [Fact]
    public void The_embedded_demo_writes_its_alerts_to_the_injected_output_stream_as_score_does()
    {
        string sample = Path.Combine(Repository.Samples, "sysmon-flat.ndjson");
        var (scoreStreams, scoreOut, _) = Streams();
        Assert.Equal(ExitCodes.Ok, Program.Run(["score", sample], scoreStreams));
        var (runStreams, runOut, runError) = Streams();

        int code = Program.Run(["run", "--replay", sample, "--stats-interval", "0"], runStreams);

        Assert.True(code == ExitCodes.Ok, $"exit {code}; stderr:\n{runError}");
        Assert.Contains("embedded mock broker", runError.ToString());
        int expected = Lines(scoreOut), actual = Lines(runOut);
        Assert.True(expected > 0);
        Assert.Equal(expected, actual);
    }

    private static int Lines(MemoryStream stream) =>
        Encoding.UTF8.GetString(stream.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;

    private static (StandardStreams Streams, MemoryStream Stdout, StringWriter Error) Streams()
    {
        var stdout = new MemoryStream();
        var error = new StringWriter();
        var streams = new StandardStreams(() => Stream.Null, stdout, new StringWriter(), TextWriter.Synchronized(error));
        return (streams, stdout, error);
    }
}
