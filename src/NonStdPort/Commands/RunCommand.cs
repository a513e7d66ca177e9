using System.CommandLine;
using NonStdPort.Cli.Configuration;
using NonStdPort.Cli.Files;
using NonStdPort.Core;
using NonStdPort.Core.Rules;
using NonStdPort.Core.Write;
using NonStdPort.Kafka.Broker;
using NonStdPort.Kafka.Demo;
using NonStdPort.Kafka.Hosting;
using NonStdPort.Kafka.Pipeline;

namespace NonStdPort.Cli.Commands;

/// <summary>`nonstdport run`: Kafka → score → Kafka, at least once or exactly once.</summary>
internal static class RunCommand
{
    /// <summary>Partitions of each topic the embedded broker creates.</summary>
    internal const int EmbeddedPartitions = 4;

    private const string Description =
        "Consume raw Sysmon records from Kafka, score each one, and produce the alerts to an output topic, at " +
        "least once: an input offset is committed only after every alert and dead letter of that record and of " +
        "all earlier records of its partition has been acknowledged by the broker. A message may hold one record " +
        "or several separated by newlines. Alerts are keyed by host name with headers risk_score and technique; " +
        "malformed records go unchanged to --dlq-topic with headers reason, source_topic, source_partition and " +
        "source_offset (without one they are logged to stderr and counted). With --guarantee exactly-once, each " +
        "consumer writes its alerts, dead letters and input offsets in one Kafka transaction (committed every " +
        "--commit-interval): a reader with isolation.level=read_committed sees every alert exactly once, across " +
        "crashes, restarts and rebalances. Settings come from appsettings.json " +
        "(or --config), then NONSTDPORT_* environment variables (NONSTDPORT_BootstrapServers, " +
        "NONSTDPORT_InputTopics__0, NONSTDPORT_Kafka__security.protocol, ...), then these flags. With nothing about " +
        "Kafka configured anywhere (no bootstrap servers, -X or Kafka section; Kafka settings without bootstrap servers " +
        "are an error), an embedded mock broker starts in this process (for trying it out: 5 MiB / 100,000 " +
        "messages per partition, older data silently dropped) and the alerts are read back and printed to stdout; " +
        "with --replay the demo exits once the file is processed. SIGINT/SIGTERM stop it gracefully: stop " +
        "consuming, drain, flush, commit, leave the group, exit 0; the process exits within --shutdown-timeout " +
        "whatever the broker or group do, with exit code 3 when the drain or final commit did not complete (a " +
        "second signal exits at once, also 3). When no broker answers for --connect-timeout, run exits 1 " +
        "with the last connection error; repeated librdkafka log lines are printed once per 10 s with a count.\n" +
        "\n" +
        "Examples:\n" +
        "  nonstdport run --replay samples/sysmon-flat.ndjson              demo: embedded broker, alerts on stdout\n" +
        "  nonstdport run -b kafka:9092 -o qradar-alerts --format leef     alerts as LEEF 2.0 for QRadar\n" +
        "  nonstdport run -b kafka:9092 -t sysmon --output-topic alerts    score a topic into another\n" +
        "  nonstdport run -b kafka:9092 --dlq-topic sysmon-dlq --rules rules.yaml\n" +
        "  nonstdport run -b kafka:9093 -X security.protocol=SASL_SSL -X sasl.mechanism=PLAIN \\\n" +
        "      -X sasl.username=u -X sasl.password=p                        any librdkafka setting\n" +
        "\n" +
        ExitCodes.HelpText;

