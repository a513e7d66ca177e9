using Confluent.Kafka;

namespace NonStdPort.Kafka.Pipeline;

/// <summary>
/// How a consume loop's completed input offsets become committed: the one seam between the
/// <see cref="PartitionLedger"/> (which knows what is complete) and the group. At-least-once
/// (<see cref="StoredOffsetCommit"/>) stores offsets and commits them on a timer; an
/// exactly-once strategy sends them in the producer's transaction instead. Called on the loop's
/// thread only, rebalance callbacks included.
/// </summary>
internal interface ICommitStrategy
{
    /// <summary>Sets the consumer settings the strategy depends on (auto commit, offset store).</summary>
    void Configure(ConsumerConfig config);

    /// <summary>
    /// A partition's completed prefix moved: <paramref name="next"/> is the first offset not yet
    /// complete. Returns false when it could not be recorded (it is offered again later).
    /// </summary>
    bool Complete(IConsumer<Null, Null> consumer, TopicPartitionOffset next);

    /// <summary>
    /// Called on every turn of the loop: commits what is complete when it is time to.
    /// <paramref name="rebalancing"/> is true between a cooperative revoke and the assignment
    /// that ends the rebalance, when a commit would be refused. Returns false when the group
    /// refused a commit because a rebalance has begun that no callback has announced yet.
    /// </summary>
    bool Tick(IConsumer<Null, Null> consumer, bool rebalancing);

    /// <summary>
    /// Partitions are being revoked: make their completed offsets durable now, before their next
    /// owner starts reading (cooperative rebalance: the other partitions keep going).
    /// </summary>
    void CommitRevoked(IConsumer<Null, Null> consumer, IReadOnlyList<TopicPartitionOffset> offsets);

    /// <summary>
    /// The last commit before leaving the group, retried while a rebalance holds it up (serving the
    /// group through <paramref name="serve"/>) until <paramref name="deadline"/>. Returns false when
    /// it did not complete.
    /// </summary>
    bool CommitFinal(IConsumer<Null, Null> consumer, Action serve, CancellationToken deadline);
}
