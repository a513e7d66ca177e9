using System.Buffers;
using System.Text;
using System.Text.Json;
using NonStdPort.Core.Detect;
using NonStdPort.Core.Read;
using NonStdPort.Core.Rules;
using NonStdPort.Core.Tests.Engine;
using NonStdPort.Core.Write;
using NonStdPort.Core.Tests.Support;

namespace NonStdPort.Core.Tests.Write;

public sealed class AlertWriterTests
{
    private static JsonElement WriteOne(ConnectionRecord record, in SourceRef source, out AlertBatch batch)
    {
        var held = record.Materialize();
        SysmonRecord view = held.View();
        Assert.Equal(MalformedReason.None, NetworkConnection.TryRead(view, out NetworkConnection connection));
        long ticks = EventTime.TryParseUtcTicks(view.UtcTime, out long t) ? t : -1;
        Verdict verdict = new Scorer(RuleSet.Default).Score(view.Image, connection.Destination, connection.DestinationPort, connection.Direction);
        batch = new AlertBatch();
        new AlertWriter().Write(batch, AlertColumns.ForConnection(view, ticks, connection, verdict), source);
        Assert.Equal(1, batch.Count);
        return JsonDocument.Parse(batch.Json(batch[0]).ToArray()).RootElement.Clone();
    }

