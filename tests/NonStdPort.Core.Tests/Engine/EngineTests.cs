using System.Text;
using System.Text.Json;
using NonStdPort.Core.Detect;
using NonStdPort.Core.Read;
using NonStdPort.Core.Rules;
using NonStdPort.Core.Write;
using NonStdPort.Core.Tests.Support;

namespace NonStdPort.Core.Tests.Engine;

public sealed class EngineTests
{
    private static readonly SourceRef Source = SourceRef.FromFile("events.json", 7);

    private static (RecordOutcome Outcome, AlertBatch Batch, Core.Engine Engine) Run(ConnectionRecord record, RuleSet? rules = null, EngineOptions? options = null)
    {
        var engine = new Core.Engine(rules ?? RuleSet.Default, options);
        var batch = new AlertBatch();
        var held = record.Materialize();
        RecordOutcome outcome = engine.ProcessView(held.View(), Source, batch);
        return (outcome, batch, engine);
    }

    [Fact]
    public void A_high_risk_process_to_an_external_C2_port_is_one_alert_of_score_3()
    {
        var (outcome, batch, engine) = Run(new ConnectionRecord());

        Assert.Equal(OutcomeKind.Alert, outcome.Kind);
        Assert.Equal(3, outcome.RiskScore);
        Assert.Equal(1, outcome.AlertsWritten);
        Assert.Equal(1, batch.Count);
        Assert.Equal(1, engine.Counters.Alerts);
        Assert.Equal(1, engine.Counters.AlertsByScore[3]);
        Assert.Equal(1, engine.Counters.NetworkEvents);
        Assert.Equal("WS01.corp.example", Encoding.UTF8.GetString(batch.Key(batch[0])));
        Assert.EndsWith("\n", Encoding.UTF8.GetString(batch.WrittenSpan));
    }

    public static TheoryData<ProviderKind, int, string, string, OutcomeKind> ProviderAndEventIdCases => new()
    {
        { ProviderKind.Sysmon, 3, "203.0.114.7", "4444", OutcomeKind.Alert },
        // No provider at all, but EID 3 with the network fields: counts as Sysmon.
        { ProviderKind.Absent, 3, "203.0.114.7", "4444", OutcomeKind.Alert },
        // No provider and no network fields: not a network-connection record.
        { ProviderKind.Absent, 3, "", "", OutcomeKind.Skipped },
        // EID 3 from another provider is not a Sysmon network connection.
        { ProviderKind.Other, 3, "203.0.114.7", "4444", OutcomeKind.Skipped },
        // Other Sysmon event ids are skipped without error.
        { ProviderKind.Sysmon, 1, "203.0.114.7", "4444", OutcomeKind.Skipped },
        { ProviderKind.Sysmon, 22, "", "", OutcomeKind.Skipped },
        { ProviderKind.Absent, 13, "", "", OutcomeKind.Skipped },
    };

    [Theory]
    [MemberData(nameof(ProviderAndEventIdCases))]
    public void Only_Sysmon_event_id_3_is_scored(ProviderKind provider, int eventId, string destinationIp, string port, OutcomeKind expected)
    {
        var (outcome, _, engine) = Run(new ConnectionRecord { Provider = provider, EventId = eventId, DestinationIp = destinationIp, DestinationPort = port });

        Assert.Equal(expected, outcome.Kind);
        Assert.Equal(expected == OutcomeKind.Skipped ? 1 : 0, engine.Counters.Skipped);
    }

