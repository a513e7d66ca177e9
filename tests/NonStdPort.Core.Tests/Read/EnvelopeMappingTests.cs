using NonStdPort.Core.Read;

namespace NonStdPort.Core.Tests.Read;

/// <summary>Spec: each envelope's fields map onto the one record view; the envelope is detected per record.</summary>
public sealed class EnvelopeMappingTests
{
    private const string PowerShell = @"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe";
    private const string Guid = "{8f3c2a10-1b2c-65e1-5a01-000000000700}";

    [Theory]
    [InlineData("flat", Envelope.SysmonJson)]
    [InlineData("winlogbeat", Envelope.Winlogbeat)]
    [InlineData("winlogbeat6", Envelope.WinlogbeatLegacy)]
    [InlineData("xml", Envelope.EventXml)]
    [InlineData("xml-single-quoted", Envelope.EventXml)]
    [InlineData("sentinel-windows-event", Envelope.SentinelWindowsEvent)]
    [InlineData("evtx-dump", Envelope.EvtxDump)]
    [InlineData("sentinel-syslog", Envelope.SentinelSyslog)]
    public void Envelope_is_detected_from_the_record_itself(string sample, Envelope expected)
    {
        var outcome = ReadOutcome.Of(Samples.All[sample]);

        Assert.True(outcome.IsOk, outcome.ToString());
        Assert.Equal(expected, outcome.Envelope);
        Assert.Equal(ProviderKind.Sysmon, outcome.Provider);
        Assert.Equal(3, outcome.EventId);
    }

