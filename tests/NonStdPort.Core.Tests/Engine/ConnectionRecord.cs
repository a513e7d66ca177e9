using System.Text;
using NonStdPort.Core.Read;

namespace NonStdPort.Core.Tests.Engine;

/// <summary>A network-connection record built field by field, for engine tests that do not go through a reader.</summary>
public sealed record ConnectionRecord
{
    public Envelope Envelope { get; init; } = Envelope.SysmonJson;
    public ProviderKind Provider { get; init; } = ProviderKind.Sysmon;
    public int EventId { get; init; } = 3;
    public string UtcTime { get; init; } = "2024-03-01 12:34:56.789";
    public string Computer { get; init; } = "WS01.corp.example";
    public string User { get; init; } = "CORP\\alice";
    public string Image { get; init; } = "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe";
    public string ProcessGuid { get; init; } = "{5e3b2d1a-0000-0000-0000-000000000001}";
    public string Protocol { get; init; } = "tcp";
    public string Initiated { get; init; } = "true";
    public string NetworkDirection { get; init; } = "";
    public string SourceIp { get; init; } = "10.1.2.3";
    public string DestinationIp { get; init; } = "203.0.114.7";
    public string DestinationPort { get; init; } = "4444";

    private static byte[] U(string s) => Encoding.UTF8.GetBytes(s);

    public Materialized Materialize() => new(this);

    /// <summary>The record's bytes, held so that a view can point at them.</summary>
    public sealed class Materialized(ConnectionRecord r)
    {
        private readonly byte[] _time = U(r.UtcTime), _computer = U(r.Computer), _user = U(r.User), _image = U(r.Image),
            _guid = U(r.ProcessGuid), _protocol = U(r.Protocol), _initiated = U(r.Initiated), _direction = U(r.NetworkDirection),
            _sourceIp = U(r.SourceIp), _destinationIp = U(r.DestinationIp), _destinationPort = U(r.DestinationPort);

        public SysmonRecord View() => new()
        {
            Envelope = r.Envelope,
            Provider = r.Provider,
            EventId = r.EventId,
            UtcTime = _time,
            Computer = _computer,
            User = _user,
            Image = _image,
            ProcessGuid = _guid,
            Protocol = _protocol,
            Initiated = _initiated,
            NetworkDirection = _direction,
            SourceIp = _sourceIp,
            DestinationIp = _destinationIp,
            DestinationPort = _destinationPort,
        };
    }
}
