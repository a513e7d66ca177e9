using System.Text.Json;
using NonStdPort.Core.Detect;
using NonStdPort.Core.Rules;
using static NonStdPort.Core.Tests.Detections.SysmonJson;

namespace NonStdPort.Core.Tests.Detections;

/// <summary>The three detections wired into <see cref="Core.Engine.Process"/>: rules, alert shapes, switches, counters and state lifetime.</summary>
public sealed class EngineDetectionTests
{
    private const string RdpPort = @"HKLM\System\CurrentControlSet\Control\Terminal Server\WinStations\RDP-Tcp\PortNumber";
    private const string Guid = "{8d1c5f3a-2b7e-673d-4a01-000000001a00}";

    [Fact]
    public void Every_alert_names_its_rule()
    {
        var run = new EngineRun().Feed(Periodic(0, 60, 6, s => Connection(s)).Append(RegistrySet(400, RdpPort, "DWORD (0x00008462)")));
        Assert.Equal(["non_standard_port", "non_standard_port", "non_standard_port", "non_standard_port", "non_standard_port", "non_standard_port", "beacon", "rdp_port_change"],
            run.Alerts.Select(a => a.GetProperty("rule").GetString()));
    }

    [Fact]
    public void Event_1_before_event_3_fills_parent_process_and_command_lines_in_the_alert()
    {
        var run = new EngineRun().Feed(
            ProcessCreate(0, Guid, PowerShell, @"C:\Windows\explorer.exe", "powershell.exe -nop", @"C:\Windows\Explorer.EXE"),
            Connection(1, Guid));
        JsonElement alert = Assert.Single(run.Alerts);
        Assert.Equal(@"C:\Windows\explorer.exe", alert.GetProperty("parent_process").GetString());
        Assert.Equal("powershell.exe -nop", alert.GetProperty("command_line").GetString());
        Assert.Equal(@"C:\Windows\Explorer.EXE", alert.GetProperty("parent_command_line").GetString());
        Assert.Equal(3, alert.GetProperty("risk_score").GetInt32());
    }

    [Fact]
    public void Event_3_before_its_event_1_stays_without_parent()
    {
        var run = new EngineRun().Feed(Connection(0, Guid), ProcessCreate(1, Guid, PowerShell, @"C:\Windows\explorer.exe"));
        JsonElement alert = Assert.Single(run.Alerts);
        Assert.Equal(JsonValueKind.Null, alert.GetProperty("parent_process").ValueKind);
        Assert.Equal(JsonValueKind.Null, alert.GetProperty("command_line").ValueKind);
        Assert.Equal(JsonValueKind.Null, alert.GetProperty("parent_command_line").ValueKind);
    }

    [Fact]
    public void Lineage_after_event_5_and_the_grace_period_is_gone_and_a_reused_guid_gets_its_new_parent()
    {
        var run = new EngineRun().Feed(
            ProcessCreate(0, Guid, PowerShell, "first.exe"),
            ProcessTerminated(10, Guid, PowerShell),
            Connection(20, Guid),                       // within the 5-minute grace period
            Connection(400, Guid),                      // after it
            ProcessCreate(500, Guid, PowerShell, "second.exe"),
            Connection(501, Guid));
        Assert.Equal(["first.exe", null, "second.exe"], run.Rule("non_standard_port").Select(a => a.GetProperty("parent_process").GetString()));
        Assert.Equal(1, run.Engine.Counters.ProcessesForgotten);
    }

    [Fact]
    public void Lineage_enriches_without_changing_the_score()
    {
        var plain = new EngineRun().Feed(Connection(1, Guid)).Alerts.Single();
        var enriched = new EngineRun().Feed(ProcessCreate(0, Guid, PowerShell, "cmd.exe"), Connection(1, Guid)).Alerts.Single();
        foreach (string column in new[] { "risk_score", "severity", "is_high_risk_process", "is_known_c2_port" })
        {
            Assert.Equal(plain.GetProperty(column).ToString(), enriched.GetProperty(column).ToString());
        }
    }

