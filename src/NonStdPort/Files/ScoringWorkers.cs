using NonStdPort.Core;
using NonStdPort.Core.Detect;

namespace NonStdPort.Cli.Files;

/// <summary>
/// Scoring threads for <c>score</c> on a multi-core machine: each takes whole chunks of framed
/// records and scores every record that needs no detection state, with its own engine; the
/// records that do need state are left, marked, for the ordered stage on the reading thread.
/// Chunks are handed over under one lock and finish in any order; the ordered stage waits for
/// each in input order.
/// </summary>
internal sealed class ScoringWorkers : IDisposable
{
    private readonly Queue<RecordChunk> _pending = new();
    private readonly object _gate = new();
    private readonly object _scored = new();
    private readonly IStatelessScorer[] _scorers;
    private readonly Thread[] _threads;
    private bool _stopping;

    /// <summary>Starts one thread per scorer.</summary>
    public ScoringWorkers(IStatelessScorer[] scorers)
    {
        _scorers = scorers;
        _threads = new Thread[scorers.Length];
        for (int i = 0; i < scorers.Length; i++)
        {
            IStatelessScorer scorer = scorers[i];
            _threads[i] = new Thread(() => Work(scorer)) { IsBackground = true, Name = "score worker " + i };
            _threads[i].Start();
        }
    }

    /// <summary>Number of scoring threads.</summary>
    public int Count => _scorers.Length;

    /// <summary>Queues <paramref name="chunk"/> for scoring.</summary>
    public void Score(RecordChunk chunk)
    {
        lock (_gate)
        {
            _pending.Enqueue(chunk);
            Monitor.Pulse(_gate);
        }
    }

    /// <summary>Blocks until <paramref name="chunk"/> is scored; rethrows what failed a worker.</summary>
    public void WaitScored(RecordChunk chunk)
    {
        if (!chunk.IsScored)
        {
            lock (_scored)
            {
                while (!chunk.IsScored)
                {
                    Monitor.Wait(_scored);
                }
            }
        }

        if (chunk.Failure is { } failure)
        {
            throw new InvalidOperationException("A scoring thread failed.", failure);
        }
    }

    /// <summary>Adds every worker's totals to <paramref name="totals"/> (exact once the chunks are scored).</summary>
    public void AddCounters(EngineCounters totals)
    {
        foreach (IStatelessScorer scorer in _scorers)
        {
            totals.Add(scorer.Counters);
        }
    }

    /// <summary>Stops the threads once the queue is empty.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _stopping = true;
            Monitor.PulseAll(_gate);
        }

        foreach (Thread thread in _threads)
        {
            thread.Join();
        }
    }

    private void Work(IStatelessScorer scorer)
    {
        while (true)
        {
            RecordChunk chunk;
            lock (_gate)
            {
                while (_pending.Count == 0)
                {
                    if (_stopping)
                    {
                        return;
                    }

                    Monitor.Wait(_gate);
                }

                chunk = _pending.Dequeue();
            }

            try
            {
                ScoreChunk(scorer, chunk);
            }
            catch (Exception e)
            {
                chunk.Failure = e;
            }

            chunk.MarkScored();
            lock (_scored)
            {
                Monitor.PulseAll(_scored);
            }
        }
    }

    private static void ScoreChunk(IStatelessScorer scorer, RecordChunk chunk)
    {
        string file = chunk.File;
        foreach (ref ChunkRecord record in chunk.Records)
        {
            if (record.Status != ChunkRecordStatus.Oversize)
            {
                bool done = scorer.TryProcess(chunk.Bytes(record), SourceRef.FromFile(file, record.Line), chunk.Batch, out RecordOutcome outcome);
                record.Status = !done ? ChunkRecordStatus.Deferred
                    : outcome.Kind == OutcomeKind.Malformed ? ChunkRecordStatus.Malformed
                    : ChunkRecordStatus.Done;
                record.Reason = outcome.Malformed;
            }

            record.EntryEnd = chunk.Batch.Count;
        }
    }
}
