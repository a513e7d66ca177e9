using System.CommandLine;
using NonStdPort.Cli.Commands;

namespace NonStdPort.Cli;

internal static class Program
{
    private static int Main(string[] args)
    {
        var root = new RootCommand(
            "NonStdPort scores Sysmon network-connection records for command-and-control traffic on " +
            "non-standard ports (MITRE ATT&CK T1571) and writes one JSON alert per hit.");
        root.Subcommands.Add(ScoreCommand.Create());
        root.Subcommands.Add(RulesCommand.Create());
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(BrokerCommand.Create());
        return root.Parse(args).Invoke();
    }
}