    [Theory]
    [InlineData("", "4444", MalformedReason.MissingDestinationIp)]
    [InlineData("-", "4444", MalformedReason.MissingDestinationIp)]
    [InlineData("203.0.114", "4444", MalformedReason.InvalidDestinationIp)]
    [InlineData("fe80::1%eth0", "4444", MalformedReason.InvalidDestinationIp)]
    [InlineData("203.0.114.7", "", MalformedReason.MissingDestinationPort)]
    [InlineData("203.0.114.7", "-", MalformedReason.MissingDestinationPort)]
    [InlineData("203.0.114.7", "65536", MalformedReason.InvalidDestinationPort)]
    [InlineData("203.0.114.7", "44a4", MalformedReason.InvalidDestinationPort)]
    [InlineData("203.0.114.7", "-1", MalformedReason.InvalidDestinationPort)]
    public void A_Sysmon_connection_without_a_valid_destination_is_malformed(string ip, string port, MalformedReason expected)
    {
        var (outcome, batch, engine) = Run(new ConnectionRecord { DestinationIp = ip, DestinationPort = port });

        Assert.Equal(OutcomeKind.Malformed, outcome.Kind);
        Assert.Equal(expected, outcome.Malformed);
        Assert.Equal(1, engine.Counters.Malformed);
        Assert.Equal(0, batch.Count);
    }

    [Theory]
    [InlineData("yes", "")]
    [InlineData("", "sideways")]
    [InlineData("1", "")]
    public void An_invalid_direction_is_malformed(string initiated, string networkDirection)
    {
        var (outcome, _, _) = Run(new ConnectionRecord { Initiated = initiated, NetworkDirection = networkDirection });

        Assert.Equal(MalformedReason.InvalidDirection, outcome.Malformed);
    }

    [Theory]
    [InlineData("2024-13-01 00:00:00")]
    [InlineData("yesterday")]
    [InlineData("2024-02-30 10:00:00.000")]
    public void An_invalid_event_time_is_malformed(string time)
    {
        var (outcome, _, _) = Run(new ConnectionRecord { UtcTime = time });

        Assert.Equal(MalformedReason.InvalidTime, outcome.Malformed);
    }

    [Theory]
    [InlineData(3, OutcomeKind.Malformed)]
    // Process create/terminate and registry value set feed detections, so their time must be valid too.
    [InlineData(1, OutcomeKind.Malformed)]
    [InlineData(5, OutcomeKind.Malformed)]
    [InlineData(13, OutcomeKind.Malformed)]
    // Event ids no detection reads are skipped without error, whatever their time.
    [InlineData(7, OutcomeKind.Skipped)]
    [InlineData(22, OutcomeKind.Skipped)]
    public void An_invalid_time_is_malformed_only_on_records_a_detection_reads(int eventId, OutcomeKind expected)
    {
        var (outcome, _, _) = Run(new ConnectionRecord { EventId = eventId, UtcTime = "2024-02-30 10:00:00" });

        Assert.Equal(expected, outcome.Kind);
    }

    [Theory]
    [InlineData("2024-03-01 12:34:56.789", "2024-03-01T12:00:00Z", OutcomeKind.Alert)]
    [InlineData("2024-03-01 11:59:59.999", "2024-03-01T12:00:00Z", OutcomeKind.Skipped)]
    [InlineData("2024-03-01 12:00:00.000", "2024-03-01T12:00:00Z", OutcomeKind.Alert)]
    // A record with no time cannot be judged old: it is kept.
    [InlineData("", "2024-03-01T12:00:00Z", OutcomeKind.Alert)]
    public void Records_before_NotBefore_are_skipped(string time, string notBefore, OutcomeKind expected)
    {
        var options = new EngineOptions { NotBefore = DateTime.Parse(notBefore, null, System.Globalization.DateTimeStyles.AdjustToUniversal) };
        var (outcome, _, _) = Run(new ConnectionRecord { UtcTime = time }, options: options);

        Assert.Equal(expected, outcome.Kind);
    }

    public static TheoryData<ConnectionRecord, NotAlertReason> NotAlertCases => new()
    {
        { new ConnectionRecord { Initiated = "false" }, NotAlertReason.Inbound },
        { new ConnectionRecord { DestinationIp = "192.168.1.20" }, NotAlertReason.InternalDestination },
        { new ConnectionRecord { Image = "C:\\Program Files\\App\\app.exe", DestinationPort = "5555" }, NotAlertReason.BelowThreshold },
    };

