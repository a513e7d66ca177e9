using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using NonStdPort.Core.Write;

namespace NonStdPort.Core.Tests.Write;

/// <summary>LEEF and CEF samples, read back with the strict parsers of <see cref="LeefParser"/> and <see cref="CefParser"/>.</summary>
public sealed class LineFormatTests
{
    private static List<(JsonElement Json, LineEvent Event)> Pairs(AlertFormat format, Func<string, LineEvent> parse)
    {
        var json = FormatSamples.Alerts(AlertFormat.Json);
        var lines = FormatSamples.Alerts(format);
        Assert.Equal(json.Count, lines.Count);
        return json.Select((j, i) => (JsonDocument.Parse(j).RootElement.Clone(), parse(lines[i]))).ToList();
    }

    private static string? Text(JsonElement alert, string column) =>
        alert.GetProperty(column) is { ValueKind: JsonValueKind.Null } ? null : alert.GetProperty(column).ToString();

    private static long UnixMs(string iso) =>
        DateTimeOffset.Parse(iso, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).ToUnixTimeMilliseconds();

    [Fact]
    public void Every_leef_sample_has_a_leef_2_header_naming_the_product_and_rule()
    {
        foreach (var (json, leef) in Pairs(AlertFormat.Leef, LeefParser.Parse))
        {
            Assert.Equal(["LEEF:2.0", ProductInfo.Vendor, ProductInfo.Product, ProductInfo.Version, json.GetProperty("rule").GetString()!, "x09"], leef.Header);
        }
    }

    [Theory]
    [InlineData("sourceip", "src")]
    [InlineData("destinationip", "dst")]
    [InlineData("destinationport", "dstPort")]
    [InlineData("username", "usrName")]
    [InlineData("hostname", "identHostName")]
    [InlineData("protocol", "proto")]
    [InlineData("event_category", "cat")]
    [InlineData("process_name", "processName")]
    [InlineData("process_guid", "processGuid")]
    [InlineData("parent_process", "parentProcess")]
    [InlineData("command_line", "commandLine")]
    [InlineData("parent_command_line", "parentCommandLine")]
    [InlineData("alert_id", "alertId")]
    [InlineData("detected_at", "detectedAt")]
    [InlineData("risk_score", "riskScore")]
    [InlineData("is_high_risk_process", "isHighRiskProcess")]
    [InlineData("is_known_c2_port", "isKnownC2Port")]
    [InlineData("severity", "severity")]
    [InlineData("technique", "technique")]
    [InlineData("log_source_type", "logSourceType")]
    [InlineData("timestamp", "devTime")]
    public void Each_column_reads_back_from_its_leef_key_unchanged(string column, string key)
    {
        foreach (var (json, leef) in Pairs(AlertFormat.Leef, LeefParser.Parse))
        {
            Assert.Equal(Text(json, column), leef.Extensions.GetValueOrDefault(key));
        }
    }

