using System.Text.Json;
using System.Text.RegularExpressions;
using NonStdPort.Cli.Tests.Support;

namespace NonStdPort.Cli.Tests;

/// <summary>Every file in samples/ yields exactly the alerts samples/README.md lists for it.</summary>
public sealed partial class SamplesTests
{
    private static readonly string[] DataExtensions = [".ndjson", ".json", ".xml", ".gz"];

    public static TheoryData<string> SampleFiles()
    {
        var data = new TheoryData<string>();
        foreach (string name in ExpectedBySample().Keys)
        {
            data.Add(name);
        }

        return data;
    }

    [Fact]
    public void Every_sample_data_file_is_described_in_the_readme()
    {
        string[] files = Directory.GetFiles(RepositoryPaths.Samples)
            .Where(f => DataExtensions.Contains(Path.GetExtension(f)))
            .Select(Path.GetFileName)
            .Order()
            .ToArray()!;

        Assert.Equal(files, ExpectedBySample().Keys.Order());
    }

    [Theory]
    [MemberData(nameof(SampleFiles))]
    public void The_sample_yields_exactly_the_alerts_the_readme_lists(string name)
    {
        string path = Path.Combine(RepositoryPaths.Samples, name);

        CliResult result = CliRunner.Run("score", path);

        Assert.True(result.ExitCode == 0, result.ToString());
        string[] actual = result.StdoutLines.Select(Describe).ToArray();
        Assert.Equal(ExpectedBySample()[name], actual);
    }

    [Fact]
    public void The_atomic_folder_as_one_glob_yields_every_detection_and_reads_cleanly()
    {
        // The shell expands samples/atomic/* in name order; the folder holds record files only.
        string[] files = Directory.GetFiles(Path.Combine(RepositoryPaths.Samples, "atomic")).Order(StringComparer.Ordinal).ToArray();

        CliResult result = CliRunner.Run(["score", .. files]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var rules = result.StdoutLines
            .Select(line => JsonDocument.Parse(line).RootElement.GetProperty("rule").GetString())
            .GroupBy(rule => rule)
            .ToDictionary(g => g.Key!, g => g.Count());
        Assert.Equal(new Dictionary<string, int> { ["non_standard_port"] = 15, ["beacon"] = 1, ["rdp_port_change"] = 3 }, rules);
    }

    private static string Describe(string alert)
    {
        JsonElement a = JsonDocument.Parse(alert).RootElement;
        return string.Join(" | ",
            a.Line(),
            a.Score(),
            a.GetProperty("process_name").GetString(),
            a.GetProperty("parent_process").GetString() ?? "null",
            a.GetProperty("destinationip").GetString(),
            a.Port(),
            a.GetProperty("event_time").GetString());
    }

    /// <summary>The README's table per <c>### `file`</c> heading, rows rendered as Describe renders an alert.</summary>
    private static Dictionary<string, string[]> ExpectedBySample()
    {
        var expected = new Dictionary<string, string[]>();
        string? current = null;
        var rows = new List<string>();
        foreach (string line in File.ReadLines(Path.Combine(RepositoryPaths.Samples, "README.md")))
        {
            Match heading = Heading().Match(line);
            if (heading.Success)
            {
                Flush();
                current = heading.Groups[1].Value;
                continue;
            }

            Match row = Row().Match(line);
            if (current is not null && row.Success)
            {
                rows.Add(string.Join(" | ", Enumerable.Range(1, 7).Select(i => row.Groups[i].Value.Trim().Trim('`'))));
            }
        }

        Flush();
        return expected;

        void Flush()
        {
            if (current is not null)
            {
                expected[current] = [.. rows];
            }

            rows.Clear();
        }
    }

    [GeneratedRegex(@"^### `([^`]+)`$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"^\| *(\d+) *\| *(\d) *\|([^|]+)\|([^|]+)\|([^|]+)\| *(\d+) *\|([^|]+)\|$")]
    private static partial Regex Row();
}
