namespace NonStdPort.Core.Read;

/// <summary>
/// Every value a reader can fill in a <see cref="SysmonRecord"/>. Readers never touch the record
/// directly while they walk the bytes: they note where each value lives (<see cref="FieldCollector"/>)
/// and the record is filled once at the end, so every envelope shares one way of storing values.
/// </summary>
internal enum FieldId : byte
{
    None = 0,
    EventId,
    ProviderName,
    Channel,
    Computer,
    UtcTime,
    User,
    Image,
    ProcessGuid,
    Protocol,
    Initiated,
    NetworkDirection,
    SourceIp,
    SourcePort,
    DestinationIp,
    DestinationPort,
    DestinationHostname,
    ParentImage,
    CommandLine,
    ParentCommandLine,
    TargetObject,
    Details,
    EventType,
}

/// <summary>
/// Which source of a value wins when a record names the same field more than once.
/// A higher precedence replaces a lower one; an equal one replaces it too (the last duplicate key wins).
/// </summary>
internal enum Precedence : byte
{
    /// <summary>Not set.</summary>
    Unset = 0,
    /// <summary>An ECS field (<c>destination.ip</c>, <c>host.name</c>...): only used by Winlogbeat 7+ records, only when the raw field is absent.</summary>
    Ecs = 1,
    /// <summary>Envelope metadata used when the event data lacks the field (XML <c>&lt;Computer&gt;</c>, <c>TimeCreated</c>).</summary>
    Envelope = 2,
    /// <summary>The raw Sysmon field or the record's own header field.</summary>
    Raw = 3,
}
