using System.Runtime.CompilerServices;

namespace NonStdPort.Core.Read;

/// <summary>
/// The one map from Sysmon event-data field names (<c>Image</c>, <c>DestinationPort</c>, ...) to
/// record fields. Every reader uses it: flat JSON keys, Winlogbeat <c>event_data</c> keys, Sentinel
/// <c>EventData</c>, evtx_dump <c>Event.EventData</c> and XML <c>&lt;Data Name="..."&gt;</c>.
/// Names are matched exactly (Sysmon writes them in one spelling).
/// </summary>
internal static class SysmonFieldMap
{
    /// <summary>Every Sysmon field name the reader fills, with its record field.</summary>
    public static readonly (string Name, FieldId Field)[] Names =
    [
        ("UtcTime", FieldId.UtcTime),
        ("User", FieldId.User),
        ("Image", FieldId.Image),
        ("ProcessGuid", FieldId.ProcessGuid),
        ("Protocol", FieldId.Protocol),
        ("Initiated", FieldId.Initiated),
        ("SourceIp", FieldId.SourceIp),
        ("SourcePort", FieldId.SourcePort),
        ("DestinationIp", FieldId.DestinationIp),
        ("DestinationPort", FieldId.DestinationPort),
        ("DestinationHostname", FieldId.DestinationHostname),
        ("ParentImage", FieldId.ParentImage),
        ("CommandLine", FieldId.CommandLine),
        ("ParentCommandLine", FieldId.ParentCommandLine),
        ("TargetObject", FieldId.TargetObject),
        ("Details", FieldId.Details),
        ("EventType", FieldId.EventType),
    ];

    private static readonly KeyTable<FieldId> Table = new(Names.Select(n => ((byte)0, n.Name, n.Field)));

    /// <summary>The record field a Sysmon field name fills, or <see cref="FieldId.None"/>.</summary>
    public static FieldId Lookup(ReadOnlySpan<byte> name)
    {
        ref readonly FieldId field = ref Table.Find(0, name);
        return Unsafe.IsNullRef(in field) ? FieldId.None : field;
    }
}
