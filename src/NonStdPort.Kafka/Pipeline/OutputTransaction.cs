using Confluent.Kafka;

namespace NonStdPort.Kafka.Pipeline;

/// <summary>How an attempt to end a transaction came out.</summary>
internal enum TransactionEnd
{
    /// <summary>Committed: its outputs and input offsets are visible together.</summary>
    Committed,

    /// <summary>Aborted: none of its outputs is visible and no offset moved; its input must be read again.</summary>
    Aborted,

    /// <summary>Neither could be confirmed before the deadline, or the producer failed for good.</summary>
    Failed,
}

/// <summary>
/// One consumer's transactional producer: opens a transaction on the first output or offset,
/// produces into it, and ends it with the input offsets sent to the group coordinator in the
/// same transaction (KIP-447: the consumer's group metadata lets the broker fence a member of
/// an older generation). Retriable errors are retried until the deadline; an abortable one
/// aborts; a fatal one (fenced by another producer with the same transactional.id) fails.
/// </summary>
internal sealed class OutputTransaction : IDisposable
{
    /// <summary>One attempt at an API call; retriable failures are tried again until the deadline.</summary>
    private static readonly TimeSpan Attempt = TimeSpan.FromSeconds(5);

    private readonly IProducer<byte[]?, byte[]> _producer;
    private readonly Action<string> _log;
    private readonly Action<DeliveryReport<byte[]?, byte[]>> _onDelivered;
    private string? _deliveryError;

    public OutputTransaction(ProducerConfig config, Action<string> clientLog, Action<string> log)
    {
        _log = log;
        _onDelivered = OnDelivered;
        _producer = new ProducerBuilder<byte[]?, byte[]>(config)
            .SetLogHandler(KafkaLog.To(clientLog))
            .SetErrorHandler((_, error) =>
            {
                if (!error.IsFatal)
                {
                    clientLog("kafka: " + error.Reason);
                }
            })
            .Build();
        TransactionalId = config.TransactionalId;
    }

    /// <summary>The producer's transactional.id.</summary>
    public string TransactionalId { get; }

    /// <summary>True while a transaction is open.</summary>
    public bool IsOpen { get; private set; }

    /// <summary>Outputs produced in the open transaction.</summary>
    public int Outputs { get; private set; }

    /// <summary>Alerts produced in the open transaction.</summary>
    public int Alerts { get; private set; }

    /// <summary>Why the producer failed for good, once it has.</summary>
    public string? Fatal { get; private set; }

    /// <summary>
    /// Registers the transactional.id with its coordinator, which completes (aborts) any
    /// transaction a previous process with the same id left open. False when it failed.
    /// </summary>
    public bool Initialize(CancellationToken deadline)
    {
        while (!deadline.IsCancellationRequested)
        {
            try
            {
                _producer.InitTransactions(Attempt);
                return true;
            }
            catch (KafkaRetriableException e)
            {
                _log($"transactional.id {TransactionalId}: init: {e.Error.Reason}; retrying");
            }
            catch (KafkaException e) when (e.Error.Code == ErrorCode.Local_TimedOut)
            {
                // The coordinator is not reachable yet; the connect timeout watches that.
            }
            catch (KafkaException e)
            {
                Fatal = $"transactional.id {TransactionalId}: cannot initialise transactions: {e.Error.Reason}";
                return false;
            }
        }

        return false;
    }

    /// <summary>Opens a transaction unless one is open.</summary>
    public void Begin()
    {
        if (IsOpen)
        {
            return;
        }

        _producer.BeginTransaction();
        IsOpen = true;
        Outputs = 0;
        Alerts = 0;
        Volatile.Write(ref _deliveryError, null);
    }

    /// <summary>Produces one output into the open transaction, waiting for queue room until the deadline.</summary>
    public bool Produce(in OutputRecord record, CancellationToken deadline)
    {
        while (true)
        {
            try
            {
                _producer.Produce(record.Topic, record.Message, _onDelivered);
                Outputs++;
                if (record.IsAlert)
                {
                    Alerts++;
                }

                return true;
            }
            catch (ProduceException<byte[]?, byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull && !deadline.IsCancellationRequested)
            {
                // Messages time out within transaction.timeout.ms, so the queue cannot stay full for ever.
                _producer.Poll(TimeSpan.FromMilliseconds(50));
            }
            catch (ProduceException<byte[]?, byte[]> e)
            {
                Volatile.Write(ref _deliveryError, $"cannot produce to {record.Topic}: {e.Error.Reason}");
                return false;
            }
        }
    }

