using System.Text;
using System.Text.Json;
using NonStdPort.Core.Detect;
using NonStdPort.Core.Rules;
using NonStdPort.Core.Write;

namespace NonStdPort.Core.Tests.Detections;

/// <summary>Feeds records to an <see cref="Core.Engine"/> one by one, as file mode does, and collects the alerts.</summary>
internal sealed class EngineRun
{
    private readonly AlertBatch _batch = new();
    private long _line;

    public EngineRun(RuleSet? rules = null, EngineOptions? options = null) => Engine = new Core.Engine(rules ?? RuleSet.Default, options);

    public Core.Engine Engine { get; }

    public List<JsonElement> Alerts { get; } = [];

    public List<RecordOutcome> Outcomes { get; } = [];

    /// <summary>Processes records in order; each is numbered as the next line of <paramref name="file"/>.</summary>
    public EngineRun Feed(IEnumerable<string> records, string file = "test.json")
    {
        foreach (string record in records)
        {
            _batch.Clear();
            RecordOutcome outcome = Engine.Process(Encoding.UTF8.GetBytes(record), SourceRef.FromFile(file, ++_line), _batch);
            Outcomes.Add(outcome);
            Assert.Equal(outcome.AlertsWritten, _batch.Count);
            for (int i = 0; i < _batch.Count; i++)
            {
                Alerts.Add(JsonDocument.Parse(_batch.Json(_batch[i]).ToArray()).RootElement.Clone());
            }
        }

        return this;
    }

    public EngineRun Feed(params string[] records) => Feed((IEnumerable<string>)records);

    public IEnumerable<JsonElement> Rule(string rule) => Alerts.Where(a => a.GetProperty("rule").GetString() == rule);
}

/// <summary>Flat Sysmon JSON records, written field by field for engine-level tests.</summary>
internal static class SysmonJson
{
    public const string Host = "WS01.corp.example";
    public const string PowerShell = @"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe";
    private static readonly DateTime T0 = new(2026, 11, 28, 6, 0, 0, DateTimeKind.Utc);

    public static string Time(double seconds) => T0.AddSeconds(seconds).ToString("yyyy-MM-dd HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture);

    public static string Record(int eventId, double seconds, params (string Name, string Value)[] fields)
    {
        var all = new Dictionary<string, string>
        {
            ["EventID"] = eventId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["SourceName"] = "Microsoft-Windows-Sysmon",
            ["Hostname"] = Host,
            ["UtcTime"] = Time(seconds),
        };
        foreach ((string name, string value) in fields)
        {
            all[name] = value;
        }

        var json = new StringBuilder("{");
        foreach ((string name, string value) in all)
        {
            json.Append(json.Length > 1 ? "," : "").Append(JsonSerializer.Serialize(name)).Append(':');
            json.Append(name == "EventID" ? value : JsonSerializer.Serialize(value));
        }

        return json.Append('}').ToString();
    }

    public static string ProcessCreate(double seconds, string guid, string image, string parentImage, string commandLine = "cmd", string parentCommandLine = "parent") =>
        Record(1, seconds, ("ProcessGuid", guid), ("Image", image), ("CommandLine", commandLine), ("ParentImage", parentImage), ("ParentCommandLine", parentCommandLine), ("User", @"CORP\alice"));

    public static string ProcessTerminated(double seconds, string guid, string image) =>
        Record(5, seconds, ("ProcessGuid", guid), ("Image", image));

    public static string Connection(double seconds, string guid = "{00000000-0000-0000-0000-000000000001}", string image = PowerShell,
        string destinationIp = "93.184.216.34", int port = 9001, string initiated = "true", string host = Host) =>
        Record(3, seconds, ("ProcessGuid", guid), ("Image", image), ("User", @"CORP\alice"), ("Protocol", "tcp"), ("Initiated", initiated),
            ("SourceIp", "10.20.1.15"), ("SourcePort", "50312"), ("DestinationIp", destinationIp), ("DestinationPort", port.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("Hostname", host));

    public static string RegistrySet(double seconds, string targetObject, string details, string image = @"C:\Windows\System32\reg.exe", string guid = "{00000000-0000-0000-0000-0000000000aa}") =>
        Record(13, seconds, ("EventType", "SetValue"), ("ProcessGuid", guid), ("Image", image), ("TargetObject", targetObject), ("Details", details), ("User", @"CORP\admin"));

    public static IEnumerable<string> Periodic(double start, double interval, int count, Func<double, string> record) =>
        Enumerable.Range(0, count).Select(i => record(start + i * interval));
}
