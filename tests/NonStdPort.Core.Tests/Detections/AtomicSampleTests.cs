using System.Text.Json;
using NonStdPort.Core.Detect;
using NonStdPort.Core.Tests.Support;

namespace NonStdPort.Core.Tests.Detections;

/// <summary>
/// Every file in samples/atomic gives exactly the alerts samples/atomic.md promises when each of its
/// lines is fed to the engine in order (file mode), and the benign look-alikes give none.
/// An expected alert is "rule@line:risk_score:severity[:extra]", extra being new_port or beacon.count.
/// </summary>
public sealed class AtomicSampleTests
{
    public static TheoryData<string, string[]> Samples => new()
    {
        { "powershell-4444.ndjson", ["non_standard_port@2:3:high"] },
        { "linux-curl-python3-8088.xml", ["non_standard_port@2:3:high", "non_standard_port@5:3:high"] },
        { "rdp-port-33890.ndjson", ["rdp_port_change@2:0:high:33890"] },
        {
            "beacon-powershell-9001.ndjson",
            [
                "non_standard_port@2:3:high", "non_standard_port@3:3:high", "non_standard_port@4:3:high", "non_standard_port@5:3:high",
                "non_standard_port@6:3:high", "non_standard_port@7:3:high", "beacon@7:3:high:6", "non_standard_port@8:3:high",
                "non_standard_port@9:3:high", "non_standard_port@10:3:high", "non_standard_port@11:3:high",
            ]
        },
        { "t1571-test-netconnection-8081.ndjson", ["non_standard_port@2:2:medium"] },
        { "t1571-telnet-8081.xml", ["non_standard_port@2:2:medium"] },
        { "t1021.001-rdp-port-4489.ndjson", ["rdp_port_change@2:0:high:4489", "rdp_port_change@5:2:high:4489"] },
        { "benign-browser-poll-443.ndjson", [] },
        { "benign-agent-beacon-8443.ndjson", [] },
        { "benign-rdp-port-3389.ndjson", [] },
    };

    [Theory]
    [MemberData(nameof(Samples))]
    public void Each_sample_gives_exactly_the_expected_alerts(string file, string[] expected)
    {
        string[] lines = File.ReadAllLines(Path.Combine(Folder, file));
        var run = new EngineRun().Feed(lines, file);

        Assert.DoesNotContain(run.Outcomes, o => o.Kind == OutcomeKind.Malformed);
        Assert.Equal(expected, run.Alerts.Select(Describe));
        Assert.All(run.Alerts, alert => Assert.Equal(file, alert.GetProperty("source").GetProperty("file").GetString()));
    }

    [Fact]
    public void Every_sample_file_is_in_the_table()
    {
        var listed = Samples.Select(row => (string)row[0]).Order();
        var present = Directory.EnumerateFiles(Folder).Select(Path.GetFileName).Order();
        Assert.Equal(listed, present!);
    }

    [Fact]
    public void Alerts_on_processes_started_in_the_sample_name_their_parent()
    {
        foreach (string file in Samples.Select(row => (string)row[0]))
        {
            var run = new EngineRun().Feed(File.ReadAllLines(Path.Combine(Folder, file)), file);
            Assert.All(run.Alerts, alert => Assert.Equal(JsonValueKind.String, alert.GetProperty("parent_process").ValueKind));
        }
    }

    private static string Describe(JsonElement alert)
    {
        string rule = alert.GetProperty("rule").GetString()!;
        string text = $"{rule}@{alert.GetProperty("source").GetProperty("line").GetInt64()}:{alert.GetProperty("risk_score").GetInt32()}:{alert.GetProperty("severity").GetString()}";
        return rule switch
        {
            "rdp_port_change" => $"{text}:{alert.GetProperty("new_port").GetInt32()}",
            "beacon" => $"{text}:{alert.GetProperty("beacon").GetProperty("count").GetInt32()}",
            _ => text,
        };
    }

    internal static string Folder => Path.Combine(
        Datasets.RepositoryRoot ?? throw new DirectoryNotFoundException("The repository root (NonStdPort.sln) is not above the test binaries."),
        "samples", "atomic");
}
