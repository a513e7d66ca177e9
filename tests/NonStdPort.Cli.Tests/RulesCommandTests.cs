using NonStdPort.Cli.Tests.Support;

namespace NonStdPort.Cli.Tests;

/// <summary>`nonstdport rules check` and `nonstdport rules show`, through the real entry point.</summary>
public sealed class RulesCommandTests
{
    [Fact]
    public void Check_of_a_valid_file_prints_OK_with_a_summary_and_exits_0()
    {
        using var dir = new TempDir();
        string file = dir.File("rules.yaml", "c2_ports:\n  add: [8081]\nthreshold: 2\n");

        CliResult result = CliRunner.Run("rules", "check", file);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith($"OK: {file}: 29 high-risk processes, 20 C2 ports, 9 standard ports, 20 internal networks, 0 suppressions; threshold 2", result.Stdout);
        Assert.Equal("", result.Stderr);
    }

    [Fact]
    public void Check_of_a_bad_file_prints_every_error_with_line_and_column_and_exits_1()
    {
        using var dir = new TempDir();
        string file = dir.File("rules.yaml", "threshold: 7\nc2_ports: [4444, 70000]\ncolour: blue\n");

        CliResult result = CliRunner.Run("rules", "check", file);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(
            [
                $"{file}:1:12: threshold must be from 1 to 3, got 7",
                $"{file}:2:18: a port must be from 0 to 65535, got 70000",
                $"{file}:3:1: unknown key 'colour' (expected one of: threshold, score_inbound, high_risk_processes, c2_ports, standard_ports, internal_networks, suppress, beacon, rdp_port_change, lineage)",
                $"{file}: 3 error(s)",
            ],
            result.StderrLines);
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public void Check_of_a_missing_file_exits_2()
    {
        CliResult result = CliRunner.Run("rules", "check", "/nonexistent/rules.yaml");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("cannot read the rules file", result.Stderr);
    }

    [Fact]
    public void Show_output_passes_check_and_shows_the_merged_rules()
    {
        using var dir = new TempDir();
        string file = dir.File("site.yaml", "high_risk_processes:\n  remove: [msiexec.exe]\n  add: [wmic.exe]\nbeacon: {count: 8}\n");

        CliResult shown = CliRunner.Run("rules", "show", "--rules", file);
        string shownFile = dir.File("shown.yaml", shown.Stdout);
        CliResult checkedAgain = CliRunner.Run("rules", "check", shownFile);
        CliResult shownAgain = CliRunner.Run("rules", "show", "--rules", shownFile);

        Assert.True(shown.ExitCode == 0, shown.ToString());
        Assert.Contains("\"wmic.exe\"", shown.Stdout);
        Assert.DoesNotContain("msiexec.exe", shown.Stdout);
        Assert.Contains("  count: 8\n", shown.Stdout);
        Assert.True(checkedAgain.ExitCode == 0, checkedAgain.ToString());
        Assert.Equal(shown.Stdout, shownAgain.Stdout);
    }

    [Fact]
    public void Show_without_rules_prints_the_defaults()
    {
        CliResult result = CliRunner.Run("rules", "show");

        Assert.Equal(0, result.ExitCode);
        // Long lists wrap onto indented continuation lines.
        Assert.Contains("c2_ports: [444, 587, 1224, 1337, 2083, 2087, 4443, 4444, 4445, 6666, 6667, 6668, 7777, 8008, 8088,\n  8888, 9001, 9090, 31337]\n", result.Stdout);
        Assert.All(result.StdoutLines, line => Assert.True(line.Length <= 100, line));
        Assert.Contains("threshold: 1\n", result.Stdout);
        Assert.Contains("score_inbound: false\n", result.Stdout);
    }
}
