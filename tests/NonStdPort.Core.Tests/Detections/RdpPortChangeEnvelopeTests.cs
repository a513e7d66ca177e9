using System.Text.Json;

namespace NonStdPort.Core.Tests.Detections;

/// <summary>The same registry write (RDP moved to 33890 by reg.exe) in every envelope the core reads raises the same alert.</summary>
public sealed class RdpPortChangeEnvelopeTests
{
    public static TheoryData<string, string> Envelopes => new()
    {
        {
            "sysmon_json",
            """{"EventID":13,"SourceName":"Microsoft-Windows-Sysmon","Hostname":"WS02.corp.example","EventType":"SetValue","UtcTime":"2026-11-20 10:02:41.551","ProcessGuid":"{8d1c5f3a-3c90-673d-6b01-000000001a00}","Image":"C:\\Windows\\System32\\reg.exe","TargetObject":"HKLM\\System\\CurrentControlSet\\Control\\Terminal Server\\WinStations\\RDP-Tcp\\PortNumber","Details":"DWORD (0x00008462)","User":"CORP\\admin.bob"}"""
        },
        {
            "winlogbeat",
            """{"@timestamp":"2026-11-20T10:02:41.551Z","event":{"code":"13","module":"sysmon","provider":"Microsoft-Windows-Sysmon"},"host":{"name":"ws02.corp.example"},"process":{"entity_id":"{8d1c5f3a-3c90-673d-6b01-000000001a00}","executable":"C:\\Windows\\System32\\reg.exe"},"registry":{"path":"HKLM\\System\\CurrentControlSet\\Control\\Terminal Server\\WinStations\\RDP-Tcp\\PortNumber","value":"PortNumber","data":{"type":"SZ_DWORD","strings":["33890"]}},"user":{"domain":"CORP","name":"admin.bob"},"winlog":{"channel":"Microsoft-Windows-Sysmon/Operational","computer_name":"WS02.corp.example","event_id":"13","provider_name":"Microsoft-Windows-Sysmon","event_data":{"EventType":"SetValue","User":"CORP\\admin.bob","UtcTime":"2026-11-20 10:02:41.551"}}}"""
        },
        {
            "winlogbeat",
            """{"@timestamp":"2026-11-20T10:02:41.551Z","winlog":{"channel":"Microsoft-Windows-Sysmon/Operational","computer_name":"WS02.corp.example","event_id":13,"provider_name":"Microsoft-Windows-Sysmon","event_data":{"EventType":"SetValue","UtcTime":"2026-11-20 10:02:41.551","ProcessGuid":"{8d1c5f3a-3c90-673d-6b01-000000001a00}","Image":"C:\\Windows\\System32\\reg.exe","TargetObject":"HKLM\\System\\CurrentControlSet\\Control\\Terminal Server\\WinStations\\RDP-Tcp\\PortNumber","Details":"DWORD (0x00008462)","User":"CORP\\admin.bob"}}}"""
        },
        {
            "winlogbeat_6",
            """{"@timestamp":"2026-11-20T10:02:42.104Z","computer_name":"WS02.corp.example","event_data":{"EventType":"SetValue","UtcTime":"2026-11-20 10:02:41.551","ProcessGuid":"{8d1c5f3a-3c90-673d-6b01-000000001a00}","Image":"C:\\Windows\\System32\\reg.exe","TargetObject":"HKLM\\System\\CurrentControlSet\\Control\\Terminal Server\\WinStations\\RDP-Tcp\\PortNumber","Details":"DWORD (0x00008462)","User":"CORP\\admin.bob"},"event_id":13,"log_name":"Microsoft-Windows-Sysmon/Operational","source_name":"Microsoft-Windows-Sysmon"}"""
        },
        {
            "windows_event_xml",
            """<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><Provider Name="Microsoft-Windows-Sysmon" Guid="{5770385f-c22a-43e0-bf4c-06f5698ffbd9}"/><EventID>13</EventID><Channel>Microsoft-Windows-Sysmon/Operational</Channel><Computer>WS02.corp.example</Computer></System><EventData><Data Name="EventType">SetValue</Data><Data Name="UtcTime">2026-11-20 10:02:41.551</Data><Data Name="ProcessGuid">{8d1c5f3a-3c90-673d-6b01-000000001a00}</Data><Data Name="Image">C:\Windows\System32\reg.exe</Data><Data Name="TargetObject">HKLM\System\CurrentControlSet\Control\Terminal Server\WinStations\RDP-Tcp\PortNumber</Data><Data Name="Details">DWORD (0x00008462)</Data><Data Name="User">CORP\admin.bob</Data></EventData></Event>"""
        },
        {
            "sentinel_windows_event",
            """{"TimeGenerated":"2026-11-20T10:02:43.118Z","Provider":"Microsoft-Windows-Sysmon","Channel":"Microsoft-Windows-Sysmon/Operational","Computer":"WS02.corp.example","EventID":13,"EventData":"{\"EventType\":\"SetValue\",\"UtcTime\":\"2026-11-20 10:02:41.551\",\"ProcessGuid\":\"{8d1c5f3a-3c90-673d-6b01-000000001a00}\",\"Image\":\"C:\\\\Windows\\\\System32\\\\reg.exe\",\"TargetObject\":\"HKLM\\\\System\\\\CurrentControlSet\\\\Control\\\\Terminal Server\\\\WinStations\\\\RDP-Tcp\\\\PortNumber\",\"Details\":\"DWORD (0x00008462)\",\"User\":\"CORP\\\\admin.bob\"}","Type":"WindowsEvent"}"""
        },
        {
            "evtx_dump",
            """{"Event":{"System":{"Provider":{"#attributes":{"Name":"Microsoft-Windows-Sysmon"}},"EventID":13,"Channel":"Microsoft-Windows-Sysmon/Operational","Computer":"WS02.corp.example"},"EventData":{"EventType":"SetValue","UtcTime":"2026-11-20 10:02:41.551","ProcessGuid":"8D1C5F3A-3C90-673D-6B01-000000001A00","Image":"C:\\Windows\\System32\\reg.exe","TargetObject":"HKLM\\System\\CurrentControlSet\\Control\\Terminal Server\\WinStations\\RDP-Tcp\\PortNumber","Details":"DWORD (0x00008462)","User":"CORP\\admin.bob"}}}"""
        },
    };

    [Theory]
    [MemberData(nameof(Envelopes))]
    public void Every_envelope_gives_the_same_RDP_port_change_alert(string envelope, string record)
    {
        var run = new EngineRun().Feed(record);
        JsonElement alert = Assert.Single(run.Alerts);
        Assert.Equal(envelope, alert.GetProperty("log_source_type").GetString());
        Assert.Equal("rdp_port_change", alert.GetProperty("rule").GetString());
        Assert.Equal(33890, alert.GetProperty("new_port").GetInt32());
        Assert.Equal(@"C:\Windows\System32\reg.exe", alert.GetProperty("process_name").GetString());
        Assert.Equal(@"CORP\admin.bob", alert.GetProperty("username").GetString());
        Assert.Equal("2026-11-20 10:02:41", alert.GetProperty("event_time").GetString());
        Assert.Equal("WS02.corp.example", alert.GetProperty("hostname").GetString(), ignoreCase: true);
    }
}
