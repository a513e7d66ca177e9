using System.Text.Json;
using NonStdPort.Core.Detect;
using NonStdPort.Core.Rules;
using NonStdPort.Core.Tests.Support;

namespace NonStdPort.Core.Tests.Detections;

/// <summary>The detections on the public captures: the real RDP PortNumber writes are found, the near-misses are not.</summary>
public sealed class DatasetDetectionTests
{
    private static EngineRun RunLines(string relative, EngineOptions? options = null) =>
        new EngineRun(options: options).Feed(File.ReadLines(Datasets.Path(relative)), Path.GetFileName(relative));

    [DatasetFact]
    public void The_RDP_port_moved_to_80_by_regedit_is_detected_and_nothing_else_in_that_capture()
    {
        var run = RunLines("evtx-attack-samples/xml/Defense_Evasion__sysmon_13_rdp_settings_tampering.xml");
        JsonElement alert = Assert.Single(run.Rule("rdp_port_change"));
        Assert.Equal(80, alert.GetProperty("new_port").GetInt32());
        Assert.EndsWith(@"\regedit.exe", alert.GetProperty("process_name").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal("windows_event_xml", alert.GetProperty("log_source_type").GetString());
    }

    [DatasetTheory]
    [InlineData("sigmahq-regression/registry_set_change_rdp_port__509e84b9-a71a-40e0-834f-05470369bd1e.json", "evtx_dump")]
    [InlineData("sigmahq-regression/registry_set_change_rdp_port__509e84b9-a71a-40e0-834f-05470369bd1e.xml", "windows_event_xml")]
    public void The_RDP_port_moved_to_4489_by_reg_exe_is_detected(string relative, string envelope)
    {
        // The evtx_dump rendering is one pretty-printed JSON document: it is one record.
        string text = File.ReadAllText(Datasets.Path(relative));
        string[] records = relative.EndsWith(".json", StringComparison.Ordinal) ? [text] : text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var run = new EngineRun().Feed(records, Path.GetFileName(relative));
        JsonElement alert = Assert.Single(run.Alerts);
        Assert.Equal("rdp_port_change", alert.GetProperty("rule").GetString());
        Assert.Equal(4489, alert.GetProperty("new_port").GetInt32());
        Assert.EndsWith(@"\reg.exe", alert.GetProperty("process_name").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(@"ATTACKRANGE\Administrator", alert.GetProperty("username").GetString());
        Assert.Equal(envelope, alert.GetProperty("log_source_type").GetString());
    }

    [DatasetTheory]
    [InlineData("otrf-security-datasets/empire_enable_rdp_2019-05-18203650.sysmon.json", "UserAuthentication and fDenyTSConnections")]
    [InlineData("evtx-attack-samples/xml/Defense_Evasion__de_portforward_netsh_rdp_sysmon_13_1.xml", "netsh PortProxy to 3389")]
    [InlineData("evtx-attack-samples/xml/AutomatedTestingTools__panache_sysmon_vs_EDRTestingScript.xml", "netsh PortProxy on 8080")]
    [InlineData("evtx-attack-samples/xml/AutomatedTestingTools__PanacheSysmon_vs_AtomicRedTeam01.xml", "30 other registry writes")]
    public void Registry_near_misses_are_not_RDP_port_changes(string relative, string nearMiss)
    {
        Assert.NotEmpty(nearMiss);
        var run = RunLines(relative);
        Assert.Contains(run.Outcomes, o => o.Kind == OutcomeKind.Skipped);
        Assert.Empty(run.Rule("rdp_port_change"));
    }

    [DatasetFact]
    public void Across_all_captures_only_the_two_real_RDP_port_moves_are_found_and_with_internal_networks_emptied_only_WinRM_polling_beacons()
    {
        var rdp = new List<string>();
        var beacons = new List<string>();
        var noInternal = new RuleSetBuilder { InternalNetworks = [] }.Build();
        foreach (string file in Directory.GetFiles(Datasets.Folder!, "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".json", StringComparison.Ordinal) || f.EndsWith(".xml", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileName(file);
            rdp.AddRange(new EngineRun().Feed(File.ReadLines(file), name).Rule("rdp_port_change")
                .Select(a => $"{name}: {a.GetProperty("process_name").GetString()} -> {a.GetProperty("new_port").GetInt32()}"));
            beacons.AddRange(new EngineRun(noInternal).Feed(File.ReadLines(file), name).Rule("beacon")
                .Select(a => $"{name}: {a.GetProperty("process_name").GetString()} -> {a.GetProperty("destinationip").GetString()}:{a.GetProperty("destinationport").GetInt32()} every {a.GetProperty("beacon").GetProperty("median_interval_s").GetDouble()} s"));
        }

        // The evtx_dump rendering of the 4489 write is one multi-line document, read whole in its own test.
        Assert.Equal(
            [
                @"Defense_Evasion__sysmon_13_rdp_settings_tampering.xml: C:\Windows\regedit.exe -> 80",
                @"registry_set_change_rdp_port__509e84b9-a71a-40e0-834f-05470369bd1e.xml: C:\Windows\system32\reg.exe -> 4489",
            ],
            rdp);
        Assert.Equal(
            [
                @"covenant_psremoting_grunt_2019-12-05014931.sysmon.json: C:\Windows\System32\svchost.exe -> 172.18.39.102:5985 every 51.452 s",
                @"empire_dllinjection_LoadLibrary_CreateRemoteThread_2020-07-22000048.sysmon.json: C:\Windows\System32\svchost.exe -> 172.18.38.6:5985 every 79.93 s",
            ],
            beacons);
    }

    [DatasetFact]
    public void Lineage_names_the_parent_of_every_payload_connection_in_the_LSASS_campaign()
    {
        // winx64_payload.exe talks to an internal address, so these are written only with --all.
        var run = RunLines("otrf-security-datasets/metasploit_logonpasswords_lsass_memory_dump.sysmon.json", new EngineOptions { EmitAll = true });
        var payload = run.Alerts.Where(a => a.GetProperty("process_name").GetString()!.EndsWith("winx64_payload.exe", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.NotEmpty(payload);
        Assert.All(payload, a => Assert.False(string.IsNullOrEmpty(a.GetProperty("parent_process").GetString())));
    }
}
