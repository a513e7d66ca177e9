using System.Text.Json;
using NonStdPort.Cli.Tests.Support;
using NonStdPort.Core.Tests.Support;

namespace NonStdPort.Cli.Tests;

/// <summary>
/// `nonstdport score` over the public captures beside the repository: every record framed (one per
/// line, multi-line XML, pretty-printed JSON) and every network event scored, counts as the
/// datasets README gives them. Skipped with a message when the folder is absent.
/// </summary>
public sealed class DatasetScoreTests
{
    // file, records, Sysmon EID 3 (from the datasets README)
    public static TheoryData<string, int, int> OtrfFiles => new()
    {
        { "empire_dllinjection_LoadLibrary_CreateRemoteThread_2020-07-22000048.sysmon.json", 4182, 206 },
        { "empire_mimikatz_logonpasswords_2020-08-07103224.sysmon.json", 679, 90 },
        { "empire_launcher_sct_regsvr32_2020-07-21232741.sysmon.json", 1762, 25 },
        { "covenant_psremoting_grunt_2019-12-05014931.sysmon.json", 2948, 276 },
        { "empire_ninjacopy_dumping_ntds_dit_file.sysmon.json", 2295, 311 },
        { "cmd_wevtutil_modify_security_eventlog_path.sysmon.json", 4345, 112 },
        { "metasploit_logonpasswords_lsass_memory_dump.sysmon.json", 4022, 140 },
        { "metasploit_procdump_lsass_memory_dump.sysmon.json", 1615, 135 },
        { "metasploit_comsvcs_lsass_memory_dump.sysmon.json", 962, 159 },
        { "proxylogon_ssrf_rce_poc_2021-03-14T01401970.sysmon.json", 180, 117 },
        { "covenant_dcom_iertutil_dll_hijack_2020-10-09183000.sysmon.json", 7694, 184 },
        { "empire_scm_dll_hijack_ikeext_2019-04-03133337.sysmon.json", 1363, 275 },
        { "empire_enable_rdp_2019-05-18203650.sysmon.json", 2074, 89 },
        { "empire_invoke_runas_2019-05-18204300.sysmon.json", 614, 135 },
        { "sysmon_log4shell_cve2021_44228_java_serialized_object_2022-05-13045800.json", 487, 5 },
        { "syslog_sysmon_log4shell_cve2021_44228_jndi_reference_2022-05-11181020.json", 93, 6 },
    };

    [DatasetTheory]
    [MemberData(nameof(OtrfFiles))]
    public void Every_record_of_a_capture_is_read_and_every_network_event_scored(string file, int records, int networkEvents)
    {
        CliResult result = CliRunner.Run("score", "--stats", Datasets.Path(Path.Combine("otrf-security-datasets", file)));

        Assert.Contains($"records:          {records:N0} in ", result.Stderr);
        Assert.Contains($"network events:   {networkEvents:N0} ", result.Stderr);
    }

    [DatasetFact]
    public void The_python_evtx_renderings_frame_one_event_per_line()
    {
        string[] files = Directory.GetFiles(Datasets.Path(Path.Combine("evtx-attack-samples", "xml")), "*.xml");

        CliResult result = CliRunner.Run(["score", "--stats", .. files]);

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("records:          1,216 in ", result.Stderr);
        Assert.Contains("network events:   164 ", result.Stderr);
    }

    [DatasetFact]
    public void Pretty_printed_evtx_dump_json_is_read_as_one_record()
    {
        string file = Datasets.Path(Path.Combine("sigmahq-regression", "registry_set_change_rdp_port__509e84b9-a71a-40e0-834f-05470369bd1e.json"));

        CliResult result = CliRunner.Run("score", file);

        Assert.True(result.ExitCode == 0, result.ToString());
        JsonElement alert = Assert.Single(Alerts.Parse(result));
        Assert.Equal(1, alert.Line());
        Assert.Equal("rdp_port_change", alert.GetProperty("rule").GetString());
        Assert.Equal(4489, alert.GetProperty("new_port").GetInt32());
    }
}
