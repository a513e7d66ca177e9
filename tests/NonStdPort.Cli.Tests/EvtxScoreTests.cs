using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using NonStdPort.Cli.Tests.Support;
using NonStdPort.Core.Tests.Support;

namespace NonStdPort.Cli.Tests;

/// <summary>
/// `nonstdport score FILE.evtx`: each dataset `.evtx` gives the same alerts as its python-evtx XML
/// rendering, source references name the EVTX record, and damage is reported per chunk and record
/// while the rest of the file is read. Skipped with a message when the datasets folder is absent.
/// </summary>
public sealed class EvtxScoreTests
{
    private static string EvtxFolder => Datasets.Path(Path.Combine("evtx-attack-samples", "evtx"));

    private static string XmlFolder => Datasets.Path(Path.Combine("evtx-attack-samples", "xml"));

    [DatasetFact]
    public void Each_evtx_file_gives_the_same_alerts_as_its_xml_rendering()
    {
        using var dir = new TempDir();
        string rules = dir.File("rules.yaml", "internal_networks: []\n");
        string[] files = Directory.GetFiles(EvtxFolder, "*.evtx").Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(44, files.Length);

        int alerts = 0;
        foreach (string evtx in files)
        {
            string xml = Path.Combine(XmlFolder, Path.GetFileNameWithoutExtension(evtx) + ".xml");
            CliResult fromEvtx = CliRunner.Run("score", "--rules", rules, evtx);
            CliResult fromXml = CliRunner.Run("score", "--rules", rules, xml);

            Assert.True(fromEvtx.ExitCode == 0, $"{evtx}: {fromEvtx}");
            Assert.Equal(fromXml.ExitCode, fromEvtx.ExitCode);
            Assert.Equal(Comparable(fromXml), Comparable(fromEvtx));
            foreach (JsonElement alert in Alerts.Parse(fromEvtx))
            {
                JsonElement source = alert.GetProperty("source");
                Assert.Equal(evtx, source.GetProperty("file").GetString());
                Assert.True(source.GetProperty("record").GetInt64() > 0);
                Assert.False(source.TryGetProperty("line", out _));
            }

            alerts += fromEvtx.StdoutLines.Length;
        }

        Assert.True(alerts > 0);
    }

    [DatasetFact]
    public void An_evtx_file_is_told_by_its_signature_whatever_its_name_and_gzipped()
    {
        string evtx = Path.Combine(EvtxFolder, "Defense_Evasion__sysmon_13_rdp_settings_tampering.evtx");
        using var dir = new TempDir();
        string plain = dir.File("copied.log", File.ReadAllBytes(evtx));
        string gz = Path.Combine(dir.Path, "copied.dat");
        using (var output = File.Create(gz))
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(File.ReadAllBytes(evtx));
        }

        CliResult fromPlain = CliRunner.Run("score", plain);
        CliResult fromGzip = CliRunner.Run("score", gz);

        Assert.True(fromPlain.ExitCode == 0, fromPlain.ToString());
        Assert.True(fromGzip.ExitCode == 0, fromGzip.ToString());
        JsonElement alert = Assert.Single(Alerts.Parse(fromPlain));
        Assert.Equal("rdp_port_change", alert.GetProperty("rule").GetString());
        Assert.Equal(19, alert.GetProperty("source").GetProperty("record").GetInt64());
        Assert.Equal(Comparable(fromPlain), Comparable(fromGzip));
    }

    [DatasetFact]
    public void A_damaged_chunk_is_reported_and_the_other_chunks_are_still_read()
    {
        string evtx = Path.Combine(EvtxFolder, "AutomatedTestingTools__PanacheSysmon_vs_AtomicRedTeam01.evtx");
        byte[] bytes = File.ReadAllBytes(evtx);
        Assert.True(bytes.Length > 4096 + 2 * 65536, "the sample should span several chunks");
        const int firstRecords = 4096 + 512;
        bytes.AsSpan(firstRecords + 100, 40).Fill(0xff); // inside chunk 0's first record
        using var dir = new TempDir();
        string damaged = dir.File("damaged.evtx", bytes);

        CliResult clean = CliRunner.Run("score", "--stats", evtx);
        CliResult result = CliRunner.Run("score", "--stats", damaged);

        Assert.Equal(ExitCodes.SomeMalformed, result.ExitCode);
        string[] damage = result.StderrLines.Where(line => line.StartsWith(damaged + ":", StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(damage);
        Assert.All(damage, line => Assert.StartsWith(damaged + ":chunk 0 record ", line, StringComparison.Ordinal));
        Assert.Contains(damage, line => line.Contains(": event records checksum mismatch", StringComparison.Ordinal));

        long records = Counter(clean, "records:");
        long malformed = Counter(result, "malformed:");
        Assert.Equal(0, Counter(clean, "malformed:"));
        Assert.Equal(records, Counter(result, "records:"));
        Assert.InRange(malformed, 1, records - 1); // the records of the other chunks (and the rest of chunk 0) are read
    }

    [DatasetFact]
    public void A_file_cut_inside_its_header_is_reported()
    {
        byte[] bytes = File.ReadAllBytes(Path.Combine(EvtxFolder, "Defense_Evasion__sysmon_13_rdp_settings_tampering.evtx"));
        using var dir = new TempDir();
        string cut = dir.File("cut.evtx", bytes[..1000]);

        CliResult result = CliRunner.Run("score", cut);

        Assert.Equal(ExitCodes.SomeMalformed, result.ExitCode);
        Assert.Equal($"{cut}: file ends inside its header", Assert.Single(result.StderrLines));
    }

    [Fact]
    public void Score_help_mentions_evtx()
    {
        CliResult result = CliRunner.Run("score", "--help");

        Assert.Contains(".evtx", result.Stdout + result.Stderr, StringComparison.Ordinal);
        Assert.Contains("FILE:chunk C record R", result.Stdout + result.Stderr, StringComparison.Ordinal);
    }

    /// <summary>The alerts without the columns that name the input or the run.</summary>
    private static string[] Comparable(CliResult result) =>
        result.StdoutLines.Select(line =>
        {
            JsonObject alert = JsonNode.Parse(line)!.AsObject();
            alert.Remove("source");
            alert.Remove("detected_at");
            alert.Remove("alert_id");
            return alert.ToJsonString();
        }).ToArray();

    private static long Counter(CliResult result, string label)
    {
        string line = result.StderrLines.Single(l => l.StartsWith(label, StringComparison.Ordinal));
        string number = line[label.Length..].TrimStart().Split(' ')[0];
        return long.Parse(number, System.Globalization.NumberStyles.AllowThousands, System.Globalization.CultureInfo.InvariantCulture);
    }
}
