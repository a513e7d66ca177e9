using System.Collections.Concurrent;
using Confluent.Kafka;

namespace NonStdPort.Kafka.Pipeline;

/// <summary>
/// One consume loop's books, per assigned partition: the offsets in flight with outstanding
/// outputs (<see cref="OffsetTracker"/>), the offset after the last record consumed (where a
/// resumed fetch restarts), and how far the completed prefix has been handed to the
/// <see cref="ICommitStrategy"/>. Used on the loop's thread; acknowledgements reach the trackers
/// from the producer's delivery thread.
/// </summary>
internal sealed class PartitionLedger(ICommitStrategy commit, ConcurrentDictionary<PartitionId, long> completed)
{
    private readonly Dictionary<TopicPartition, Entry> _entries = [];
    private int _count;

    /// <summary>Partitions held now; safe to read from any thread.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>The commit strategy the ledger hands completed offsets to.</summary>
    public ICommitStrategy Commit => commit;

    /// <summary>The entries of the partitions held now.</summary>
    public Dictionary<TopicPartition, Entry>.ValueCollection Entries => _entries.Values;

    /// <summary>Starts the books of newly assigned partitions.</summary>
    public void Assign(List<TopicPartition> partitions)
    {
        foreach (var partition in partitions)
        {
            For(partition);
        }
    }

    /// <summary>
    /// Records a consumed message; returns its tracker and sequence number when it has outputs
    /// to wait for (the chunk acknowledges it), else a sequence of -1.
    /// </summary>
    public (OffsetTracker Tracker, long Sequence) Consumed(TopicPartition partition, long offset, bool hasOutputs)
    {
        var entry = For(partition);
        entry.Next = offset + 1;
        return (entry.Tracker, entry.Tracker.Add(offset, hasOutputs));
    }

    /// <summary>The offset after the last record consumed from <paramref name="partition"/>, or -1.</summary>
    public long NextOf(TopicPartition partition) => _entries.TryGetValue(partition, out var entry) ? entry.Next : -1;

    /// <summary>Hands every partition's newly completed prefix to the commit strategy.</summary>
    public void StoreCompleted(IConsumer<Null, Null> consumer)
    {
        foreach (var entry in _entries.Values)
        {
            Store(consumer, entry);
        }
    }

    /// <summary>
    /// Takes the books of partitions being revoked or lost out of the ledger (their trackers
    /// abandoned, so outputs still in flight no longer count) and returns them.
    /// </summary>
    public List<Entry> Remove(List<TopicPartitionOffset> partitions)
    {
        var removed = new List<Entry>(partitions.Count);
        foreach (var tpo in partitions)
        {
            if (_entries.Remove(tpo.TopicPartition, out var entry))
            {
                entry.Tracker.Abandon();
                removed.Add(entry);
            }
        }

        Volatile.Write(ref _count, _entries.Count);
        return removed;
    }

    /// <summary>The entries of <paramref name="partitions"/> this ledger holds.</summary>
    public List<Entry> Find(List<TopicPartitionOffset> partitions)
    {
        var found = new List<Entry>(partitions.Count);
        foreach (var tpo in partitions)
        {
            if (_entries.TryGetValue(tpo.TopicPartition, out var entry))
            {
                found.Add(entry);
            }
        }

        return found;
    }

    /// <summary>Stores and commits, at once, what is complete of partitions about to be revoked.</summary>
    public void CommitRevoked(IConsumer<Null, Null> consumer, List<Entry> revoked)
    {
        var offsets = new List<TopicPartitionOffset>(revoked.Count);
        foreach (var entry in revoked)
        {
            Store(consumer, entry);
            if (entry.Stored >= 0)
            {
                offsets.Add(new TopicPartitionOffset(entry.Partition, entry.Stored));
            }
        }

        commit.CommitRevoked(consumer, offsets);
    }

    private void Store(IConsumer<Null, Null> consumer, Entry entry)
    {
        long committable = entry.Tracker.Committable;
        if (committable > entry.Stored && commit.Complete(consumer, new TopicPartitionOffset(entry.Partition, committable)))
        {
            entry.Stored = committable;
            completed[entry.Id] = committable;
        }
    }

    private Entry For(TopicPartition partition)
    {
        if (!_entries.TryGetValue(partition, out var entry))
        {
            entry = new Entry(partition);
            _entries.Add(partition, entry);
            Volatile.Write(ref _count, _entries.Count);
        }

        return entry;
    }

    /// <summary>The books of one partition.</summary>
    internal sealed class Entry(TopicPartition partition)
    {
        public TopicPartition Partition { get; } = partition;

        /// <summary>The partition as the pipeline's public surface names it.</summary>
        public PartitionId Id { get; } = new(partition.Topic, partition.Partition.Value);

        public OffsetTracker Tracker { get; } = new();

        /// <summary>The last offset handed to the commit strategy, or -1.</summary>
        public long Stored { get; set; } = -1;

        /// <summary>The offset after the last record consumed, or -1 before the first.</summary>
        public long Next { get; set; } = -1;
    }
}
