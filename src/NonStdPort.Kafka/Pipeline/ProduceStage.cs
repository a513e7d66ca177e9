using System.Threading.Channels;
using Confluent.Kafka;

namespace NonStdPort.Kafka.Pipeline;

/// <summary>
/// Reads output chunks from the bounded channel and hands them to the one shared producer.
/// When librdkafka's queue is full (a slow or unavailable output topic) it waits, the channel
/// fills, and the consume loops pause their partitions: memory stays bounded.
/// </summary>
internal sealed class ProduceStage(IProducer<byte[]?, byte[]> producer, ChannelReader<OutputChunk> reader, Action<string> fail)
{
    private static readonly TimeSpan QueueFullBackoff = TimeSpan.FromMilliseconds(5);

    public async Task RunAsync(CancellationToken hardStop)
    {
        try
        {
            while (await reader.WaitToReadAsync(hardStop).ConfigureAwait(false))
            {
                while (reader.TryRead(out var chunk))
                {
                    if (chunk.Tracker is null || chunk.Tracker.IsAbandoned)
                    {
                        // Its partition was given up; the next owner reads it again from the committed offset.
                        chunk.Release();
                        continue;
                    }

                    // Snapshot the records: a fast delivery of the last one releases the chunk.
                    int count = chunk.Records.Count;
                    for (int i = 0; i < count; i++)
                    {
                        var record = chunk.Records[i];
                        if (!await ProduceAsync(record, chunk.OnDelivered, hardStop).ConfigureAwait(false))
                        {
                            return;
                        }
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Shutdown deadline: what was not produced stays uncommitted and is read again after a restart.
        }
    }

    private async Task<bool> ProduceAsync(OutputRecord record, Action<DeliveryReport<byte[]?, byte[]>> onDelivered, CancellationToken hardStop)
    {
        while (true)
        {
            try
            {
                producer.Produce(record.Topic, record.Message, onDelivered);
                return true;
            }
            catch (ProduceException<byte[]?, byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                await Task.Delay(QueueFullBackoff, hardStop).ConfigureAwait(false);
            }
            catch (ProduceException<byte[]?, byte[]> e)
            {
                fail($"cannot produce to {record.Topic}: {e.Error.Reason}");
                return false;
            }
        }
    }
}
