using NonStdPort.Core.Read;
using NonStdPort.Core.Tests.Support;

namespace NonStdPort.Core.Tests.Read;

/// <summary>
/// Spec: every file of the public captures reads without a crash, every record is read, and the
/// Sysmon EID 3 / EID 13 counts equal the figures in the datasets' README.
/// </summary>
public sealed class DatasetReadTests
{
    private const string Otrf = "otrf-security-datasets";
    private const string EvtxXml = "evtx-attack-samples/xml";

    [DatasetFact]
    public void Sysmon_for_linux_rows_with_broken_xml_are_malformed_not_guessed()
    {
        var reader = new RecordReader();
        var rejected = Lines($"{Otrf}/syslog_sysmon_log4shell_cve2021_44228_jndi_reference_2022-05-11181020.json")
            .Where(line => !ReferenceParsers.Accepts(line))
            .Select(line => ReadOutcome.Of(line, reader).Reason)
            .ToList();

        Assert.NotEmpty(rejected);
        Assert.All(rejected, reason => Assert.Equal(MalformedReason.InvalidWrappedPayload, reason));
    }

    /// <summary>The README's per-file table: records / Sysmon EID 3 / Sysmon EID 13, and the envelope code.</summary>
    public static TheoryData<string, Envelope, int, int, int> OtrfFiles => new()
    {
        { "empire_dllinjection_LoadLibrary_CreateRemoteThread_2020-07-22000048.sysmon.json", Envelope.SysmonJson, 4182, 206, 247 },
        { "empire_mimikatz_logonpasswords_2020-08-07103224.sysmon.json", Envelope.SysmonJson, 679, 90, 45 },
        { "empire_launcher_sct_regsvr32_2020-07-21232741.sysmon.json", Envelope.SysmonJson, 1762, 25, 214 },
        { "covenant_psremoting_grunt_2019-12-05014931.sysmon.json", Envelope.SysmonJson, 2948, 276, 7 },
        { "empire_ninjacopy_dumping_ntds_dit_file.sysmon.json", Envelope.SysmonJson, 2295, 311, 698 },
        { "cmd_wevtutil_modify_security_eventlog_path.sysmon.json", Envelope.SysmonJson, 4345, 112, 4137 },
        { "metasploit_logonpasswords_lsass_memory_dump.sysmon.json", Envelope.SysmonJson, 4022, 140, 3310 },
        { "metasploit_procdump_lsass_memory_dump.sysmon.json", Envelope.SysmonJson, 1615, 135, 1193 },
        { "metasploit_comsvcs_lsass_memory_dump.sysmon.json", Envelope.SysmonJson, 962, 159, 517 },
        { "proxylogon_ssrf_rce_poc_2021-03-14T01401970.sysmon.json", Envelope.SysmonJson, 180, 117, 37 },
        { "covenant_dcom_iertutil_dll_hijack_2020-10-09183000.sysmon.json", Envelope.SysmonJson, 7694, 184, 7311 },
        { "empire_scm_dll_hijack_ikeext_2019-04-03133337.sysmon.json", Envelope.WinlogbeatLegacy, 1363, 275, 1056 },
        { "empire_enable_rdp_2019-05-18203650.sysmon.json", Envelope.WinlogbeatLegacy, 2074, 89, 293 },
        { "empire_invoke_runas_2019-05-18204300.sysmon.json", Envelope.WinlogbeatLegacy, 614, 135, 4 },
        { "sysmon_log4shell_cve2021_44228_java_serialized_object_2022-05-13045800.json", Envelope.SentinelWindowsEvent, 487, 5, 0 },
        { "syslog_sysmon_log4shell_cve2021_44228_jndi_reference_2022-05-11181020.json", Envelope.SentinelSyslog, 93, 6, 0 },
    };

