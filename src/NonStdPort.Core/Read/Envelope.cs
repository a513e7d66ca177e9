namespace NonStdPort.Core.Read;

/// <summary>The wire shape a record arrived in; reported as the alert's <c>log_source_type</c>.</summary>
public enum Envelope : byte
{
    /// <summary>Not recognised.</summary>
    Unknown = 0,
    /// <summary>Flat Sysmon JSON (NXLog and most shippers): top-level <c>EventID</c>, <c>Image</c>, ...</summary>
    SysmonJson,
    /// <summary>Winlogbeat / Elastic Agent 7.x and 8.x (<c>winlog.*</c> and ECS fields).</summary>
    Winlogbeat,
    /// <summary>Winlogbeat 6.x (<c>event_id</c>, <c>source_name</c>, top-level <c>event_data.*</c>).</summary>
    WinlogbeatLegacy,
    /// <summary>Windows event XML (<c>&lt;Event&gt;&lt;System&gt;...&lt;EventData&gt;</c>).</summary>
    EventXml,
    /// <summary>Microsoft Sentinel / Log Analytics <c>WindowsEvent</c> row (<c>EventData</c> is a JSON string).</summary>
    SentinelWindowsEvent,
    /// <summary>Microsoft Sentinel <c>Syslog</c> row whose <c>SyslogMessage</c> holds a Sysmon for Linux XML event.</summary>
    SentinelSyslog,
    /// <summary>evtx_dump style JSON (<c>Event.System</c>, <c>Event.EventData</c>).</summary>
    EvtxDump,
}

/// <summary>Stable names for <see cref="Envelope"/>, as written in alerts.</summary>
public static class EnvelopeNames
{
    /// <summary>The alert's <c>log_source_type</c> value for an envelope.</summary>
    public static string Name(Envelope envelope) => envelope switch
    {
        Envelope.SysmonJson => "sysmon_json",
        Envelope.Winlogbeat => "winlogbeat",
        Envelope.WinlogbeatLegacy => "winlogbeat_6",
        Envelope.EventXml => "windows_event_xml",
        Envelope.SentinelWindowsEvent => "sentinel_windows_event",
        Envelope.SentinelSyslog => "sentinel_syslog",
        Envelope.EvtxDump => "evtx_dump",
        _ => "unknown",
    };
}
