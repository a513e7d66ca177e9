using System.Runtime.CompilerServices;
using System.Text.Json;
using NonStdPort.Core.Write;

namespace NonStdPort.Core.Tests.Write;

/// <summary>
/// Each format's output for <see cref="FormatSamples.Records"/> (every rule) is what its golden file
/// under Write/Golden holds. After a deliberate change, regenerate with NONSTDPORT_UPDATE_GOLDEN=1
/// and review the diff.
/// </summary>
public sealed class FormatGoldenTests
{
    private static string GoldenPath(AlertFormat format, [CallerFilePath] string here = "") =>
        Path.Combine(Path.GetDirectoryName(here)!, "Golden", AlertFormats.Name(format) + ".txt");

    [Theory]
    [MemberData(nameof(FormatSamples.Formats), MemberType = typeof(FormatSamples))]
    public void Every_rule_is_written_as_the_golden_file_says(AlertFormat format)
    {
        string actual = string.Join("\n", FormatSamples.Alerts(format)) + "\n";
        string path = GoldenPath(format);
        if (Environment.GetEnvironmentVariable("NONSTDPORT_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(path, actual);
        }

        Assert.True(File.Exists(path), $"no golden file {path}; run with NONSTDPORT_UPDATE_GOLDEN=1 to create it");
        Assert.Equal(File.ReadAllText(path), actual);
    }

    [Fact]
    public void The_samples_raise_every_rule_and_carry_the_lineage_columns()
    {
        var alerts = FormatSamples.Alerts(AlertFormat.Json).Select(a => JsonDocument.Parse(a).RootElement).ToList();

        Assert.Equal(["beacon", "non_standard_port", "rdp_port_change"], alerts.Select(a => a.GetProperty("rule").GetString()).Distinct().Order(StringComparer.Ordinal));
        JsonElement lineage = alerts.First(a => a.GetProperty("command_line").ValueKind == JsonValueKind.String);
        Assert.Equal(FormatSamples.TrickyCommandLine, lineage.GetProperty("command_line").GetString());
        Assert.Equal(JsonValueKind.String, lineage.GetProperty("parent_process").ValueKind);
        Assert.Equal(JsonValueKind.String, lineage.GetProperty("parent_command_line").ValueKind);
    }

    [Theory]
    [MemberData(nameof(FormatSamples.Formats), MemberType = typeof(FormatSamples))]
    public void Every_format_writes_as_many_alerts_as_json_each_on_one_line(AlertFormat format)
    {
        var json = FormatSamples.Alerts(AlertFormat.Json);
        var alerts = FormatSamples.Alerts(format);

        Assert.Equal(json.Count, alerts.Count);
        Assert.All(alerts, a => Assert.DoesNotContain('\n', a));
        Assert.All(alerts, a => Assert.DoesNotContain('\r', a));
    }

    [Theory]
    [MemberData(nameof(FormatSamples.Formats), MemberType = typeof(FormatSamples))]
    public void The_key_of_each_alert_is_its_host_name_in_every_format(AlertFormat format)
    {
        var expected = FormatSamples.Alerts(AlertFormat.Json).Select(a => JsonDocument.Parse(a).RootElement.GetProperty("hostname").GetString() ?? "").ToList();

        Assert.Equal(expected, FormatSamples.Keys(format));
    }

    [Theory]
    [MemberData(nameof(FormatSamples.Formats), MemberType = typeof(FormatSamples))]
    public void The_same_records_give_the_same_bytes_again_with_the_same_clock(AlertFormat format) =>
        Assert.Equal(FormatSamples.Alerts(format), FormatSamples.Alerts(format));
}
