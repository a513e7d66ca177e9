using System.CommandLine;

namespace NonStdPort.Cli.Commands;

/// <summary>`nonstdport run`.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var command = new Command("run", "Not implemented yet.");
        command.SetAction(_ => 2);
        return command;
    }
}