    [Theory]
    [MemberData(nameof(NotAlertCases))]
    public void A_connection_that_is_not_an_alert_is_counted_by_reason_and_not_written(ConnectionRecord record, NotAlertReason expected)
    {
        var (outcome, batch, engine) = Run(record);

        Assert.Equal(OutcomeKind.NotAlert, outcome.Kind);
        Assert.Equal(expected, outcome.Why);
        Assert.Equal(0, batch.Count);
        Assert.Equal(0, engine.Counters.Alerts);
        long counted = expected switch
        {
            NotAlertReason.Inbound => engine.Counters.Inbound,
            NotAlertReason.InternalDestination => engine.Counters.Internal,
            NotAlertReason.Suppressed => engine.Counters.Suppressed,
            _ => engine.Counters.BelowThreshold,
        };
        Assert.Equal(1, counted);
    }

    public static TheoryData<string, RuleSetBuilder> SuppressionKinds => new()
    {
        { "by process file name", new RuleSetBuilder { SuppressedProcesses = ["POWERSHELL.EXE"] } },
        { "by destination network", new RuleSetBuilder { SuppressedNetworks = ["203.0.114.0/24"] } },
        { "by process, network and port", new RuleSetBuilder { SuppressedCombinations = [new SuppressionCombination("powershell.exe", "203.0.114.0/23", 4444)] } },
        { "by process and network, any port", new RuleSetBuilder { SuppressedCombinations = [new SuppressionCombination("power*", "203.0.114.7", null)] } },
    };

    [Theory]
    [MemberData(nameof(SuppressionKinds))]
    public void A_suppressed_connection_is_not_an_alert_and_is_counted(string kind, RuleSetBuilder rules)
    {
        var (outcome, batch, engine) = Run(new ConnectionRecord(), rules.Build());

        Assert.True(outcome.Why == NotAlertReason.Suppressed, kind);
        Assert.Equal(1, engine.Counters.Suppressed);
        Assert.Equal(0, engine.Counters.Alerts);
        Assert.Equal(0, batch.Count);
    }

    [Fact]
    public void A_suppression_for_another_port_leaves_the_alert()
    {
        var rules = new RuleSetBuilder { SuppressedCombinations = [new SuppressionCombination("powershell.exe", "203.0.114.0/23", 4443)] }.Build();
        var (outcome, _, engine) = Run(new ConnectionRecord(), rules);

        Assert.Equal(OutcomeKind.Alert, outcome.Kind);
        Assert.Equal(0, engine.Counters.Suppressed);
    }

    [Fact]
    public void EmitAll_writes_every_scored_connection_with_its_status()
    {
        var options = new EngineOptions { EmitAll = true };
        var (outcome, batch, _) = Run(new ConnectionRecord { DestinationIp = "10.0.0.5" }, options: options);

        Assert.Equal(OutcomeKind.NotAlert, outcome.Kind);
        Assert.Equal(1, outcome.AlertsWritten);
        using var doc = JsonDocument.Parse(batch.Json(batch[0]).ToArray());
        Assert.False(doc.RootElement.GetProperty("alert").GetBoolean());
        Assert.Equal("internal_destination", doc.RootElement.GetProperty("not_alert_reason").GetString());
        Assert.Equal(3, doc.RootElement.GetProperty("risk_score").GetInt32());
        Assert.Equal("source", doc.RootElement.EnumerateObject().Last().Name);
    }

    [Fact]
    public void Processing_a_warm_batch_allocates_nothing()
    {
        var engine = new Core.Engine(RuleSet.Default, new EngineOptions { EmitAll = true });
        var batch = new AlertBatch(1 << 20);
        var records = new[]
        {
            new ConnectionRecord().Materialize(),
            new ConnectionRecord { DestinationIp = "0:0:0:0:0:0:0:1", Image = "/usr/bin/python3.11", UtcTime = "2022-05-13T04:58:00.1234567Z" }.Materialize(),
            new ConnectionRecord { Initiated = "False", DestinationPort = "445" }.Materialize(),
            new ConnectionRecord { EventId = 1 }.Materialize(),
            new ConnectionRecord { DestinationPort = "99999" }.Materialize(),
        };

        void RunAll()
        {
            batch.Clear();
            foreach (var record in records)
            {
                engine.ProcessView(record.View(), Source, batch);
            }
        }

        AllocationAssert.None(RunAll);
        Assert.Equal(3, batch.Count);
    }
}
