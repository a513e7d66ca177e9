using System.Text;
using NonStdPort.Core.Detect;
using NonStdPort.Core.Rules;
using NonStdPort.Core.Tests.Support;

namespace NonStdPort.Core.Tests.Detect;

public sealed class ScorerTests
{
    private const string External = "93.184.216.34";

    private static Verdict Score(string image, int port, string destination = External, ConnectionDirection direction = ConnectionDirection.Outbound, RuleSet? rules = null)
    {
        Assert.True(IpAddress.TryParse(Encoding.UTF8.GetBytes(destination), out IpAddress ip));
        return new Scorer(rules ?? RuleSet.Default).Score(Encoding.UTF8.GetBytes(image), ip, port, direction);
    }

    [Theory]
    // 3 = high-risk AND C2 port
    [InlineData("C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe", 4444, true, true, 3)]
    [InlineData("/usr/bin/python3.11", 8088, true, true, 3)]
    [InlineData("C:\\Windows\\System32\\cmd.exe", 444, true, true, 3)]
    // 2 = high-risk AND port not standard AND port > 1024
    [InlineData("C:\\Windows\\System32\\cmd.exe", 1025, true, false, 2)]
    [InlineData("/usr/bin/curl", 8081, true, false, 2)]
    [InlineData("C:\\Windows\\System32\\mshta.exe", 65535, true, false, 2)]
    // ... not for a port <= 1024 or a standard port above 1024
    [InlineData("C:\\Windows\\System32\\cmd.exe", 1024, true, false, 0)]
    [InlineData("C:\\Windows\\System32\\cmd.exe", 888, true, false, 0)]
    [InlineData("C:\\Windows\\System32\\cmd.exe", 8080, true, false, 0)]
    [InlineData("C:\\Windows\\System32\\cmd.exe", 8443, true, false, 0)]
    [InlineData("C:\\Windows\\System32\\cmd.exe", 3000, true, false, 0)]
    [InlineData("C:\\Windows\\System32\\cmd.exe", 5000, true, false, 0)]
    [InlineData("C:\\Windows\\System32\\cmd.exe", 9000, true, false, 0)]
    [InlineData("C:\\Windows\\System32\\cmd.exe", 443, true, false, 0)]
    [InlineData("C:\\Windows\\System32\\cmd.exe", 80, true, false, 0)]
    // 1 = C2 port from any other process
    [InlineData("C:\\Program Files\\App\\app.exe", 4444, false, true, 1)]
    [InlineData("C:\\Windows\\notcmd.exe", 31337, false, true, 1)]
    [InlineData("C:\\Windows\\cmd.exe.bak", 587, false, true, 1)]
    // 0 = otherwise
    [InlineData("C:\\Program Files\\App\\app.exe", 8081, false, false, 0)]
    [InlineData("C:\\Windows\\notcmd.exe", 8081, false, false, 0)]
    [InlineData("C:\\Program Files\\Browser\\browser.exe", 443, false, false, 0)]
    public void The_risk_score_follows_the_three_tiers(string image, int port, bool highRisk, bool c2, int expected)
    {
        Verdict verdict = Score(image, port);

        Assert.Equal(highRisk, verdict.IsHighRiskProcess);
        Assert.Equal(c2, verdict.IsKnownC2Port);
        Assert.Equal(expected, verdict.RiskScore);
    }

    [Theory]
    [InlineData(ConnectionDirection.Outbound, false, NotAlertReason.None)]
    [InlineData(ConnectionDirection.Unknown, false, NotAlertReason.None)]
    [InlineData(ConnectionDirection.Inbound, false, NotAlertReason.Inbound)]
    [InlineData(ConnectionDirection.Inbound, true, NotAlertReason.None)]
    public void Inbound_connections_are_alerts_only_with_score_inbound(ConnectionDirection direction, bool scoreInbound, NotAlertReason expected)
    {
        var rules = new RuleSetBuilder { ScoreInbound = scoreInbound }.Build();

        Verdict verdict = Score("C:\\x\\cmd.exe", 4444, direction: direction, rules: rules);

        Assert.Equal(expected, verdict.NotAlertReason);
        Assert.Equal(3, verdict.RiskScore);
    }

    [Theory]
    [InlineData(1, 1, NotAlertReason.None)]
    [InlineData(2, 1, NotAlertReason.BelowThreshold)]
    [InlineData(2, 2, NotAlertReason.None)]
    [InlineData(3, 2, NotAlertReason.BelowThreshold)]
    [InlineData(3, 3, NotAlertReason.None)]
    public void An_alert_needs_a_score_at_or_above_the_threshold(int threshold, int score, NotAlertReason expected)
    {
        var rules = new RuleSetBuilder { Threshold = threshold }.Build();
        (string image, int port) = score switch
        {
            3 => ("C:\\x\\cmd.exe", 4444),
            2 => ("C:\\x\\cmd.exe", 8081),
            _ => ("C:\\x\\app.exe", 4444),
        };

        Verdict verdict = Score(image, port, rules: rules);

        Assert.Equal(score, verdict.RiskScore);
        Assert.Equal(expected, verdict.NotAlertReason);
    }

    [Fact]
    public void A_score_of_0_is_never_an_alert() =>
        Assert.Equal(NotAlertReason.BelowThreshold, Score("C:\\x\\app.exe", 8081).NotAlertReason);

    [Theory]
    [InlineData("10.0.2.18")]
    [InlineData("0:0:0:0:0:0:0:1")]
    [InlineData("::ffff:192.168.56.40")]
    [InlineData("fe80:0:0:0:1c2d:3e4f:5a6b:7c8d")]
    public void An_internal_destination_is_not_an_alert_but_keeps_its_score(string destination)
    {
        Verdict verdict = Score("C:\\x\\powershell.exe", 4444, destination);

        Assert.Equal(NotAlertReason.InternalDestination, verdict.NotAlertReason);
        Assert.Equal(3, verdict.RiskScore);
    }

