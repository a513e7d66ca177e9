using System.Text;
using System.Text.Json;
using NonStdPort.Core.Rules;
using NonStdPort.Core.Tests.Support;
using NonStdPort.Core.Write;

namespace NonStdPort.Core.Tests.Engine;

/// <summary>
/// The engine over every public capture beside the repository. The captures' C2 servers are all
/// private lab addresses, so with the default rules nothing is an alert; with the internal
/// networks emptied, exactly the lab C2 flows the datasets README lists become alerts.
/// </summary>
public sealed class DatasetEngineTests
{
    private static IEnumerable<string> AllFiles() =>
        Directory.GetFiles(Datasets.Folder!, "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".json", StringComparison.Ordinal) || f.EndsWith(".xml", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);

    /// <summary>Single-event alerts per file as "file: image -> destination:port score N xCount".</summary>
    private static List<string> Alerts(RuleSet rules, out long networkEvents)
    {
        var found = new List<string>();
        networkEvents = 0;
        foreach (string file in AllFiles())
        {
            var engine = new Core.Engine(rules);
            var batch = new AlertBatch();
            long line = 0;
            foreach (string record in File.ReadLines(file))
            {
                engine.Process(Encoding.UTF8.GetBytes(record), SourceRef.FromFile(file, ++line), batch);
            }

            networkEvents += engine.Counters.NetworkEvents;
            var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
            for (int i = 0; i < batch.Count; i++)
            {
                // This test is about the single-event score; the RDP and beacon rules have their own dataset tests.
                if (batch[i].Rule != DetectionRule.NonStandardPort)
                {
                    continue;
                }

                using var doc = JsonDocument.Parse(batch.Json(batch[i]).ToArray());
                JsonElement a = doc.RootElement;
                string image = a.GetProperty("process_name").GetString()!.Split('\\', '/')[^1];
                string key = $"{Path.GetFileName(file)}: {image} -> {a.GetProperty("destinationip").GetString()}:{a.GetProperty("destinationport").GetInt32()} score {a.GetProperty("risk_score").GetInt32()}";
                counts[key] = counts.GetValueOrDefault(key) + 1;
            }

            found.AddRange(counts.Select(kv => $"{kv.Key} x{kv.Value}"));
        }

        return found;
    }

    [DatasetFact]
    public void With_the_default_rules_no_capture_raises_an_alert()
    {
        List<string> alerts = Alerts(RuleSet.Default, out long networkEvents);

        Assert.Empty(alerts);
        // README totals: every Sysmon EID 3 with a readable destination was scored (otrf 2 359 + evtx xml 164, less 1 broken Linux row).
        Assert.True(networkEvents > 2400, $"only {networkEvents} network events were scored");
    }

    [DatasetFact]
    public void Without_internal_networks_exactly_the_lab_C2_flows_are_alerts()
    {
        var rules = new RuleSetBuilder { InternalNetworks = [] }.Build();

        List<string> alerts = Alerts(rules, out _);

        Assert.Equal(
            [
                "Execution__Sysmon_meterpreter_ReflectivePEInjection_to_notepad_.xml: rundll32.exe -> 10.0.2.18:8181 score 2 x1",
                "Execution__sysmon_mshta_sharpshooter_stageless_meterpreter.xml: mshta.exe -> 10.0.2.18:4443 score 3 x1",
                "Execution__sysmon_vbs_sharpshooter_stageless_meterpreter.xml: wscript.exe -> 10.0.2.18:4443 score 3 x1",
                "Lateral_Movement__LM_sysmon_psexec_smb_meterpreter.xml: powershell.exe -> 10.0.2.19:4444 score 3 x1",
                "Lateral_Movement__LM_sysmon_remote_task_src_powershell.xml: powershell.exe -> 10.0.2.17:49666 score 2 x1",
                "covenant_psremoting_grunt_2019-12-05014931.sysmon.json: powershell.exe -> 172.18.39.106:5985 score 2 x3",
                "empire_launcher_sct_regsvr32_2020-07-21232741.sysmon.json: regsvr32.exe -> 10.10.10.5:8444 score 2 x1",
                "empire_ninjacopy_dumping_ntds_dit_file.sysmon.json: powershell.exe -> 192.168.56.40:8888 score 3 x1",
                "proxylogon_ssrf_rce_poc_2021-03-14T01401970.sysmon.json: MSExchangeHMWorker.exe -> 0:0:0:0:0:0:0:1:444 score 1 x2",
                "proxylogon_ssrf_rce_poc_2021-03-14T01401970.sysmon.json: MSExchangeHMWorker.exe -> 192.168.2.5:587 score 1 x1",
                "proxylogon_ssrf_rce_poc_2021-03-14T01401970.sysmon.json: w3wp.exe -> 192.168.2.5:444 score 1 x2",
                "proxylogon_ssrf_rce_poc_2021-03-14T01401970.sysmon.json: w3wp.exe -> fe80:0:0:0:b14f:e9ef:a6b2:f79f:444 score 1 x6",
                "syslog_sysmon_log4shell_cve2021_44228_jndi_reference_2022-05-11181020.json: java -> 192.168.2.6:8888 score 1 x1",
            ],
            alerts);
    }

    [DatasetFact]
    public void The_inbound_rundll32_listener_on_1337_is_an_alert_only_with_score_inbound()
    {
        string file = Datasets.Path("evtx-attack-samples/xml/Defense_Evasion__Sysmon_7_Update_Session_Orchestrator_Dll_Hijack.xml");
        foreach (bool scoreInbound in new[] { false, true })
        {
            var engine = new Core.Engine(new RuleSetBuilder { InternalNetworks = [], ScoreInbound = scoreInbound }.Build());
            var batch = new AlertBatch();
            foreach (string record in File.ReadLines(file))
            {
                engine.Process(Encoding.UTF8.GetBytes(record), SourceRef.FromFile(file, 1), batch);
            }

            bool listenerAlert = Enumerable.Range(0, batch.Count)
                .Select(i => Encoding.UTF8.GetString(batch.Json(batch[i])))
                .Any(json => json.Contains("rundll32.exe", StringComparison.Ordinal) && json.Contains("\"destinationport\":1337", StringComparison.Ordinal));
            Assert.Equal(scoreInbound, listenerAlert);
        }
    }
}
