using System.Text;
using System.Text.Json;
using NonStdPort.Cli.Tests.Support;

namespace NonStdPort.Cli.Tests.Files;

/// <summary>A record that never closes is reported once, at its start line, and costs no later record's alert.</summary>
public sealed class UnclosedRecordTests
{
    [Theory]
    [InlineData("{\n", "-:1: invalid JSON")]
    [InlineData("<Event>\n", "-:1: invalid XML")]
    public void An_unclosed_record_before_a_valid_file_costs_none_of_its_alerts(string damage, string report)
    {
        byte[] sample = File.ReadAllBytes(Path.Combine(RepositoryPaths.Samples, "sysmon-flat.ndjson"));
        CliResult plain = CliRunner.Run(["score"], sample);
        CliResult damaged = CliRunner.Run(["score"], [.. Encoding.UTF8.GetBytes(damage), .. sample]);

        Assert.Equal(7, plain.StdoutLines.Length);
        Assert.Equal(Alerts(plain), Alerts(damaged));
        Assert.Equal([report], damaged.StderrLines);
    }

    /// <summary>Each alert without what depends on when and where it was read (detection time, source line, id).</summary>
    private static string[] Alerts(CliResult result) =>
        result.StdoutLines.Select(line =>
        {
            using JsonDocument alert = JsonDocument.Parse(line);
            return string.Join(",", alert.RootElement.EnumerateObject()
                .Where(p => p.Name is not ("detected_at" or "source" or "alert_id"))
                .Select(p => p.Name + "=" + p.Value.GetRawText()));
        }).ToArray();
}