    public static TheoryData<string, string, int, NotAlertReason> ReasonOrderCases => new()
    {
        // Inbound is reported before an internal destination ...
        { "false", "10.0.0.1", 4444, NotAlertReason.Inbound },
        // ... an internal destination before a suppression ...
        { "true", "10.0.0.1", 4444, NotAlertReason.InternalDestination },
        // ... a suppression before a low score.
        { "true", "52.84.0.1", 8081, NotAlertReason.Suppressed },
    };

    [Theory]
    [MemberData(nameof(ReasonOrderCases))]
    public void The_first_applying_reason_is_reported(string initiated, string destination, int port, NotAlertReason expected)
    {
        var rules = new RuleSetBuilder { SuppressedNetworks = ["52.84.0.0/15", "10.0.0.0/8"] }.Build();
        var direction = initiated == "true" ? ConnectionDirection.Outbound : ConnectionDirection.Inbound;

        Assert.Equal(expected, Score("C:\\x\\app.exe", port, destination, direction, rules).NotAlertReason);
    }

    [Theory]
    [InlineData("C:\\Tools\\backup-agent.exe", "8.8.8.8", 4444)]
    [InlineData("C:\\x\\powershell.exe", "52.84.3.3", 4444)]
    [InlineData("C:\\x\\powershell.exe", "20.190.130.1", 4443)]
    public void A_suppressed_connection_is_not_an_alert(string image, string destination, int port)
    {
        var rules = new RuleSetBuilder
        {
            SuppressedProcesses = ["backup-agent.exe"],
            SuppressedNetworks = ["52.84.0.0/15"],
            SuppressedCombinations = [new SuppressionCombination("powershell.exe", "20.190.128.0/18", 4443)],
        }.Build();

        Verdict verdict = Score(image, port, destination, rules: rules);

        Assert.Equal(NotAlertReason.Suppressed, verdict.NotAlertReason);
        Assert.False(verdict.IsAlert);
    }

    [Theory]
    [InlineData("true", "", ConnectionDirection.Outbound)]
    [InlineData("True", "", ConnectionDirection.Outbound)]
    [InlineData("TRUE", "", ConnectionDirection.Outbound)]
    [InlineData("false", "", ConnectionDirection.Inbound)]
    [InlineData("False", "", ConnectionDirection.Inbound)]
    [InlineData("", "egress", ConnectionDirection.Outbound)]
    [InlineData("", "outbound", ConnectionDirection.Outbound)]
    [InlineData("", "ingress", ConnectionDirection.Inbound)]
    [InlineData("", "inbound", ConnectionDirection.Inbound)]
    [InlineData("", "Egress", ConnectionDirection.Outbound)]
    [InlineData("", "internal", ConnectionDirection.Unknown)]
    [InlineData("", "external", ConnectionDirection.Unknown)]
    [InlineData("", "unknown", ConnectionDirection.Unknown)]
    [InlineData("", "", ConnectionDirection.Unknown)]
    [InlineData("-", "-", ConnectionDirection.Unknown)]
    // Initiated, the raw Sysmon field, wins over the ECS field.
    [InlineData("false", "egress", ConnectionDirection.Inbound)]
    public void The_direction_comes_from_Initiated_or_network_direction(string initiated, string networkDirection, ConnectionDirection expected)
    {
        Assert.True(NetworkConnection.TryParseDirection(Encoding.UTF8.GetBytes(initiated), Encoding.UTF8.GetBytes(networkDirection), out ConnectionDirection direction));
        Assert.Equal(expected, direction);
    }

    [Theory]
    [InlineData("yes", "")]
    [InlineData("1", "")]
    [InlineData("truee", "")]
    [InlineData("", "sideways")]
    public void Any_other_direction_value_is_invalid(string initiated, string networkDirection) =>
        Assert.False(NetworkConnection.TryParseDirection(Encoding.UTF8.GetBytes(initiated), Encoding.UTF8.GetBytes(networkDirection), out _));

    [Theory]
    [InlineData("0", 0)]
    [InlineData("1024", 1024)]
    [InlineData("1025", 1025)]
    [InlineData("65535", 65535)]
    [InlineData("04444", 4444)]
    public void A_port_is_a_decimal_number_up_to_65535(string text, int expected)
    {
        Assert.True(NetworkConnection.TryParsePort(Encoding.UTF8.GetBytes(text), out int port));
        Assert.Equal(expected, port);
    }

    [Theory]
    [InlineData("65536")]
    [InlineData("-1")]
    [InlineData("+80")]
    [InlineData("80.0")]
    [InlineData("444444")]
    [InlineData(" 80")]
    [InlineData("")]
    public void Anything_else_is_not_a_port(string text) =>
        Assert.False(NetworkConnection.TryParsePort(Encoding.UTF8.GetBytes(text), out _));

    [Fact]
    public void Scoring_allocates_nothing()
    {
        var scorer = new Scorer(new RuleSetBuilder { SuppressedCombinations = [new SuppressionCombination("curl", "1.0.0.0/8", 80)] }.Build());
        byte[] image = Encoding.UTF8.GetBytes("C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe");
        Assert.True(IpAddress.TryParse("8.8.8.8"u8, out IpAddress ip));
        AllocationAssert.None(() =>
        {
            scorer.Score(image, ip, 4444, ConnectionDirection.Outbound);
            scorer.Score(image, ip, 4445, ConnectionDirection.Inbound);
        });
    }
}