    public static Command Create(StandardStreams streams)
    {
        var bootstrap = new Option<string?>("--bootstrap-servers", "-b")
        {
            Description = "Kafka brokers, HOST:PORT[,HOST:PORT...]. None configured: start an embedded mock broker.",
            HelpName = "HOSTS",
        };
        var inputs = new Option<string[]>("--input-topic", "-t")
        {
            Description = $"Topic to consume (repeatable). Default: {PipelineOptions.DefaultInputTopic}.",
            HelpName = "TOPIC",
        };
        var group = new Option<string?>("--group-id", "-g")
        {
            Description = $"Consumer group; instances with the same group split the partitions. Default: {PipelineOptions.DefaultGroupId}.",
            HelpName = "GROUP",
        };
        var output = new Option<string?>("--output-topic", "-o")
        {
            Description = $"Topic the alerts go to. Default: {PipelineOptions.DefaultOutputTopic}.",
            HelpName = "TOPIC",
        };
        var dlq = new Option<string?>("--dlq-topic")
        {
            Description = "Dead-letter topic for malformed records. Default: none (logged to stderr and counted).",
            HelpName = "TOPIC",
        };
        var rules = new Option<string?>("--rules")
        {
            Description = "Rules file (YAML); default: the built-in rules (see `nonstdport rules show`).",
            HelpName = "FILE",
        };
        var settings = new Option<string[]>("-X")
        {
            Description = "Any librdkafka setting for every client, as key=value (repeatable), e.g. -X security.protocol=SASL_SSL " +
                          "-X sasl.mechanism=PLAIN -X compression.type=zstd. Settings the guarantee depends on (acks, " +
                          "enable.idempotence, enable.auto.offset.store) cannot be changed.",
            HelpName = "KEY=VALUE",
        };
        var statsInterval = new Option<string?>("--stats-interval")
        {
            Description = "How often a stats line goes to stderr (records/s, alerts by score, dead letters, suppressed, lag per partition); 0 turns it off. Default: 10s.",
            HelpName = "DURATION",
        };
        var shutdownTimeout = new Option<string?>("--shutdown-timeout")
        {
            Description = "Longest a graceful stop may take to drain, flush and commit; what is not acknowledged by then is read again on restart. Default: 30s.",
            HelpName = "DURATION",
        };
        var connectTimeout = new Option<string?>("--connect-timeout")
        {
            Description = "Longest no broker may answer (at start or later) before run fails with exit code 1 and the last " +
                          "connection error; librdkafka alone would retry forever. Default: 30s.",
            HelpName = "DURATION",
        };
        var consumers = new Option<int?>("--consumers")
        {
            Description = "Consumers in this process, each scoring its partitions on its own thread. Default: one per core.",
            HelpName = "N",
        };
        var guarantee = new Option<string?>("--guarantee")
        {
            Description = "at-least-once (default) or exactly-once: alerts, dead letters and input offsets in one Kafka " +
                          "transaction per consumer; consumers of the output must read with isolation.level=read_committed.",
            HelpName = "GUARANTEE",
        };
        guarantee.AcceptOnlyFromAmong([.. RunSettingsLoader.Guarantees]);
        var instanceId = new Option<string?>("--instance-id")
        {
            Description = "Exactly-once: this instance's name in its group; consumer i's transactional.id is GROUP.INSTANCE.i. " +
                          "Keep it across restarts of one instance, give every instance its own. Default: the host name.",
            HelpName = "NAME",
        };
        var commitInterval = new Option<string?>("--commit-interval")
        {
            Description = "Exactly-once: longest a transaction stays open before it is committed (alerts become visible). Default: 100ms.",
            HelpName = "DURATION",
        };
        var transactionMaxRecords = new Option<string?>("--transaction-max-records")
        {
            Description = "Exactly-once: commit once a transaction holds this many input records. Default: 10000.",
            HelpName = "N",
        };
        var transactionMaxBytes = new Option<string?>("--transaction-max-bytes")
        {
            Description = "Exactly-once: commit once a transaction's input messages hold this many bytes. Default: 16777216 (16 MiB).",
            HelpName = "BYTES",
        };
        var watchRules = new Option<bool>("--watch-rules")
        {
            Description = "Reload --rules when the file changes (SIGHUP always reloads it), e.g. --rules /etc/nonstdport/rules.yaml --watch-rules. " +
                          "An invalid file keeps the rules in force and logs FILE:LINE:COL errors. Key: WatchRules.",
        };
        var replay = new Option<string?>("--replay")
        {
            Description = "First produce this file's records (NDJSON, XML events, gzip) into the first input topic, keyed by host name.",
            HelpName = "FILE",
        };
        var format = FormatOption.Create("value of each alert message; keys and headers are the same for every format");
        var metricsListen = new Option<string?>("--metrics-listen")
        {
            Description = "Serve Prometheus metrics on http://HOST:PORT/metrics, and /healthz and /readyz (200 or 503), e.g. " +
                          "--metrics-listen 0.0.0.0:9464; port 0 picks a free one (the address is logged). Default: none.",
            HelpName = "HOST:PORT",
        };
        var configFile = new Option<string?>("--config")
        {
            Description = $"Settings file to read instead of ./{RunSettingsLoader.DefaultFile}.",
            HelpName = "FILE",
        };

        var command = new Command("run", Description)
        {
            bootstrap, inputs, group, output, dlq, rules, settings, statsInterval, shutdownTimeout, connectTimeout, consumers,
            guarantee, instanceId, commitInterval, transactionMaxRecords, transactionMaxBytes, replay, format, configFile, watchRules, metricsListen,
        };
        command.SetAction(parse =>
        {
            var flags = new RunFlags
            {
                BootstrapServers = parse.GetValue(bootstrap),
                InputTopics = parse.GetValue(inputs),
                GroupId = parse.GetValue(group),
                OutputTopic = parse.GetValue(output),
                DlqTopic = parse.GetValue(dlq),
                Rules = parse.GetValue(rules),
                ClientSettings = parse.GetValue(settings),
                StatsInterval = parse.GetValue(statsInterval),
                ShutdownTimeout = parse.GetValue(shutdownTimeout),
                ConnectTimeout = parse.GetValue(connectTimeout),
                Consumers = parse.GetValue(consumers),
                Guarantee = parse.GetValue(guarantee),
                InstanceId = parse.GetValue(instanceId),
                CommitInterval = parse.GetValue(commitInterval),
                TransactionMaxRecords = parse.GetValue(transactionMaxRecords),
                TransactionMaxBytes = parse.GetValue(transactionMaxBytes),
                Replay = parse.GetValue(replay),
                Format = parse.GetValue(format),
                ConfigFile = parse.GetValue(configFile),
                WatchRules = parse.GetResult(watchRules) is null ? null : parse.GetValue(watchRules),
                MetricsListen = parse.GetValue(metricsListen),
            };
            return Execute(flags, streams);
        });
        return command;
    }

