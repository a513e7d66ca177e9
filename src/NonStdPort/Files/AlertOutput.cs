using System.Buffers;
using System.IO.Pipelines;
using NonStdPort.Core.Write;

namespace NonStdPort.Cli.Files;

/// <summary>Where the file pipeline puts the alerts of each drained batch.</summary>
internal abstract class AlertOutput
{
    /// <summary>Unflushed bytes above which the output is flushed: large blocks, few writes.</summary>
    protected const int FlushThreshold = 256 * 1024;

    /// <summary>Takes the alerts in <paramref name="batch"/> and clears it.</summary>
    public abstract ValueTask TakeAsync(AlertBatch batch, CancellationToken cancellationToken);

    /// <summary>Writes whatever is held back and flushes.</summary>
    public abstract ValueTask CompleteAsync(CancellationToken cancellationToken);

    /// <summary>Sends the alerts taken so far, when the input has nothing more ready (a slow pipe): each one goes out live.</summary>
    public abstract ValueTask FlushTakenAsync(CancellationToken cancellationToken);

    /// <summary>Flushes <paramref name="writer"/> once enough bytes are pending.</summary>
    protected static async ValueTask FlushWhenLargeAsync(PipeWriter writer, CancellationToken cancellationToken)
    {
        if (!writer.CanGetUnflushedBytes || writer.UnflushedBytes >= FlushThreshold)
        {
            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}

/// <summary>Writes alerts as they come, in input order, as NDJSON.</summary>
internal sealed class OrderedAlertOutput(PipeWriter writer) : AlertOutput
{
    /// <inheritdoc />
    public override ValueTask TakeAsync(AlertBatch batch, CancellationToken cancellationToken)
    {
        if (batch.WrittenCount == 0)
        {
            return ValueTask.CompletedTask;
        }

        writer.Write(batch.WrittenSpan);
        batch.Clear();
        return FlushWhenLargeAsync(writer, cancellationToken);
    }

    /// <inheritdoc />
    public override async ValueTask CompleteAsync(CancellationToken cancellationToken) =>
        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public override async ValueTask FlushTakenAsync(CancellationToken cancellationToken)
    {
        if (!writer.CanGetUnflushedBytes || writer.UnflushedBytes > 0)
        {
            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}

/// <summary>Keeps only the N highest-ranked alerts (see <see cref="TopAlerts"/>) and writes them, best first, at the end.</summary>
internal sealed class TopAlertOutput(PipeWriter writer, int count) : AlertOutput
{
    private readonly TopAlerts _top = new(count);

    /// <inheritdoc />
    public override ValueTask TakeAsync(AlertBatch batch, CancellationToken cancellationToken)
    {
        for (int i = 0; i < batch.Count; i++)
        {
            ref readonly AlertEntry entry = ref batch[i];
            _top.Offer(batch.Json(entry), entry.RiskScore, entry.EventTimeTicks);
        }

        batch.Clear();
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public override async ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        _top.WriteTo(writer);
        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>Nothing to send: the ranking is only known at the end of input.</remarks>
    public override ValueTask FlushTakenAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
