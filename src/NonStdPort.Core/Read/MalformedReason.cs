namespace NonStdPort.Core.Read;

/// <summary>Why a record could not be read. Every value has a fixed, human-readable description.</summary>
public enum MalformedReason : byte
{
    /// <summary>Not malformed.</summary>
    None = 0,
    /// <summary>The record is empty or only whitespace.</summary>
    Empty,
    /// <summary>The record is larger than the configured maximum.</summary>
    Oversize,
    /// <summary>The bytes are not valid UTF-8.</summary>
    InvalidUtf8,
    /// <summary>The record starts like neither JSON nor XML, or its JSON keys match no known envelope.</summary>
    UnknownEnvelope,
    /// <summary>A conforming JSON parser rejects the record.</summary>
    InvalidJson,
    /// <summary>A conforming XML parser rejects the record.</summary>
    InvalidXml,
    /// <summary>The XML carries a DOCTYPE; rejected so no entity is expanded and nothing external is loaded.</summary>
    XmlDoctype,
    /// <summary>The XML references an entity other than the five predefined ones or a numeric reference.</summary>
    XmlUndefinedEntity,
    /// <summary>A wrapped payload (Sentinel <c>EventData</c> or <c>SyslogMessage</c>) is not a valid inner record.</summary>
    InvalidWrappedPayload,
    /// <summary>No event id was found.</summary>
    MissingEventId,
    /// <summary>The event id is not a non-negative integer.</summary>
    InvalidEventId,
    /// <summary>A network-connection record has no destination address.</summary>
    MissingDestinationIp,
    /// <summary>The destination address is not an IPv4 or IPv6 address.</summary>
    InvalidDestinationIp,
    /// <summary>A network-connection record has no destination port.</summary>
    MissingDestinationPort,
    /// <summary>The destination port is not an integer from 0 to 65535.</summary>
    InvalidDestinationPort,
    /// <summary>The direction (<c>Initiated</c> or <c>network.direction</c>) has a value that means neither in nor out.</summary>
    InvalidDirection,
    /// <summary>The event time is present but not a recognised UTC timestamp.</summary>
    InvalidTime,
    /// <summary>The record nests deeper than the reader allows.</summary>
    TooDeep,
}

/// <summary>Descriptions of <see cref="MalformedReason"/> values (constant strings, no allocation).</summary>
public static class MalformedReasons
{
    /// <summary>A short, human-readable reason, used on stderr and in the dead-letter header.</summary>
    public static string Describe(MalformedReason reason) => reason switch
    {
        MalformedReason.None => "ok",
        MalformedReason.Empty => "empty record",
        MalformedReason.Oversize => "record exceeds the maximum size",
        MalformedReason.InvalidUtf8 => "invalid UTF-8",
        MalformedReason.UnknownEnvelope => "unrecognised record format",
        MalformedReason.InvalidJson => "invalid JSON",
        MalformedReason.InvalidXml => "invalid XML",
        MalformedReason.XmlDoctype => "XML DOCTYPE is not allowed",
        MalformedReason.XmlUndefinedEntity => "undefined XML entity",
        MalformedReason.InvalidWrappedPayload => "invalid wrapped payload",
        MalformedReason.MissingEventId => "missing event id",
        MalformedReason.InvalidEventId => "invalid event id",
        MalformedReason.MissingDestinationIp => "missing destination address",
        MalformedReason.InvalidDestinationIp => "invalid destination address",
        MalformedReason.MissingDestinationPort => "missing destination port",
        MalformedReason.InvalidDestinationPort => "invalid destination port",
        MalformedReason.InvalidDirection => "invalid direction",
        MalformedReason.InvalidTime => "invalid event time",
        MalformedReason.TooDeep => "record nests too deeply",
        _ => "malformed record",
    };
}
