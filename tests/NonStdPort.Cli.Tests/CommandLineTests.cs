using NonStdPort.Cli.Tests.Support;

namespace NonStdPort.Cli.Tests;

/// <summary>Help and usage errors of every command, through the real entry point.</summary>
public sealed class CommandLineTests
{
    /// <summary>Every command and subcommand in the tree, as the words that invoke it.</summary>
    public static TheoryData<string> Commands()
    {
        var data = new TheoryData<string>();
        var root = Program.CreateRoot(new StandardStreams(() => Stream.Null, Stream.Null, TextWriter.Null, TextWriter.Null));
        Walk(root, "");
        return data;

        void Walk(System.CommandLine.Command command, string path)
        {
            data.Add(path);
            foreach (System.CommandLine.Command sub in command.Subcommands)
            {
                Walk(sub, (path + " " + sub.Name).Trim());
            }
        }
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void Help_of_every_command_exits_zero_and_prints_usage(string command)
    {
        string[] args = [.. command.Split(' ', StringSplitOptions.RemoveEmptyEntries), "--help"];

        CliResult result = CliRunner.Run(args);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Usage:", result.Stdout);
        Assert.Equal("", result.Stderr);
    }

    [Fact]
    public void Score_help_teaches_examples_and_exit_codes()
    {
        CliResult result = CliRunner.Run("score", "--help");

        Assert.Contains("Examples:", result.Stdout);
        Assert.Contains("nonstdport score --top 500 --max-age 1d", result.Stdout);
        Assert.Contains("Exit codes:", result.Stdout);
        foreach (string option in new[] { "--all", "--top", "--since", "--max-age", "--rules", "--stats", "--max-record-bytes" })
        {
            Assert.Contains(option, result.Stdout);
        }
    }

    [Theory]
    [InlineData("score", "nonstdport score --top 500 --max-age 1d")]
    [InlineData("run", "nonstdport run --replay samples/sysmon-flat.ndjson")]
    [InlineData("broker", "nonstdport broker --topic sysmon:16")]
    public void Every_command_help_teaches_examples_and_the_one_exit_code_table(string command, string example)
    {
        CliResult result = CliRunner.Run(command, "--help");

        Assert.Contains("Examples:", result.Stdout);
        Assert.Contains(example, result.Stdout);
        // The help indents the description; every line of the table is there, in order.
        int at = 0;
        foreach (string line in ExitCodes.HelpText.Split('\n'))
        {
            at = result.Stdout.IndexOf(line.Trim(), at, StringComparison.Ordinal);
            Assert.True(at >= 0, $"help of {command} lacks exit-code line '{line.Trim()}'");
        }
    }

    [Theory]
    [InlineData("score --top 0", "--top must be a whole number of at least 1, not '0'")]
    [InlineData("score --top many", "--top must be a whole number of at least 1, not 'many'")]
    [InlineData("score --since yesterday-ish", "--since: 'yesterday-ish' is not a date/time")]
    [InlineData("score --max-age 3 --stats", "--max-age: '3' is not a duration")]
    [InlineData("score --max-age 1x", "--max-age: '1x' is not a duration")]
    [InlineData("score --max-age 0d", "--max-age: '0d' is not a positive duration")]
    [InlineData("score --since 2026-01-01 --max-age 1d", "Give --since or --max-age, not both")]
    [InlineData("score --max-record-bytes 10", "--max-record-bytes must be a whole number of at least 64, not '10'")]
    [InlineData("score --no-such-option", "--no-such-option")]
    [InlineData("score --all --top 2", "Give --all or --top, not both")]
    public void Usage_errors_exit_two_with_the_reason_on_stderr(string args, string reason)
    {
        CliResult result = CliRunner.Run(args.Split(' '));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(reason, result.Stderr);
    }

    [Theory]
    [InlineData("score --output x.json", "Unknown option '--output'.")]
    [InlineData("score --stat x.json", "Unknown option '--stat'; did you mean '--stats'?")]
    [InlineData("score x.json --tpo 5", "Unknown option '--tpo'; did you mean '--top'?")]
    [InlineData("score -x", "Unknown option '-x'.")]
    [InlineData("rules show --rule x.yaml", "Unknown option '--rule'; did you mean '--rules'?")]
    public void Unknown_options_are_refused_not_taken_as_file_names(string args, string message)
    {
        CliResult result = CliRunner.Run(args.Split(' '));

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(message, result.StderrLines[0]);
        Assert.DoesNotContain("no such file", result.Stderr);
    }

    [Fact]
    public void A_file_named_like_an_option_is_read_after_a_double_dash()
    {
        CliResult result = CliRunner.Run("score", "--", "--no-such-file");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("nonstdport score: --no-such-file: no such file", Assert.Single(result.StderrLines));
    }

    [Fact]
    public void A_missing_file_is_a_clear_error_not_a_stack_trace()
    {
        CliResult result = CliRunner.Run("score", "no-such-file.ndjson");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("nonstdport score: no-such-file.ndjson: no such file", Assert.Single(result.StderrLines));
    }
}
