using Confluent.Kafka;
using NonStdPort.Kafka.Pipeline;

namespace NonStdPort.Kafka.Demo;

/// <summary>
/// The embedded demo's last step: reads the alerts back from the output topic, from the
/// beginning, and writes each one to stdout as a line of JSON.
/// </summary>
public sealed class AlertEcho : IDisposable
{
    private readonly IConsumer<Ignore, byte[]> _consumer;
    private readonly Stream _stdout;
    private readonly Thread _thread;
    private readonly CancellationTokenSource _stop = new();
    private long _count;

    /// <summary>Starts reading <paramref name="topic"/>'s <paramref name="partitions"/> partitions from the beginning onto <paramref name="stdout"/>.</summary>
    public AlertEcho(PipelineOptions options, string topic, int partitions, Stream stdout, TextWriter log)
    {
        var config = new ConsumerConfig(KafkaClientConfig.Client(options).ToDictionary(kv => kv.Key, kv => kv.Value))
        {
            GroupId = options.GroupId + "-echo",
            EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            // With --guarantee exactly-once, alerts of an aborted transaction are never shown.
            IsolationLevel = IsolationLevel.ReadCommitted,
        };
        _consumer = KafkaClients.Build(() => new ConsumerBuilder<Ignore, byte[]>(config).SetLogHandler(KafkaLog.To(log.WriteLine)).Build());
        _consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        _stdout = stdout;
        _thread = new Thread(Run) { IsBackground = true, Name = "nonstdport-echo" };
        _thread.Start();
    }

    /// <summary>Alerts written to stdout so far.</summary>
    public long Count => Interlocked.Read(ref _count);

    /// <summary>Stops reading and closes the reader.</summary>
    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join();
        _consumer.Close();
        _consumer.Dispose();
        _stop.Dispose();
    }

    private void Run()
    {
        while (!_stop.IsCancellationRequested)
        {
            var result = _consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (result?.Message?.Value is { } value)
            {
                _stdout.Write(value);
                _stdout.WriteByte((byte)'\n');
                _stdout.Flush();
                Interlocked.Increment(ref _count);
            }
        }
    }
}
