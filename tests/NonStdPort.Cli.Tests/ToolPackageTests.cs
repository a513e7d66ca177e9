using System.Diagnostics;
using NonStdPort.Cli.Tests.Support;

namespace NonStdPort.Cli.Tests;

/// <summary>The .NET tool package: packed from the built CLI, installed into a tool path, run from there.</summary>
public sealed class ToolPackageTests
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    private static readonly TimeSpan Generous = TimeSpan.FromMinutes(10);

    [Fact]
    public void The_packed_tool_installs_into_a_tool_path_and_scores_from_there()
    {
        using var dir = new TempDir();
        string packages = Path.Combine(dir.Path, "packages");
        string tools = Path.Combine(dir.Path, "tools");
        string project = Path.Combine(RepositoryPaths.Root, "src", "NonStdPort");

        // --no-build: the test project's build has just built the CLI in this configuration.
        Run("dotnet", ["pack", project, "-c", Configuration, "--no-build", "-o", packages]);
        string package = Assert.Single(Directory.GetFiles(packages, "NonStdPort.*.nupkg"));
        string version = Path.GetFileNameWithoutExtension(package)["NonStdPort.".Length..];
        Run("dotnet", ["tool", "install", "NonStdPort", "--tool-path", tools, "--add-source", packages, "--version", version]);
        string command = Path.Combine(tools, OperatingSystem.IsWindows() ? "nonstdport.exe" : "nonstdport");

        (string shownVersion, _) = Run(command, ["--version"]);
        (string alerts, _) = Run(command, ["score", Path.Combine(RepositoryPaths.Samples, "sysmon-flat.ndjson")]);
        CliResult inProcess = CliRunner.Run("score", Path.Combine(RepositoryPaths.Samples, "sysmon-flat.ndjson"));

        Assert.StartsWith(version, shownVersion.Trim());
        Assert.NotEmpty(inProcess.StdoutLines);
        Assert.Equal(AlertText.WithoutDetectionTime(inProcess.Stdout), AlertText.WithoutDetectionTime(alerts));
    }

    private static (string Stdout, string Stderr) Run(string file, string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Generous))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{file} {string.Join(' ', args)} did not finish within {Generous}");
        }

        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', args)} exited {process.ExitCode}\n{stdout.Result}\n{stderr.Result}");
        return (stdout.Result, stderr.Result);
    }
}
