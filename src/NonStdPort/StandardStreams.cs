using System.Text;

namespace NonStdPort.Cli;

/// <summary>
/// The process's standard streams, passed to commands so they can be run in-process with
/// redirected streams. <see cref="Output"/> is binary (alerts are UTF-8 bytes);
/// <see cref="OutputText"/> is for text such as help; <see cref="Error"/> for diagnostics.
/// </summary>
internal sealed record StandardStreams(Func<Stream> OpenInput, Stream Output, TextWriter OutputText, TextWriter Error)
{
    /// <summary>The console's streams; stderr is buffered and flushed by the caller.</summary>
    public static StandardStreams FromConsole()
    {
        Stream output = Console.OpenStandardOutput();
        var error = new StreamWriter(Console.OpenStandardError(), new UTF8Encoding(false), 16 * 1024) { AutoFlush = false };
        return new StandardStreams(Console.OpenStandardInput, output, Console.Out, error);
    }
}
