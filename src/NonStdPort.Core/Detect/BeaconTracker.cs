using NonStdPort.Core.Detect.State;
using NonStdPort.Core.Rules;

namespace NonStdPort.Core.Detect;

/// <summary>What one connection did to its beacon key.</summary>
internal enum BeaconVerdict : byte
{
    /// <summary>Recorded; the key is not (newly) beaconing.</summary>
    Tracked = 0,
    /// <summary>The key started beaconing with this connection: raise one alert.</summary>
    Started,
    /// <summary>Arrived more than <c>max_lateness</c> behind its key's newest connection: counted, not used.</summary>
    Late,
}

/// <summary>The result of <see cref="BeaconTracker.Observe"/>; the statistics are set when <see cref="Verdict"/> is <see cref="BeaconVerdict.Started"/>.</summary>
/// <param name="Verdict">What the connection did.</param>
/// <param name="Count">Connections of the key in its current episode (since it was first seen or re-armed).</param>
/// <param name="MedianInterval">Median of the last N - 1 intervals.</param>
/// <param name="Jitter">Median absolute deviation of those intervals over their median.</param>
/// <param name="FirstSeen">Event time of the episode's first connection (UTC ticks).</param>
/// <param name="LastSeen">Event time of the newest connection (UTC ticks).</param>
internal readonly record struct BeaconObservation(
    BeaconVerdict Verdict,
    int Count,
    TimeSpan MedianInterval,
    double Jitter,
    long FirstSeen,
    long LastSeen);

/// <summary>
/// Finds periodic outbound connections, streaming on event time. A key is (host, image path
/// compared case-insensitively, destination address, destination port). A key beacons when its
/// last N connections have intervals whose median lies in [min_interval, max_interval] and whose
/// jitter (median absolute deviation / median) is at most max_jitter. It is reported once when it
/// starts beaconing and re-armed after a quiet gap longer than 3 × that median.
/// A record up to max_lateness behind its key's newest connection is used in time order; an older
/// one is counted and ignored. Lateness is judged per key, not against the partition's newest event
/// time, because a partition carries many hosts whose clocks disagree: a host running minutes ahead
/// must not make every other host's records late. At most max_keys keys are held (least recently
/// used evicted); a key silent for max_interval × N (against the newest event time seen) expires.
/// Once a key exists, observing it allocates nothing.
/// One instance per engine (thread / Kafka partition).
/// </summary>
internal sealed class BeaconTracker
{
    private const long NotBeaconing = 0;
    private const int QuietFactor = 3;

    private readonly BeaconOptions _options;
    private readonly int _n;
    private readonly long _minInterval;
    private readonly long _maxInterval;
    private readonly long _maxLateness;
    private readonly long _expiry;
    private readonly KeyedStateTable _table;
    private readonly StateKeyBuilder _key = new();
    private readonly long[] _scratch; // the interval maths of one key

    private KeyState[] _states;
    private long[] _times; // N per slot, ascending; the newest N connections of the key
    private long _watermark = long.MinValue;

    private struct KeyState
    {
        public long FirstSeen;
        public long AlertMedian; // the median interval when the key was reported; 0 when armed
        public int Count;
        public int Stored; // timestamps held in the key's row of _times
    }

    /// <summary>Creates a tracker; throws <see cref="ArgumentException"/> when the options are out of range.</summary>
    public BeaconTracker(BeaconOptions options)
    {
        if (DetectionOptionsValidator.Beacon(options) is { } error)
        {
            throw new ArgumentException(error, nameof(options));
        }

        _options = options;
        _n = options.Count;
        _minInterval = options.MinInterval.Ticks;
        _maxInterval = options.MaxInterval.Ticks;
        _maxLateness = options.MaxLateness.Ticks;
        _expiry = options.MaxInterval.Ticks > long.MaxValue / options.Count ? long.MaxValue : options.MaxInterval.Ticks * options.Count;
        _table = new KeyedStateTable(options.MaxKeys);
        _scratch = new long[_n];
        _states = new KeyState[_table.SlotCapacity];
        _times = new long[_table.SlotCapacity * _n];
    }

    /// <summary>The parameters in force.</summary>
    public BeaconOptions Options => _options;

    /// <summary>Keys held now.</summary>
    public int Keys => _table.Count;

    /// <summary>Keys evicted because <c>max_keys</c> was reached.</summary>
    public long Evicted { get; private set; }

    /// <summary>Keys dropped after <c>max_interval × N</c> of silence.</summary>
    public long Expired { get; private set; }

    /// <summary>Records too late to use.</summary>
    public long Late { get; private set; }

    /// <summary>Keys reported as having started beaconing.</summary>
    public long Started { get; private set; }

