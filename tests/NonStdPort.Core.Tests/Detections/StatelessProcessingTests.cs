using System.Text;
using NonStdPort.Core.Detect;
using NonStdPort.Core.Rules;
using NonStdPort.Core.Tests.Support;
using NonStdPort.Core.Write;
using static NonStdPort.Core.Tests.Detections.SysmonJson;

namespace NonStdPort.Core.Tests.Detections;

/// <summary>
/// <see cref="Core.Engine.TryProcessStateless"/>: a record that reads or changes detection state is
/// left to the stateful engine untouched; every other record is processed exactly as by <c>Process</c>.
/// </summary>
public sealed class StatelessProcessingTests
{
    private const string RdpPort = @"HKLM\System\CurrentControlSet\Control\Terminal Server\WinStations\RDP-Tcp\PortNumber";
    private const string Guid = "{00000000-0000-0000-0000-0000000000c1}";

    public static TheoryData<string, string, bool> Cases() => new()
    {
        // record, detections, left to the stateful engine
        { "process create", "lineage and beacon on", true },
        { "process create", "lineage and beacon off", false },
        { "process terminated", "lineage and beacon on", true },
        { "rdp port change", "lineage and beacon on", true },
        { "rdp port change", "lineage and beacon off", false },
        { "other registry value", "lineage and beacon on", false },
        { "alert", "lineage and beacon on", true },
        { "alert", "lineage and beacon off", false },
        { "beacon candidate below the threshold", "lineage and beacon on", true },
        { "beacon candidate below the threshold", "lineage and beacon off", false },
        { "browser on 443", "lineage and beacon on", false },
        { "internal destination", "lineage and beacon on", false },
        { "inbound", "lineage and beacon on", false },
        { "dns query", "lineage and beacon on", false },
        { "malformed", "lineage and beacon on", false },
    };

    private static string Record(string name) => name switch
    {
        "process create" => ProcessCreate(1, Guid, PowerShell, @"C:\Windows\explorer.exe"),
        "process terminated" => ProcessTerminated(1, Guid, PowerShell),
        "rdp port change" => RegistrySet(1, RdpPort, "DWORD (0x00008462)"),
        "other registry value" => RegistrySet(1, @"HKLM\Software\Run\x", "DWORD (0x00008462)"),
        "alert" => Connection(1, Guid, port: 4444),
        "beacon candidate below the threshold" => Connection(1, Guid, image: @"C:\Tools\agent.exe", port: 7000),
        "browser on 443" => Connection(1, Guid, image: @"C:\Program Files\Google\Chrome\Application\chrome.exe", port: 443),
        "internal destination" => Connection(1, Guid, destinationIp: "10.0.0.10", port: 4444),
        "inbound" => Connection(1, Guid, port: 4444, initiated: "false"),
        "dns query" => SysmonJson.Record(22, 1, ("QueryName", "example.com")),
        "malformed" => """{"EventID":3,"SourceName":"Microsoft-Windows-Sysmon","DestinationIp":"93.184.216.34",""",
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private static RuleSet Rules(string detections) => detections == "lineage and beacon on"
        ? RuleSet.Default
        : RulesFile.Parse("lineage:\n  enabled: false\nbeacon:\n  enabled: false\nrdp_port_change:\n  enabled: true\n").Rules!;

    [Theory]
    [MemberData(nameof(Cases))]
    public void Only_records_that_need_detection_state_are_left_and_the_rest_match_process(string name, string detections, bool left)
    {
        byte[] record = Encoding.UTF8.GetBytes(Record(name));
        var stateless = new Core.Engine(Rules(detections));
        var reference = new Core.Engine(Rules(detections));
        var statelessBatch = new AlertBatch();
        var referenceBatch = new AlertBatch();
        SourceRef source = SourceRef.FromFile("f.json", 7);

        bool done = stateless.TryProcessStateless(record, source, statelessBatch, out RecordOutcome outcome);
        RecordOutcome expected = reference.Process(record, source, referenceBatch);

        Assert.Equal(!left, done);
        if (left)
        {
            Assert.Equal(0, statelessBatch.Count);
            Assert.Equal(0, stateless.Counters.Records);
            Assert.Equal(0, stateless.Counters.NetworkEvents + stateless.Counters.Skipped + stateless.Counters.Malformed + stateless.Counters.Alerts);
            return;
        }

        Assert.Equal(expected, outcome);
        Assert.Equal(referenceBatch.Count, statelessBatch.Count);
        Assert.Equivalent(reference.Counters, stateless.Counters, strict: true);
    }

    [Fact]
    public void A_warm_stream_of_records_that_need_no_state_allocates_nothing()
    {
        byte[][] records = [.. new[] { "browser on 443", "internal destination", "inbound", "dns query", "malformed", "other registry value" }
            .Select(name => Encoding.UTF8.GetBytes(Record(name)))];
        var engine = new Core.Engine(RuleSet.Default);
        var batch = new AlertBatch(1 << 20);
        SourceRef source = SourceRef.FromFile("f.json", 1);

        AllocationAssert.None(() =>
        {
            batch.Clear();
            foreach (byte[] record in records)
            {
                engine.TryProcessStateless(record, source, batch, out _);
            }
        });
    }
}
