using NonStdPort.Core.Tests.Support;
using System.Text;
using NonStdPort.Core.Detect;
using NonStdPort.Core.Read;

namespace NonStdPort.Core.Tests.Detections;

public sealed class RdpPortChangeTests
{
    private const string PortNumber = @"HKLM\System\CurrentControlSet\Control\Terminal Server\WinStations\RDP-Tcp\PortNumber";

    private static bool Detect(string targetObject, string details, out int port, int eventId = 13, ProviderKind provider = ProviderKind.Sysmon)
    {
        var record = new SysmonRecord
        {
            EventId = eventId,
            Provider = provider,
            TargetObject = Encoding.UTF8.GetBytes(targetObject),
            Details = Encoding.UTF8.GetBytes(details),
        };
        return RdpPortChange.IsPortChange(record, out port);
    }

    [Theory]
    [InlineData("DWORD (0x00008462)", 33890)]
    [InlineData("DWORD (0x00001189)", 4489)]
    [InlineData("DWORD (0x00000050)", 80)]
    [InlineData("dword (0X0000FFFF)", 65535)]
    [InlineData("0x00008462", 33890)]
    [InlineData("33890", 33890)]
    [InlineData(" 4489 ", 4489)]
    [InlineData("0", 0)]
    public void Details_in_DWORD_hex_and_plain_forms_give_the_new_port(string details, int expected)
    {
        Assert.True(Detect(PortNumber, details, out int port));
        Assert.Equal(expected, port);
    }

    [Theory]
    [InlineData(@"HKLM\System\CurrentControlSet\Control\Terminal Server\WinStations\RDP-Tcp\PortNumber")]
    [InlineData(@"HKLM\SYSTEM\ControlSet001\Control\Terminal Server\WinStations\RDP-Tcp\PortNumber")]
    [InlineData(@"HKLM\SYSTEM\ControlSet002\Control\Terminal Server\WinStations\RDP-Tcp\PortNumber")]
    [InlineData(@"\REGISTRY\MACHINE\SYSTEM\ControlSet001\Control\Terminal Server\WinStations\RDP-Tcp\PortNumber")]
    [InlineData(@"hklm\system\currentcontrolset\control\terminal server\winstations\rdp-tcp\portnumber")]
    [InlineData(@"HKEY_LOCAL_MACHINE\SYSTEM\CURRENTCONTROLSET\CONTROL\TERMINAL SERVER\WINSTATIONS\RDP-TCP\PORTNUMBER")]
    public void Any_control_set_in_any_case_is_the_RDP_port(string targetObject) =>
        Assert.True(Detect(targetObject, "DWORD (0x00008462)", out _));

    [Theory]
    [InlineData(@"HKLM\System\CurrentControlSet\Control\Terminal Server\WinStations\RDP-Tcp\UserAuthentication", "DWORD (0x00000000)")]
    [InlineData(@"HKLM\System\CurrentControlSet\Control\Terminal Server\fDenyTSConnections", "DWORD (0x00000000)")]
    [InlineData(@"HKLM\System\CurrentControlSet\Services\PortProxy\v4tov4\tcp\1.2.3.4/8001", "1.2.3.5/3389")]
    [InlineData(@"HKLM\System\CurrentControlSet\Control\Terminal Server\WinStations\RDP-Tcp\PortNumberBackup", "DWORD (0x00008462)")]
    [InlineData(@"HKLM\System\CurrentControlSet\Control\Terminal Server\WinStations\RDP-Tcp2\PortNumber", "DWORD (0x00008462)")]
    [InlineData(@"HKLM\Software\Vendor\Control\Terminal Server\WinStations\RDP-Tcp\PortNumber", "DWORD (0x00008462)")]
    [InlineData(@"HKLM\System\ControlSetX\Control\Terminal Server\WinStations\RDP-Tcp\PortNumber", "DWORD (0x00008462)")]
    [InlineData(@"\Control\Terminal Server\WinStations\RDP-Tcp\PortNumber", "DWORD (0x00008462)")]
    public void Near_misses_are_not_RDP_port_changes(string targetObject, string details) =>
        Assert.False(Detect(targetObject, details, out _));

    [Theory]
    [InlineData("DWORD (0x00000d3d)")]
    [InlineData("3389")]
    [InlineData("0xD3D")]
    public void Setting_the_port_to_3389_is_not_an_alert(string details) =>
        Assert.False(Detect(PortNumber, details, out _));

    [Theory]
    [InlineData("")]
    [InlineData("-")]
    [InlineData("DWORD (0x00010000)")]
    [InlineData("65536")]
    [InlineData("DWORD (0x)")]
    [InlineData("DWORD (0x00008462")]
    [InlineData("QWORD (0x00000000-0x00008462)")]
    [InlineData("Binary Data")]
    [InlineData("-1")]
    [InlineData("4489x")]
    [InlineData("99999999999")]
    public void Values_that_are_not_a_port_are_not_alerts(string details) =>
        Assert.False(Detect(PortNumber, details, out _));

    [Theory]
    [InlineData(12, ProviderKind.Sysmon)]
    [InlineData(14, ProviderKind.Sysmon)]
    [InlineData(3, ProviderKind.Sysmon)]
    [InlineData(13, ProviderKind.Other)]
    public void Only_Sysmon_event_13_counts(int eventId, ProviderKind provider) =>
        Assert.False(Detect(PortNumber, "DWORD (0x00008462)", out _, eventId, provider));

    [Fact]
    public void A_record_without_a_provider_name_still_counts() =>
        Assert.True(Detect(PortNumber, "DWORD (0x00008462)", out _, provider: ProviderKind.Absent));

    [Fact]
    public void Detection_allocates_nothing()
    {
        byte[] target = Encoding.UTF8.GetBytes(PortNumber);
        int calls = 0, hits = 0;
        AllocationAssert.None(
            () =>
            {
                var record = new SysmonRecord
                {
                    EventId = 13,
                    Provider = ProviderKind.Sysmon,
                    TargetObject = target,
                    Details = "DWORD (0x00008462)"u8,
                };
                calls++;
                hits += RdpPortChange.IsPortChange(record, out _) ? 1 : 0;
            },
            10_000);
        Assert.Equal(calls, hits);
    }
}
