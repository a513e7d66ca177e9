using System.CommandLine;

namespace NonStdPort.Cli.Commands;

/// <summary>`nonstdport score`.</summary>
internal static class ScoreCommand
{
    public static Command Create()
    {
        var command = new Command("score", "Not implemented yet.");
        command.SetAction(_ => 2);
        return command;
    }
}
