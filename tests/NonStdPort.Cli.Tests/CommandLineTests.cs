using NonStdPort.Cli.Tests.Support;

namespace NonStdPort.Cli.Tests;

/// <summary>Help and usage errors of every command, through the real entry point.</summary>
public sealed class CommandLineTests
{
    [Theory]
    [InlineData("--help")]
    [InlineData("score --help")]
    [InlineData("rules --help")]
    [InlineData("run --help")]
    [InlineData("broker --help")]
    public void Help_exits_zero_and_prints_usage(string args)
    {
        CliResult result = CliRunner.Run(args.Split(' '));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Usage:", result.Stdout);
    }

    [Fact]
    public void Score_help_teaches_examples_and_exit_codes()
    {
        CliResult result = CliRunner.Run("score", "--help");

        Assert.Contains("Examples:", result.Stdout);
        Assert.Contains("nonstdport score --top 500 --max-age 1d", result.Stdout);
        Assert.Contains("Exit codes:", result.Stdout);
        foreach (string option in new[] { "--all", "--top", "--since", "--max-age", "--stats", "--max-record-bytes" })
        {
            Assert.Contains(option, result.Stdout);
        }
    }

    [Theory]
    [InlineData("score --top 0", "--top must be a whole number of at least 1, not '0'")]
    [InlineData("score --top many", "--top must be a whole number of at least 1, not 'many'")]
    [InlineData("score --since yesterday-ish", "--since: 'yesterday-ish' is not a date/time")]
    [InlineData("score --max-age 3 --stats", "--max-age: '3' is not a positive duration")]
    [InlineData("score --max-age 1x", "--max-age: '1x' is not a positive duration")]
    [InlineData("score --since 2026-01-01 --max-age 1d", "Give --since or --max-age, not both")]
    [InlineData("score --max-record-bytes 10", "--max-record-bytes must be a whole number of at least 64, not '10'")]
    [InlineData("score --no-such-option", "--no-such-option")]
    public void Usage_errors_exit_two_with_the_reason_on_stderr(string args, string reason)
    {
        CliResult result = CliRunner.Run(args.Split(' '));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(reason, result.Stderr);
    }

    [Fact]
    public void A_missing_file_is_a_clear_error_not_a_stack_trace()
    {
        CliResult result = CliRunner.Run("score", "no-such-file.ndjson");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("nonstdport score: no-such-file.ndjson: no such file", Assert.Single(result.StderrLines));
    }

    [Theory]
    [InlineData("1d", 86400)]
    [InlineData("12h", 43200)]
    [InlineData("90m", 5400)]
    [InlineData("30s", 30)]
    [InlineData("2w", 1209600)]
    [InlineData("1.5d", 129600)]
    [InlineData("1.00:00:00", 86400)]
    public void Durations_read_as_people_write_them(string text, int seconds)
    {
        Assert.True(NonStdPort.Cli.Commands.Durations.TryParse(text, out TimeSpan duration));
        Assert.Equal(TimeSpan.FromSeconds(seconds), duration);
    }
}
