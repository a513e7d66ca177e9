using NonStdPort.Kafka.Pipeline;

namespace NonStdPort.Kafka.Tests.Units;

/// <summary>The committable offset: never past an unacknowledged output, never backwards.</summary>
public sealed class OffsetTrackerTests
{
    [Fact]
    public void Nothing_is_committable_before_the_first_record()
    {
        Assert.Equal(-1, new OffsetTracker().Committable);
    }

    [Fact]
    public void A_record_without_outputs_and_nothing_before_it_completes_at_once()
    {
        var tracker = new OffsetTracker();
        Assert.Equal(-1, tracker.Add(41, hasOutputs: false));
        Assert.Equal(42, tracker.Committable);
        Assert.Equal(0, tracker.InFlight);
    }

    [Fact]
    public void A_record_with_outputs_completes_only_when_acknowledged()
    {
        var tracker = new OffsetTracker();
        long seq = tracker.Add(10, hasOutputs: true);
        Assert.Equal(-1, tracker.Committable);
        tracker.Ack(seq);
        Assert.Equal(11, tracker.Committable);
    }

    [Fact]
    public void Later_records_wait_for_an_unacknowledged_earlier_one()
    {
        var tracker = new OffsetTracker();
        long first = tracker.Add(0, hasOutputs: true);
        tracker.Add(1, hasOutputs: false);
        long third = tracker.Add(2, hasOutputs: true);
        tracker.Add(3, hasOutputs: false);

        tracker.Ack(third);
        Assert.Equal(-1, tracker.Committable);

        tracker.Ack(first);
        Assert.Equal(4, tracker.Committable);
        Assert.Equal(0, tracker.InFlight);
    }

    [Fact]
    public void Acknowledgements_in_any_order_only_ever_move_the_offset_forward_to_the_first_gap()
    {
        var tracker = new OffsetTracker();
        var seqs = Enumerable.Range(0, 1000).Select(i => tracker.Add(i * 2, hasOutputs: true)).ToArray();
        var order = seqs.OrderBy(s => (s * 7919) % 1000).ToArray();
        var acked = new HashSet<long>();
        long last = -1;
        foreach (long seq in order)
        {
            tracker.Ack(seq);
            acked.Add(seq);
            int leading = 0;
            while (leading < seqs.Length && acked.Contains(seqs[leading]))
            {
                leading++;
            }

            // Record i sits at offset 2i: complete up to the last of the leading acknowledged records.
            long expected = leading == 0 ? -1 : (leading - 1) * 2 + 1;
            Assert.Equal(expected, tracker.Committable);
            Assert.True(tracker.Committable >= last);
            last = tracker.Committable;
        }
    }

    [Fact]
    public async Task An_abandoned_partition_ignores_late_acknowledgements_and_wakes_waiters()
    {
        var tracker = new OffsetTracker();
        long seq = tracker.Add(5, hasOutputs: true);
        var waiter = Task.Run(() => tracker.WaitIdle(TimeSpan.FromSeconds(30)));
        tracker.Abandon();
        Assert.False(await waiter.WaitAsync(TimeSpan.FromSeconds(10)));
        tracker.Ack(seq);
        Assert.Equal(-1, tracker.Committable);
        Assert.True(tracker.IsAbandoned);
    }

    [Fact]
    public async Task Waiting_for_idle_returns_once_the_last_output_is_acknowledged()
    {
        var tracker = new OffsetTracker();
        long seq = tracker.Add(0, hasOutputs: true);
        Assert.False(tracker.WaitIdle(TimeSpan.FromMilliseconds(10)));
        var waiter = Task.Run(() => tracker.WaitIdle(TimeSpan.FromSeconds(30)));
        tracker.Ack(seq);
        Assert.True(await waiter.WaitAsync(TimeSpan.FromSeconds(10)));
    }
}
