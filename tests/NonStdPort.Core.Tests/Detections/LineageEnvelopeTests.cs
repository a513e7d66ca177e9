using System.Text.Json;

namespace NonStdPort.Core.Tests.Detections;

/// <summary>Lineage joins on (host, ProcessGuid) however each envelope spells them.</summary>
public sealed class LineageEnvelopeTests
{
    private const string WinlogbeatProcessCreate = """
        {"@timestamp":"2024-03-01T10:15:00.100Z","event":{"code":"1","module":"sysmon","provider":"Microsoft-Windows-Sysmon"},"host":{"name":"ws01.corp.example"},"process":{"entity_id":"{8f3c2a10-1b2c-65e1-5a01-000000000700}","executable":"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe","command_line":"powershell.exe -nop -enc SQBFAFgA","parent":{"executable":"C:\\Windows\\System32\\cmd.exe","command_line":"cmd.exe /c start powershell.exe"}},"winlog":{"channel":"Microsoft-Windows-Sysmon/Operational","computer_name":"WS01.corp.example","event_id":"1","provider_name":"Microsoft-Windows-Sysmon","event_data":{"UtcTime":"2024-03-01 10:15:00.100"}}}
        """;

    private const string EvtxDumpConnection = """
        {"Event":{"System":{"Provider":{"#attributes":{"Name":"Microsoft-Windows-Sysmon"}},"EventID":3,"Computer":"WS01.corp.example"},"EventData":{"UtcTime":"2024-03-01 10:15:01.372","ProcessGuid":"8F3C2A10-1B2C-65E1-5A01-000000000700","Image":"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe","User":"CORP\\alice","Protocol":"tcp","Initiated":true,"SourceIp":"10.20.30.40","SourcePort":51544,"DestinationIp":"45.33.32.156","DestinationPort":4444}}}
        """;

    [Fact]
    public void A_Winlogbeat_process_create_enriches_an_evtx_dump_connection_of_the_same_process()
    {
        var run = new EngineRun().Feed(WinlogbeatProcessCreate, EvtxDumpConnection);
        JsonElement alert = Assert.Single(run.Alerts);
        Assert.Equal(@"C:\Windows\System32\cmd.exe", alert.GetProperty("parent_process").GetString());
        Assert.Equal("powershell.exe -nop -enc SQBFAFgA", alert.GetProperty("command_line").GetString());
        Assert.Equal("cmd.exe /c start powershell.exe", alert.GetProperty("parent_command_line").GetString());
    }
}
