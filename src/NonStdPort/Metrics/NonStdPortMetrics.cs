using NonStdPort.Core.Detect;
using NonStdPort.Core.Read;
using NonStdPort.Core.Rules;
using NonStdPort.Kafka.Pipeline;
using Prometheus;

namespace NonStdPort.Cli.Metrics;

/// <summary>
/// The metrics a scrape returns, in a prometheus-net registry of their own. prometheus-net was
/// chosen over OpenTelemetry: it writes the text exposition itself with no SDK pipeline or
/// exporter package (the OpenTelemetry Prometheus exporter is still a beta here), and its
/// before-collect callback lets every figure be read from the engines' own per-thread counters
/// at scrape time, so nothing is added to the per-record path. Process and runtime metrics come
/// from its <see cref="DotNetStats"/> collector (no EventListener is started).
/// </summary>
internal sealed class NonStdPortMetrics
{
    private static readonly string[] Outcomes = ["not_alert", "alert", "skipped", "malformed"];
    private static readonly string[] Scores = ["0", "1", "2", "3"];

    private readonly Func<EngineCounters> _engines;
    private readonly KafkaPipeline? _pipeline;
    private readonly RuleReloads _reloads;
    private readonly Counter _records;
    private readonly Counter _alerts;
    private readonly Counter _deadLetters;
    private readonly Gauge _lag;
    private readonly Counter? _commitFailures;
    private readonly Counter? _rebalances;
    private readonly Gauge _stateKeys;
    private readonly Counter _reloadsTotal;
    private readonly HashSet<(string Topic, int Partition)> _lagSeries = [];

    /// <summary>Registers the metrics; <paramref name="pipeline"/> is null in file mode (no Kafka figures).</summary>
    public NonStdPortMetrics(Func<EngineCounters> engines, KafkaPipeline? pipeline, RuleReloads reloads)
    {
        _engines = engines;
        _pipeline = pipeline;
        _reloads = reloads;
        Registry = Prometheus.Metrics.NewCustomRegistry();
        DotNetStats.Register(Registry);
        var factory = Prometheus.Metrics.WithCustomRegistry(Registry);
        _records = factory.CreateCounter("nonstdport_records_total", "Records read, by envelope and outcome (alert, not_alert, skipped, malformed).", ["envelope", "outcome"]);
        _alerts = factory.CreateCounter("nonstdport_alerts_total", "Alerts written, by rule and risk score.", ["rule", "score"]);
        _deadLetters = factory.CreateCounter("nonstdport_dead_letters_total", "Malformed records (sent to the dead-letter topic, or logged to stderr), by reason.", ["reason"]);
        _lag = factory.CreateGauge("nonstdport_consumer_lag", "Records behind the high watermark, per assigned input partition.", ["topic", "partition"]);
        _stateKeys = factory.CreateGauge("nonstdport_state_keys", "Keys held by each stateful detector (beacon: host/process/destination keys; lineage: processes).", ["detector"]);
        _reloadsTotal = factory.CreateCounter("nonstdport_rules_reloads_total", "Rule reloads, by result (success, failure: the old rules were kept).", ["result"]);
        if (pipeline is not null)
        {
            _commitFailures = factory.CreateCounter("nonstdport_commit_failures_total", "Offset or transaction commits that failed.");
            _rebalances = factory.CreateCounter("nonstdport_rebalances_total", "Rebalances this process's consumers took part in.");
        }

        _reloadsTotal.WithLabels("success");
        _reloadsTotal.WithLabels("failure");
        Registry.AddBeforeCollectCallback(Refresh);
    }

    /// <summary>The registry the endpoint exports.</summary>
    public CollectorRegistry Registry { get; }

    /// <summary>The label value of a malformed reason: its name in snake_case (<c>invalid_json</c>); a scoring failure is <c>internal_error</c>.</summary>
    internal static string ReasonLabel(MalformedReason reason)
    {
        if (reason == MalformedReason.None)
        {
            return "internal_error";
        }

        string name = reason.ToString();
        var label = new System.Text.StringBuilder(name.Length + 4);
        for (int i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                label.Append('_');
            }

            label.Append(char.ToLowerInvariant(name[i]));
        }

