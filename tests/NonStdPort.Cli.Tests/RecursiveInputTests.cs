using NonStdPort.Cli.Tests.Support;

namespace NonStdPort.Cli.Tests;

/// <summary>`score -r DIR`: the record files under a directory, at any depth, in path order.</summary>
public sealed class RecursiveInputTests
{
    [Fact]
    public void A_directory_is_read_recursively_in_path_order_keeping_only_record_files()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(Path.Combine(dir.Path, "b", "deep"));
        dir.File("b/deep/z.ndjson", Records.Score2() + "\n");
        dir.File("a.JSON", Records.Score1() + "\n");
        dir.File("b/c.jsonl", Records.Score3() + "\n");
        dir.File("README.md", "not records\n");
        dir.File("b/sha256sums.txt", "not records either\n");

        CliResult result = CliRunner.Run("score", "-r", dir.Path);

        Assert.True(result.ExitCode == 0, result.ToString());
        string[] files = [.. Alerts.Parse(result).Select(a => Path.GetRelativePath(dir.Path, a.File()))];
        Assert.Equal(["a.JSON", Path.Combine("b", "c.jsonl"), Path.Combine("b", "deep", "z.ndjson")], files);
    }

    [Fact]
    public void A_directory_without_r_is_refused_with_the_hint()
    {
        using var dir = new TempDir();
        dir.File("a.ndjson", Records.Score1() + "\n");

        CliResult result = CliRunner.Run("score", dir.Path);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"nonstdport score: {dir.Path}: is a directory (give -r to read the files under it)", Assert.Single(result.StderrLines));
    }

    [Fact]
    public void A_directory_with_no_record_files_is_an_error_not_a_read_of_stdin()
    {
        using var dir = new TempDir();
        dir.File("notes.txt", "nothing here\n");

        CliResult result = CliRunner.Run(["score", "--recursive", dir.Path], stdin: System.Text.Encoding.UTF8.GetBytes(Records.Score1() + "\n"));

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.StartsWith($"nonstdport score: {dir.Path}: no files named *.json, ", Assert.Single(result.StderrLines));
    }
}
