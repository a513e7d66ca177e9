namespace NonStdPort.Cli.Configuration;

/// <summary>Exit codes of <c>run</c> and <c>broker</c>.</summary>
internal static class KafkaExitCodes
{
    /// <summary>Stopped normally (including on SIGINT/SIGTERM after a clean drain).</summary>
    public const int Ok = 0;

    /// <summary>The pipeline failed (a broker or delivery error it cannot recover from).</summary>
    public const int Failed = 1;

    /// <summary>Bad options or configuration.</summary>
    public const int Usage = 2;

    /// <summary>
    /// Stopped on SIGINT/SIGTERM, but the drain, flush or final commit did not complete within the
    /// shutdown timeout (or a second signal cut it short); uncommitted records are read again.
    /// </summary>
    public const int ShutdownIncomplete = 3;

    /// <summary>The exit-code table as shown in the help of <c>run</c> and <c>broker</c>.</summary>
    public const string HelpText =
        "Exit codes:\n" +
        "  0  stopped normally, including on SIGINT/SIGTERM after a clean drain\n" +
        "  1  failed: a broker or delivery error it cannot recover from\n" +
        "  2  usage error: bad options, settings or rules file\n" +
        "  3  stopped on a signal, but the drain, flush or final commit did not complete within --shutdown-timeout\n" +
        "     (or a second signal cut it short); uncommitted records are read again";
}