    [DatasetTheory]
    [MemberData(nameof(OtrfFiles))]
    public void Otrf_files_read_completely_with_the_documented_counts(string file, Envelope envelope, int records, int eid3, int eid13)
    {
        var lines = Lines(Path.Combine(Otrf, file)).ToList();
        var counts = Count(lines);

        // Malformed exactly where a conforming parser rejects the record. That is nowhere except in
        // the Sysmon for Linux rows, which hold some XML that is not well-formed (e.g. "&lt unknown process&gt ").
        Assert.Equal(lines.Count(line => !ReferenceParsers.Accepts(line)), counts.Malformed);
        Assert.Equal(records, counts.Records);
        Assert.Equal(eid3, counts.SysmonEid3);
        Assert.Equal(eid13, counts.SysmonEid13);
        Assert.Equal([envelope], counts.Envelopes);
        Assert.Equal(eid3, counts.Eid3WithDestination);
    }

    [DatasetFact]
    public void Evtx_attack_samples_xml_read_completely_with_the_documented_totals()
    {
        // README: 42 files with Sysmon EID 3 plus two registry-only files; 1 216 records, 164 EID 3.
        string[] files = Directory.GetFiles(Datasets.Path(EvtxXml), "*.xml");
        var counts = Count(files.SelectMany(f => Lines(Path.GetRelativePath(Datasets.Folder!, f))));

        Assert.Equal(44, files.Length);
        Assert.Equal(0, counts.Malformed);
        Assert.Equal(1216, counts.Records);
        Assert.Equal(164, counts.SysmonEid3);
        Assert.Equal(164, counts.Eid3WithDestination);
        Assert.Equal([Envelope.EventXml], counts.Envelopes);
    }

    [DatasetFact]
    public void Binary_evtx_files_are_cleanly_malformed_not_a_crash()
    {
        // Not a record format the reader takes (they are rendered to XML beside them); fed whole, they must fail cleanly.
        var reader = new RecordReader(maxRecordBytes: 4 * 1024 * 1024);
        string[] files = Directory.GetFiles(Datasets.Folder!, "*.evtx", SearchOption.AllDirectories);

        Assert.NotEmpty(files);
        foreach (string file in files)
        {
            var outcome = ReadOutcome.Of(File.ReadAllBytes(file), reader);
            Assert.False(outcome.IsOk, file);
        }
    }

    /// <summary>Connections the README calls out (image, destination, port, how many).</summary>
    public static TheoryData<string, string, string, string, int> Highlights => new()
    {
        { $"{Otrf}/empire_dllinjection_LoadLibrary_CreateRemoteThread_2020-07-22000048.sysmon.json", "powershell.exe", "10.10.10.5", "80", 51 },
        { $"{Otrf}/empire_mimikatz_logonpasswords_2020-08-07103224.sysmon.json", "powershell.exe", "10.10.10.5", "80", 35 },
        { $"{Otrf}/empire_scm_dll_hijack_ikeext_2019-04-03133337.sysmon.json", "powershell.exe", "10.0.10.106", "443", 161 },
        { $"{Otrf}/empire_invoke_runas_2019-05-18204300.sysmon.json", "notepad.exe", "10.0.10.106", "443", 22 },
        { $"{Otrf}/empire_invoke_runas_2019-05-18204300.sysmon.json", "powershell.exe", "10.0.10.106", "443", 62 },
        { $"{Otrf}/metasploit_logonpasswords_lsass_memory_dump.sysmon.json", "winx64_payload.exe", "10.0.5.13", "8080", 4 },
    };

    [DatasetTheory]
    [MemberData(nameof(Highlights))]
    public void Documented_connections_are_read_with_their_fields(string file, string imageName, string destination, string port, int expected)
    {
        var reader = new RecordReader();
        int found = 0;
        foreach (byte[] line in Lines(file))
        {
            var outcome = ReadOutcome.Of(line, reader);
            if (outcome.EventId == 3
                && outcome["Image"]?.EndsWith('\\' + imageName, StringComparison.OrdinalIgnoreCase) == true
                && outcome["DestinationIp"] == destination
                && outcome["DestinationPort"] == port)
            {
                found++;
            }
        }

        Assert.Equal(expected, found);
    }

    [DatasetFact]
    public void Covenant_psremoting_has_the_documented_inbound_connections()
    {
        // README: inbound flows (Initiated=false), 91 of 276 in covenant_psremoting_grunt.
        var reader = new RecordReader();
        int inbound = Lines($"{Otrf}/covenant_psremoting_grunt_2019-12-05014931.sysmon.json")
            .Select(line => ReadOutcome.Of(line, reader))
            .Count(o => o.EventId == 3 && o["Initiated"] == "false");

        Assert.Equal(91, inbound);
    }

