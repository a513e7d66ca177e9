using System.Text;
using System.Text.Json;
using NonStdPort.Core.Detect;
using NonStdPort.Core.Rules;
using NonStdPort.Core.Tests.Read;
using NonStdPort.Core.Tests.Support;
using NonStdPort.Core.Write;

namespace NonStdPort.Core.Tests.Engine;

/// <summary>Engine.Process over real record text in every envelope.</summary>
public sealed class EnvelopeEngineTests
{
    private static JsonElement ProcessOne(string record, out RecordOutcome outcome)
    {
        var engine = new Core.Engine(RuleSet.Default);
        var batch = new AlertBatch();
        outcome = engine.Process(Encoding.UTF8.GetBytes(record), SourceRef.FromFile("sample", 1), batch);
        Assert.Equal(OutcomeKind.Alert, outcome.Kind);
        using var doc = JsonDocument.Parse(batch.Json(batch[Assert.Single(Enumerable.Range(0, batch.Count))]).ToArray());
        return doc.RootElement.Clone();
    }

    public static TheoryData<string> WindowsSamples()
    {
        var data = new TheoryData<string>();
        foreach (string name in Samples.All.Keys.Where(n => n != "sentinel-syslog"))
        {
            data.Add(name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(WindowsSamples))]
    public void Every_envelope_gives_the_same_alert_for_the_same_event(string name)
    {
        JsonElement reference = ProcessOne(Samples.Flat, out _);
        JsonElement alert = ProcessOne(Samples.All[name], out RecordOutcome outcome);

        Assert.Equal(3, outcome.RiskScore);
        foreach (JsonProperty column in reference.EnumerateObject())
        {
            // detected_at is the writing time; alert_id hashes process_guid and hostname, whose spelling varies (below).
            if (column.Name is "log_source_type" or "source" or "process_guid" or "hostname" or "detected_at" or "alert_id")
            {
                continue;
            }

            Assert.True(alert.TryGetProperty(column.Name, out JsonElement value), $"{name} has no {column.Name}");
            Assert.Equal(column.Value.ToString(), value.ToString());
        }

        // evtx_dump writes ProcessGuid upper case without braces; Winlogbeat's host.name may differ in case.
        Assert.Equal(
            reference.GetProperty("process_guid").GetString()!.Trim('{', '}'),
            alert.GetProperty("process_guid").GetString()!.Trim('{', '}'),
            ignoreCase: true);
        Assert.Equal(reference.GetProperty("hostname").GetString(), alert.GetProperty("hostname").GetString(), ignoreCase: true);
    }

    [Fact]
    public void A_flat_record_gives_the_expected_alert()
    {
        JsonElement alert = ProcessOne(Samples.Flat, out _);

        Assert.Equal("2024-03-01 10:15:01", alert.GetProperty("event_time").GetString());
        Assert.Equal("10.20.30.40", alert.GetProperty("sourceip").GetString());
        Assert.Equal("45.33.32.156", alert.GetProperty("destinationip").GetString());
        Assert.Equal(4444, alert.GetProperty("destinationport").GetInt32());
        Assert.Equal("CORP\\alice", alert.GetProperty("username").GetString());
        Assert.Equal("C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe", alert.GetProperty("process_name").GetString());
        Assert.Equal("sysmon_json", alert.GetProperty("log_source_type").GetString());
        Assert.Equal("WS01.corp.example", alert.GetProperty("hostname").GetString());
        Assert.Equal("high", alert.GetProperty("severity").GetString());
    }

    [Fact]
    public void A_Sysmon_for_Linux_record_in_a_Sentinel_syslog_row_scores_curl_to_8088()
    {
        JsonElement alert = ProcessOne(Samples.SentinelSyslog, out RecordOutcome outcome);

        Assert.Equal(3, outcome.RiskScore);
        Assert.Equal("/usr/bin/curl", alert.GetProperty("process_name").GetString());
        Assert.Equal(8088, alert.GetProperty("destinationport").GetInt32());
        Assert.Equal("sentinel_syslog", alert.GetProperty("log_source_type").GetString());
    }

    [Theory]
    [InlineData("""{"EventID":3,"SourceName":"Microsoft-Windows-Sysmon","Image":"C:\\x\\cmd.exe","DestinationIp":"45.33.32.156","DestinationPort":"4444","Initiated":"false"}""", OutcomeKind.NotAlert)]
    [InlineData("""{"EventID":3,"SourceName":"Microsoft-Windows-Sysmon","Image":"C:\\x\\cmd.exe","DestinationIp":"45.33.32.156","DestinationPort":4444,"Initiated":"True"}""", OutcomeKind.Alert)]
    [InlineData("""{"EventID":"3","Image":"C:\\x\\cmd.exe","DestinationIp":"45.33.32.156","DestinationPort":"4444"}""", OutcomeKind.Alert)]
    [InlineData("""{"EventID":3,"SourceName":"Microsoft-Windows-Security-Auditing","Image":"C:\\x\\cmd.exe","DestinationIp":"45.33.32.156","DestinationPort":"4444"}""", OutcomeKind.Skipped)]
    [InlineData("""{"EventID":1,"SourceName":"Microsoft-Windows-Sysmon","Image":"C:\\x\\cmd.exe"}""", OutcomeKind.Skipped)]
    [InlineData("""{"EventID":3,"SourceName":"Microsoft-Windows-Sysmon","Image":"C:\\x\\cmd.exe","DestinationIp":"45.33.32.156","DestinationPort":"70000"}""", OutcomeKind.Malformed)]
    [InlineData("""{"EventID":3,"SourceName":"Microsoft-Windows-Sysmon","Image":"C:\\x\\cmd.exe","DestinationPort":"4444"}""", OutcomeKind.Malformed)]
    [InlineData("""{"EventID":3,"SourceName":"Microsoft-Windows-Sysmon","UtcTime":"not a time","Image":"C:\\x\\cmd.exe","DestinationIp":"45.33.32.156","DestinationPort":"4444"}""", OutcomeKind.Malformed)]
    [InlineData("""{"EventID":3,"SourceName":"Microsoft-Windows-Sysmon","Image":"C:\u005cx\u005cnotcmd.exe","DestinationIp":"45.33.32.156","DestinationPort":"8081"}""", OutcomeKind.NotAlert)]
    [InlineData("""{"EventID":3,"SourceName":"Microsoft-Windows-Sysmon","Image":"C:\u005cx\u005ccmd\u002eexe","DestinationIp":"45.33.32.156","DestinationPort":"8081"}""", OutcomeKind.Alert)]
    [InlineData("""{"EventID":3,"SourceName":"Microsoft-Windows-Sysmon","Image":"C:\\x\\cmd.exe","DestinationIp":"::ffff:10.1.1.1","DestinationPort":"4444"}""", OutcomeKind.NotAlert)]
    [InlineData("""{"EventID":3,"SourceName":"Microsoft-Windows-Sysmon","Image":"C:\\x\\cmd.exe","DestinationIp":"::ffff:8.8.8.8","DestinationPort":"4444"}""", OutcomeKind.Alert)]
    [InlineData("""{"EventID":3,"SourceName":"Microsoft-Windows-Sysmon","Image":"C:\\x\\cmd.exe","DestinationIp":"45.33.32.156","DestinationPort":"44""", OutcomeKind.Malformed)]
    public void Real_JSON_records_go_through_every_stage(string record, OutcomeKind expected)
    {
        var engine = new Core.Engine(RuleSet.Default);
        RecordOutcome outcome = engine.Process(Encoding.UTF8.GetBytes(record), SourceRef.FromFile("f", 1), new AlertBatch());

        Assert.Equal(expected, outcome.Kind);
    }

    [Fact]
    public void Processing_a_warm_batch_of_every_envelope_allocates_nothing()
    {
        byte[][] records = [.. Samples.All.Values.Select(Encoding.UTF8.GetBytes)];
        var engine = new Core.Engine(RuleSet.Default, new EngineOptions { EmitAll = true });
        var batch = new AlertBatch(1 << 20);
        var source = SourceRef.FromFile("events.json", 1);

        AllocationAssert.None(() =>
        {
            batch.Clear();
            foreach (byte[] record in records)
            {
                engine.Process(record, source, batch);
            }
        });
        Assert.Equal(records.Length, batch.Count);
    }
}
