using System.Text;
using NonStdPort.Core.Read;
using NonStdPort.Core.Rules;

namespace NonStdPort.Core.Detect;

/// <summary>
/// The parsed network fields of a Sysmon EID 3 record: destination address and port, and direction.
/// </summary>
public readonly struct NetworkConnection
{
    /// <summary>Creates a connection.</summary>
    public NetworkConnection(in IpAddress destination, int destinationPort, ConnectionDirection direction)
    {
        Destination = destination;
        DestinationPort = destinationPort;
        Direction = direction;
    }

    /// <summary>The destination address.</summary>
    public IpAddress Destination { get; }

    /// <summary>The destination port, 0-65535.</summary>
    public int DestinationPort { get; }

    /// <summary>The direction as stated by the record.</summary>
    public ConnectionDirection Direction { get; }

    /// <summary>
    /// Parses the destination and direction of a record, or says why it cannot:
    /// a missing or placeholder (<c>-</c>) address or port, an address that is not IPv4/IPv6,
    /// a port outside 0-65535, or a direction that means neither in nor out.
    /// </summary>
    public static MalformedReason TryRead(in SysmonRecord record, out NetworkConnection connection)
    {
        connection = default;
        if (IsAbsent(record.DestinationIp))
        {
            return MalformedReason.MissingDestinationIp;
        }

        if (!IpAddress.TryParse(record.DestinationIp, out IpAddress destination))
        {
            return MalformedReason.InvalidDestinationIp;
        }

        if (IsAbsent(record.DestinationPort))
        {
            return MalformedReason.MissingDestinationPort;
        }

        if (!TryParsePort(record.DestinationPort, out int port))
        {
            return MalformedReason.InvalidDestinationPort;
        }

        if (!TryParseDirection(record.Initiated, record.NetworkDirection, out ConnectionDirection direction))
        {
            return MalformedReason.InvalidDirection;
        }

        connection = new NetworkConnection(destination, port, direction);
        return MalformedReason.None;
    }

    /// <summary>True for an empty value or the <c>-</c> placeholder.</summary>
    public static bool IsAbsent(ReadOnlySpan<byte> value) => value.IsEmpty || (value.Length == 1 && value[0] == (byte)'-');

    /// <summary>Parses a port: 1 to 5 decimal digits, at most 65535.</summary>
    public static bool TryParsePort(ReadOnlySpan<byte> text, out int port)
    {
        port = 0;
        if (text.IsEmpty || text.Length > 5)
        {
            return false;
        }

        foreach (byte b in text)
        {
            uint digit = (uint)(b - '0');
            if (digit > 9)
            {
                return false;
            }

            port = (port * 10) + (int)digit;
        }

        return port <= ushort.MaxValue;
    }

    /// <summary>
    /// The direction from <c>Initiated</c> (<c>true</c>/<c>false</c>, any case) when present,
    /// else from ECS <c>network.direction</c> (<c>egress</c>/<c>outbound</c>, <c>ingress</c>/<c>inbound</c>;
    /// <c>internal</c>, <c>external</c> and <c>unknown</c> state no direction). Absent means unknown.
    /// </summary>
    public static bool TryParseDirection(ReadOnlySpan<byte> initiated, ReadOnlySpan<byte> networkDirection, out ConnectionDirection direction)
    {
        direction = ConnectionDirection.Unknown;
        if (!IsAbsent(initiated))
        {
            if (Ascii.EqualsIgnoreCase(initiated, "true"u8))
            {
                direction = ConnectionDirection.Outbound;
                return true;
            }

            if (Ascii.EqualsIgnoreCase(initiated, "false"u8))
            {
                direction = ConnectionDirection.Inbound;
                return true;
            }

            return false;
        }

        if (IsAbsent(networkDirection))
        {
            return true;
        }

        if (Ascii.EqualsIgnoreCase(networkDirection, "egress"u8) || Ascii.EqualsIgnoreCase(networkDirection, "outbound"u8))
        {
            direction = ConnectionDirection.Outbound;
            return true;
        }

        if (Ascii.EqualsIgnoreCase(networkDirection, "ingress"u8) || Ascii.EqualsIgnoreCase(networkDirection, "inbound"u8))
        {
            direction = ConnectionDirection.Inbound;
            return true;
        }

        return Ascii.EqualsIgnoreCase(networkDirection, "internal"u8)
            || Ascii.EqualsIgnoreCase(networkDirection, "external"u8)
            || Ascii.EqualsIgnoreCase(networkDirection, "unknown"u8);
    }
}
