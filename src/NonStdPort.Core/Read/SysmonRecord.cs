namespace NonStdPort.Core.Read;

/// <summary>Whether the record names a provider/channel, and whether that is Sysmon.</summary>
public enum ProviderKind : byte
{
    /// <summary>The record carries no provider, source or channel name.</summary>
    Absent = 0,
    /// <summary>The provider, source or channel name contains "Sysmon" (case-insensitive).</summary>
    Sysmon,
    /// <summary>Some other provider.</summary>
    Other,
}

/// <summary>
/// A view over one record's fields, filled by a reader. Every span is already decoded UTF-8:
/// it points into the record's own bytes when the value had no escapes, otherwise into the
/// reader's scratch buffer. An empty span means absent; placeholders (<c>-</c>) are kept as read.
/// Numbers are given as their text (<c>4444</c> whether the source wrote <c>4444</c> or <c>"4444"</c>).
/// </summary>
public ref struct SysmonRecord
{
    /// <summary>The envelope the record came in.</summary>
    public Envelope Envelope;
    /// <summary>Whether a provider/source/channel was named, and whether it is Sysmon.</summary>
    public ProviderKind Provider;
    /// <summary>The event id, or -1 when absent.</summary>
    public int EventId;

    /// <summary>The provider or source name as written (<c>SourceName</c>, <c>winlog.provider_name</c>, <c>Provider Name=</c>...).</summary>
    public ReadOnlySpan<byte> ProviderName;
    /// <summary>The channel or log name as written (<c>Channel</c>, <c>winlog.channel</c>, <c>log_name</c>...).</summary>
    public ReadOnlySpan<byte> Channel;

    /// <summary><c>UtcTime</c> (or the envelope's event time when UtcTime is absent).</summary>
    public ReadOnlySpan<byte> UtcTime;
    /// <summary>Host name: <c>Computer</c>, <c>Hostname</c>, <c>winlog.computer_name</c>, <c>host.name</c>, ...</summary>
    public ReadOnlySpan<byte> Computer;
    /// <summary>The process user (<c>User</c>, or ECS <c>user.name</c> when raw is absent).</summary>
    public ReadOnlySpan<byte> User;
    /// <summary>Full image path (<c>Image</c>, or ECS <c>process.executable</c>).</summary>
    public ReadOnlySpan<byte> Image;
    /// <summary><c>ProcessGuid</c> (or ECS <c>process.entity_id</c>).</summary>
    public ReadOnlySpan<byte> ProcessGuid;
    /// <summary><c>Protocol</c> (or ECS <c>network.transport</c>).</summary>
    public ReadOnlySpan<byte> Protocol;
    /// <summary>Raw <c>Initiated</c> value (<c>true</c>, <c>True</c>, <c>false</c>...).</summary>
    public ReadOnlySpan<byte> Initiated;
    /// <summary>ECS <c>network.direction</c> (<c>egress</c>, <c>outbound</c>, <c>ingress</c>, ...).</summary>
    public ReadOnlySpan<byte> NetworkDirection;
    /// <summary><c>SourceIp</c> (or ECS <c>source.ip</c>).</summary>
    public ReadOnlySpan<byte> SourceIp;
    /// <summary><c>SourcePort</c> (or ECS <c>source.port</c>).</summary>
    public ReadOnlySpan<byte> SourcePort;
    /// <summary><c>DestinationIp</c> (or ECS <c>destination.ip</c>).</summary>
    public ReadOnlySpan<byte> DestinationIp;
    /// <summary><c>DestinationPort</c> (or ECS <c>destination.port</c>).</summary>
    public ReadOnlySpan<byte> DestinationPort;
    /// <summary><c>DestinationHostname</c> (or ECS <c>destination.domain</c>).</summary>
    public ReadOnlySpan<byte> DestinationHostname;

    /// <summary>EID 1: <c>ParentImage</c>.</summary>
    public ReadOnlySpan<byte> ParentImage;
    /// <summary>EID 1: <c>CommandLine</c>.</summary>
    public ReadOnlySpan<byte> CommandLine;
    /// <summary>EID 1: <c>ParentCommandLine</c>.</summary>
    public ReadOnlySpan<byte> ParentCommandLine;
    /// <summary>EID 12-14: <c>TargetObject</c> (or ECS <c>registry.path</c>).</summary>
    public ReadOnlySpan<byte> TargetObject;
    /// <summary>EID 13: <c>Details</c> (or ECS <c>registry.data.strings</c>, first element).</summary>
    public ReadOnlySpan<byte> Details;
    /// <summary>EID 12-14: <c>EventType</c> (<c>SetValue</c>, ...).</summary>
    public ReadOnlySpan<byte> EventType;

    /// <summary>Clears every field, ready for the next record.</summary>
    public void Reset() => this = new SysmonRecord { EventId = -1 };
}
