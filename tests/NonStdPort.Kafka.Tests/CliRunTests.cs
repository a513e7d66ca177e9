using System.Text;
using System.Text.Json.Nodes;
using Confluent.Kafka;
using NonStdPort.Kafka.Tests.Support;
using Xunit.Abstractions;

namespace NonStdPort.Kafka.Tests;

/// <summary>
/// <c>nonstdport run</c> as a process, with the real engine: same alerts as file mode, survives
/// kill -9 without losing an alert, and stops cleanly on SIGTERM with its offsets committed.
/// </summary>
[Collection(KafkaCollection.Name)]
public sealed class CliRunTests(KafkaCluster cluster, ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    /// <summary>Every sample file, the Atomic scenarios included (paths relative to samples/).</summary>
    public static TheoryData<string> SampleFiles()
    {
        var data = new TheoryData<string>();
        foreach (string file in Directory.EnumerateFiles(Repository.Samples, "*", SearchOption.AllDirectories)
                     .Where(f => f.EndsWith(".ndjson") || f.EndsWith(".xml") || f.EndsWith(".json"))
                     .Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(Repository.Samples, file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(SampleFiles))]
    public void Kafka_mode_writes_the_same_alerts_as_file_mode_for_the_same_records(string sample)
    {
        string file = Path.Combine(Repository.Samples, sample);
        using var score = CliProcess.Start("score", file);
        Assert.Equal(0, score.WaitForExit(Timeout));
        var expected = WithoutSourceOrDetectionTime(score.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        if (!Path.GetFileName(sample).StartsWith("benign-", StringComparison.Ordinal))
        {
            Assert.NotEmpty(expected);
        }

        string input = cluster.CreateTopic("in", 2), alerts = cluster.CreateTopic("out", 2), group = KafkaCluster.UniqueName("group");
        using var run = CliProcess.Start([.. RunArgs(input, alerts, group), "--replay", file]);
        // Every replayed record scored and committed (a sample without alerts too), then the alerts.
        Wait.Until(() => run.Stderr.Contains("replayed ") || run.HasExited, Timeout, () => "the replay; stderr:\n" + run.Stderr);
        var ends = cluster.EndOffsets(input);
        Wait.Until(() => cluster.Committed(group, input).All(c => c.Value == ends[c.Key] || ends[c.Key] == 0) || run.HasExited, Timeout,
            () => "every replayed record committed; stderr:\n" + run.Stderr);
        var read = cluster.Read(alerts, expected.Count, Timeout, settle: TimeSpan.FromMilliseconds(500));
        run.Terminate();
        Assert.Equal(0, run.WaitForExit(Timeout));

        var actual = WithoutSourceOrDetectionTime(read.Select(r => Encoding.UTF8.GetString(r.Message.Value)));
        Assert.Equal(expected.Order(), actual.Order());
        Assert.All(read, r => Assert.Equal(JsonNode.Parse(r.Message.Value)!["hostname"]!.GetValue<string>(), Encoding.UTF8.GetString(r.Message.Key!)));
    }

    /// <summary>Where each format carries the alert id.</summary>
    private static string AlertId(string format, string alert) => System.Text.RegularExpressions.Regex.Match(alert, format switch
    {
        "ecs" => "\"event\":\\{[^}]*\"id\":\"([0-9a-f]{16})\"",
        "ocsf" => "\"finding_info\":\\{\"uid\":\"([0-9a-f]{16})\"",
        "leef" => "\talertId=([0-9a-f]{16})",
        "cef" => " externalId=([0-9a-f]{16})",
        _ => "\"alert_id\":\"([0-9a-f]{16})\"",
    }).Groups[1].Value;

    [Theory]
    [InlineData("ecs")]
    [InlineData("ocsf")]
    [InlineData("leef")]
    [InlineData("cef")]
    public void The_format_sets_the_message_value_and_keys_and_headers_stay_as_with_json(string format)
    {
        string file = Path.Combine(Repository.Samples, "sysmon-flat.ndjson");
        using var json = CliProcess.Start("score", file);
        Assert.Equal(0, json.WaitForExit(Timeout));
        var hostById = json.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .ToDictionary(a => AlertId("json", a), a => JsonNode.Parse(a)!["hostname"]?.GetValue<string>());
        using var score = CliProcess.Start("score", "--format", format, file);
        Assert.Equal(0, score.WaitForExit(Timeout));
        var expected = score.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(a => AlertId(format, a)).ToList();
        Assert.Equal(hostById.Keys.Order(), expected.Order());

        string input = cluster.CreateTopic("in", 2), alerts = cluster.CreateTopic("out", 2), group = KafkaCluster.UniqueName("group");
        using var run = CliProcess.Start([.. RunArgs(input, alerts, group), "--format", format, "--replay", file]);
        var read = cluster.Read(alerts, expected.Count, Timeout, settle: TimeSpan.FromMilliseconds(500));
        run.Terminate();
        Assert.Equal(0, run.WaitForExit(Timeout));

        var values = read.Select(r => Encoding.UTF8.GetString(r.Message.Value)).ToList();
        Assert.Equal(expected.Order(), values.Select(v => AlertId(format, v)).Order());
        Assert.All(values, v => Assert.False(v.StartsWith('{') && format is "leef" or "cef", v));
        Assert.All(read, r =>
        {
            string id = AlertId(format, Encoding.UTF8.GetString(r.Message.Value));
            Assert.Equal(hostById[id], r.Message.Key is null ? null : Encoding.UTF8.GetString(r.Message.Key));
            Assert.True(r.Message.Headers.TryGetLastBytes("risk_score", out _), "risk_score header");
            Assert.True(r.Message.Headers.TryGetLastBytes("technique", out _), "technique header");
        });
    }

    [Fact]
    public void A_process_killed_hard_mid_stream_and_restarted_loses_no_alert()
    {
        const int records = 6000;
        string input = cluster.CreateTopic("in", 4), alerts = cluster.CreateTopic("out", 4), group = KafkaCluster.UniqueName("group");
        byte[] record = AlertingRecord();
        cluster.Produce(input, Enumerable.Range(0, records).Select(i => ((byte[]?)null, record, i % 4)));

        using (var first = CliProcess.Start(RunArgs(input, alerts, group)))
        {
            Wait.Until(() => Sum(cluster.EndOffsets(alerts)) >= records / 4 || first.HasExited, Timeout, () => "a quarter of the alerts; stderr:\n" + first.Stderr);
            first.KillHard();
        }

        using (var second = CliProcess.Start(RunArgs(input, alerts, group)))
        {
            var ends = cluster.EndOffsets(input);
            Wait.Until(() => cluster.Committed(group, input).All(c => c.Value == ends[c.Key]), Timeout, () => "every input offset committed; stderr:\n" + second.Stderr);
            second.Terminate();
            Assert.Equal(0, second.WaitForExit(Timeout));
        }

        var read = cluster.Read(alerts, records, Timeout, settle: TimeSpan.FromSeconds(1));
        var sources = read.Select(r => JsonNode.Parse(r.Message.Value)!["source"]!).Select(s => (s["partition"]!.GetValue<int>(), s["offset"]!.GetValue<long>())).ToList();
        int distinct = sources.Distinct().Count();
        output.WriteLine($"{records} records: {read.Count} alerts read, {distinct} distinct, {read.Count - distinct} duplicates after kill -9");
        Assert.Equal(records, distinct);
    }

    [Fact]
    public void Sigterm_drains_commits_and_exits_zero()
    {
        const int records = 2000;
        string input = cluster.CreateTopic("in", 2), alerts = cluster.CreateTopic("out", 2), group = KafkaCluster.UniqueName("group");
        byte[] record = AlertingRecord();
        cluster.Produce(input, Enumerable.Range(0, records).Select(i => ((byte[]?)null, record, i % 2)));

        // Auto-commit is pushed out of reach, so the offsets seen afterwards can only come from the stop.
        using var run = CliProcess.Start([.. RunArgs(input, alerts, group), "-X", "auto.commit.interval.ms=3600000"]);
        // Signalled only once the handlers are installed: an early SIGTERM would kill it outright.
        run.WaitUntilStarted(Timeout);
        Wait.Until(() => Sum(cluster.EndOffsets(alerts)) >= records || run.HasExited, Timeout, () => "every alert produced; stderr:\n" + run.Stderr);
        Assert.All(cluster.Committed(group, input), c => Assert.Equal(-1, c.Value));
        run.Terminate();

        Assert.Equal(0, run.WaitForExit(TimeSpan.FromSeconds(40)));
        Assert.Contains("summary:", run.Stderr);
        Assert.Equal(cluster.EndOffsets(input), cluster.Committed(group, input));
    }

    [Fact]
    public void Sighup_reloads_the_rules_for_the_records_after_it_and_an_invalid_file_keeps_them()
    {
        using var dir = new TempRulesDir();
        string rules = dir.Write("threshold: 1\n");
        string input = cluster.CreateTopic("in", 1), alerts = cluster.CreateTopic("out", 1), group = KafkaCluster.UniqueName("group");
        byte[] record = AlertingRecord();
        // The same record to another external address: an alert under both rule sets, so it marks how far scoring got.
        byte[] marker = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(record).Replace("185.220.101.45", "91.92.109.20", StringComparison.Ordinal));
        void Produce(int records, bool withMarker) =>
            cluster.Produce(input, Enumerable.Range(0, records).Select(_ => ((byte[]?)null, record, 0))
                .Concat(withMarker ? [((byte[]?)null, marker, 0)] : []));

        using var run = CliProcess.Start([.. RunArgs(input, alerts, group), "--rules", rules]);
        Produce(5, withMarker: false);
        Wait.Until(() => Sum(cluster.EndOffsets(alerts)) >= 5 || run.HasExited, Timeout, () => "alerts under the first rules; stderr:\n" + run.Stderr);

        // 185.220.0.0/16 becomes internal: the record is no longer an alert, the marker still is.
        dir.Replace(rules, "internal_networks: [185.220.0.0/16]\n");
        run.Hangup();
        Wait.Until(() => run.Stderr.Contains("rules reloaded (SIGHUP)", StringComparison.Ordinal) || run.HasExited, Timeout, () => "reload; stderr:\n" + run.Stderr);
        Produce(5, withMarker: true);
        Wait.Until(() => Sum(cluster.EndOffsets(alerts)) >= 6 || run.HasExited, Timeout, () => "marker alert; stderr:\n" + run.Stderr);

        dir.Replace(rules, "threshold: [1\n");
        run.Hangup();
        Wait.Until(() => run.Stderr.Contains("rules reload (SIGHUP) failed", StringComparison.Ordinal) || run.HasExited, Timeout, () => "refused reload; stderr:\n" + run.Stderr);
        Produce(5, withMarker: true);
        Wait.Until(() => Sum(cluster.EndOffsets(alerts)) >= 7 || run.HasExited, Timeout, () => "second marker alert; stderr:\n" + run.Stderr);
        run.Terminate();

        Assert.Equal(0, run.WaitForExit(TimeSpan.FromSeconds(40)));
        // 5 under the first rules, then only the markers: none scored twice, none skipped, the broken file changed nothing.
        Assert.Equal(7, Sum(cluster.EndOffsets(alerts)));
        Assert.Contains(rules + ":", run.Stderr, StringComparison.Ordinal);
    }

    /// <summary>A directory for a rules file, removed at the end.</summary>
    private sealed class TempRulesDir : IDisposable
    {
        private readonly string _path = Directory.CreateTempSubdirectory("nonstdport-rules-").FullName;

        public string Write(string content)
        {
            string file = Path.Combine(_path, "rules.yaml");
            File.WriteAllText(file, content);
            return file;
        }

        /// <summary>Writes beside the file and moves it over: never half a file.</summary>
        public void Replace(string file, string content)
        {
            File.WriteAllText(file + ".new", content);
            File.Move(file + ".new", file, overwrite: true);
        }

        public void Dispose() => Directory.Delete(_path, recursive: true);
    }

    private string[] RunArgs(string input, string alerts, string group) =>
    [
        "run", "--bootstrap-servers", cluster.BootstrapServers, "--input-topic", input, "--output-topic", alerts,
        "--group-id", group, "--consumers", "1", "--stats-interval", "0",
        "-X", "session.timeout.ms=6000", "-X", "heartbeat.interval.ms=500",
    ];

    /// <summary>A sample record that is an alert (PowerShell to 4444 on an external address).</summary>
    private static byte[] AlertingRecord()
    {
        string line = File.ReadLines(Path.Combine(Repository.Samples, "sysmon-flat.ndjson"))
            .First(l => l.Contains("powershell.exe", StringComparison.OrdinalIgnoreCase) && l.Contains("4444") && l.Contains("185.220.101.45"));
        return Encoding.UTF8.GetBytes(line);
    }

    private static long Sum(Dictionary<int, long> offsets) => offsets.Values.Sum();

    private static List<string> WithoutSourceOrDetectionTime(IEnumerable<string> alerts) => alerts
        .Select(a =>
        {
            var node = JsonNode.Parse(a)!.AsObject();
            node.Remove("source");
            node.Remove("detected_at"); // when each run wrote it; alert_id stays and must match
            return node.ToJsonString();
        })
        .ToList();
}