    internal static int Execute(RunFlags flags, StandardStreams streams)
    {
        if (streams.Error is StreamWriter buffered)
        {
            // A long-running service: each log line must be seen when it is written, not at exit.
            buffered.AutoFlush = true;
        }

        TextWriter log = streams.Error;
        RunSettings resolved;
        string? error;
        try
        {
            resolved = RunSettingsLoader.Load(flags, out error);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or FormatException)
        {
            log.WriteLine($"nonstdport run: cannot read settings: {e.Message}");
            return ExitCodes.UsageOrIo;
        }

        if (error is not null)
        {
            log.WriteLine($"nonstdport run: {error}");
            return ExitCodes.UsageOrIo;
        }

        System.Net.IPEndPoint? metricsAddress = null;
        if (resolved.MetricsListen is { } listen && !Metrics.MetricsListen.TryParse(listen, out metricsAddress, out string? listenError))
        {
            log.WriteLine($"nonstdport run: {listenError}");
            return ExitCodes.UsageOrIo;
        }

        if (resolved.ReplayPath is { } replayPath && !File.Exists(replayPath))
        {
            log.WriteLine($"nonstdport run: --replay: no such file: {replayPath}");
            return ExitCodes.UsageOrIo;
        }

        RuleSet rules;
        try
        {
            rules = resolved.RulesPath is { } path ? RulesFile.Load(path) : RuleSet.Default;
        }
        catch (Exception e) when (e is RulesFileException or IOException)
        {
            log.WriteLine($"nonstdport run: {e.Message}");
            return ExitCodes.UsageOrIo;
        }

        // The stop is bounded by the shutdown timeout as a whole, whatever blocks inside it.
        using var stop = new StopSignal(resolved.Pipeline.ShutdownTimeout, ExitCodes.ShutdownIncomplete, log);
        try
        {
            var live = new LiveRules(rules);
            using RulesReloader? reloader = resolved.RulesPath is { } rulesPath ? new RulesReloader(live, rulesPath, resolved.WatchRules, log) : null;
            return RunAsync(resolved, live, streams, metricsAddress, stop.Token).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            // librdkafka rejects unknown or invalid settings when a client is created.
            log.WriteLine($"nonstdport run: {e.Message}");
            return ExitCodes.UsageOrIo;
        }
    }

