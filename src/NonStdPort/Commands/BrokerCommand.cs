using System.CommandLine;
using System.Globalization;
using NonStdPort.Cli.Configuration;
using NonStdPort.Kafka.Broker;
using NonStdPort.Kafka.Hosting;

namespace NonStdPort.Cli.Commands;

/// <summary>`nonstdport broker`: a local Kafka-protocol cluster for development, demos and tests.</summary>
internal static class BrokerCommand
{
    public static Command Create(StandardStreams streams)
    {
        var brokers = new Option<int>("--brokers")
        {
            Description = "Number of brokers.",
            DefaultValueFactory = _ => 1,
        };
        var topics = new Option<string[]>("--topic")
        {
            Description = "Pre-create a topic, as NAME:PARTITIONS (repeatable). Size partitions for the cap: " +
                          "N records of S bytes need at least N*S/5MiB and N/100000 partitions.",
            AllowMultipleArgumentsPerToken = false,
        };

        var command = new Command(
            "broker",
            "Start librdkafka's built-in mock Kafka cluster on 127.0.0.1 and print its address as the first " +
            "line on stdout (bootstrap.servers=HOST:PORT[,...]); runs until SIGINT/SIGTERM. For development, " +
            "demos and tests, not production. Its limits: each partition keeps at most 5 MiB and 100,000 " +
            "messages and SILENTLY DROPS OLDER DATA beyond that; admin CreateTopics from a client fails (there " +
            "is no controller), so create topics here with --topic; topics created by producing to them get 4 " +
            "partitions (about 20 MB in all); data lives in memory and is gone when the broker stops.\n" +
            "\n" +
            "Examples:\n" +
            "  nonstdport broker --topic sysmon:16 --topic alerts:4 &       a local cluster with two topics\n" +
            "  nonstdport broker --brokers 3 | head -1                      three brokers; the address line only\n" +
            "\n" +
            ExitCodes.HelpText)
        {
            brokers,
            topics,
        };

        command.SetAction(parseResult =>
        {
            int brokerCount = parseResult.GetValue(brokers);
            if (brokerCount < 1)
            {
                streams.Error.WriteLine("nonstdport broker: --brokers must be at least 1");
                return ExitCodes.UsageOrIo;
            }

            var specs = new List<(string Name, int Partitions)>();
            foreach (string spec in parseResult.GetValue(topics) ?? [])
            {
                if (!TryParseTopic(spec, out string name, out int partitions))
                {
                    streams.Error.WriteLine($"nonstdport broker: --topic '{spec}' is not NAME:PARTITIONS with PARTITIONS >= 1");
                    return ExitCodes.UsageOrIo;
                }

                specs.Add((name, partitions));
            }

            using var stop = new StopSignal();
            using var cluster = MockCluster.Start(brokerCount);
            foreach (var (name, partitions) in specs)
            {
                cluster.CreateTopic(name, partitions);
            }

            streams.OutputText.WriteLine("bootstrap.servers=" + cluster.BootstrapServers);
            streams.OutputText.Flush();
            foreach (var (name, partitions) in specs)
            {
                streams.Error.WriteLine($"topic {name}: {partitions} partitions");
            }

            streams.Error.WriteLine(
                $"mock cluster with {brokerCount} broker(s) running; each partition keeps at most 5 MiB / 100,000 " +
                "messages and drops older data. Stop with Ctrl+C or SIGTERM.");
            // stderr is buffered: the lines above must be seen while the broker runs.
            streams.Error.Flush();
            stop.Token.WaitHandle.WaitOne();

            return ExitCodes.Ok;
        });
        return command;
    }

    internal static bool TryParseTopic(string spec, out string name, out int partitions)
    {
        name = "";
        partitions = 0;
        int colon = spec.LastIndexOf(':');
        if (colon <= 0 || colon == spec.Length - 1)
        {
            return false;
        }

        name = spec[..colon];
        return int.TryParse(spec.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out partitions)
            && partitions >= 1;
    }
}
