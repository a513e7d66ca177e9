using System.Runtime.CompilerServices;

namespace NonStdPort.Core.Read;

/// <summary>The kind of object a JSON key sits in; decides what the key means.</summary>
internal enum JsonContext : byte
{
    /// <summary>Not an object we read into (its keys are skipped).</summary>
    Ignore = 0,
    Root,
    /// <summary>An object of Sysmon fields: <c>winlog.event_data</c>, <c>event_data</c>, <c>Event.EventData</c>, Sentinel <c>EventData</c>.</summary>
    EventData,
    Winlog,
    Process,
    ProcessParent,
    Destination,
    Source,
    Network,
    Host,
    User,
    Registry,
    RegistryData,
    EcsEvent,
    EvtxEvent,
    EvtxSystem,
    EvtxProvider,
    EvtxProviderAttributes,
    EvtxTimeCreated,
    EvtxTimeCreatedAttributes,
    EvtxEventId,
}

/// <summary>What to do with a key's value.</summary>
internal enum TargetKind : byte
{
    /// <summary>Skip (and validate) the value.</summary>
    Ignore = 0,
    /// <summary>A scalar fills <see cref="KeyTarget.Field"/>; an object is read in <see cref="KeyTarget.Object"/>.</summary>
    Value,
    /// <summary>An array whose first element fills the field (ECS <c>registry.data.strings</c>).</summary>
    FirstOfArray,
    /// <summary>A JSON string holding a JSON object of Sysmon fields (Sentinel <c>EventData</c>).</summary>
    WrappedJson,
    /// <summary>A JSON string holding an XML event (Sentinel <c>SyslogMessage</c>).</summary>
    WrappedXml,
}

/// <summary>What a key means in its context.</summary>
internal readonly record struct KeyTarget(
    TargetKind Kind, FieldId Field, Precedence Precedence, JsonContext Object, EnvelopeHints Hint)
{
    public static readonly KeyTarget Ignore = default;

    public static KeyTarget Value(FieldId field, Precedence precedence, EnvelopeHints hint = EnvelopeHints.None) =>
        new(TargetKind.Value, field, precedence, JsonContext.Ignore, hint);

    public static KeyTarget Ecs(FieldId field) => Value(field, Precedence.Ecs);

    public static KeyTarget Raw(FieldId field, EnvelopeHints hint = EnvelopeHints.None) => Value(field, Precedence.Raw, hint);

    public static KeyTarget Nested(JsonContext context, EnvelopeHints hint = EnvelopeHints.None) =>
        new(TargetKind.Value, FieldId.None, Precedence.Unset, context, hint);
}

/// <summary>
/// The JSON keys each envelope uses, by object context, in one hash table built once. Sysmon
/// event-data names come from <see cref="SysmonFieldMap"/>: they are read at the top level (flat
/// JSON) and in every event-data object; this map adds the envelope keys around them.
/// </summary>
internal static class JsonKeyMap
{
    private static readonly KeyTable<KeyTarget> Table = new(Entries());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static KeyTarget Resolve(JsonContext context, ReadOnlySpan<byte> key)
    {
        ref readonly KeyTarget target = ref Table.Find((byte)context, key);
        return Unsafe.IsNullRef(in target) ? default : target;
    }

