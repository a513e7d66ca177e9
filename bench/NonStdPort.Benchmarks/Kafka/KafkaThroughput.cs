using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;
using NonStdPort.Core;
using NonStdPort.Core.Read;
using NonStdPort.Core.Rules;
using NonStdPort.Core.Write;

namespace NonStdPort.Benchmarks.Kafka;

/// <summary>
/// Kafka → Kafka throughput, end to end, against a plain consumer-group read of the same topic:
///
///   bench/generate-records.sh 1000000 big.ndjson
///   dotnet run -c Release --project bench/NonStdPort.Benchmarks -- kafka-throughput big.ndjson [--partitions P] [--bootstrap-servers HOSTS]
///
/// Without --bootstrap-servers it starts `nonstdport broker` (librdkafka's mock cluster) as a
/// separate process, so the pipeline's RSS is its own. It loads one record per message into an
/// input topic whose partitions stay under the mock's 5 MiB / 100,000-message cap, checks nothing
/// was dropped, then (1) reads the topic once with a plain consumer in a fresh group (no scoring,
/// no producing) and (2) runs `nonstdport run` as a child process until every alert the engine
/// gives for the file (counted in this process beforehand) is on the output topic. Reports
/// records/s for both (each including its group join) and the pipeline's peak RSS (VmHWM).
/// </summary>
internal static class KafkaThroughput
{
    public static int Run(string[] args)
    {
        if (args.Length < 1)
        {
            Console.Error.WriteLine("usage: kafka-throughput FILE [--partitions P] [--bootstrap-servers HOSTS] [--consumers N]");
            return 2;
        }

        string file = args[0];
        int? partitionsArg = Option(args, "--partitions") is { } p ? int.Parse(p, CultureInfo.InvariantCulture) : null;
        string? bootstrap = Option(args, "--bootstrap-servers");
        string consumers = Option(args, "--consumers") ?? "1";

        var records = File.ReadLines(file).Where(l => l.Length > 0).ToList();
        long bytes = records.Sum(r => (long)r.Length + 1);
        // Compressed batches count against the mock's 5 MiB; uncompressed size / 4 MiB is a safe bound either way.
        int partitions = partitionsArg ?? (int)Math.Max(Math.Ceiling(records.Count / 90_000.0), Math.Ceiling(bytes / (4.0 * 1024 * 1024) / 4));
        string run = Guid.NewGuid().ToString("N")[..8];
        string input = $"bench-in-{run}", output = $"bench-out-{run}";
        Console.Error.WriteLine($"{records.Count:N0} records, {bytes / 1e6:F0} MB, {partitions} partitions");

        long expectedAlerts = CountAlerts(records);
        Console.Error.WriteLine($"the engine gives {expectedAlerts:N0} alerts for this file");

        using var broker = bootstrap is null ? StartBroker(input, output, partitions, out bootstrap) : null;
        TimeSpan read;
        (TimeSpan Elapsed, long PeakRssKb) pipeline;
        try
        {
            Load(bootstrap, input, records, partitions);
            read = PlainRead(bootstrap, input, records.Count);
            pipeline = Pipeline(bootstrap, input, output, partitions, expectedAlerts, consumers);
        }
        finally
        {
            if (broker is { HasExited: false })
            {
                Kill(broker.Id, 15);
                broker.WaitForExit();
            }
        }

        double readRate = records.Count / read.TotalSeconds, pipeRate = records.Count / pipeline.Elapsed.TotalSeconds;
        Console.WriteLine($"plain consumer-group read : {records.Count:N0} records in {read.TotalSeconds:F2} s = {readRate:N0} records/s");
        Console.WriteLine($"nonstdport run (K -> K)   : {records.Count:N0} records in {pipeline.Elapsed.TotalSeconds:F2} s = {pipeRate:N0} records/s " +
                          $"({pipeRate / readRate:F2} x plain read), {expectedAlerts:N0} alerts, peak RSS {pipeline.PeakRssKb / 1024.0:F0} MB");
        return 0;
    }

    private static long CountAlerts(List<string> records)
    {
        var engine = new Engine(RuleSet.Default);
        var batch = new AlertBatch();
        long alerts = 0;
        foreach (string record in records)
        {
            batch.Clear();
            engine.Process(System.Text.Encoding.UTF8.GetBytes(record), SourceRef.FromKafka("sysmon", 0, 0), batch);
            alerts += batch.Count;
        }

        return alerts;
    }

