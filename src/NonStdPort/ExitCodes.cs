namespace NonStdPort.Cli;

/// <summary>Process exit codes, the same for every command and documented in <c>--help</c>.</summary>
internal static class ExitCodes
{
    /// <summary>Every input was read and every record in it was well-formed.</summary>
    public const int Ok = 0;

    /// <summary>Every input was read, but some records were malformed (each reported on stderr).</summary>
    public const int SomeMalformed = 1;

    /// <summary>Bad command line, or an input or output could not be opened, read or written.</summary>
    public const int UsageOrIo = 2;

    /// <summary>The exit-code table as shown in help texts.</summary>
    public const string HelpText =
        "Exit codes:\n" +
        "  0  every record was read\n" +
        "  1  some records were malformed (each one reported on stderr as FILE:LINE: reason); the rest were processed\n" +
        "  2  usage error, or an input/output could not be opened, read or written";
}
