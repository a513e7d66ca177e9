namespace NonStdPort.Core.Tests.Read;

/// <summary>
/// One logical Sysmon network event (powershell.exe on WS01 connecting out to 45.33.32.156:4444)
/// written in every envelope the reader supports, plus a Sysmon for Linux one. Written for these tests.
/// </summary>
public static class Samples
{
    public const string Flat = """
        {"EventTime":"2024-03-01 11:15:02","Hostname":"WS01.corp.example","Keywords":-9223372036854775808,"EventType":"INFO","SeverityValue":2,"EventID":3,"SourceName":"Microsoft-Windows-Sysmon","ProviderGuid":"{5770385F-C22A-43E0-BF4C-06F5698FFBD9}","Version":5,"Task":3,"RecordNumber":48213,"Channel":"Microsoft-Windows-Sysmon/Operational","AccountName":"SYSTEM","Message":"Network connection detected:\r\nRuleName: -\r\nImage: C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe","RuleName":"-","UtcTime":"2024-03-01 10:15:01.372","ProcessGuid":"{8f3c2a10-1b2c-65e1-5a01-000000000700}","ProcessId":"5120","Image":"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe","User":"CORP\\alice","Protocol":"tcp","Initiated":"true","SourceIsIpv6":"false","SourceIp":"10.20.30.40","SourceHostname":"-","SourcePort":"51544","SourcePortName":"-","DestinationIsIpv6":"false","DestinationIp":"45.33.32.156","DestinationHostname":"-","DestinationPort":"4444","DestinationPortName":"-","SourceModuleType":"im_msvistalog"}
        """;

    /// <summary>Winlogbeat 8 with the Sysmon module: ECS fields, <c>Initiated</c> replaced by <c>network.direction</c>, the event id a string.</summary>
    public const string Winlogbeat = """
        {"@timestamp":"2024-03-01T10:15:01.372Z","agent":{"type":"winlogbeat","version":"8.12.0"},"destination":{"domain":"-","ip":"45.33.32.156","port":4444},"ecs":{"version":"8.0.0"},"event":{"category":["network"],"code":"3","kind":"event","module":"sysmon","provider":"Microsoft-Windows-Sysmon","type":["connection","start"]},"host":{"name":"ws01.corp.example"},"network":{"direction":"egress","transport":"tcp","type":"ipv4"},"process":{"entity_id":"{8f3c2a10-1b2c-65e1-5a01-000000000700}","executable":"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe","name":"powershell.exe","pid":5120},"source":{"domain":"-","ip":"10.20.30.40","port":51544},"user":{"domain":"CORP","name":"alice"},"winlog":{"api":"wineventlog","channel":"Microsoft-Windows-Sysmon/Operational","computer_name":"WS01.corp.example","event_data":{"DestinationIsIpv6":"false","RuleName":"-","SourceIsIpv6":"false","User":"CORP\\alice"},"event_id":"3","provider_name":"Microsoft-Windows-Sysmon","record_id":"48213"}}
        """;

    /// <summary>Winlogbeat 6 (pre-ECS): top-level <c>event_data</c>; <c>host.name</c> is the collector, not the event's host.</summary>
    public const string WinlogbeatLegacy = """
        {"@timestamp":"2024-03-01T10:15:02.104Z","beat":{"hostname":"WEC01","name":"WEC01","version":"6.8.0"},"computer_name":"WS01.corp.example","event_data":{"DestinationIp":"45.33.32.156","DestinationPort":"4444","Image":"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe","Initiated":"true","ProcessGuid":"{8f3c2a10-1b2c-65e1-5a01-000000000700}","Protocol":"tcp","SourceIp":"10.20.30.40","SourcePort":"51544","User":"CORP\\alice","UtcTime":"2024-03-01 10:15:01.372"},"event_id":3,"host":{"name":"WEC01"},"level":"Information","log_name":"Microsoft-Windows-Sysmon/Operational","source_name":"Microsoft-Windows-Sysmon","type":"wineventlog","user":{"domain":"NT AUTHORITY","name":"SYSTEM"}}
        """;