    private static Process StartBroker(string input, string output, int partitions, out string bootstrap)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string arg in new[] { Path.Combine(AppContext.BaseDirectory, "nonstdport.dll"), "broker", "--topic", $"{input}:{partitions}", "--topic", $"{output}:{partitions}" })
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info)!;
        string first = process.StandardOutput.ReadLine() ?? throw new InvalidOperationException("broker did not start");
        bootstrap = first["bootstrap.servers=".Length..];
        return process;
    }

    private static void Load(string bootstrap, string topic, List<string> records, int partitions)
    {
        var clock = Stopwatch.StartNew();
        using var producer = new ProducerBuilder<byte[]?, byte[]>(new ProducerConfig
        {
            BootstrapServers = bootstrap,
            CompressionType = CompressionType.Lz4,
            LingerMs = 20,
            BatchSize = 1_000_000,
        }).Build();
        var reader = new RecordReader();
        foreach (string record in records)
        {
            byte[] value = System.Text.Encoding.UTF8.GetBytes(record);
            var view = default(SysmonRecord);
            byte[]? key = reader.Read(value, ref view).IsOk && !view.Computer.IsEmpty ? view.Computer.ToArray() : null;
            while (true)
            {
                try
                {
                    producer.Produce(topic, new Message<byte[]?, byte[]> { Key = key, Value = value });
                    break;
                }
                catch (ProduceException<byte[]?, byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                {
                    producer.Poll(TimeSpan.FromMilliseconds(20));
                }
            }
        }

        producer.Flush();
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = bootstrap, GroupId = "bench-watermarks" }).Build();
        long stored = 0;
        for (int p = 0; p < partitions; p++)
        {
            var w = consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(10));
            if (w.Low.Value > 0)
            {
                throw new InvalidOperationException($"partition {p} dropped {w.Low.Value} messages (mock cap): use more --partitions");
            }

            stored += w.High.Value;
        }

        if (stored != records.Count)
        {
            throw new InvalidOperationException($"{stored} messages stored, {records.Count} produced");
        }

        Console.Error.WriteLine($"loaded in {clock.Elapsed.TotalSeconds:F1} s");
    }

    private static TimeSpan PlainRead(string bootstrap, string topic, int count)
    {
        var clock = Stopwatch.StartNew();
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = "bench-plain-" + Guid.NewGuid().ToString("N")[..8],
            AutoOffsetReset = AutoOffsetReset.Earliest,
            PartitionAssignmentStrategy = PartitionAssignmentStrategy.CooperativeSticky,
            ConsumeResultFields = "topic",
        }).Build();
        consumer.Subscribe(topic);
        int seen = 0;
        while (seen < count)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { Message: not null })
            {
                seen++;
            }
        }

        var elapsed = clock.Elapsed;
        consumer.Close();
        return elapsed;
    }

    private static (TimeSpan Elapsed, long PeakRssKb) Pipeline(string bootstrap, string input, string output, int partitions, long expectedAlerts, string consumers)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "nonstdport.dll"), "run", "--bootstrap-servers", bootstrap,
            "--input-topic", input, "--output-topic", output, "--group-id", "bench-run-" + input, "--consumers", consumers, "--stats-interval", "5s",
        })
        {
            info.ArgumentList.Add(arg);
        }

        using var watermarks = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = bootstrap, GroupId = "bench-watermarks" }).Build();
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Console.Error.WriteLine("  run: " + e.Data);
            }
        };
        process.BeginErrorReadLine();
        long peak = 0;
        while (true)
        {
            peak = Math.Max(peak, PeakRss(process.Id));
            long alerts = 0;
            for (int p = 0; p < partitions; p++)
            {
                alerts += watermarks.GetWatermarkOffsets(new TopicPartition(output, p)).High.Value is var h and > 0 ? h : 0;
            }

            if (alerts == 0 || alerts < expectedAlerts)
            {
                // Cached watermarks are refreshed by querying.
                alerts = 0;
                for (int p = 0; p < partitions; p++)
                {
                    alerts += watermarks.QueryWatermarkOffsets(new TopicPartition(output, p), TimeSpan.FromSeconds(5)).High.Value;
                }
            }

            if (alerts >= expectedAlerts || process.HasExited)
            {
                break;
            }

            Thread.Sleep(50);
        }

        var elapsed = clock.Elapsed;
        peak = Math.Max(peak, PeakRss(process.Id));
        Kill(process.Id, 15);
        process.WaitForExit();
        return (elapsed, peak);
    }

    private static long PeakRss(int pid)
    {
        try
        {
            foreach (string line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
            // Exited.
        }

        return 0;
    }

    private static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill")]
    private static extern int Kill(int pid, int signal);
}
