using System.CommandLine;
using System.CommandLine.Invocation;
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
        ParseResult parsed = CreateRoot(streams).Parse(args);
        List<string> unknown = UnknownOptions.Find(parsed);
        if (unknown.Count > 0)
        {
            foreach (string message in unknown)
            {
                streams.Error.WriteLine(message);
            }

            streams.Error.WriteLine($"Run '{HelpCommandFor(parsed)} --help' for usage.");
            return ExitCodes.UsageOrIo;
        }

        if (parsed.Action is ParseErrorAction parseError)
        {
            // Keep stdout for data: the errors go to stderr with a pointer to the help, not the whole help text.
            parseError.ShowHelp = false;
            parsed.Invoke(new InvocationConfiguration { Output = streams.OutputText, Error = streams.Error });
            streams.Error.WriteLine($"Run '{HelpCommandFor(parsed)} --help' for usage.");
            return ExitCodes.UsageOrIo;
        }

        return parsed.Invoke(new InvocationConfiguration { Output = streams.OutputText, Error = streams.Error });
    }

    /// <summary>The command tree.</summary>
    internal static RootCommand CreateRoot(StandardStreams streams)
    {
        var root = new RootCommand(
            "NonStdPort scores Sysmon network-connection records for command-and-control traffic on " +
            "non-standard ports (MITRE ATT&CK T1571) and writes one JSON alert per hit.");
        root.Subcommands.Add(ScoreCommand.Create(streams));
        root.Subcommands.Add(RulesCommand.Create());
        root.Subcommands.Add(RunCommand.Create(streams));
        root.Subcommands.Add(BrokerCommand.Create(streams));
        return root;
    }

    private static string HelpCommandFor(ParseResult parsed)
    {
        var names = new List<string>();
        for (var result = parsed.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
        {
            names.Insert(0, result.Command is RootCommand ? "nonstdport" : result.Command.Name);
        }

        return string.Join(' ', names);
    }
}
