using System.Text;
using Microsoft.Win32.SafeHandles;

namespace NonStdPort.Cli;

/// <summary>
/// The process's standard streams, passed to commands so they can be run in-process with
/// redirected streams. <see cref="Output"/> is binary (alerts are UTF-8 bytes);
/// <see cref="OutputText"/> is for text such as help; <see cref="Error"/> for diagnostics.
/// </summary>
internal sealed record StandardStreams(Func<Stream> OpenInput, Stream Output, TextWriter OutputText, TextWriter Error)
{
    /// <summary>True when stdin is an interactive terminal rather than a pipe or file.</summary>
    public bool InputIsTerminal { get; init; }

    /// <summary>The console's streams; stderr is buffered and flushed by the caller.</summary>
    public static StandardStreams FromConsole()
    {
        Stream output = OpenStandardOutput();
        var error = new StreamWriter(Console.OpenStandardError(), new UTF8Encoding(false), 16 * 1024) { AutoFlush = false };
        return new StandardStreams(Console.OpenStandardInput, output, Console.Out, error) { InputIsTerminal = !Console.IsInputRedirected };
    }

    /// <summary>
    /// Stdout as a stream. When it is a pipe or terminal on Unix, fd 1 is wrapped in a FileStream: the
    /// console stream swallows EPIPE, so a run piped into <c>head</c> would read its whole input for
    /// nothing, while a FileStream reports the closed pipe. A regular file keeps the console stream,
    /// which writes at the shared file offset (a FileStream would write at its own position and
    /// clash with other writers of the same redirect).
    /// </summary>
    private static Stream OpenStandardOutput()
    {
        if (!OperatingSystem.IsWindows())
        {
            var direct = new FileStream(new SafeFileHandle(1, ownsHandle: false), FileAccess.Write, bufferSize: 0);
            if (!direct.CanSeek)
            {
                return direct;
            }

            direct.Dispose();
        }

        return Console.OpenStandardOutput();
    }
}