    [Fact]
    public void An_alert_has_every_column_in_order_with_the_source_last()
    {
        var record = new ConnectionRecord
        {
            Envelope = Envelope.EventXml,
            UtcTime = "2019-04-30 20:26:53.152962",
            Computer = "IEWIN7",
            User = "IEWIN7\\IEUser",
            Image = "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
            ProcessGuid = "{365ABB72-AF5D-5CC8-0000-0010E1BB3700}",
            Protocol = "tcp",
            SourceIp = "10.0.2.15",
            DestinationIp = "151.101.0.133",
            DestinationPort = "4444",
        };

        JsonElement alert = WriteOne(record, SourceRef.FromFile("capture.xml", 12), out _);

        Assert.Equal(
            ["event_time", "sourceip", "destinationip", "destinationport", "username", "process_name", "parent_process",
             "command_line", "parent_command_line", "event_category", "log_source_type", "is_high_risk_process", "is_known_c2_port", "risk_score", "hostname",
             "process_guid", "protocol", "technique", "severity", "rule", "timestamp", "detected_at", "alert_id", "source"],
            alert.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal("2019-04-30 20:26:53", alert.GetProperty("event_time").GetString());
        Assert.Equal("10.0.2.15", alert.GetProperty("sourceip").GetString());
        Assert.Equal("151.101.0.133", alert.GetProperty("destinationip").GetString());
        Assert.Equal(JsonValueKind.Number, alert.GetProperty("destinationport").ValueKind);
        Assert.Equal(4444, alert.GetProperty("destinationport").GetInt32());
        Assert.Equal("IEWIN7\\IEUser", alert.GetProperty("username").GetString());
        Assert.Equal("C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe", alert.GetProperty("process_name").GetString());
        Assert.Equal(JsonValueKind.Null, alert.GetProperty("parent_process").ValueKind);
        Assert.Equal("network_connection", alert.GetProperty("event_category").GetString());
        Assert.Equal("windows_event_xml", alert.GetProperty("log_source_type").GetString());
        Assert.Equal(1, alert.GetProperty("is_high_risk_process").GetInt32());
        Assert.Equal(1, alert.GetProperty("is_known_c2_port").GetInt32());
        Assert.Equal(3, alert.GetProperty("risk_score").GetInt32());
        Assert.Equal("IEWIN7", alert.GetProperty("hostname").GetString());
        Assert.Equal("{365ABB72-AF5D-5CC8-0000-0010E1BB3700}", alert.GetProperty("process_guid").GetString());
        Assert.Equal("tcp", alert.GetProperty("protocol").GetString());
        Assert.Equal("T1571", alert.GetProperty("technique").GetString());
        Assert.Equal("high", alert.GetProperty("severity").GetString());
        Assert.Equal("non_standard_port", alert.GetProperty("rule").GetString());
        JsonElement source = alert.GetProperty("source");
        Assert.Equal("capture.xml", source.GetProperty("file").GetString());
        Assert.Equal(12, source.GetProperty("line").GetInt64());
    }

    [Theory]
    [InlineData("C:\\x\\powershell.exe", "4444", "high", 3)]
    [InlineData("C:\\x\\powershell.exe", "8081", "medium", 2)]
    [InlineData("C:\\x\\app.exe", "4444", "low", 1)]
    public void Severity_follows_the_risk_score(string image, string port, string severity, int score)
    {
        JsonElement alert = WriteOne(new ConnectionRecord { Image = image, DestinationPort = port }, SourceRef.FromFile("f", 1), out _);

        Assert.Equal(score, alert.GetProperty("risk_score").GetInt32());
        Assert.Equal(severity, alert.GetProperty("severity").GetString());
    }

    [Fact]
    public void Absent_and_placeholder_values_are_written_as_null()
    {
        JsonElement alert = WriteOne(
            new ConnectionRecord { UtcTime = "", User = "-", SourceIp = "", Computer = "", ProcessGuid = "-", Protocol = "" },
            SourceRef.FromFile("f", 1),
            out AlertBatch batch);

        foreach (string column in new[] { "event_time", "username", "sourceip", "hostname", "process_guid", "protocol" })
        {
            Assert.Equal(JsonValueKind.Null, alert.GetProperty(column).ValueKind);
        }

        Assert.Equal(0, batch[0].KeyLength);
    }

    [Theory]
    [InlineData("C:\\Users\\Jürgen\\AppData\\Local\\Temp\\\"x\".exe")]
    [InlineData("/tmp/tab\there/python3")]
    [InlineData("C:\\日本\\cmd.exe")]
    [InlineData("a\u0001b\nc\rd\be\ff\u001fg\u007fh\u2028i")]
    [InlineData("\\\\\"\"\\")]
    public void Values_round_trip_through_JSON_escaping(string image)
    {
        JsonElement alert = WriteOne(new ConnectionRecord { Image = image, DestinationPort = "4444" }, SourceRef.FromFile("dir\\in \"x\".json", 3), out _);

        Assert.Equal(image, alert.GetProperty("process_name").GetString());
        Assert.Equal("dir\\in \"x\".json", alert.GetProperty("source").GetProperty("file").GetString());
    }

    [Fact]
    public void A_long_value_full_of_escapes_round_trips()
    {
        string image = string.Concat(Enumerable.Repeat("C:\\\"x\"\t", 20_000));

        JsonElement alert = WriteOne(new ConnectionRecord { Image = image }, SourceRef.FromFile("f", 1), out _);

        Assert.Equal(image, alert.GetProperty("process_name").GetString());
    }

    [Fact]
    public void Invalid_UTF8_in_a_value_is_written_with_replacement_characters_not_an_exception()
    {
        var batch = new AlertBatch();
        var columns = new AlertColumns { EventTimeTicks = -1, DestinationPort = 1, ProcessName = [0x43, 0x3A, 0xFF, 0x78], EventCategory = "network_connection" };

        new AlertWriter().Write(batch, columns, SourceRef.FromFile("f", 1));

        using var doc = JsonDocument.Parse(batch.Json(batch[0]).ToArray());
        Assert.Equal("C:\uFFFDx", doc.RootElement.GetProperty("process_name").GetString());
    }

    [Theory]
    [InlineData("WS01.corp.example", "WS01.corp.example")]
    [InlineData("ÜBERHOST", "ÜBERHOST")]
    // A host name that needs JSON escaping is keyed by its escaped form (still one stable key per host).
    [InlineData("odd\"host", "odd\\\"host")]
    public void The_batch_key_is_the_host_name(string host, string expectedKey)
    {
        WriteOne(new ConnectionRecord { Computer = host }, SourceRef.FromFile("f", 1), out AlertBatch batch);

        Assert.Equal(expectedKey, Encoding.UTF8.GetString(batch.Key(batch[0])));
    }

    [Fact]
    public void Batches_hold_one_alert_per_line_and_an_index_entry_each()
    {
        var batch = new AlertBatch(256);
        var writer = new AlertWriter();
        for (int i = 0; i < 200; i++)
        {
            var columns = new AlertColumns { EventTimeTicks = -1, DestinationPort = i, Hostname = Encoding.UTF8.GetBytes($"host{i}"), EventCategory = "network_connection", RiskScore = 1 };
            writer.Write(batch, columns, SourceRef.FromFile("f", i + 1));
        }

        string[] lines = Encoding.UTF8.GetString(batch.WrittenSpan).Split('\n');
        Assert.Equal(201, lines.Length);
        Assert.Equal("", lines[^1]);
        for (int i = 0; i < 200; i++)
        {
            Assert.Equal(lines[i], Encoding.UTF8.GetString(batch.Json(batch[i])));
            Assert.Equal($"host{i}", Encoding.UTF8.GetString(batch.Key(batch[i])));
            using var doc = JsonDocument.Parse(lines[i]);
            Assert.Equal(i + 1, doc.RootElement.GetProperty("source").GetProperty("line").GetInt32());
        }
    }

    [Fact]
    public void Each_alert_names_its_own_file_or_topic_when_sources_alternate()
    {
        var batch = new AlertBatch();
        var writer = new AlertWriter();
        SourceRef[] sources = [SourceRef.FromFile("a.json", 1), SourceRef.FromFile("b.xml", 2), SourceRef.FromKafka("t1", 0, 3), SourceRef.FromFile("a.json", 4), SourceRef.FromKafka("t2", 1, 5)];
        foreach (SourceRef source in sources)
        {
            writer.Write(batch, new AlertColumns { EventTimeTicks = -1, DestinationPort = 1, EventCategory = "network_connection" }, source);
        }

        string[] written = Enumerable.Range(0, batch.Count).Select(i =>
        {
            using var doc = JsonDocument.Parse(batch.Json(batch[i]).ToArray());
            return doc.RootElement.GetProperty("source").GetRawText();
        }).ToArray();
        Assert.Equal(
            ["""{"file":"a.json","line":1}""", """{"file":"b.xml","line":2}""", """{"topic":"t1","partition":0,"offset":3}""",
             """{"file":"a.json","line":4}""", """{"topic":"t2","partition":1,"offset":5}"""],
            written);
    }

    [Fact]
    public void A_Kafka_source_is_written_as_topic_partition_and_offset()
    {
        JsonElement alert = WriteOne(new ConnectionRecord(), SourceRef.FromKafka("sysmon-raw", 7, 123456789012), out _);

        JsonElement source = alert.GetProperty("source");
        Assert.Equal("sysmon-raw", source.GetProperty("topic").GetString());
        Assert.Equal(7, source.GetProperty("partition").GetInt32());
        Assert.Equal(123456789012, source.GetProperty("offset").GetInt64());
    }

    [Fact]
    public void Writing_alerts_allocates_nothing_once_warm()
    {
        var held = new ConnectionRecord().Materialize();
        var batch = new AlertBatch(1 << 20);
        var writer = new AlertWriter();
        var file = SourceRef.FromFile("events.json", 1);
        var kafka = SourceRef.FromKafka("sysmon-raw", 1, 99);

        void WriteMany()
        {
            batch.Clear();
            SysmonRecord view = held.View();
            NetworkConnection.TryRead(view, out NetworkConnection connection);
            var verdict = new Verdict(true, true, 3, NotAlertReason.None);
            for (int i = 0; i < 50; i++)
            {
                writer.Write(batch, AlertColumns.ForConnection(view, 638000000000000000, connection, verdict), (i & 1) == 0 ? file : kafka);
            }
        }

        AllocationAssert.None(WriteMany, iterations: 200);
    }
}
