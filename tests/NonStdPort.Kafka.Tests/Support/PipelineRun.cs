using NonStdPort.Kafka.Pipeline;

namespace NonStdPort.Kafka.Tests.Support;

/// <summary>A pipeline running in the background of a test; disposing stops it gracefully.</summary>
internal sealed class PipelineRun : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly StringWriter _log = new();
    private readonly Task<PipelineTotals> _task;

    public PipelineRun(PipelineOptions options, Func<IRecordProcessor>? processor = null, Func<Action<string>, ICommitStrategy>? commit = null)
    {
        Pipeline = new KafkaPipeline(options, processor ?? (() => new FakeProcessor()), TextWriter.Synchronized(_log), commit);
        _task = Task.Run(() => Pipeline.RunAsync(_stop.Token));
    }

    public KafkaPipeline Pipeline { get; }

    public string Log => _log.ToString();

    /// <summary>Stops gracefully and returns the final totals.</summary>
    public PipelineTotals Stop(TimeSpan? timeout = null)
    {
        _stop.Cancel();
        if (!_task.Wait(timeout ?? TimeSpan.FromSeconds(60)))
        {
            Assert.Fail("the pipeline did not stop in time; log:\n" + Log);
        }

        return _task.Result;
    }

    /// <summary>Waits until every partition's committed offset reaches the topic's end.</summary>
    public void WaitCommitted(string topic, Dictionary<int, long> ends, TimeSpan timeout) =>
        Wait.Until(
            () =>
            {
                Assert.True(_task.IsCompleted is false || _task.Exception is null, "pipeline crashed: " + _task.Exception);
                var committed = Pipeline.CommittedOffsets;
                return ends.All(e => e.Value == 0 || (committed.TryGetValue(new PartitionId(topic, e.Key), out long c) && c >= e.Value));
            },
            timeout,
            () => $"input offsets of {topic} stored up to its end; totals {Pipeline.Totals}, paused {Pipeline.IsPaused}, " +
                  $"committed {string.Join(" ", Pipeline.CommittedOffsets.Select(c => $"{c.Key.Partition}={c.Value}"))}, " +
                  $"ends {string.Join(" ", ends.Select(e => $"{e.Key}={e.Value}"))}; log:\n{Log}");

    public void Dispose()
    {
        if (!_task.IsCompleted)
        {
            Stop();
        }

        _stop.Dispose();
    }
}
