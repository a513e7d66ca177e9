using System.Buffers.Text;
using NonStdPort.Core.Read;

namespace NonStdPort.Core.Detect;

/// <summary>
/// Recognises a registry write that moves the RDP listening port: Sysmon Event ID 13 on
/// <c>...\&lt;control set&gt;\Control\Terminal Server\WinStations\RDP-Tcp\PortNumber</c>
/// whose value is a port other than 3389. Stateless and allocation-free.
/// </summary>
internal static class RdpPortChange
{
    /// <summary>The port RDP listens on unless moved.</summary>
    public const int StandardPort = 3389;

    /// <summary>Sysmon's "registry value set" event.</summary>
    public const int RegistryValueSetEventId = 13;

    private static ReadOnlySpan<byte> PortNumberSuffix => @"\Control\Terminal Server\WinStations\RDP-Tcp\PortNumber"u8;
    private static ReadOnlySpan<byte> CurrentControlSet => "CurrentControlSet"u8;
    private static ReadOnlySpan<byte> ControlSetPrefix => "ControlSet"u8;
    private static ReadOnlySpan<byte> DwordPrefix => "DWORD ("u8;
    private static ReadOnlySpan<byte> HexPrefix => "0x"u8;

    /// <summary>
    /// True when <paramref name="record"/> sets the RDP port to something other than 3389;
    /// <paramref name="newPort"/> is then the new port.
    /// </summary>
    public static bool IsPortChange(in SysmonRecord record, out int newPort)
    {
        newPort = 0;
        return record.EventId == RegistryValueSetEventId
            && record.Provider != ProviderKind.Other
            && IsRdpPortNumberValue(record.TargetObject)
            && TryParsePort(record.Details, out newPort)
            && newPort != StandardPort;
    }

    /// <summary>
    /// True when the registry path ends, case-insensitively, with the RDP-Tcp <c>PortNumber</c>
    /// value under a control set (<c>CurrentControlSet</c> or <c>ControlSetNNN</c>).
    /// </summary>
    public static bool IsRdpPortNumberValue(ReadOnlySpan<byte> targetObject)
    {
        ReadOnlySpan<byte> suffix = PortNumberSuffix;
        if (targetObject.Length <= suffix.Length
            || !System.Text.Ascii.EqualsIgnoreCase(targetObject[^suffix.Length..], suffix))
        {
            return false;
        }

        // The segment before "\Control" must name a control set; other keys that happen to end
        // the same way (a copy under Software, a user hive) do not move the listener.
        ReadOnlySpan<byte> head = targetObject[..^suffix.Length];
        ReadOnlySpan<byte> controlSet = head[(head.LastIndexOf((byte)'\\') + 1)..];
        return System.Text.Ascii.EqualsIgnoreCase(controlSet, CurrentControlSet) || IsNumberedControlSet(controlSet);
    }

    /// <summary>
    /// Parses the value Sysmon reports for a DWORD: <c>DWORD (0x00008462)</c>, a bare <c>0x8462</c>,
    /// or a plain decimal number (as ECS <c>registry.data.strings</c> carries it). Only 0-65535 is a port.
    /// </summary>
    public static bool TryParsePort(ReadOnlySpan<byte> details, out int port)
    {
        port = 0;
        details = details.Trim((byte)' ');
        if (StartsWithIgnoreCase(details, DwordPrefix))
        {
            if (details[^1] != (byte)')')
            {
                return false;
            }

            details = details[DwordPrefix.Length..^1].Trim((byte)' ');
        }

        uint value;
        if (StartsWithIgnoreCase(details, HexPrefix))
        {
            ReadOnlySpan<byte> digits = details[HexPrefix.Length..];
            if (digits.Length is 0 or > 8 || !Utf8Parser.TryParse(digits, out value, out int hexUsed, 'x') || hexUsed != digits.Length)
            {
                return false;
            }
        }
        else if (details.Length is 0 or > 10 || !IsAllDigits(details)
            || !Utf8Parser.TryParse(details, out value, out int used) || used != details.Length)
        {
            return false;
        }

        if (value > ushort.MaxValue)
        {
            return false;
        }

        port = (int)value;
        return true;
    }

    private static bool IsNumberedControlSet(ReadOnlySpan<byte> segment) =>
        segment.Length > ControlSetPrefix.Length
        && System.Text.Ascii.EqualsIgnoreCase(segment[..ControlSetPrefix.Length], ControlSetPrefix)
        && IsAllDigits(segment[ControlSetPrefix.Length..]);

    private static bool IsAllDigits(ReadOnlySpan<byte> text) => text.IndexOfAnyExceptInRange((byte)'0', (byte)'9') < 0;

    private static bool StartsWithIgnoreCase(ReadOnlySpan<byte> text, ReadOnlySpan<byte> prefix) =>
        text.Length >= prefix.Length && System.Text.Ascii.EqualsIgnoreCase(text[..prefix.Length], prefix);
}