    [Fact]
    public void A_beacon_alert_carries_the_base_fields_and_its_statistics()
    {
        var run = new EngineRun().Feed(Periodic(0, 60, 6, s => Connection(s, Guid)).Prepend(ProcessCreate(-1, Guid, PowerShell, @"C:\Windows\explorer.exe")));
        JsonElement beacon = Assert.Single(run.Rule("beacon"));
        Assert.Equal(Time(300)[..19], beacon.GetProperty("event_time").GetString());
        Assert.Equal("93.184.216.34", beacon.GetProperty("destinationip").GetString());
        Assert.Equal(9001, beacon.GetProperty("destinationport").GetInt32());
        Assert.Equal(PowerShell, beacon.GetProperty("process_name").GetString());
        Assert.Equal(@"C:\Windows\explorer.exe", beacon.GetProperty("parent_process").GetString());
        Assert.Equal(3, beacon.GetProperty("risk_score").GetInt32());
        Assert.Equal("high", beacon.GetProperty("severity").GetString());
        Assert.Equal("T1571", beacon.GetProperty("technique").GetString());
        JsonElement stats = beacon.GetProperty("beacon");
        Assert.Equal(6, stats.GetProperty("count").GetInt32());
        Assert.Equal(60.0, stats.GetProperty("median_interval_s").GetDouble());
        Assert.Equal(0.0, stats.GetProperty("jitter").GetDouble());
        Assert.Equal(Time(0)[..19], stats.GetProperty("first_seen").GetString());
        Assert.Equal(Time(300)[..19], stats.GetProperty("last_seen").GetString());
        Assert.Equal("source", beacon.EnumerateObject().Last().Name);
        Assert.Equal(7, beacon.GetProperty("source").GetProperty("line").GetInt32());
    }

    public static TheoryData<string, string, int, string, int, string?> Candidates => new()
    {
        { "high-risk process on a C2 port: risk 3, high", PowerShell, 9001, "93.184.216.34", 3, "high" },
        { "high-risk process on another high port: risk 2, high", PowerShell, 7001, "93.184.216.34", 2, "high" },
        { "any process on a C2 port: risk 1, medium", @"C:\Program Files\Tool\tool.exe", 9001, "93.184.216.34", 1, "medium" },
        { "any process on another port: risk 0 is no single alert, but the beacon is (medium)", @"C:\Program Files\Tool\tool.exe", 7001, "93.184.216.34", 0, "medium" },
        { "a standard port is not a candidate", PowerShell, 8443, "93.184.216.34", 0, null },
        { "an internal destination is not a candidate", PowerShell, 9001, "10.1.2.3", 3, null },
        { "a TEST-NET destination is internal by default", PowerShell, 9001, "203.0.113.7", 3, null },
    };

    [Theory]
    [MemberData(nameof(Candidates))]
    public void Beacon_candidates_are_outbound_external_non_standard_and_not_suppressed(string behaviour, string image, int port, string address, int riskScore, string? severity)
    {
        Assert.NotEmpty(behaviour);
        var run = new EngineRun().Feed(Periodic(0, 60, 6, s => Connection(s, image: image, port: port, destinationIp: address)));
        JsonElement[] beacons = run.Rule("beacon").ToArray();
        if (severity is null)
        {
            Assert.Empty(beacons);
            return;
        }

        JsonElement beacon = Assert.Single(beacons);
        Assert.Equal(riskScore, beacon.GetProperty("risk_score").GetInt32());
        Assert.Equal(severity, beacon.GetProperty("severity").GetString());
    }

    [Fact]
    public void Inbound_and_suppressed_connections_are_not_beacon_candidates()
    {
        Assert.Empty(new EngineRun().Feed(Periodic(0, 60, 6, s => Connection(s, initiated: "false"))).Rule("beacon"));
        var suppressed = new RuleSetBuilder { SuppressedProcesses = ["powershell.exe"] }.Build();
        Assert.Empty(new EngineRun(suppressed).Feed(Periodic(0, 60, 6, s => Connection(s))).Rule("beacon"));
    }

    [Fact]
    public void An_RDP_port_change_alert_names_the_new_port_and_who_wrote_it()
    {
        var run = new EngineRun().Feed(
            ProcessCreate(0, "{00000000-0000-0000-0000-0000000000aa}", @"C:\Windows\System32\reg.exe", @"C:\Windows\System32\cmd.exe", "reg add ... /d 33890 /f"),
            RegistrySet(1, RdpPort, "DWORD (0x00008462)"));
        JsonElement alert = Assert.Single(run.Alerts);
        Assert.Equal("rdp_port_change", alert.GetProperty("rule").GetString());
        Assert.Equal(33890, alert.GetProperty("new_port").GetInt32());
        Assert.Equal(@"C:\Windows\System32\reg.exe", alert.GetProperty("process_name").GetString());
        Assert.Equal(@"CORP\admin", alert.GetProperty("username").GetString());
        Assert.Equal(Host, alert.GetProperty("hostname").GetString());
        Assert.Equal(Time(1)[..19], alert.GetProperty("event_time").GetString());
        Assert.Equal("high", alert.GetProperty("severity").GetString());
        Assert.Equal("T1571", alert.GetProperty("technique").GetString());
        Assert.Equal("registry_value_set", alert.GetProperty("event_category").GetString());
        Assert.Equal(@"C:\Windows\System32\cmd.exe", alert.GetProperty("parent_process").GetString());
        Assert.Equal(JsonValueKind.Null, alert.GetProperty("destinationport").ValueKind);
        Assert.Equal(OutcomeKind.Alert, run.Outcomes[1].Kind);
        Assert.Equal(1, run.Engine.Counters.RdpPortChangeAlerts);
    }