    public const string Xml = """
        <Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><Provider Name="Microsoft-Windows-Sysmon" Guid="{5770385f-c22a-43e0-bf4c-06f5698ffbd9}"/><EventID>3</EventID><Version>5</Version><TimeCreated SystemTime="2024-03-01T10:15:01.3750000Z"/><Channel>Microsoft-Windows-Sysmon/Operational</Channel><Computer>WS01.corp.example</Computer></System><EventData><Data Name="RuleName">-</Data><Data Name="UtcTime">2024-03-01 10:15:01.372</Data><Data Name="ProcessGuid">{8f3c2a10-1b2c-65e1-5a01-000000000700}</Data><Data Name="Image">C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe</Data><Data Name="User">CORP\alice</Data><Data Name="Protocol">tcp</Data><Data Name="Initiated">true</Data><Data Name="SourceIp">10.20.30.40</Data><Data Name="SourcePort">51544</Data><Data Name="DestinationIp">45.33.32.156</Data><Data Name="DestinationPort">4444</Data></EventData></Event>
        """;

    /// <summary>The same event as python-evtx renders it: single spaces between elements, <c>Qualifiers</c>, <c>True</c>.</summary>
    public const string XmlSingleQuoted = """
        <Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-Sysmon' Guid='{5770385f-c22a-43e0-bf4c-06f5698ffbd9}'></Provider> <EventID Qualifiers=''>3</EventID> <TimeCreated SystemTime='2024-03-01 10:15:01.375000'></TimeCreated> <Channel>Microsoft-Windows-Sysmon/Operational</Channel> <Computer>WS01.corp.example</Computer> </System> <EventData><Data Name='UtcTime'>2024-03-01 10:15:01.372</Data> <Data Name='ProcessGuid'>{8f3c2a10-1b2c-65e1-5a01-000000000700}</Data> <Data Name='Image'>C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe</Data> <Data Name='User'>CORP\alice</Data> <Data Name='Protocol'>tcp</Data> <Data Name='Initiated'>True</Data> <Data Name='SourceIp'>10.20.30.40</Data> <Data Name='SourcePort'>51544</Data> <Data Name='DestinationIp'>45.33.32.156</Data> <Data Name='DestinationPort'>4444</Data> </EventData> </Event>
        """;

    public const string SentinelWindowsEvent = """
        {"TenantId":"00000000-0000-0000-0000-000000000000","SourceSystem":"OpsManager","TimeGenerated":"2024-03-01T10:15:03.118Z","Provider":"Microsoft-Windows-Sysmon","Channel":"Microsoft-Windows-Sysmon/Operational","Computer":"WS01.corp.example","Task":3,"EventLevel":4,"EventData":"{\"RuleName\":\"-\",\"UtcTime\":\"2024-03-01 10:15:01.372\",\"ProcessGuid\":\"{8f3c2a10-1b2c-65e1-5a01-000000000700}\",\"ProcessId\":\"5120\",\"Image\":\"C:\\\\Windows\\\\System32\\\\WindowsPowerShell\\\\v1.0\\\\powershell.exe\",\"User\":\"CORP\\\\alice\",\"Protocol\":\"tcp\",\"Initiated\":\"true\",\"SourceIp\":\"10.20.30.40\",\"SourcePort\":\"51544\",\"DestinationIp\":\"45.33.32.156\",\"DestinationPort\":\"4444\"}","EventID":3,"Type":"WindowsEvent"}
        """;