        return label.ToString();
    }

    /// <summary>Runs on the scrape's thread: reads every counter now.</summary>
    private void Refresh()
    {
        EngineCounters totals = _engines();
        for (int envelope = 0; envelope < EngineCounters.EnvelopeSlots; envelope++)
        {
            for (int outcome = 0; outcome < EngineCounters.OutcomeSlots; outcome++)
            {
                long value = totals.RecordsByEnvelope[envelope * EngineCounters.OutcomeSlots + outcome];
                if (value > 0)
                {
                    _records.WithLabels(EnvelopeNames.Name((Envelope)envelope), Outcomes[outcome]).IncTo(value);
                }
            }
        }

        for (int score = 0; score < 4; score++)
        {
            Alerts("non_standard_port", score, totals.AlertsByScore[score]);
            Alerts("beacon", score, totals.BeaconAlertsByScore[score]);
            Alerts("rdp_port_change", score, totals.RdpPortChangeAlertsByScore[score]);
        }

        for (int reason = 0; reason < EngineCounters.ReasonSlots; reason++)
        {
            if (totals.MalformedByReason[reason] > 0)
            {
                _deadLetters.WithLabels(ReasonLabel((MalformedReason)reason)).IncTo(totals.MalformedByReason[reason]);
            }
        }

        _stateKeys.WithLabels("beacon").Set(totals.BeaconKeys);
        _stateKeys.WithLabels("lineage").Set(totals.LineageProcesses);
        _reloadsTotal.WithLabels("success").IncTo(_reloads.Success);
        _reloadsTotal.WithLabels("failure").IncTo(_reloads.Failure);
        if (_pipeline is not null)
        {
            var health = _pipeline.Health;
            _commitFailures!.IncTo(health.CommitFailures);
            _rebalances!.IncTo(health.Rebalances);
            var seen = new HashSet<(string Topic, int Partition)>();
            foreach (var (partition, lag) in _pipeline.Lag)
            {
                seen.Add((partition.Topic, partition.Partition));
                _lag.WithLabels(partition.Topic, partition.Partition.ToString(System.Globalization.CultureInfo.InvariantCulture)).Set(lag);
            }

            // A partition given up has no lag here any more: its series goes, rather than freezing.
            foreach (var gone in _lagSeries)
            {
                if (!seen.Contains(gone))
                {
                    _lag.RemoveLabelled(gone.Topic, gone.Partition.ToString(System.Globalization.CultureInfo.InvariantCulture));
                }
            }

            _lagSeries.Clear();
            _lagSeries.UnionWith(seen);
        }
    }

    private void Alerts(string rule, int score, long value)
    {
        if (value > 0)
        {
            _alerts.WithLabels(rule, Scores[score]).IncTo(value);
        }
    }
}

/// <summary>Health and readiness of <c>run</c>, from <see cref="KafkaPipeline.Health"/>.</summary>
internal sealed class PipelineHealthChecks(KafkaPipeline pipeline) : IHealthChecks
{
    /// <summary>A consume loop that has not gone round for this long (beyond the revoke timeout a rebalance may take) is stuck.</summary>
    public static readonly TimeSpan StuckAfter = TimeSpan.FromSeconds(30);

    /// <summary>Brokers that have not answered a metadata query (asked about once a second) for this long count as unreachable.</summary>
    public static readonly TimeSpan BrokersStaleAfter = TimeSpan.FromSeconds(10);

    public HealthReport Live()
    {
        var health = pipeline.Health;
        return health.OldestHeartbeatAge is { } age && age > StuckAfter
            ? HealthReport.Fail($"stuck: a consume loop has not gone round for {age.TotalSeconds:F0} s")
            : HealthReport.Pass("ok");
    }

    public HealthReport Ready()
    {
        var health = pipeline.Health;
        if (health.BrokerAnswerAge is not { } answered || answered > BrokersStaleAfter)
        {
            return HealthReport.Fail("not ready: the Kafka brokers do not answer");
        }

        if (health.AssignedPartitions == 0)
        {
            return HealthReport.Fail("not ready: no input partition assigned");
        }

        // Detection state is rebuilt from new records (there is no changelog to restore), so it is ready at assignment.
        return HealthReport.Pass($"ready: {health.AssignedPartitions} partition(s) assigned");
    }
}