    [DatasetFact]
    public void Sigmahq_evtx_dump_record_is_the_rdp_port_change()
    {
        // README: one EID 13 record, reg.exe sets ...\RDP-Tcp\PortNumber = DWORD (0x00001189), user ATTACKRANGE\Administrator.
        string folder = Datasets.Path("sigmahq-regression");
        byte[] json = File.ReadAllBytes(Directory.GetFiles(folder, "*.json").Single());
        byte[] xml = File.ReadAllBytes(Directory.GetFiles(folder, "*.xml").Single());

        foreach (var (bytes, envelope) in new[] { (json, Envelope.EvtxDump), (xml, Envelope.EventXml) })
        {
            var outcome = ReadOutcome.Of(bytes);
            Assert.True(outcome.IsOk, outcome.ToString());
            Assert.Equal(envelope, outcome.Envelope);
            Assert.Equal(ProviderKind.Sysmon, outcome.Provider);
            Assert.Equal(13, outcome.EventId);
            Assert.EndsWith(@"\RDP-Tcp\PortNumber", outcome["TargetObject"]);
            Assert.Equal("DWORD (0x00001189)", outcome["Details"]);
            Assert.Equal(@"ATTACKRANGE\Administrator", outcome["User"]);
            Assert.Equal(@"C:\Windows\system32\reg.exe", outcome["Image"]);
        }
    }

    [DatasetFact]
    public void Rdp_settings_tampering_sample_holds_the_port_80_change()
    {
        // README: EID 13 ...\WinStations\RDP-Tcp\PortNumber = DWORD (0x00000050), set by regedit.exe.
        var reader = new RecordReader();
        var changes = Lines($"{EvtxXml}/Defense_Evasion__sysmon_13_rdp_settings_tampering.xml")
            .Select(line => ReadOutcome.Of(line, reader))
            .Where(o => o.EventId == 13 && o["TargetObject"]?.EndsWith(@"\RDP-Tcp\PortNumber", StringComparison.OrdinalIgnoreCase) == true)
            .ToList();

        Assert.Contains(changes, o => o["Details"] == "DWORD (0x00000050)" && o["Image"]!.EndsWith("regedit.exe", StringComparison.OrdinalIgnoreCase));
    }

    private sealed record Counts(int Records, int Malformed, int SysmonEid3, int SysmonEid13, int Eid3WithDestination, Envelope[] Envelopes);

    private static Counts Count(IEnumerable<byte[]> lines)
    {
        var reader = new RecordReader();
        var envelopes = new SortedSet<Envelope>();
        int records = 0, malformed = 0, eid3 = 0, eid13 = 0, withDestination = 0;
        foreach (byte[] line in lines)
        {
            records++;
            var outcome = ReadOutcome.Of(line, reader);
            if (!outcome.IsOk)
            {
                malformed++;
                continue;
            }

            envelopes.Add(outcome.Envelope);
            if (outcome.Provider == ProviderKind.Sysmon && outcome.EventId == 3)
            {
                eid3++;
                if (outcome["DestinationIp"] is not null && outcome["DestinationPort"] is not null && outcome["Image"] is not null)
                {
                    withDestination++;
                }
            }

            if (outcome.Provider == ProviderKind.Sysmon && outcome.EventId == 13)
            {
                eid13++;
            }
        }

        return new Counts(records, malformed, eid3, eid13, withDestination, envelopes.ToArray());
    }

    /// <summary>The non-blank lines of a dataset file, as bytes (one record per line).</summary>
    private static IEnumerable<byte[]> Lines(string relative)
    {
        byte[] all = File.ReadAllBytes(Datasets.Path(relative));
        int start = 0;
        while (start < all.Length)
        {
            int end = Array.IndexOf(all, (byte)'\n', start);
            if (end < 0)
            {
                end = all.Length;
            }

            if (all.AsSpan(start, end - start).Trim("\r \t"u8).Length > 0)
            {
                yield return all[start..end];
            }

            start = end + 1;
        }
    }
}
