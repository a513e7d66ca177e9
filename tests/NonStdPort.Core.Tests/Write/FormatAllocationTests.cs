using NonStdPort.Core.Detect;
using NonStdPort.Core.Tests.Support;
using NonStdPort.Core.Write;

namespace NonStdPort.Core.Tests.Write;

/// <summary>Every format's writer allocates nothing per alert once warm, whatever the alert carries.</summary>
public sealed class FormatAllocationTests
{
    [Theory]
    [MemberData(nameof(FormatSamples.Formats), MemberType = typeof(FormatSamples))]
    public void Writing_alerts_of_every_kind_allocates_nothing_once_warm(AlertFormat format)
    {
        IAlertFormatter writer = AlertFormats.Create(format);
        var batch = new AlertBatch(1 << 16);
        var file = SourceRef.FromFile("alerts.json", 7);
        var topic = SourceRef.FromKafka("sysmon", 3, 12345);
        byte[] commandLine = "powershell -c \"a|b=c\\d\"\tx\ny"u8.ToArray();

        AllocationAssert.None(() =>
        {
            batch.Clear();
            var columns = new AlertColumns
            {
                EventTimeTicks = 638_000_000_000_000_000,
                SourceIp = "10.0.0.1"u8,
                DestinationIp = "203.0.113.9"u8,
                DestinationPort = 4444,
                Username = "CORP\\alice"u8,
                ProcessName = "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe"u8,
                ParentProcess = "C:\\Windows\\explorer.exe"u8,
                CommandLine = commandLine,
                ParentCommandLine = "explorer.exe"u8,
                EventCategory = AlertWriter.NetworkConnectionCategory,
                Hostname = "WS01.corp.example"u8,
                ProcessGuid = "{8d1c5f3a-0001-673d-0001-000000001a00}"u8,
                Protocol = "tcp"u8,
                RiskScore = 3,
                Severity = AlertSeverity.High,
            };
            writer.Write(batch, new AlertDetails(columns) { HasStatus = true, IsAlert = false, NotAlertReason = NotAlertReason.BelowThreshold }, file);
            columns.Rule = DetectionRule.Beacon;
            writer.Write(batch, new AlertDetails(columns)
            {
                BeaconCount = 6, BeaconMedianIntervalSeconds = 60.0125, BeaconJitter = 0.01234, BeaconFirstSeen = columns.EventTimeTicks, BeaconLastSeen = columns.EventTimeTicks + 1,
            }, topic);
            columns.Rule = DetectionRule.RdpPortChange;
            writer.Write(batch, new AlertDetails(columns) { NewPort = 33890 }, file);
        });

        Assert.Equal(3, batch.Count);
    }
}
