using System.Buffers;
using System.IO.Pipelines;
using Confluent.Kafka;
using NonStdPort.Core.Frame;
using NonStdPort.Core.Read;
using NonStdPort.Kafka.Pipeline;

namespace NonStdPort.Kafka.Demo;

/// <summary>
/// <c>run --replay FILE</c>: produces a file's records (NDJSON, XML events, gzip; framed like
/// <c>score</c> frames them) into the input topic, one record per message, keyed by the record's
/// host name so that every record of a host lands in one partition (stateful detections need that).
/// </summary>
public static class Replay
{
    /// <summary>
    /// Produces every record of <paramref name="reader"/> (the opened, decompressed file
    /// <paramref name="path"/>) and waits for the broker; returns the end offset per partition
    /// written to. Throws <see cref="IOException"/> when the broker refused a record and
    /// <see cref="ArgumentException"/> when librdkafka rejects a setting.
    /// </summary>
    public static async Task<IReadOnlyDictionary<PartitionId, long>> RunAsync(
        PipeReader reader, string path, string topic, PipelineOptions options, int maxRecordBytes, TextWriter log, CancellationToken cancellationToken)
    {
        var config = new ProducerConfig(KafkaClientConfig.Client(options).ToDictionary(kv => kv.Key, kv => kv.Value))
        {
            EnableIdempotence = true,
            Acks = Acks.All,
            LingerMs = 5,
        };
        using var producer = KafkaClients.Build(() => new ProducerBuilder<byte[]?, byte[]>(config).SetLogHandler(KafkaLog.To(log.WriteLine)).Build());
        var sink = new ProduceSink(producer, topic, maxRecordBytes, log);
        try
        {
            var framer = new RecordFramer(maxRecordBytes);
            while (true)
            {
                var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                SequencePosition consumed = framer.Frame(result.Buffer, result.IsCompleted, sink);
                reader.AdvanceTo(consumed, result.Buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
        }

        producer.Flush(cancellationToken);
        if (sink.Failure is { } failure)
        {
            throw new IOException($"the broker refused a record: {failure.Reason}");
        }

        log.WriteLine($"replayed {sink.Records} records from {path} into {topic}");
        return sink.Ends;
    }

    private sealed class ProduceSink(IProducer<byte[]?, byte[]> producer, string topic, int maxRecordBytes, TextWriter log) : IRecordSink
    {
        private readonly RecordReader _reader = new(maxRecordBytes);
        private readonly object _gate = new();

        public Dictionary<PartitionId, long> Ends { get; } = [];

        public Error? Failure { get; private set; }

        public long Records { get; private set; }

        public void OnRecord(ReadOnlySpan<byte> record, long line)
        {
            var view = default(SysmonRecord);
            byte[]? key = _reader.Read(record, ref view).IsOk && !view.Computer.IsEmpty ? view.Computer.ToArray() : null;
            var message = new Message<byte[]?, byte[]> { Key = key, Value = record.ToArray() };
            Records++;
            while (true)
            {
                try
                {
                    producer.Produce(topic, message, OnDelivered);
                    return;
                }
                catch (ProduceException<byte[]?, byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                {
                    producer.Poll(TimeSpan.FromMilliseconds(50));
                }
            }
        }

        public void OnOversize(long line) => log.WriteLine($"replay: line {line}: record exceeds the maximum size; not replayed");

        private void OnDelivered(DeliveryReport<byte[]?, byte[]> report)
        {
            lock (_gate)
            {
                if (report.Error.IsError)
                {
                    Failure ??= report.Error;
                    return;
                }

                long end = report.Offset.Value + 1;
                var partition = new PartitionId(report.Topic, report.Partition.Value);
                if (!Ends.TryGetValue(partition, out long known) || known < end)
                {
                    Ends[partition] = end;
                }
            }
        }
    }
}