    [Fact]
    public void Leef_predefined_attributes_have_their_types()
    {
        foreach (var (json, leef) in Pairs(AlertFormat.Leef, LeefParser.Parse))
        {
            var a = leef.Extensions;
            Assert.Equal("yyyy-MM-dd'T'HH:mm:ss.SSSX", a["devTimeFormat"]);
            Assert.True(DateTime.TryParseExact(a["devTime"], "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture, DateTimeStyles.None, out _), a["devTime"]);
            Assert.InRange(int.Parse(a["sev"], CultureInfo.InvariantCulture), 1, 10);
            Assert.All(new[] { "src", "dst" }.Where(a.ContainsKey), k => Assert.True(IPAddress.TryParse(a[k], out _), a[k]));
            if (a.TryGetValue("dstPort", out string? port))
            {
                Assert.InRange(int.Parse(port, CultureInfo.InvariantCulture), 0, 65535);
            }

            Assert.Equal(json.GetProperty("severity").GetString() switch { "high" => "8", "medium" => "5", _ => "3" }, a["sev"]);
        }
    }

    [Fact]
    public void Every_cef_sample_has_a_cef_0_header_naming_the_product_rule_and_severity()
    {
        foreach (var (json, cef) in Pairs(AlertFormat.Cef, CefParser.Parse))
        {
            string severity = json.GetProperty("severity").GetString() switch { "high" => "8", "medium" => "5", _ => "3" };
            Assert.Equal(["0", ProductInfo.Vendor, ProductInfo.Product, ProductInfo.Version, json.GetProperty("rule").GetString()!], cef.Header[..5]);
            Assert.False(string.IsNullOrEmpty(cef.Header[5]));
            Assert.Equal(severity, cef.Header[6]);
        }
    }

    [Theory]
    [InlineData("sourceip", "src", null)]
    [InlineData("destinationip", "dst", null)]
    [InlineData("destinationport", "dpt", null)]
    [InlineData("username", "suser", null)]
    [InlineData("hostname", "shost", null)]
    [InlineData("protocol", "proto", null)]
    [InlineData("event_category", "cat", null)]
    [InlineData("process_name", "sproc", null)]
    [InlineData("alert_id", "externalId", null)]
    [InlineData("process_guid", "cs1", "processGuid")]
    [InlineData("command_line", "cs2", "commandLine")]
    [InlineData("parent_process", "cs3", "parentProcess")]
    [InlineData("parent_command_line", "cs4", "parentCommandLine")]
    [InlineData("log_source_type", "cs5", "logSourceType")]
    [InlineData("technique", "cs6", "technique")]
    [InlineData("risk_score", "cn1", "riskScore")]
    public void Each_column_reads_back_from_its_cef_key_unchanged_with_its_label(string column, string key, string? label)
    {
        foreach (var (json, cef) in Pairs(AlertFormat.Cef, CefParser.Parse))
        {
            string? expected = Text(json, column);
            Assert.Equal(expected, cef.Extensions.GetValueOrDefault(key));
            if (label is not null && expected is not null)
            {
                Assert.Equal(label, cef.Extensions[key + "Label"]);
            }
        }
    }

    [Fact]
    public void Cef_times_are_milliseconds_since_the_epoch_of_the_event_and_detection()
    {
        foreach (var (json, cef) in Pairs(AlertFormat.Cef, CefParser.Parse))
        {
            Assert.Equal(UnixMs(json.GetProperty("timestamp").GetString()!), long.Parse(cef.Extensions["rt"], CultureInfo.InvariantCulture));
            Assert.Equal(UnixMs(json.GetProperty("detected_at").GetString()!), long.Parse(cef.Extensions["deviceCustomDate1"], CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public void Beacon_and_rdp_members_read_back_from_both_formats()
    {
        var leef = Pairs(AlertFormat.Leef, LeefParser.Parse);
        var cef = Pairs(AlertFormat.Cef, CefParser.Parse);
        for (int i = 0; i < leef.Count; i++)
        {
            JsonElement json = leef[i].Json;
            if (json.TryGetProperty("beacon", out JsonElement beacon))
            {
                Assert.Equal(beacon.GetProperty("count").ToString(), leef[i].Event.Extensions["beaconCount"]);
                Assert.Equal(beacon.GetProperty("count").ToString(), cef[i].Event.Extensions["cnt"]);
                Assert.Equal(beacon.GetProperty("median_interval_s").ToString(), cef[i].Event.Extensions["cfp1"]);
            }

            if (json.TryGetProperty("new_port", out JsonElement port))
            {
                Assert.Equal(port.ToString(), leef[i].Event.Extensions["newPort"]);
                Assert.Equal(port.ToString(), cef[i].Event.Extensions["cn2"]);
            }
        }

        Assert.Contains(leef, p => p.Json.TryGetProperty("beacon", out _));
        Assert.Contains(leef, p => p.Json.TryGetProperty("new_port", out _));
    }

    public static TheoryData<string, string> EscapedValues() => new()
    {
        { "a pipe", "a|b" },
        { "an equals sign", "key=value" },
        { "a backslash", @"C:\Users\x" },
        { "a trailing backslash", "ends\\" },
        { "a tab", "a\tb" },
        { "a line feed", "line1\nline2" },
        { "a carriage return", "line1\r\nline2" },
        { "non-ASCII", "caf\u00e9 \u4e2d" },
        { "an escape lookalike", @"\n is not a newline" },
    };

    private static string WriteWithCommandLine(AlertFormat format, string commandLine)
    {
        byte[] value = Encoding.UTF8.GetBytes(commandLine);
        var columns = new AlertColumns
        {
            EventTimeTicks = new DateTime(2026, 11, 28, 6, 0, 0, DateTimeKind.Utc).Ticks,
            SourceIp = "10.0.0.1"u8,
            DestinationIp = "203.0.113.9"u8,
            DestinationPort = 4444,
            ProcessName = @"C:\x.exe"u8,
            CommandLine = value,
            EventCategory = AlertWriter.NetworkConnectionCategory,
            Hostname = "h"u8,
            Severity = AlertSeverity.High,
            RiskScore = 3,
        };
        var batch = new AlertBatch();
        AlertFormats.Create(format, FixedClock.Default).Write(batch, new AlertDetails(columns), SourceRef.FromFile("f", 1));
        return Encoding.UTF8.GetString(batch.Json(batch[0]));
    }

    [Theory]
    [MemberData(nameof(EscapedValues))]
    public void A_leef_value_with_special_characters_reads_back_unchanged(string what, string value)
    {
        string line = WriteWithCommandLine(AlertFormat.Leef, value);

        Assert.True(value == LeefParser.Parse(line).Extensions["commandLine"], what);
        Assert.DoesNotContain('\n', line);
    }

    [Theory]
    [MemberData(nameof(EscapedValues))]
    public void A_cef_value_with_special_characters_reads_back_unchanged(string what, string value)
    {
        string line = WriteWithCommandLine(AlertFormat.Cef, value);

        Assert.True(value == CefParser.Parse(line).Extensions["cs2"], what);
        Assert.DoesNotContain('\n', line);
    }

    [Theory]
    [InlineData("LEEF:1.0|V|P|1|E|src=1", "not LEEF 2.0")]
    [InlineData("LEEF:2.0|V|P|1|E|", "header has 5 fields")]
    [InlineData("LEEF:2.0|V|P|1|E|x0G|a=b", "delimiter 'x0G'")]
    [InlineData("LEEF:2.0|V|P|1|E|^|a=b^a=c", "duplicate key a")]
    [InlineData("LEEF:2.0|V|P|1|E|^|novalue", "attribute 'novalue'")]
    [InlineData("LEEF:2.0|V|P|1|E|^|a=b\\", "a value ends in a lone backslash")]
    public void The_leef_parser_rejects_malformed_events(string line, string expected) =>
        Assert.StartsWith(expected, Assert.Throws<FormatException>(() => LeefParser.Parse(line)).Message);

    [Theory]
    [InlineData("CEF:1|V|P|1|S|N|5|", "not CEF 0")]
    [InlineData("CEF:0|V|P|1|S|N|", "header has 6 fields, CEF has 7")]
    [InlineData("CEF:0|V|P|1|S|N|11|", "severity '11'")]
    [InlineData("CEF:0|V|P\\x|1|S|N|5|", "header escape \\x")]
    [InlineData("CEF:0|V|P|1|S|N|5|a=b=c", "no space before the key after a")]
    [InlineData("CEF:0|V|P|1|S|N|5|a=b c-d=e", "'c-d' is not an extension key")]
    [InlineData("CEF:0|V|P|1|S|N|5|a=x\\|y", "extension escape \\|")]
    [InlineData("CEF:0|V|P|1|S|N|5|a=1 a=2", "duplicate key a")]
    public void The_cef_parser_rejects_malformed_events(string line, string expected) =>
        Assert.StartsWith(expected, Assert.Throws<FormatException>(() => CefParser.Parse(line)).Message);
}
