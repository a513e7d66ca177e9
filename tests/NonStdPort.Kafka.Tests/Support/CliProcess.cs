using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace NonStdPort.Kafka.Tests.Support;

/// <summary>The <c>nonstdport</c> CLI running as a child process, its output captured.</summary>
internal sealed partial class CliProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private CliProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Append(_stdout, e.Data);
        _process.ErrorDataReceived += (_, e) => Append(_stderr, e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Stdout
    {
        get
        {
            lock (_stdout)
            {
                return _stdout.ToString();
            }
        }
    }

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>Starts <c>nonstdport ARGS</c> (the build next to the tests) in the repository root.</summary>
    public static CliProcess Start(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Repository.Root,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "nonstdport.dll"));
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // The child must not pick up settings meant for the tests.
        info.Environment.Remove("KAFKA_BOOTSTRAP_SERVERS");
        // Nor the settings variables a settings test may have set for a moment in this process.
        foreach (string name in info.Environment.Keys.Where(k => k.StartsWith("NONSTDPORT_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(name);
        }
        return new CliProcess(Process.Start(info)!);
    }

    /// <summary>
    /// Starts <c>nonstdport ARGS</c> with its stderr a pipe whose reader has already gone (as when
    /// the log collector died): every write to stderr fails.
    /// </summary>
    public static CliProcess StartWithStderrClosed(params string[] args)
    {
        var info = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Repository.Root,
        };
        info.ArgumentList.Add("-c");
        // The reader exits at once; exec keeps the process id, so signals reach nonstdport itself.
        info.ArgumentList.Add("exec 2> >(exec true); sleep 0.2; exec dotnet \"$0\" \"$@\"");
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "nonstdport.dll"));
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment.Remove("KAFKA_BOOTSTRAP_SERVERS");
        return new CliProcess(Process.Start(info)!);
    }

    /// <summary>
    /// Waits for <c>run</c>'s readiness line (<c>started: ...</c>, logged once its signal handlers
    /// are installed and the pipeline is starting); fails the test if it exits first.
    /// </summary>
    public void WaitUntilStarted(TimeSpan timeout)
    {
        Wait.Until(() => Stderr.Contains("started: group ", StringComparison.Ordinal) || HasExited, timeout, () => "the readiness line; stderr:\n" + Stderr);
        Assert.False(HasExited, "exited before it was ready; stderr:\n" + Stderr);
    }

    /// <summary>Sends SIGTERM, as a service manager does on stop.</summary>
    public void Terminate() => Assert.Equal(0, Kill(_process.Id, 15));

    /// <summary>Sends SIGHUP, as <c>systemctl reload</c> does.</summary>
    public void Hangup() => Assert.Equal(0, Kill(_process.Id, 1));

    /// <summary>Kills the process outright (SIGKILL): no drain, no flush, no commit.</summary>
    public void KillHard()
    {
        _process.Kill();
        _process.WaitForExit();
    }

    /// <summary>Waits for the exit and returns the exit code; fails the test on timeout.</summary>
    public int WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            _process.Kill(entireProcessTree: true);
            Assert.Fail($"nonstdport did not exit within {timeout.TotalSeconds:F0} s; stderr:\n{Stderr}");
        }

        _process.WaitForExit();
        return _process.ExitCode;
    }

    public bool HasExited => _process.HasExited;

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    private static void Append(StringBuilder target, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (target)
        {
            target.AppendLine(line);
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}

/// <summary>Where the repository (and its samples) is.</summary>
internal static class Repository
{
    public static string Root { get; } = Find();

    public static string Samples => Path.Combine(Root, "samples");

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "NonStdPort.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("repository root (NonStdPort.sln) not found above " + AppContext.BaseDirectory);
    }
}