    private static async Task<int> RunAsync(RunSettings settings, LiveRules rules, StandardStreams streams, System.Net.IPEndPoint? metricsAddress, CancellationToken stop)
    {
        TextWriter log = streams.Error;
        var options = settings.Pipeline;
        using MockCluster? embedded = options.BootstrapServers is null ? StartEmbedded(options, log) : null;
        if (embedded is not null)
        {
            options = EmbeddedOptions(options, embedded, settings.ConsumersGiven);
        }

        using var demoDone = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var pipeline = new KafkaPipeline(options, rules, new EngineOptions { Format = settings.Format }, log);
        await using var endpoint = metricsAddress is null ? null : StartMetrics(metricsAddress, pipeline, rules.Reloads, log);
        if (metricsAddress is not null && endpoint is null)
        {
            return ExitCodes.UsageOrIo;
        }

        using var echo = embedded is null ? null : new AlertEcho(options, options.OutputTopic, EmbeddedPartitions, streams.Output, log);
        var running = Task.Run(() => pipeline.RunAsync(demoDone.Token));

        if (settings.ReplayPath is { } replayPath)
        {
            IReadOnlyDictionary<PartitionId, long> ends;
            try
            {
                var reader = await InputOpener.OpenAsync(InputOpener.OpenFile(replayPath), stop).ConfigureAwait(false);
                ends = await Replay.RunAsync(reader, replayPath, options.InputTopics[0], options, EngineOptions.DefaultMaxRecordBytes, log, stop).ConfigureAwait(false);
            }
            catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException)
            {
                log.WriteLine($"nonstdport run: --replay failed: {e.Message}");
                demoDone.Cancel();
                await running.ConfigureAwait(false);
                return ExitCodes.Failed;
            }
            catch (OperationCanceledException)
            {
                ends = new Dictionary<PartitionId, long>();
            }

            if (echo is not null)
            {
                // The demo ends once every replayed record is committed and every alert is printed.
                await WaitUntilAsync(() => Processed(pipeline, ends) && echo.Count >= pipeline.Totals.AlertsDelivered, running, stop).ConfigureAwait(false);
                demoDone.Cancel();
            }
        }

        await running.ConfigureAwait(false);
        if (pipeline.Failure is not null)
        {
            return ExitCodes.Failed;
        }

        return pipeline.StoppedCleanly ? ExitCodes.Ok : ExitCodes.ShutdownIncomplete;
    }

    /// <summary>
    /// The mock broker's group coordinator can stall for tens of seconds when a second member joins
    /// or leaves, so the embedded run uses one consumer (unless --consumers says otherwise); the
    /// short default session (KafkaClientConfig) bounds such a stall to seconds.
    /// </summary>
    private static PipelineOptions EmbeddedOptions(PipelineOptions options, MockCluster embedded, bool consumersGiven)
    {
        return options with
        {
            BootstrapServers = embedded.BootstrapServers,
            Consumers = consumersGiven ? options.Consumers : 1,
        };
    }

    private static MockCluster StartEmbedded(PipelineOptions options, TextWriter log)
    {
        var cluster = MockCluster.Start(brokers: 1);
        foreach (string topic in options.InputTopics.Append(options.OutputTopic))
        {
            cluster.CreateTopic(topic, EmbeddedPartitions);
        }

        if (options.DlqTopic is { } dlq)
        {
            cluster.CreateTopic(dlq, 1);
        }

        log.WriteLine(
            $"no bootstrap servers configured: started an embedded mock broker at {cluster.BootstrapServers} " +
            $"(in this process, for trying things out; topics {string.Join(", ", options.InputTopics)} -> {options.OutputTopic}, " +
            $"{EmbeddedPartitions} partitions each; data is gone at exit). Use --bootstrap-servers for a real cluster.");
        return cluster;
    }

    private static Metrics.MetricsEndpoint? StartMetrics(System.Net.IPEndPoint address, KafkaPipeline pipeline, RuleReloads reloads, TextWriter log)
    {
        var metrics = new Metrics.NonStdPortMetrics(pipeline.EngineTotals, pipeline, reloads);
        var endpoint = Metrics.MetricsEndpoint.Start(address, metrics.Registry, new Metrics.PipelineHealthChecks(pipeline), out string? error);
        log.WriteLine(endpoint is null ? $"nonstdport run: {error}" : endpoint.Describe());
        return endpoint;
    }

    private static bool Processed(KafkaPipeline pipeline, IReadOnlyDictionary<PartitionId, long> ends)
    {
        var committed = pipeline.CommittedOffsets;
        foreach (var (partition, end) in ends)
        {
            if (!committed.TryGetValue(partition, out long done) || done < end)
            {
                return false;
            }
        }

        return true;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, Task running, CancellationToken stop)
    {
        while (!condition() && !running.IsCompleted && !stop.IsCancellationRequested)
        {
            await Task.Delay(50, CancellationToken.None).ConfigureAwait(false);
        }
    }
}
