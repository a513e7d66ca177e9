using System.CommandLine;

namespace NonStdPort.Cli.Commands;

/// <summary>`nonstdport broker`.</summary>
internal static class BrokerCommand
{
    public static Command Create()
    {
        var command = new Command("broker", "Not implemented yet.");
        command.SetAction(_ => 2);
        return command;
    }
}