    public static TheoryData<string, string, string?> Fields => new()
    {
        // a. flat Sysmon JSON (NXLog): top-level Sysmon names; Hostname is the computer.
        { "flat", "Image", PowerShell },
        { "flat", "User", @"CORP\alice" },
        { "flat", "UtcTime", "2024-03-01 10:15:01.372" },
        { "flat", "Computer", "WS01.corp.example" },
        { "flat", "ProcessGuid", Guid },
        { "flat", "Protocol", "tcp" },
        { "flat", "Initiated", "true" },
        { "flat", "SourceIp", "10.20.30.40" },
        { "flat", "SourcePort", "51544" },
        { "flat", "DestinationIp", "45.33.32.156" },
        { "flat", "DestinationPort", "4444" },
        { "flat", "DestinationHostname", "-" },
        { "flat", "ProviderName", "Microsoft-Windows-Sysmon" },
        { "flat", "Channel", "Microsoft-Windows-Sysmon/Operational" },
        { "flat", "EventType", "INFO" },

        // b. Winlogbeat 8: raw winlog.event_data where present, ECS fallbacks otherwise.
        { "winlogbeat", "Image", PowerShell },
        { "winlogbeat", "User", @"CORP\alice" },
        { "winlogbeat", "UtcTime", "2024-03-01T10:15:01.372Z" },
        { "winlogbeat", "Computer", "WS01.corp.example" },
        { "winlogbeat", "ProcessGuid", Guid },
        { "winlogbeat", "Protocol", "tcp" },
        { "winlogbeat", "Initiated", null },
        { "winlogbeat", "NetworkDirection", "egress" },
        { "winlogbeat", "SourceIp", "10.20.30.40" },
        { "winlogbeat", "SourcePort", "51544" },
        { "winlogbeat", "DestinationIp", "45.33.32.156" },
        { "winlogbeat", "DestinationPort", "4444" },
        { "winlogbeat", "DestinationHostname", "-" },
        { "winlogbeat", "ProviderName", "Microsoft-Windows-Sysmon" },
        { "winlogbeat", "Channel", "Microsoft-Windows-Sysmon/Operational" },

        // b. Winlogbeat 6: event_data.*, computer_name; host.name (the collector) and user.name (the service) unused.
        { "winlogbeat6", "Image", PowerShell },
        { "winlogbeat6", "User", @"CORP\alice" },
        { "winlogbeat6", "UtcTime", "2024-03-01 10:15:01.372" },
        { "winlogbeat6", "Computer", "WS01.corp.example" },
        { "winlogbeat6", "Initiated", "true" },
        { "winlogbeat6", "DestinationIp", "45.33.32.156" },
        { "winlogbeat6", "DestinationPort", "4444" },
        { "winlogbeat6", "SourcePort", "51544" },
        { "winlogbeat6", "ProviderName", "Microsoft-Windows-Sysmon" },
        { "winlogbeat6", "Channel", "Microsoft-Windows-Sysmon/Operational" },

        // c. Windows event XML, both quote styles.
        { "xml", "Image", PowerShell },
        { "xml", "User", @"CORP\alice" },
        { "xml", "UtcTime", "2024-03-01 10:15:01.372" },
        { "xml", "Computer", "WS01.corp.example" },
        { "xml", "ProcessGuid", Guid },
        { "xml", "Initiated", "true" },
        { "xml", "DestinationIp", "45.33.32.156" },
        { "xml", "DestinationPort", "4444" },
        { "xml", "ProviderName", "Microsoft-Windows-Sysmon" },
        { "xml", "Channel", "Microsoft-Windows-Sysmon/Operational" },
        { "xml-single-quoted", "Image", PowerShell },
        { "xml-single-quoted", "Initiated", "True" },
        { "xml-single-quoted", "Computer", "WS01.corp.example" },
        { "xml-single-quoted", "DestinationPort", "4444" },
        { "xml-single-quoted", "ProviderName", "Microsoft-Windows-Sysmon" },

        // d. Sentinel WindowsEvent: EventData is a JSON string holding JSON; the row's Computer.
        { "sentinel-windows-event", "Image", PowerShell },
        { "sentinel-windows-event", "User", @"CORP\alice" },
        { "sentinel-windows-event", "UtcTime", "2024-03-01 10:15:01.372" },
        { "sentinel-windows-event", "Computer", "WS01.corp.example" },
        { "sentinel-windows-event", "Initiated", "true" },
        { "sentinel-windows-event", "DestinationIp", "45.33.32.156" },
        { "sentinel-windows-event", "DestinationPort", "4444" },
        { "sentinel-windows-event", "ProviderName", "Microsoft-Windows-Sysmon" },

        // d. evtx_dump: Event.System / Event.EventData, numbers as numbers.
        { "evtx-dump", "Image", PowerShell },
        { "evtx-dump", "User", @"CORP\alice" },
        { "evtx-dump", "Computer", "WS01.corp.example" },
        { "evtx-dump", "ProcessGuid", "8F3C2A10-1B2C-65E1-5A01-000000000700" },
        { "evtx-dump", "Initiated", "true" },
        { "evtx-dump", "DestinationPort", "4444" },
        { "evtx-dump", "SourcePort", "51544" },
        { "evtx-dump", "ProviderName", "Microsoft-Windows-Sysmon" },

        // d. Sentinel Syslog: SyslogMessage holds Sysmon for Linux XML; the row's Computer wins over the inner one.
        { "sentinel-syslog", "Image", "/usr/bin/curl" },
        { "sentinel-syslog", "User", "bob" },
        { "sentinel-syslog", "UtcTime", "2024-03-01 10:20:00.479" },
        { "sentinel-syslog", "Computer", "LNX01" },
        { "sentinel-syslog", "DestinationIp", "45.33.32.156" },
        { "sentinel-syslog", "DestinationPort", "8088" },
        { "sentinel-syslog", "ProviderName", "Linux-Sysmon" },
        { "sentinel-syslog", "Channel", "Linux-Sysmon/Operational" },
    };

    [Theory]
    [MemberData(nameof(Fields))]
    public void Envelope_fields_map_onto_the_record(string sample, string field, string? expected)
    {
        var outcome = ReadOutcome.Of(Samples.All[sample]);

        Assert.True(outcome.IsOk, outcome.ToString());
        Assert.Equal(expected, outcome[field]);
    }

