using System.Collections.Concurrent;
using System.Threading.Channels;

namespace NonStdPort.Kafka.Pipeline;

/// <summary>What every consume loop of one pipeline shares: options, the hand-off to the producer stage, the stop, the log.</summary>
/// <param name="Options">The pipeline's options.</param>
/// <param name="ProcessorFactory">Makes each loop's engine (it owns detection state).</param>
/// <param name="Output">The bounded channel to the producer stage.</param>
/// <param name="PendingCount">Chunks waiting in that channel.</param>
/// <param name="Pool">Output chunks, reused.</param>
/// <param name="Counters">Delivery and flow counters.</param>
/// <param name="Shutdown">Orders the stop across threads.</param>
/// <param name="Completed">The completed offset per partition, for <see cref="KafkaPipeline.CommittedOffsets"/>.</param>
/// <param name="Log">The pipeline's own lines.</param>
/// <param name="ClientLog">librdkafka's lines (rate-limited).</param>
/// <param name="Fail">Stops the pipeline with a reason.</param>
internal sealed record PipelineContext(
    PipelineOptions Options,
    Func<IRecordProcessor> ProcessorFactory,
    ChannelWriter<OutputChunk> Output,
    Func<int> PendingCount,
    ChunkPool Pool,
    PipelineCounters Counters,
    ShutdownCoordinator Shutdown,
    ConcurrentDictionary<PartitionId, long> Completed,
    Action<string> Log,
    Action<string> ClientLog,
    Action<string> Fail);