    private static IEnumerable<(byte, string, KeyTarget)> Entries()
    {
        foreach (var (name, field) in SysmonFieldMap.Names)
        {
            yield return In(JsonContext.Root, name, KeyTarget.Raw(field, EnvelopeHints.Flat));
            yield return In(JsonContext.EventData, name, KeyTarget.Raw(field));
        }

        // a. flat Sysmon JSON, and the header fields of Sentinel rows.
        yield return In(JsonContext.Root, "EventID", KeyTarget.Raw(FieldId.EventId, EnvelopeHints.Flat));
        yield return In(JsonContext.Root, "SourceName", KeyTarget.Raw(FieldId.ProviderName, EnvelopeHints.Flat));
        yield return In(JsonContext.Root, "ProviderName", KeyTarget.Raw(FieldId.ProviderName, EnvelopeHints.Flat));
        yield return In(JsonContext.Root, "Provider", KeyTarget.Raw(FieldId.ProviderName, EnvelopeHints.Flat));
        yield return In(JsonContext.Root, "Channel", KeyTarget.Raw(FieldId.Channel, EnvelopeHints.Flat));
        yield return In(JsonContext.Root, "Hostname", KeyTarget.Raw(FieldId.Computer, EnvelopeHints.Flat));
        yield return In(JsonContext.Root, "Computer", KeyTarget.Raw(FieldId.Computer, EnvelopeHints.Flat));
        yield return In(JsonContext.Root, "TimeGenerated", KeyTarget.Value(FieldId.UtcTime, Precedence.Envelope));

        // b. Winlogbeat 7/8: winlog.* and ECS.
        yield return In(JsonContext.Root, "winlog", KeyTarget.Nested(JsonContext.Winlog, EnvelopeHints.Winlog));
        yield return In(JsonContext.Winlog, "event_id", KeyTarget.Raw(FieldId.EventId));
        yield return In(JsonContext.Winlog, "event_data", KeyTarget.Nested(JsonContext.EventData));
        yield return In(JsonContext.Winlog, "provider_name", KeyTarget.Raw(FieldId.ProviderName));
        yield return In(JsonContext.Winlog, "channel", KeyTarget.Raw(FieldId.Channel));
        yield return In(JsonContext.Winlog, "computer_name", KeyTarget.Raw(FieldId.Computer));
        yield return In(JsonContext.Root, "@timestamp", KeyTarget.Ecs(FieldId.UtcTime));
        yield return In(JsonContext.Root, "process", KeyTarget.Nested(JsonContext.Process));
        yield return In(JsonContext.Process, "executable", KeyTarget.Ecs(FieldId.Image));
        yield return In(JsonContext.Process, "entity_id", KeyTarget.Ecs(FieldId.ProcessGuid));
        yield return In(JsonContext.Process, "command_line", KeyTarget.Ecs(FieldId.CommandLine));
        yield return In(JsonContext.Process, "parent", KeyTarget.Nested(JsonContext.ProcessParent));
        yield return In(JsonContext.ProcessParent, "executable", KeyTarget.Ecs(FieldId.ParentImage));
        yield return In(JsonContext.ProcessParent, "command_line", KeyTarget.Ecs(FieldId.ParentCommandLine));
        yield return In(JsonContext.Root, "destination", KeyTarget.Nested(JsonContext.Destination));
        yield return In(JsonContext.Destination, "ip", KeyTarget.Ecs(FieldId.DestinationIp));
        yield return In(JsonContext.Destination, "port", KeyTarget.Ecs(FieldId.DestinationPort));
        yield return In(JsonContext.Destination, "domain", KeyTarget.Ecs(FieldId.DestinationHostname));
        yield return In(JsonContext.Root, "source", KeyTarget.Nested(JsonContext.Source));
        yield return In(JsonContext.Source, "ip", KeyTarget.Ecs(FieldId.SourceIp));
        yield return In(JsonContext.Source, "port", KeyTarget.Ecs(FieldId.SourcePort));
        yield return In(JsonContext.Root, "network", KeyTarget.Nested(JsonContext.Network));
        yield return In(JsonContext.Network, "direction", KeyTarget.Ecs(FieldId.NetworkDirection));
        yield return In(JsonContext.Network, "transport", KeyTarget.Ecs(FieldId.Protocol));
        yield return In(JsonContext.Root, "host", KeyTarget.Nested(JsonContext.Host));
        yield return In(JsonContext.Host, "name", KeyTarget.Ecs(FieldId.Computer));
        yield return In(JsonContext.Root, "user", KeyTarget.Nested(JsonContext.User));
        yield return In(JsonContext.User, "name", KeyTarget.Ecs(FieldId.User));
        yield return In(JsonContext.Root, "registry", KeyTarget.Nested(JsonContext.Registry));
        yield return In(JsonContext.Registry, "path", KeyTarget.Ecs(FieldId.TargetObject));
        yield return In(JsonContext.Registry, "data", KeyTarget.Nested(JsonContext.RegistryData));
        yield return In(JsonContext.RegistryData, "strings", new KeyTarget(TargetKind.FirstOfArray, FieldId.Details, Precedence.Ecs, JsonContext.Ignore, EnvelopeHints.None));
        yield return In(JsonContext.Root, "event", KeyTarget.Nested(JsonContext.EcsEvent));
        yield return In(JsonContext.EcsEvent, "code", KeyTarget.Ecs(FieldId.EventId));
        yield return In(JsonContext.EcsEvent, "provider", KeyTarget.Ecs(FieldId.ProviderName));

        // b. Winlogbeat 6.
        yield return In(JsonContext.Root, "event_id", KeyTarget.Raw(FieldId.EventId, EnvelopeHints.WinlogLegacy));
        yield return In(JsonContext.Root, "source_name", KeyTarget.Raw(FieldId.ProviderName, EnvelopeHints.WinlogLegacy));
        yield return In(JsonContext.Root, "log_name", KeyTarget.Raw(FieldId.Channel, EnvelopeHints.WinlogLegacy));
        yield return In(JsonContext.Root, "computer_name", KeyTarget.Raw(FieldId.Computer, EnvelopeHints.WinlogLegacy));
        yield return In(JsonContext.Root, "event_data", KeyTarget.Nested(JsonContext.EventData, EnvelopeHints.WinlogLegacy));

        // d. Sentinel rows: EventData (a JSON string holding JSON, or an object), SyslogMessage (XML).
        yield return In(JsonContext.Root, "EventData", new KeyTarget(TargetKind.WrappedJson, FieldId.None, Precedence.Raw, JsonContext.EventData, EnvelopeHints.SentinelEvent));
        yield return In(JsonContext.Root, "SyslogMessage", new KeyTarget(TargetKind.WrappedXml, FieldId.None, Precedence.Raw, JsonContext.Ignore, EnvelopeHints.SentinelSyslog));

        // d. evtx_dump: Event.System, Event.EventData; EventID may be an object with #text.
        yield return In(JsonContext.Root, "Event", KeyTarget.Nested(JsonContext.EvtxEvent, EnvelopeHints.EvtxDump));
        yield return In(JsonContext.EvtxEvent, "System", KeyTarget.Nested(JsonContext.EvtxSystem));
        yield return In(JsonContext.EvtxEvent, "EventData", KeyTarget.Nested(JsonContext.EventData));
        yield return In(JsonContext.EvtxSystem, "EventID", new KeyTarget(TargetKind.Value, FieldId.EventId, Precedence.Raw, JsonContext.EvtxEventId, EnvelopeHints.None));
        yield return In(JsonContext.EvtxEventId, "#text", KeyTarget.Raw(FieldId.EventId));
        yield return In(JsonContext.EvtxSystem, "Provider", KeyTarget.Nested(JsonContext.EvtxProvider));
        yield return In(JsonContext.EvtxProvider, "#attributes", KeyTarget.Nested(JsonContext.EvtxProviderAttributes));
        yield return In(JsonContext.EvtxProviderAttributes, "Name", KeyTarget.Raw(FieldId.ProviderName));
        yield return In(JsonContext.EvtxSystem, "Channel", KeyTarget.Raw(FieldId.Channel));
        yield return In(JsonContext.EvtxSystem, "Computer", KeyTarget.Raw(FieldId.Computer));
        yield return In(JsonContext.EvtxSystem, "TimeCreated", KeyTarget.Nested(JsonContext.EvtxTimeCreated));
        yield return In(JsonContext.EvtxTimeCreated, "#attributes", KeyTarget.Nested(JsonContext.EvtxTimeCreatedAttributes));
        yield return In(JsonContext.EvtxTimeCreatedAttributes, "SystemTime", KeyTarget.Value(FieldId.UtcTime, Precedence.Envelope));
    }

    private static (byte, string, KeyTarget) In(JsonContext context, string key, KeyTarget target) => ((byte)context, key, target);
}