    /// <summary>evtx_dump JSON: numbers for ids and ports, ProcessGuid upper case without braces.</summary>
    public const string EvtxDump = """
        {"Event":{"#attributes":{"xmlns":"http://schemas.microsoft.com/win/2004/08/events/event"},"System":{"Provider":{"#attributes":{"Name":"Microsoft-Windows-Sysmon","Guid":"5770385F-C22A-43E0-BF4C-06F5698FFBD9"}},"EventID":3,"Version":5,"TimeCreated":{"#attributes":{"SystemTime":"2024-03-01T10:15:01.375000Z"}},"EventRecordID":48213,"Channel":"Microsoft-Windows-Sysmon/Operational","Computer":"WS01.corp.example"},"EventData":{"RuleName":"-","UtcTime":"2024-03-01 10:15:01.372","ProcessGuid":"8F3C2A10-1B2C-65E1-5A01-000000000700","ProcessId":5120,"Image":"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe","User":"CORP\\alice","Protocol":"tcp","Initiated":true,"SourceIp":"10.20.30.40","SourcePort":51544,"DestinationIp":"45.33.32.156","DestinationPort":4444}}}
        """;

    /// <summary>Sentinel Syslog row from Sysmon for Linux: curl on LNX01 to 45.33.32.156:8088.</summary>
    public const string SentinelSyslog = """
        {"TenantId":"00000000-0000-0000-0000-000000000000","SourceSystem":"Linux","TimeGenerated":"2024-03-01T10:20:00.5Z","Computer":"LNX01","EventTime":"2024-03-01T10:20:00Z","Facility":"user","HostName":"LNX01","SeverityLevel":"info","SyslogMessage":"\u003cEvent\u003e\u003cSystem\u003e\u003cProvider Name=\"Linux-Sysmon\" Guid=\"{ff032593-a8d3-4f13-b0d6-01fc615a0f97}\"/\u003e\u003cEventID\u003e3\u003c/EventID\u003e\u003cTimeCreated SystemTime=\"2024-03-01T10:20:00.481223000Z\"/\u003e\u003cChannel\u003eLinux-Sysmon/Operational\u003c/Channel\u003e\u003cComputer\u003elnx01\u003c/Computer\u003e\u003c/System\u003e\u003cEventData\u003e\u003cData Name=\"RuleName\"\u003e-\u003c/Data\u003e\u003cData Name=\"UtcTime\"\u003e2024-03-01 10:20:00.479\u003c/Data\u003e\u003cData Name=\"ProcessGuid\"\u003e{5e1c0b7a-2f10-65e1-5d6f-0a1b2c3d0000}\u003c/Data\u003e\u003cData Name=\"Image\"\u003e/usr/bin/curl\u003c/Data\u003e\u003cData Name=\"User\"\u003ebob\u003c/Data\u003e\u003cData Name=\"Protocol\"\u003etcp\u003c/Data\u003e\u003cData Name=\"Initiated\"\u003etrue\u003c/Data\u003e\u003cData Name=\"SourceIp\"\u003e10.20.30.41\u003c/Data\u003e\u003cData Name=\"SourcePort\"\u003e40312\u003c/Data\u003e\u003cData Name=\"DestinationIp\"\u003e45.33.32.156\u003c/Data\u003e\u003cData Name=\"DestinationPort\"\u003e8088\u003c/Data\u003e\u003c/EventData\u003e\u003c/Event\u003e","HostIP":"10.20.30.41","ProcessName":"sysmon","Type":"Syslog"}
        """;

    /// <summary>Every sample, by a short name (for tables over all envelopes).</summary>
    public static readonly IReadOnlyDictionary<string, string> All = new Dictionary<string, string>
    {
        ["flat"] = Flat,
        ["winlogbeat"] = Winlogbeat,
        ["winlogbeat6"] = WinlogbeatLegacy,
        ["xml"] = Xml,
        ["xml-single-quoted"] = XmlSingleQuoted,
        ["sentinel-windows-event"] = SentinelWindowsEvent,
        ["evtx-dump"] = EvtxDump,
        ["sentinel-syslog"] = SentinelSyslog,
    };

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var name in All.Keys)
        {
            data.Add(name);
        }

        return data;
    }
}