    public static TheoryData<string, string, int> Switches => new()
    {
        { "beacon", "beacon:\n  enabled: false\n", 0 },
        { "rdp_port_change", "rdp_port_change:\n  enabled: false\n", 0 },
        { "beacon", "beacon:\n  count: 7\n", 0 },
        { "beacon", "beacon:\n  count: 4\n", 1 },
    };

    [Theory]
    [MemberData(nameof(Switches))]
    public void Each_detection_is_switched_and_tuned_in_the_rules_file(string rule, string yaml, int expected)
    {
        RuleSet rules = RulesFile.Parse(yaml).Rules!;
        var run = new EngineRun(rules).Feed(Periodic(0, 60, 6, s => Connection(s)).Append(RegistrySet(400, RdpPort, "DWORD (0x00008462)")));
        Assert.Equal(expected, run.Rule(rule).Count());
    }

    [Fact]
    public void With_lineage_switched_off_alerts_have_no_parent()
    {
        RuleSet rules = RulesFile.Parse("lineage:\n  enabled: false\n").Rules!;
        var run = new EngineRun(rules).Feed(ProcessCreate(0, Guid, PowerShell, "explorer.exe"), Connection(1, Guid));
        Assert.Equal(JsonValueKind.Null, Assert.Single(run.Alerts).GetProperty("parent_process").ValueKind);
    }

    [Fact]
    public void State_bounds_come_from_the_rules_file_and_evictions_are_counted()
    {
        RuleSet rules = RulesFile.Parse("beacon:\n  max_keys: 1\nlineage:\n  max_processes: 1\n").Rules!;
        var run = new EngineRun(rules)
            .Feed(ProcessCreate(0, "{A}", PowerShell, "a.exe"), ProcessCreate(1, "{B}", PowerShell, "b.exe"), ProcessCreate(2, "{C}", PowerShell, "c.exe"))
            .Feed(Enumerable.Range(0, 12).Select(i => Connection(10 + i * 30, port: i % 2 == 0 ? 9001 : 9002)));

        Assert.Empty(run.Rule("beacon")); // two keys taking turns in a table of one: each starts over
        Assert.Equal(11, run.Engine.Counters.BeaconKeysEvicted);
        Assert.Equal(2, run.Engine.Counters.ProcessesEvicted);
    }

    [Fact]
    public void Late_records_are_counted_and_not_used_yet_keep_their_single_event_score()
    {
        var run = new EngineRun().Feed(Connection(0), Connection(300), Connection(100));
        Assert.Equal(1, run.Engine.Counters.LateRecords);
        Assert.Equal(3, run.Rule("non_standard_port").Count());
    }

    [Fact]
    public void State_is_dropped_with_the_engine_and_rebuilt_from_new_records()
    {
        // A partition moves to another consumer (or the process restarts): the new engine starts empty.
        var before = new EngineRun().Feed(ProcessCreate(0, Guid, PowerShell, "explorer.exe")).Feed(Periodic(1, 60, 5, s => Connection(s, Guid)));
        Assert.Empty(before.Rule("beacon"));

        var after = new EngineRun().Feed(Connection(301, Guid));
        Assert.Empty(after.Rule("beacon"));
        Assert.Equal(JsonValueKind.Null, after.Alerts.Single().GetProperty("parent_process").ValueKind);

        after.Feed(Periodic(361, 60, 5, s => Connection(s, Guid)));
        Assert.Single(after.Rule("beacon"));
    }

    [Fact]
    public void Counters_add_up_across_engines()
    {
        var a = new EngineRun().Feed(Periodic(0, 60, 6, s => Connection(s)).Append(RegistrySet(400, RdpPort, "4489")));
        var b = new EngineRun().Feed(Periodic(0, 60, 6, s => Connection(s)));
        var total = new EngineCounters();
        total.Add(a.Engine.Counters);
        total.Add(b.Engine.Counters);
        Assert.Equal(2, total.BeaconAlerts);
        Assert.Equal(1, total.RdpPortChangeAlerts);
        Assert.Equal(15, total.Alerts);
    }
}
