namespace NonStdPort.Cli;

/// <summary>
/// Process exit codes: one table for every command, documented in <c>--help</c>. A code keeps
/// one meaning everywhere; a command uses the rows that apply to it.
/// </summary>
internal static class ExitCodes
{
    /// <summary>Done: every input read and every record well-formed (<c>score</c>), or stopped normally, including on SIGINT/SIGTERM after a clean drain (<c>run</c>, <c>broker</c>).</summary>
    public const int Ok = 0;

    /// <summary><c>score</c>: every input was read, but some records were malformed (each reported on stderr).</summary>
    public const int SomeMalformed = 1;

    /// <summary><c>run</c>: the pipeline failed (a broker or delivery error it cannot recover from, no broker reachable).</summary>
    public const int Failed = 1;

    /// <summary>Bad command line, settings or rules file, or an input or output could not be opened, read or written.</summary>
    public const int UsageOrIo = 2;

    /// <summary>
    /// <c>run</c>: stopped on SIGINT/SIGTERM, but the drain, flush or final commit did not complete
    /// within the shutdown timeout (or a second signal cut it short); uncommitted records are read again.
    /// </summary>
    public const int ShutdownIncomplete = 3;

    /// <summary>The exit-code table as shown in help texts.</summary>
    public const string HelpText =
        "Exit codes:\n" +
        "  0  done: every record was read (score); stopped normally, including on SIGINT/SIGTERM after a clean\n" +
        "     drain (run, broker)\n" +
        "  1  score: some records were malformed (each one reported on stderr as FILE:LINE: reason), the rest\n" +
        "     were processed; run: failed, a broker or delivery error it cannot recover from\n" +
        "  2  usage error (bad options, settings or rules file), or an input/output could not be opened, read or\n" +
        "     written\n" +
        "  3  run: stopped on a signal, but the drain, flush or final commit did not complete within\n" +
        "     --shutdown-timeout (or a second signal cut it short); uncommitted records are read again";
}