    public static TheoryData<string, string, string?> Fallbacks => new()
    {
        // ECS fallbacks fill what the raw event data lacks (Winlogbeat 7+ only).
        { """{"winlog":{"event_id":3,"provider_name":"Microsoft-Windows-Sysmon"},"process":{"executable":"C:\\x\\a.exe","entity_id":"{g}"},"destination":{"ip":"1.2.3.4","port":4444}}""", "Image", @"C:\x\a.exe" },
        { """{"winlog":{"event_id":3},"process":{"entity_id":"{g}"}}""", "ProcessGuid", "{g}" },
        { """{"winlog":{"event_id":3},"destination":{"ip":"1.2.3.4"}}""", "DestinationIp", "1.2.3.4" },
        { """{"winlog":{"event_id":3},"destination":{"port":4444}}""", "DestinationPort", "4444" },
        { """{"winlog":{"event_id":3},"source":{"ip":"10.0.0.1","port":50000}}""", "SourceIp", "10.0.0.1" },
        { """{"winlog":{"event_id":3},"source":{"ip":"10.0.0.1","port":50000}}""", "SourcePort", "50000" },
        { """{"winlog":{"event_id":3},"network":{"direction":"outbound","transport":"udp"}}""", "NetworkDirection", "outbound" },
        { """{"winlog":{"event_id":3},"network":{"direction":"outbound","transport":"udp"}}""", "Protocol", "udp" },
        { """{"winlog":{"event_id":3},"host":{"name":"h1"}}""", "Computer", "h1" },
        { """{"winlog":{"event_id":3},"user":{"name":"carol"}}""", "User", "carol" },
        { """{"winlog":{"event_id":13},"registry":{"path":"HKLM\\X\\PortNumber","data":{"strings":["DWORD (0x00008462)","ignored"]}}}""", "TargetObject", @"HKLM\X\PortNumber" },
        { """{"winlog":{"event_id":13},"registry":{"path":"HKLM\\X\\PortNumber","data":{"strings":["DWORD (0x00008462)","ignored"]}}}""", "Details", "DWORD (0x00008462)" },
        { """{"winlog":{"event_id":1},"process":{"command_line":"a b","parent":{"executable":"C:\\p.exe","command_line":"p"}}}""", "CommandLine", "a b" },
        { """{"winlog":{"event_id":1},"process":{"command_line":"a b","parent":{"executable":"C:\\p.exe","command_line":"p"}}}""", "ParentImage", @"C:\p.exe" },
        { """{"winlog":{"event_id":1},"process":{"command_line":"a b","parent":{"executable":"C:\\p.exe","command_line":"p"}}}""", "ParentCommandLine", "p" },

        // The raw winlog.event_data value wins when present, whichever comes first.
        { """{"process":{"executable":"ecs.exe"},"winlog":{"event_id":3,"event_data":{"Image":"raw.exe"}}}""", "Image", "raw.exe" },
        { """{"winlog":{"event_id":3,"event_data":{"Image":"raw.exe"}},"process":{"executable":"ecs.exe"}}""", "Image", "raw.exe" },
        { """{"winlog":{"event_id":3,"event_data":{"DestinationPort":"8443"}},"destination":{"port":443}}""", "DestinationPort", "8443" },
        { """{"host":{"name":"collector"},"winlog":{"event_id":3,"computer_name":"ws7"}}""", "Computer", "ws7" },
        { """{"winlog":{"event_id":13,"event_data":{"Details":"DWORD (0x00000050)"}},"registry":{"data":{"strings":["x"]}}}""", "Details", "DWORD (0x00000050)" },

        // ECS names are not read outside Winlogbeat 7+ (in 6.x host.name is the collector, user.name the service).
        { """{"event_id":3,"source_name":"Microsoft-Windows-Sysmon","host":{"name":"WEC01"},"user":{"name":"SYSTEM"}}""", "Computer", null },
        { """{"event_id":3,"source_name":"Microsoft-Windows-Sysmon","host":{"name":"WEC01"},"user":{"name":"SYSTEM"}}""", "User", null },
        { """{"EventID":3,"SourceName":"Microsoft-Windows-Sysmon","host":"wec.internal","destination":{"ip":"1.1.1.1"}}""", "DestinationIp", null },

        // Flat: Computer or Hostname; envelope time only when UtcTime is absent.
        { """{"EventID":3,"Computer":"c1"}""", "Computer", "c1" },
        { """{"EventID":3,"TimeCreated":"2022-07-05T02:00:36.466Z","UtcTime":"2022-07-05 21:00:36.388"}""", "UtcTime", "2022-07-05 21:00:36.388" },
        { """<Event><System><EventID>3</EventID><TimeCreated SystemTime="2024-03-01T10:15:01.375Z"/></System></Event>""", "UtcTime", "2024-03-01T10:15:01.375Z" },
        { """<Event><System><EventID>3</EventID><TimeCreated SystemTime="2024-03-01T10:15:01.375Z"/></System><EventData><Data Name="UtcTime">2024-03-01 10:15:01.372</Data></EventData></Event>""", "UtcTime", "2024-03-01 10:15:01.372" },
        { """{"Event":{"System":{"EventID":3,"TimeCreated":{"#attributes":{"SystemTime":"2025-10-26T18:10:21.083557Z"}}},"EventData":{}}}""", "UtcTime", "2025-10-26T18:10:21.083557Z" },

        // Sentinel rows whose EventData was exported as an object, or as null.
        { """{"Type":"WindowsEvent","Provider":"Microsoft-Windows-Sysmon","EventID":3,"Computer":"c","EventData":{"Image":"C:\\o.exe"}}""", "Image", @"C:\o.exe" },
        { """{"Type":"WindowsEvent","Provider":"Microsoft-Windows-Sysmon","EventID":3,"Computer":"c","EventData":null}""", "Computer", "c" },

        // evtx_dump: EventID as an object with #text (when it carries attributes).
        { """{"Event":{"System":{"EventID":{"#attributes":{"Qualifiers":""},"#text":13},"Provider":{"#attributes":{"Name":"Microsoft-Windows-Sysmon"}}},"EventData":{"TargetObject":"HKLM\\T"}}}""", "TargetObject", @"HKLM\T" },

        // EID 1 / 13 fields the detections use.
        { """{"EventID":1,"ParentImage":"C:\\w\\explorer.exe","CommandLine":"cmd /c x","ParentCommandLine":"explorer"}""", "ParentImage", @"C:\w\explorer.exe" },
        { """{"EventID":1,"ParentImage":"C:\\w\\explorer.exe","CommandLine":"cmd /c x","ParentCommandLine":"explorer"}""", "CommandLine", "cmd /c x" },
        { """{"EventID":1,"ParentImage":"C:\\w\\explorer.exe","CommandLine":"cmd /c x","ParentCommandLine":"explorer"}""", "ParentCommandLine", "explorer" },
        { """{"EventID":13,"EventType":"SetValue","TargetObject":"HKLM\\PortNumber","Details":"DWORD (0x00001189)"}""", "EventType", "SetValue" },
        { """<Event><System><EventID>13</EventID></System><EventData><Data Name="TargetObject">HKLM\PortNumber</Data><Data Name="Details">DWORD (0x00001189)</Data></EventData></Event>""", "Details", "DWORD (0x00001189)" },
    };