    /// <summary>
    /// Records one outbound candidate connection at <paramref name="eventTime"/> (UTC ticks). The host
    /// and image are compared case-insensitively; the destination address is compared as given, so
    /// callers pass it in one normal form (the engine passes the parsed 16-byte address).
    /// </summary>
    public BeaconObservation Observe(
        ReadOnlySpan<byte> host,
        ReadOnlySpan<byte> image,
        ReadOnlySpan<byte> destinationAddress,
        ushort destinationPort,
        long eventTime)
    {
        if (eventTime > _watermark)
        {
            _watermark = eventTime;
            ExpireSilentKeys();
        }

        ReadOnlySpan<byte> key = _key.Clear()
            .AppendFolded(host)
            .AppendFolded(image)
            .Append(destinationAddress)
            .Append(destinationPort)
            .Key;
        int hash = KeyedStateTable.Hash(key);
        int slot = _table.Find(key, hash);
        if (slot < 0)
        {
            slot = _table.Add(key, hash, 0, out int evicted);
            Evicted += evicted;
            EnsureCapacity();
            StartEpisode(slot, eventTime);
            return Tracked(slot);
        }

        ref KeyState state = ref _states[slot];
        Span<long> times = _times.AsSpan(slot * _n, _n);
        long newest = times[state.Stored - 1];
        if (newest - eventTime > _maxLateness)
        {
            Late++;
            return new BeaconObservation(BeaconVerdict.Late, state.Count, default, 0, state.FirstSeen, newest);
        }

        _table.Touch(slot);
        if (eventTime >= newest)
        {
            long gap = eventTime - newest;
            if (gap > _expiry || (state.AlertMedian != NotBeaconing && gap > QuietFactor * state.AlertMedian))
            {
                StartEpisode(slot, eventTime);
                return Tracked(slot);
            }

            Append(ref state, times, eventTime);
        }
        else
        {
            InsertInOrder(ref state, times, eventTime);
        }

        state.Count++;
        state.FirstSeen = Math.Min(state.FirstSeen, eventTime);
        if (state.AlertMedian != NotBeaconing || state.Stored < _n)
        {
            return Tracked(slot);
        }

        (long median, double jitter) = IntervalStatistics(times, _scratch);
        if (median < _minInterval || median > _maxInterval || jitter > _options.MaxJitter)
        {
            return Tracked(slot);
        }

        state.AlertMedian = Math.Max(median, 1);
        Started++;
        return new BeaconObservation(BeaconVerdict.Started, state.Count, TimeSpan.FromTicks(median), jitter, state.FirstSeen, times[_n - 1]);
    }

    /// <summary>The median interval and the jitter of ascending timestamps, using <paramref name="scratch"/> (one shorter at least).</summary>
    internal static (long Median, double Jitter) IntervalStatistics(ReadOnlySpan<long> ascendingTimes, Span<long> scratch)
    {
        Span<long> values = scratch[..(ascendingTimes.Length - 1)];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = ascendingTimes[i + 1] - ascendingTimes[i];
        }

        values.Sort();
        long median = Median(values);
        if (median <= 0)
        {
            return (0, double.PositiveInfinity);
        }

        for (int i = 0; i < values.Length; i++)
        {
            values[i] = Math.Abs(values[i] - median);
        }

        values.Sort();
        return (median, (double)Median(values) / median);
    }

    private static long Median(ReadOnlySpan<long> sorted)
    {
        int middle = sorted.Length / 2;
        return (sorted.Length & 1) == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private BeaconObservation Tracked(int slot) =>
        new(BeaconVerdict.Tracked, _states[slot].Count, default, 0, _states[slot].FirstSeen, 0);

    private void StartEpisode(int slot, long eventTime)
    {
        _states[slot] = new KeyState { FirstSeen = eventTime, Count = 1, Stored = 1 };
        _times[slot * _n] = eventTime;
    }

    private void Append(ref KeyState state, Span<long> times, long eventTime)
    {
        if (state.Stored == _n)
        {
            times[1..].CopyTo(times);
            times[_n - 1] = eventTime;
        }
        else
        {
            times[state.Stored++] = eventTime;
        }
    }

    // A record that arrived out of order (but within max_lateness) takes its place in time order;
    // when it is older than every stored connection of a full row it falls outside the window.
    private void InsertInOrder(ref KeyState state, Span<long> times, long eventTime)
    {
        int position = state.Stored;
        while (position > 0 && times[position - 1] > eventTime)
        {
            position--;
        }

        if (state.Stored < _n)
        {
            times[position..state.Stored].CopyTo(times[(position + 1)..]);
            times[position] = eventTime;
            state.Stored++;
        }
        else if (position > 0)
        {
            times[1..position].CopyTo(times);
            times[position - 1] = eventTime;
        }
    }

    // Keys are touched in arrival order, so the least recently used end holds the longest-silent
    // keys; drop them while they have been silent for longer than the expiry.
    private void ExpireSilentKeys()
    {
        for (int slot = _table.LeastRecentlyUsed; slot >= 0; slot = _table.LeastRecentlyUsed)
        {
            long newest = _times[slot * _n + _states[slot].Stored - 1];
            if (_watermark - newest <= _expiry)
            {
                return;
            }

            _table.Remove(slot);
            Expired++;
        }
    }

    private void EnsureCapacity()
    {
        if (_states.Length < _table.SlotCapacity)
        {
            Array.Resize(ref _states, _table.SlotCapacity);
            Array.Resize(ref _times, _table.SlotCapacity * _n);
        }
    }
}
