using System.Text;
using NonStdPort.Core.Read;

namespace NonStdPort.Core.Tests.Read;

/// <summary>A copy of what the reader produced for one record, so tests can compare it as plain strings.</summary>
public sealed class ReadOutcome
{
    private readonly Dictionary<string, string> _fields = new(StringComparer.Ordinal);

    public MalformedReason Reason { get; private init; }
    public Envelope Envelope { get; private init; }
    public ProviderKind Provider { get; private init; }
    public int EventId { get; private init; }
    public bool IsOk => Reason == MalformedReason.None;

    /// <summary>A field's decoded text by its <see cref="SysmonRecord"/> member name; null when empty (absent).</summary>
    public string? this[string field] => _fields.TryGetValue(field, out var value) ? value : null;

    public static ReadOutcome Of(string record, RecordReader? reader = null) => Of(Encoding.UTF8.GetBytes(record), reader);

    public static ReadOutcome Of(byte[] record, RecordReader? reader = null)
    {
        reader ??= new RecordReader();
        var view = default(SysmonRecord);
        ReadResult result = reader.Read(record, ref view);
        var outcome = new ReadOutcome
        {
            Reason = result.Reason,
            Envelope = view.Envelope,
            Provider = view.Provider,
            EventId = view.EventId,
        };
        outcome.Add(nameof(SysmonRecord.ProviderName), view.ProviderName);
        outcome.Add(nameof(SysmonRecord.Channel), view.Channel);
        outcome.Add(nameof(SysmonRecord.UtcTime), view.UtcTime);
        outcome.Add(nameof(SysmonRecord.Computer), view.Computer);
        outcome.Add(nameof(SysmonRecord.User), view.User);
        outcome.Add(nameof(SysmonRecord.Image), view.Image);
        outcome.Add(nameof(SysmonRecord.ProcessGuid), view.ProcessGuid);
        outcome.Add(nameof(SysmonRecord.Protocol), view.Protocol);
        outcome.Add(nameof(SysmonRecord.Initiated), view.Initiated);
        outcome.Add(nameof(SysmonRecord.NetworkDirection), view.NetworkDirection);
        outcome.Add(nameof(SysmonRecord.SourceIp), view.SourceIp);
        outcome.Add(nameof(SysmonRecord.SourcePort), view.SourcePort);
        outcome.Add(nameof(SysmonRecord.DestinationIp), view.DestinationIp);
        outcome.Add(nameof(SysmonRecord.DestinationPort), view.DestinationPort);
        outcome.Add(nameof(SysmonRecord.DestinationHostname), view.DestinationHostname);
        outcome.Add(nameof(SysmonRecord.ParentImage), view.ParentImage);
        outcome.Add(nameof(SysmonRecord.CommandLine), view.CommandLine);
        outcome.Add(nameof(SysmonRecord.ParentCommandLine), view.ParentCommandLine);
        outcome.Add(nameof(SysmonRecord.TargetObject), view.TargetObject);
        outcome.Add(nameof(SysmonRecord.Details), view.Details);
        outcome.Add(nameof(SysmonRecord.EventType), view.EventType);
        return outcome;
    }

    private void Add(string name, ReadOnlySpan<byte> value)
    {
        if (!value.IsEmpty)
        {
            _fields[name] = Encoding.UTF8.GetString(value);
        }
    }

    public override string ToString() =>
        $"{Reason} {Envelope} {Provider} EID {EventId}: " + string.Join(", ", _fields.Select(kv => $"{kv.Key}={kv.Value}"));
}