    [Theory]
    [MemberData(nameof(Fallbacks))]
    public void Each_field_has_one_source_of_truth(string record, string field, string? expected)
    {
        var outcome = ReadOutcome.Of(record);

        Assert.True(outcome.IsOk, outcome.ToString());
        Assert.Equal(expected, outcome[field]);
    }

    [Theory]
    [InlineData("""{"EventID":3,"SourceName":"Microsoft-Windows-Sysmon"}""", 3)]
    [InlineData("""{"EventID":"3","SourceName":"Microsoft-Windows-Sysmon"}""", 3)]
    [InlineData("""{"winlog":{"event_id":"3"}}""", 3)]
    [InlineData("""{"winlog":{"event_id":3}}""", 3)]
    [InlineData("""{"winlog":{},"event":{"code":"3"}}""", 3)]
    [InlineData("""{"winlog":{"event_id":"13"},"event":{"code":"3"}}""", 13)]
    [InlineData("""{"event_id":3,"source_name":"Microsoft-Windows-Sysmon"}""", 3)]
    [InlineData("""{"Event":{"System":{"EventID":"3"}}}""", 3)]
    [InlineData("""{"Event":{"System":{"EventID":{"#text":"22"}}}}""", 22)]
    [InlineData("""<Event><System><EventID Qualifiers="">5</EventID></System></Event>""", 5)]
    [InlineData("""{"SourceName":"Microsoft-Windows-Sysmon","Image":"x"}""", -1)]
    [InlineData("""{"EventID":null,"SourceName":"Microsoft-Windows-Sysmon"}""", -1)]
    public void Event_id_is_a_number_or_numeric_text(string record, int expected)
    {
        var outcome = ReadOutcome.Of(record);

        Assert.True(outcome.IsOk, outcome.ToString());
        Assert.Equal(expected, outcome.EventId);
    }

