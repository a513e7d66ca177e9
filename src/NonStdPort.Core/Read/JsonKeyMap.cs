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
/// The JSON keys each envelope uses, by object context. Sysmon event-data names go through
/// <see cref="SysmonFieldMap"/>; this map adds the envelope keys around them.
/// </summary>
internal static class JsonKeyMap
{
    public static KeyTarget Resolve(JsonContext context, ReadOnlySpan<byte> key)
    {
        switch (context)
        {
            case JsonContext.Root:
                return Root(key);
            case JsonContext.EventData:
                FieldId field = SysmonFieldMap.Lookup(key);
                return field == FieldId.None ? KeyTarget.Ignore : KeyTarget.Raw(field);
            case JsonContext.Winlog:
                if (key.SequenceEqual("event_id"u8)) return KeyTarget.Raw(FieldId.EventId);
                if (key.SequenceEqual("event_data"u8)) return KeyTarget.Nested(JsonContext.EventData);
                if (key.SequenceEqual("provider_name"u8)) return KeyTarget.Raw(FieldId.ProviderName);
                if (key.SequenceEqual("channel"u8)) return KeyTarget.Raw(FieldId.Channel);
                if (key.SequenceEqual("computer_name"u8)) return KeyTarget.Raw(FieldId.Computer);
                return KeyTarget.Ignore;
            case JsonContext.Process:
                if (key.SequenceEqual("executable"u8)) return KeyTarget.Ecs(FieldId.Image);
                if (key.SequenceEqual("entity_id"u8)) return KeyTarget.Ecs(FieldId.ProcessGuid);
                if (key.SequenceEqual("command_line"u8)) return KeyTarget.Ecs(FieldId.CommandLine);
                if (key.SequenceEqual("parent"u8)) return KeyTarget.Nested(JsonContext.ProcessParent);
                return KeyTarget.Ignore;
            case JsonContext.ProcessParent:
                if (key.SequenceEqual("executable"u8)) return KeyTarget.Ecs(FieldId.ParentImage);
                if (key.SequenceEqual("command_line"u8)) return KeyTarget.Ecs(FieldId.ParentCommandLine);
                return KeyTarget.Ignore;
            case JsonContext.Destination:
                if (key.SequenceEqual("ip"u8)) return KeyTarget.Ecs(FieldId.DestinationIp);
                if (key.SequenceEqual("port"u8)) return KeyTarget.Ecs(FieldId.DestinationPort);
                if (key.SequenceEqual("domain"u8)) return KeyTarget.Ecs(FieldId.DestinationHostname);
                return KeyTarget.Ignore;
            case JsonContext.Source:
                if (key.SequenceEqual("ip"u8)) return KeyTarget.Ecs(FieldId.SourceIp);
                if (key.SequenceEqual("port"u8)) return KeyTarget.Ecs(FieldId.SourcePort);
                return KeyTarget.Ignore;
            case JsonContext.Network:
                if (key.SequenceEqual("direction"u8)) return KeyTarget.Ecs(FieldId.NetworkDirection);
                if (key.SequenceEqual("transport"u8)) return KeyTarget.Ecs(FieldId.Protocol);
                return KeyTarget.Ignore;
            case JsonContext.Host:
                return key.SequenceEqual("name"u8) ? KeyTarget.Ecs(FieldId.Computer) : KeyTarget.Ignore;
            case JsonContext.User:
                return key.SequenceEqual("name"u8) ? KeyTarget.Ecs(FieldId.User) : KeyTarget.Ignore;
            case JsonContext.Registry:
                if (key.SequenceEqual("path"u8)) return KeyTarget.Ecs(FieldId.TargetObject);
                if (key.SequenceEqual("data"u8)) return KeyTarget.Nested(JsonContext.RegistryData);
                return KeyTarget.Ignore;
            case JsonContext.RegistryData:
                return key.SequenceEqual("strings"u8)
                    ? new KeyTarget(TargetKind.FirstOfArray, FieldId.Details, Precedence.Ecs, JsonContext.Ignore, EnvelopeHints.None)
                    : KeyTarget.Ignore;
            case JsonContext.EcsEvent:
                if (key.SequenceEqual("code"u8)) return KeyTarget.Ecs(FieldId.EventId);
                if (key.SequenceEqual("provider"u8)) return KeyTarget.Ecs(FieldId.ProviderName);
                return KeyTarget.Ignore;
            case JsonContext.EvtxEvent:
                if (key.SequenceEqual("System"u8)) return KeyTarget.Nested(JsonContext.EvtxSystem);
                if (key.SequenceEqual("EventData"u8)) return KeyTarget.Nested(JsonContext.EventData);
                return KeyTarget.Ignore;
            case JsonContext.EvtxSystem:
                if (key.SequenceEqual("EventID"u8))
                {
                    // A number or string, or an object whose #text is the id (when it has attributes).
                    return new KeyTarget(TargetKind.Value, FieldId.EventId, Precedence.Raw, JsonContext.EvtxEventId, EnvelopeHints.None);
                }

                if (key.SequenceEqual("Provider"u8)) return KeyTarget.Nested(JsonContext.EvtxProvider);
                if (key.SequenceEqual("Channel"u8)) return KeyTarget.Raw(FieldId.Channel);
                if (key.SequenceEqual("Computer"u8)) return KeyTarget.Raw(FieldId.Computer);
                if (key.SequenceEqual("TimeCreated"u8)) return KeyTarget.Nested(JsonContext.EvtxTimeCreated);
                return KeyTarget.Ignore;
            case JsonContext.EvtxProvider:
                return key.SequenceEqual("#attributes"u8) ? KeyTarget.Nested(JsonContext.EvtxProviderAttributes) : KeyTarget.Ignore;
            case JsonContext.EvtxProviderAttributes:
                return key.SequenceEqual("Name"u8) ? KeyTarget.Raw(FieldId.ProviderName) : KeyTarget.Ignore;
            case JsonContext.EvtxTimeCreated:
                return key.SequenceEqual("#attributes"u8) ? KeyTarget.Nested(JsonContext.EvtxTimeCreatedAttributes) : KeyTarget.Ignore;
            case JsonContext.EvtxTimeCreatedAttributes:
                return key.SequenceEqual("SystemTime"u8) ? KeyTarget.Value(FieldId.UtcTime, Precedence.Envelope) : KeyTarget.Ignore;
            case JsonContext.EvtxEventId:
                return key.SequenceEqual("#text"u8) ? KeyTarget.Raw(FieldId.EventId) : KeyTarget.Ignore;
            default:
                return KeyTarget.Ignore;
        }
    }

