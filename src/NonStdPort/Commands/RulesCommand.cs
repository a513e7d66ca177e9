using System.CommandLine;

namespace NonStdPort.Cli.Commands;

/// <summary>`nonstdport rules`.</summary>
internal static class RulesCommand
{
    public static Command Create()
    {
        var command = new Command("rules", "Not implemented yet.");
        command.SetAction(_ => 2);
        return command;
    }
}