    /// <summary>
    /// Ends the open transaction: sends <paramref name="offsets"/> (the next record to read per
    /// input partition) with <paramref name="group"/>, then commits. Any failure that leaves the
    /// transaction abortable aborts it. <paramref name="deadline"/> bounds the retries.
    /// </summary>
    public TransactionEnd Commit(List<TopicPartitionOffset> offsets, IConsumerGroupMetadata group, CancellationToken deadline)
    {
        if (!IsOpen)
        {
            return TransactionEnd.Committed;
        }

        if (Volatile.Read(ref _deliveryError) is { } failed)
        {
            _log($"transactional.id {TransactionalId}: {failed}; aborting the transaction");
            return Abort(deadline);
        }

        try
        {
            if (offsets.Count > 0)
            {
                Retry(() => _producer.SendOffsetsToTransaction(offsets, group, Attempt), deadline);
            }

            Retry(() => _producer.CommitTransaction(Attempt), deadline);
            IsOpen = false;
            return TransactionEnd.Committed;
        }
        catch (KafkaTxnRequiresAbortException e)
        {
            _log($"transactional.id {TransactionalId}: commit failed: {e.Error.Reason}; aborting the transaction");
            return Abort(deadline);
        }
        catch (KafkaException e) when (!e.Error.IsFatal && e.Error.Code != ErrorCode.Local_TimedOut && !deadline.IsCancellationRequested)
        {
            _log($"transactional.id {TransactionalId}: commit failed: {e.Error.Reason}; aborting the transaction");
            return Abort(deadline);
        }
        catch (KafkaException e)
        {
            return GiveUp("commit", e);
        }
        catch (OperationCanceledException)
        {
            return TransactionEnd.Failed;
        }
    }

    /// <summary>Aborts the open transaction: none of its outputs becomes visible, no offset moves.</summary>
    public TransactionEnd Abort(CancellationToken deadline)
    {
        if (!IsOpen)
        {
            return TransactionEnd.Aborted;
        }

        try
        {
            Retry(() => _producer.AbortTransaction(Attempt), deadline);
            IsOpen = false;
            return TransactionEnd.Aborted;
        }
        catch (KafkaException e)
        {
            return GiveUp("abort", e);
        }
        catch (OperationCanceledException)
        {
            return TransactionEnd.Failed;
        }
    }

    public void Dispose() => _producer.Dispose();

    private TransactionEnd GiveUp(string what, KafkaException e)
    {
        if (e.Error.IsFatal || e.Error.Code is ErrorCode.ProducerFenced or ErrorCode.InvalidProducerEpoch)
        {
            Fatal = $"transactional.id {TransactionalId}: {what} failed: {e.Error.Reason} " +
                    "(another process uses the same transactional.id: give each instance its own --instance-id)";
        }
        else
        {
            _log($"transactional.id {TransactionalId}: {what} did not complete: {e.Error.Reason}");
        }

        return TransactionEnd.Failed;
    }

    /// <summary>Runs a transactional API call, again after a retriable failure or a timed-out attempt, until the deadline.</summary>
    private static void Retry(Action call, CancellationToken deadline)
    {
        while (true)
        {
            try
            {
                call();
                return;
            }
            catch (KafkaException e) when ((e is KafkaRetriableException || e.Error.Code == ErrorCode.Local_TimedOut) && e is not KafkaTxnRequiresAbortException)
            {
                // Coordinator moving, output leader away, broker slow: the call may be repeated.
                deadline.ThrowIfCancellationRequested();
            }
        }
    }

    private void OnDelivered(DeliveryReport<byte[]?, byte[]> report)
    {
        if (report.Error.IsError)
        {
            // The commit will fail too; the transaction is aborted and its input read again.
            Interlocked.CompareExchange(ref _deliveryError, $"delivery to {report.Topic} failed: {report.Error.Reason}", null);
        }
    }
}