    private static KeyTarget Root(ReadOnlySpan<byte> key)
    {
        switch (key.Length)
        {
            case 4:
                if (key.SequenceEqual("host"u8)) return KeyTarget.Nested(JsonContext.Host);
                if (key.SequenceEqual("user"u8)) return KeyTarget.Nested(JsonContext.User);
                break;
            case 5:
                if (key.SequenceEqual("Event"u8)) return KeyTarget.Nested(JsonContext.EvtxEvent, EnvelopeHints.EvtxDump);
                if (key.SequenceEqual("event"u8)) return KeyTarget.Nested(JsonContext.EcsEvent);
                break;
            case 6:
                if (key.SequenceEqual("winlog"u8)) return KeyTarget.Nested(JsonContext.Winlog, EnvelopeHints.Winlog);
                if (key.SequenceEqual("source"u8)) return KeyTarget.Nested(JsonContext.Source);
                break;
            case 7:
                if (key.SequenceEqual("EventID"u8)) return KeyTarget.Raw(FieldId.EventId, EnvelopeHints.Flat);
                if (key.SequenceEqual("Channel"u8)) return KeyTarget.Raw(FieldId.Channel, EnvelopeHints.Flat);
                if (key.SequenceEqual("process"u8)) return KeyTarget.Nested(JsonContext.Process);
                if (key.SequenceEqual("network"u8)) return KeyTarget.Nested(JsonContext.Network);
                break;
            case 8:
                if (key.SequenceEqual("Hostname"u8)) return KeyTarget.Raw(FieldId.Computer, EnvelopeHints.Flat);
                if (key.SequenceEqual("Computer"u8)) return KeyTarget.Raw(FieldId.Computer, EnvelopeHints.Flat);
                if (key.SequenceEqual("Provider"u8)) return KeyTarget.Raw(FieldId.ProviderName, EnvelopeHints.Flat);
                if (key.SequenceEqual("event_id"u8)) return KeyTarget.Raw(FieldId.EventId, EnvelopeHints.WinlogLegacy);
                if (key.SequenceEqual("log_name"u8)) return KeyTarget.Raw(FieldId.Channel, EnvelopeHints.WinlogLegacy);
                if (key.SequenceEqual("registry"u8)) return KeyTarget.Nested(JsonContext.Registry);
                break;
            case 9:
                if (key.SequenceEqual("EventData"u8))
                {
                    return new KeyTarget(TargetKind.WrappedJson, FieldId.None, Precedence.Raw, JsonContext.EventData, EnvelopeHints.SentinelEvent);
                }

                break;
            case 10:
                if (key.SequenceEqual("SourceName"u8)) return KeyTarget.Raw(FieldId.ProviderName, EnvelopeHints.Flat);
                if (key.SequenceEqual("event_data"u8)) return KeyTarget.Nested(JsonContext.EventData, EnvelopeHints.WinlogLegacy);
                if (key.SequenceEqual("@timestamp"u8)) return KeyTarget.Ecs(FieldId.UtcTime);
                break;
            case 11:
                if (key.SequenceEqual("source_name"u8)) return KeyTarget.Raw(FieldId.ProviderName, EnvelopeHints.WinlogLegacy);
                if (key.SequenceEqual("destination"u8)) return KeyTarget.Nested(JsonContext.Destination);
                break;
            case 12:
                if (key.SequenceEqual("ProviderName"u8)) return KeyTarget.Raw(FieldId.ProviderName, EnvelopeHints.Flat);
                break;
            case 13:
                if (key.SequenceEqual("computer_name"u8)) return KeyTarget.Raw(FieldId.Computer, EnvelopeHints.WinlogLegacy);
                if (key.SequenceEqual("SyslogMessage"u8))
                {
                    return new KeyTarget(TargetKind.WrappedXml, FieldId.None, Precedence.Raw, JsonContext.Ignore, EnvelopeHints.SentinelSyslog);
                }

                if (key.SequenceEqual("TimeGenerated"u8)) return KeyTarget.Value(FieldId.UtcTime, Precedence.Envelope);
                break;
        }

        FieldId field = SysmonFieldMap.Lookup(key);
        return field == FieldId.None ? KeyTarget.Ignore : KeyTarget.Raw(field, EnvelopeHints.Flat);
    }
}