    [Theory]
    [InlineData("""{"EventID":3.0}""")]
    [InlineData("""{"EventID":-3}""")]
    [InlineData("""{"EventID":3e0}""")]
    [InlineData("""{"EventID":"3a"}""")]
    [InlineData("""{"EventID":" 3"}""")]
    [InlineData("""{"EventID":""}""")]
    [InlineData("""{"EventID":"-"}""")]
    [InlineData("""{"EventID":true}""")]
    [InlineData("""{"EventID":{"x":3}}""")]
    [InlineData("""{"EventID":[3]}""")]
    [InlineData("""{"EventID":12345678901}""")]
    [InlineData("""<Event><System><EventID>three</EventID></System></Event>""")]
    [InlineData("""<Event><System><EventID></EventID></System></Event>""")]
    public void Event_id_that_is_not_a_non_negative_integer_is_invalid(string record)
    {
        Assert.Equal(MalformedReason.InvalidEventId, ReadOutcome.Of(record).Reason);
    }

    [Theory]
    [InlineData("""{"EventID":3,"SourceName":"Microsoft-Windows-Sysmon"}""", ProviderKind.Sysmon)]
    [InlineData("""{"EventID":3,"Channel":"Microsoft-Windows-Sysmon/Operational"}""", ProviderKind.Sysmon)]
    [InlineData("""{"EventID":3,"ProviderName":"SYSMON"}""", ProviderKind.Sysmon)]
    [InlineData("""<Event><System><Provider Name="Linux-Sysmon"/><EventID>3</EventID></System></Event>""", ProviderKind.Sysmon)]
    [InlineData("""{"EventID":3,"SourceName":"Microsoft-Windows-Security-Auditing","Channel":"Security"}""", ProviderKind.Other)]
    [InlineData("""{"winlog":{"event_id":3,"provider_name":"Microsoft-Windows-Kernel-Network"}}""", ProviderKind.Other)]
    [InlineData("""{"winlog":{"event_id":3},"event":{"provider":"Microsoft-Windows-Sysmon"}}""", ProviderKind.Sysmon)]
    [InlineData("""{"winlog":{"event_id":3}}""", ProviderKind.Absent)]
    [InlineData("""<Event><System><Provider Name="Service Control Manager"/><EventID>3</EventID></System></Event>""", ProviderKind.Other)]
    [InlineData("""{"EventID":3,"Image":"C:\\a.exe","DestinationIp":"1.2.3.4","DestinationPort":"4444"}""", ProviderKind.Absent)]
    [InlineData("""<Event><System><EventID>3</EventID></System><EventData><Data Name="DestinationPort">4444</Data></EventData></Event>""", ProviderKind.Absent)]
    public void Provider_kind_says_whether_a_provider_is_named_and_whether_it_is_Sysmon(string record, ProviderKind expected)
    {
        var outcome = ReadOutcome.Of(record);

        Assert.True(outcome.IsOk, outcome.ToString());
        Assert.Equal(expected, outcome.Provider);
        Assert.Equal(3, outcome.EventId);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"foo":1,"bar":{"EventID":3}}""")]
    [InlineData("[1,2]")]
    [InlineData("EventID=3 Image=x")]
    [InlineData("<Record><EventID>3</EventID></Record>")]
    public void Records_of_no_known_envelope_are_rejected(string record)
    {
        Assert.Equal(MalformedReason.UnknownEnvelope, ReadOutcome.Of(record).Reason);
    }
}
