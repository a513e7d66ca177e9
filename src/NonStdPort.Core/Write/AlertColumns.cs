using NonStdPort.Core.Detect;
using NonStdPort.Core.Read;

namespace NonStdPort.Core.Write;

/// <summary>
/// The base columns of one alert, as views (nothing is copied). Every detection fills one and
/// hands it to <see cref="AlertWriter.Begin"/>. Empty spans and the <c>-</c> placeholder are written as null.
/// </summary>
public ref struct AlertColumns
{
    /// <summary>The event time in UTC ticks, or a negative value when the record had none.</summary>
    public long EventTimeTicks;
    /// <summary><c>sourceip</c>.</summary>
    public ReadOnlySpan<byte> SourceIp;
    /// <summary><c>destinationip</c>.</summary>
    public ReadOnlySpan<byte> DestinationIp;
    /// <summary><c>destinationport</c>, or a negative value for null.</summary>
    public int DestinationPort;
    /// <summary><c>username</c>.</summary>
    public ReadOnlySpan<byte> Username;
    /// <summary><c>process_name</c>: the full image path.</summary>
    public ReadOnlySpan<byte> ProcessName;
    /// <summary><c>parent_process</c>: the parent image, when lineage knows it.</summary>
    public ReadOnlySpan<byte> ParentProcess;
    /// <summary><c>command_line</c>: the process's command line, when lineage knows it.</summary>
    public ReadOnlySpan<byte> CommandLine;
    /// <summary><c>parent_command_line</c>: the parent's command line, when lineage knows it.</summary>
    public ReadOnlySpan<byte> ParentCommandLine;
    /// <summary><c>event_category</c>, e.g. <see cref="AlertWriter.NetworkConnectionCategory"/>.</summary>
    public string EventCategory;
    /// <summary>The envelope, written as <c>log_source_type</c>.</summary>
    public Envelope Envelope;
    /// <summary><c>is_high_risk_process</c>.</summary>
    public bool IsHighRiskProcess;
    /// <summary><c>is_known_c2_port</c>.</summary>
    public bool IsKnownC2Port;
    /// <summary><c>risk_score</c>.</summary>
    public byte RiskScore;
    /// <summary><c>hostname</c>; also the alert's key in the batch.</summary>
    public ReadOnlySpan<byte> Hostname;
    /// <summary><c>process_guid</c>.</summary>
    public ReadOnlySpan<byte> ProcessGuid;
    /// <summary><c>protocol</c>.</summary>
    public ReadOnlySpan<byte> Protocol;
    /// <summary><c>severity</c>.</summary>
    public AlertSeverity Severity;
    /// <summary><c>rule</c>.</summary>
    public DetectionRule Rule;

    /// <summary>The columns of a scored network connection (rule <c>non_standard_port</c>, severity from the score).</summary>
    public static AlertColumns ForConnection(in SysmonRecord record, long eventTimeTicks, in NetworkConnection connection, in Verdict verdict) => new()
    {
        EventTimeTicks = eventTimeTicks,
        SourceIp = record.SourceIp,
        DestinationIp = record.DestinationIp,
        DestinationPort = connection.DestinationPort,
        Username = record.User,
        ProcessName = record.Image,
        EventCategory = AlertWriter.NetworkConnectionCategory,
        Envelope = record.Envelope,
        IsHighRiskProcess = verdict.IsHighRiskProcess,
        IsKnownC2Port = verdict.IsKnownC2Port,
        RiskScore = verdict.RiskScore,
        Hostname = record.Computer,
        ProcessGuid = record.ProcessGuid,
        Protocol = record.Protocol,
        Severity = AlertSeverities.FromRiskScore(verdict.RiskScore),
        Rule = DetectionRule.NonStandardPort,
    };
}
