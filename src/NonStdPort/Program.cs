using System.CommandLine;
using NonStdPort.Cli.Commands;

namespace NonStdPort.Cli;

internal static class Program
{
    private static int Main(string[] args)
    {
        StandardStreams streams = StandardStreams.FromConsole();
        try
        {
            return Run(args, streams);
        }
        finally
        {
            streams.Error.Flush();
        }
    }

    /// <summary>Parses and runs a command line against the given streams (tests run the CLI in-process through this).</summary>
    internal static int Run(string[] args, StandardStreams streams)
    {
        var root = new RootCommand(
            "NonStdPort scores Sysmon network-connection records for command-and-control traffic on " +
            "non-standard ports (MITRE ATT&CK T1571) and writes one JSON alert per hit.");
        root.Subcommands.Add(ScoreCommand.Create(streams));
        root.Subcommands.Add(RulesCommand.Create());
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(BrokerCommand.Create());

        ParseResult parsed = root.Parse(args);
        int code = parsed.Invoke(new InvocationConfiguration { Output = streams.OutputText, Error = streams.Error });

        // A command line that does not parse is a usage error, whatever the parser's own default code.
        return parsed.Errors.Count > 0 ? ExitCodes.UsageOrIo : code;
    }
}
