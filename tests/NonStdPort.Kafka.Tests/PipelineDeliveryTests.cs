using System.Text;
using Confluent.Kafka;
using NonStdPort.Kafka.Pipeline;
using NonStdPort.Kafka.Tests.Support;

namespace NonStdPort.Kafka.Tests;

/// <summary>Kafka → score → Kafka plumbing with a stand-in scorer: routing, keys, headers, offsets.</summary>
[Collection(KafkaCollection.Name)]
public sealed class PipelineDeliveryTests(KafkaCluster cluster)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private PipelineOptions Options(string input, string output, string? dlq = null, string? group = null) => new()
    {
        BootstrapServers = cluster.BootstrapServers,
        InputTopics = [input],
        OutputTopic = output,
        DlqTopic = dlq,
        GroupId = group ?? KafkaCluster.UniqueName("group"),
        Consumers = 1,
        StatsInterval = TimeSpan.Zero,
        ClientSettings = KafkaCluster.FastGroupSettings,
    };

    [Fact]
    public void Alerts_are_keyed_by_host_with_score_and_technique_headers_and_carry_their_source()
    {
        string input = cluster.CreateTopic("in", 1), output = cluster.CreateTopic("out", 2);
        cluster.Produce(input, [
            (null, FakeProcessor.Record("ws-01", 3, "a"), 0),
            (null, FakeProcessor.Record("ws-02", 0, "b"), 0),
            (null, FakeProcessor.Record("ws-03", 1, "c"), 0),
        ]);

        using var run = new PipelineRun(Options(input, output));
        var alerts = cluster.Read(output, 2, Timeout);

        Assert.Equal(2, alerts.Count);
        var first = alerts.Single(a => Encoding.UTF8.GetString(a.Message.Key!) == "ws-01");
        Assert.Equal("3", Header(first, "risk_score"));
        Assert.Equal("T1571", Header(first, "technique"));
        Assert.Equal(
            $"{{\"id\":\"a\",\"hostname\":\"ws-01\",\"risk_score\":3,\"source\":{{\"topic\":\"{input}\",\"partition\":0,\"offset\":0}}}}",
            Encoding.UTF8.GetString(first.Message.Value));
        var third = alerts.Single(a => Encoding.UTF8.GetString(a.Message.Key!) == "ws-03");
        Assert.Equal("1", Header(third, "risk_score"));
        Assert.EndsWith("\"offset\":2}}", Encoding.UTF8.GetString(third.Message.Value));
    }

    [Fact]
    public void A_message_may_hold_several_newline_separated_records()
    {
        string input = cluster.CreateTopic("in", 1), output = cluster.CreateTopic("out", 1);
        byte[] batch = [.. FakeProcessor.Record("h1", 2, "x1"), (byte)'\n', .. FakeProcessor.Record("h2", 0, "x2"),
            (byte)'\r', (byte)'\n', (byte)'\n', .. FakeProcessor.Record("h3", 3, "x3"), (byte)'\n'];
        cluster.Produce(input, [(null, batch, 0)]);

        using var run = new PipelineRun(Options(input, output));
        var alerts = cluster.Read(output, 2, Timeout);
        run.WaitCommitted(input, new() { [0] = 1 }, Timeout);
        var totals = run.Stop();

        Assert.Equal(["x1", "x3"], alerts.Select(a => Id(a)).Order().ToArray());
        Assert.All(alerts, a => Assert.EndsWith("\"offset\":0}}", Encoding.UTF8.GetString(a.Message.Value)));
        Assert.Equal(3, totals.Records);
        Assert.Equal(1, totals.Messages);
    }

    [Fact]
    public void A_malformed_record_goes_to_the_dead_letter_topic_unchanged_with_its_key_and_source_headers()
    {
        string input = cluster.CreateTopic("in", 1), output = cluster.CreateTopic("out", 1), dlq = cluster.CreateTopic("dlq", 1);
        byte[] bad = "not a record \u00e9"u8.ToArray();
        cluster.Produce(input, [
            (null, FakeProcessor.Record("h1", 2, "before"), 0),
            ("key-7"u8.ToArray(), bad, 0),
            (null, FakeProcessor.Record("h1", 2, "after"), 0),
        ]);

        using var run = new PipelineRun(Options(input, output, dlq));
        var letters = cluster.Read(dlq, 1, Timeout);
        var alerts = cluster.Read(output, 2, Timeout);

        var letter = Assert.Single(letters);
        Assert.Equal(bad, letter.Message.Value);
        Assert.Equal("key-7"u8.ToArray(), letter.Message.Key);
        Assert.Equal("invalid JSON", Header(letter, "reason"), ignoreCase: true);
        Assert.Equal(input, Header(letter, "source_topic"));
        Assert.Equal("0", Header(letter, "source_partition"));
        Assert.Equal("1", Header(letter, "source_offset"));
        Assert.Equal(["after", "before"], alerts.Select(Id).Order().ToArray());
    }

    [Fact]
    public void Without_a_dead_letter_topic_a_malformed_record_is_logged_and_counted_and_processing_goes_on()
    {
        string input = cluster.CreateTopic("in", 1), output = cluster.CreateTopic("out", 1);
        cluster.Produce(input, [(null, "<<garbage"u8.ToArray(), 0), (null, FakeProcessor.Record("h", 3, "ok"), 0)]);

        using var run = new PipelineRun(Options(input, output));
        var alerts = cluster.Read(output, 1, Timeout);
        run.WaitCommitted(input, new() { [0] = 2 }, Timeout);
        var totals = run.Stop();

        Assert.Equal("ok", Id(Assert.Single(alerts)));
        Assert.Equal(1, totals.Malformed);
        Assert.Equal(1, totals.DeadLettersLogged);
        Assert.Contains($"{input}[0]@0: ", run.Log);
    }

    [Fact]
    public void A_graceful_stop_commits_and_a_restart_resumes_from_the_committed_offsets()
    {
        string input = cluster.CreateTopic("in", 3), output = cluster.CreateTopic("out", 3);
        string group = KafkaCluster.UniqueName("group");
        cluster.Produce(input, Enumerable.Range(0, 300).Select(i => ((byte[]?)null, FakeProcessor.Record($"h{i % 7}", i % 4, $"first-{i}"), i % 3)));

        var options = Options(input, output, group: group);
        using (var run = new PipelineRun(options))
        {
            run.WaitCommitted(input, cluster.EndOffsets(input), Timeout);
            run.Stop();
        }

        Assert.Equal(cluster.EndOffsets(input), cluster.Committed(group, input));

        cluster.Produce(input, Enumerable.Range(0, 90).Select(i => ((byte[]?)null, FakeProcessor.Record("h", 1, $"second-{i}"), i % 3)));
        using (var run = new PipelineRun(options))
        {
            run.WaitCommitted(input, cluster.EndOffsets(input), Timeout);
            var totals = run.Stop();
            Assert.Equal(90, totals.Records);
        }

        int expected = Enumerable.Range(0, 300).Count(i => i % 4 != 0) + 90;
        var alerts = cluster.Read(output, expected, Timeout, settle: TimeSpan.FromSeconds(1));
        Assert.Equal(expected, alerts.Count);
        Assert.Equal(expected, alerts.Select(Id).Distinct().Count());
    }

    [Fact]
    public void Alerts_of_one_input_partition_keep_input_order()
    {
        string input = cluster.CreateTopic("in", 1), output = cluster.CreateTopic("out", 1);
        cluster.Produce(input, Enumerable.Range(0, 500).Select(i => ((byte[]?)null, FakeProcessor.Record("h", 2, $"{i:D4}"), 0)));

        using var run = new PipelineRun(Options(input, output));
        var alerts = cluster.Read(output, 500, Timeout);

        Assert.Equal(Enumerable.Range(0, 500).Select(i => $"{i:D4}"), alerts.Select(Id));
    }

    internal static string Header(ConsumeResult<byte[]?, byte[]> r, string name) =>
        Encoding.UTF8.GetString(r.Message.Headers.GetLastBytes(name));

    internal static string Id(ConsumeResult<byte[]?, byte[]> r)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(r.Message.Value);
        return doc.RootElement.GetProperty("id").GetString()!;
    }
}
