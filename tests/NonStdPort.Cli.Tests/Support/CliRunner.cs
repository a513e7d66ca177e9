using System.Text;
using NonStdPort.Cli.Files;

namespace NonStdPort.Cli.Tests.Support;

/// <summary>What one CLI run printed and returned.</summary>
internal sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>Stdout split into lines (alerts are one per line).</summary>
    public string[] StdoutLines => Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Stderr split into lines.</summary>
    public string[] StderrLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

/// <summary>Runs the CLI in-process through its entry point with redirected standard streams.</summary>
internal static class CliRunner
{
    public static CliResult Run(params string[] args) => Run(args, stdin: []);

    public static CliResult Run(string[] args, byte[] stdin)
    {
        StandardStreams streams = Streams(stdin, out MemoryStream output, out StringWriter outputText, out StringWriter error);
        int code = Program.Run(args, streams);
        return Result(code, output, outputText, error);
    }

    /// <summary>Runs the file pipeline over a stand-in scorer, to test it apart from the engine.</summary>
    public static CliResult RunPipeline(ScoreSettings settings, IRecordScorer scorer, byte[]? stdin = null)
    {
        StandardStreams streams = Streams(stdin ?? [], out MemoryStream output, out StringWriter outputText, out StringWriter error);
        int code = new ScoreRun(settings, scorer, streams).RunAsync(CancellationToken.None).GetAwaiter().GetResult();
        return Result(code, output, outputText, error);
    }

    private static StandardStreams Streams(byte[] stdin, out MemoryStream output, out StringWriter outputText, out StringWriter error)
    {
        output = new MemoryStream();
        outputText = new StringWriter { NewLine = "\n" };
        error = new StringWriter { NewLine = "\n" };
        return new StandardStreams(() => new MemoryStream(stdin, writable: false), output, outputText, error);
    }

    private static CliResult Result(int code, MemoryStream output, StringWriter outputText, StringWriter error) =>
        new(code, Encoding.UTF8.GetString(output.ToArray()) + outputText, error.ToString());
}

/// <summary>A temporary directory removed when the test ends.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "nonstdport-" + Guid.NewGuid().ToString("N"));

    public string File(string name, string content)
    {
        string path = System.IO.Path.Combine(Path, name);
        System.IO.File.WriteAllText(path, content);
        return path;
    }

    public string File(string name, byte[] content)
    {
        string path = System.IO.Path.Combine(Path, name);
        System.IO.File.WriteAllBytes(path, content);
        return path;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
