namespace NonStdPort.Core.Read;

/// <summary>
/// The one map from Sysmon event-data field names (<c>Image</c>, <c>DestinationPort</c>, ...) to
/// record fields. Every reader uses it: flat JSON keys, Winlogbeat <c>event_data</c> keys, Sentinel
/// <c>EventData</c>, evtx_dump <c>Event.EventData</c> and XML <c>&lt;Data Name="..."&gt;</c>.
/// Names are matched exactly (Sysmon writes them in one spelling).
/// </summary>
internal static class SysmonFieldMap
{
    /// <summary>The record field a Sysmon field name fills, or <see cref="FieldId.None"/>.</summary>
    public static FieldId Lookup(ReadOnlySpan<byte> name)
    {
        switch (name.Length)
        {
            case 4:
                return name.SequenceEqual("User"u8) ? FieldId.User : FieldId.None;
            case 5:
                return name.SequenceEqual("Image"u8) ? FieldId.Image : FieldId.None;
            case 7:
                if (name.SequenceEqual("UtcTime"u8)) return FieldId.UtcTime;
                return name.SequenceEqual("Details"u8) ? FieldId.Details : FieldId.None;
            case 8:
                if (name.SequenceEqual("SourceIp"u8)) return FieldId.SourceIp;
                return name.SequenceEqual("Protocol"u8) ? FieldId.Protocol : FieldId.None;
            case 9:
                if (name.SequenceEqual("Initiated"u8)) return FieldId.Initiated;
                return name.SequenceEqual("EventType"u8) ? FieldId.EventType : FieldId.None;
            case 10:
                return name.SequenceEqual("SourcePort"u8) ? FieldId.SourcePort : FieldId.None;
            case 11:
                if (name.SequenceEqual("ProcessGuid"u8)) return FieldId.ProcessGuid;
                if (name.SequenceEqual("ParentImage"u8)) return FieldId.ParentImage;
                return name.SequenceEqual("CommandLine"u8) ? FieldId.CommandLine : FieldId.None;
            case 12:
                return name.SequenceEqual("TargetObject"u8) ? FieldId.TargetObject : FieldId.None;
            case 13:
                return name.SequenceEqual("DestinationIp"u8) ? FieldId.DestinationIp : FieldId.None;
            case 15:
                return name.SequenceEqual("DestinationPort"u8) ? FieldId.DestinationPort : FieldId.None;
            case 17:
                return name.SequenceEqual("ParentCommandLine"u8) ? FieldId.ParentCommandLine : FieldId.None;
            case 19:
                return name.SequenceEqual("DestinationHostname"u8) ? FieldId.DestinationHostname : FieldId.None;
            default:
                return FieldId.None;
        }
    }
}
