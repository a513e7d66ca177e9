using System.Buffers.Binary;
using NonStdPort.Core.Detect.State;
using NonStdPort.Core.Rules;

namespace NonStdPort.Core.Detect;

/// <summary>What lineage knows about a process: spans into the lineage state, valid until its next update.</summary>
internal readonly ref struct ProcessContext
{
    /// <summary>Creates a context.</summary>
    public ProcessContext(ReadOnlySpan<byte> parentImage, ReadOnlySpan<byte> commandLine, ReadOnlySpan<byte> parentCommandLine)
    {
        ParentImage = parentImage;
        CommandLine = commandLine;
        ParentCommandLine = parentCommandLine;
    }

    /// <summary>The parent's image path (the alert's <c>parent_process</c>).</summary>
    public ReadOnlySpan<byte> ParentImage { get; }

    /// <summary>The process's command line.</summary>
    public ReadOnlySpan<byte> CommandLine { get; }

    /// <summary>The parent's command line.</summary>
    public ReadOnlySpan<byte> ParentCommandLine { get; }
}

/// <summary>
/// Remembers, per (host, ProcessGuid), the parent image and command lines that only Sysmon
/// Event ID 1 carries, so that alerts on later records of the process can name them. Event ID 5
/// forgets a process once a grace period of event time has passed (network records of a process
/// may be logged after it exits). Bounded by a process count and a byte budget, least recently
/// used evicted first. Once a process is known, looking it up allocates nothing.
/// One instance per engine (thread / Kafka partition).
/// Event times are UTC ticks; <see cref="long.MinValue"/> stands for a record without a time.
/// A record without a ProcessGuid (empty or the <c>-</c> placeholder) is neither remembered nor found.
/// </summary>
internal sealed class ProcessLineage
{
    private const int ValueHeaderBytes = 12;
    private const long Alive = long.MaxValue;
    private static ReadOnlySpan<byte> GuidBraces => "{}"u8;

    /// <summary>The default byte budget: keys, images and command lines of the remembered processes.</summary>
    public const long DefaultMaxBytes = 256L * 1024 * 1024;

    private readonly LineageOptions _options;
    private readonly long _grace;

    // Memory of exited processes is released once the partition's newest event time is two grace
    // periods past the exit: the partition's clock is the fastest host's, so a host whose clock lags
    // still gets its whole grace period (judged on its own records' times in TryGet).
    private readonly long _sweepHorizon;
    private readonly KeyedStateTable _table;
    private readonly StateKeyBuilder _key = new();

    private long[] _terminatedAt;
    private Termination[] _terminations = new Termination[256]; // FIFO ring in event-time order of EID 5
    private int _terminationsHead;
    private int _terminationsCount;
    private long _watermark = long.MinValue;

    private readonly record struct Termination(int Slot, int Generation, long Time);

    /// <summary>
    /// Creates an empty lineage holding at most <c>max_processes</c> processes and about
    /// <paramref name="maxBytes"/> bytes of their text; throws <see cref="ArgumentException"/> when
    /// the options are out of range.
    /// </summary>
    public ProcessLineage(LineageOptions options, long maxBytes = DefaultMaxBytes)
    {
        if (DetectionOptionsValidator.Lineage(options) is { } error)
        {
            throw new ArgumentException(error, nameof(options));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1024);
        _options = options;
        _grace = options.TerminatedGrace.Ticks;
        _sweepHorizon = _grace > long.MaxValue / 2 ? long.MaxValue : _grace * 2;
        _table = new KeyedStateTable(options.MaxProcesses, maxBytes);
        _terminatedAt = new long[_table.SlotCapacity];
    }

    /// <summary>The parameters in force.</summary>
    public LineageOptions Options => _options;

    /// <summary>Processes remembered now.</summary>
    public int Processes => _table.Count;

    /// <summary>Bytes of remembered keys and text now.</summary>
    public long Bytes => _table.LiveBytes;

    /// <summary>Processes evicted by the bounds.</summary>
    public long Evicted { get; private set; }

    /// <summary>Processes forgotten after Event ID 5 and the grace period.</summary>
    public long Forgotten { get; private set; }

    /// <summary>Remembers a process from its Event ID 1 (a reused ProcessGuid replaces the old entry).</summary>
    public void Remember(
        ReadOnlySpan<byte> host,
        ReadOnlySpan<byte> processGuid,
        ReadOnlySpan<byte> parentImage,
        ReadOnlySpan<byte> commandLine,
        ReadOnlySpan<byte> parentCommandLine,
        long eventTime)
    {
        if (NetworkConnection.IsAbsent(processGuid))
        {
            return;
        }

        Advance(eventTime);
        ReadOnlySpan<byte> key = BuildKey(host, processGuid);
        int hash = KeyedStateTable.Hash(key);
        int valueLength = ValueHeaderBytes + parentImage.Length + commandLine.Length + parentCommandLine.Length;
        int slot = _table.Find(key, hash);
        if (slot >= 0 && _table.Value(slot).Length != valueLength)
        {
            _table.Remove(slot);
            slot = -1;
        }

        if (slot < 0)
        {
            slot = _table.Add(key, hash, valueLength, out int evicted);
            Evicted += evicted;
            if (_terminatedAt.Length < _table.SlotCapacity)
            {
                Array.Resize(ref _terminatedAt, _table.SlotCapacity);
            }
        }
        else
        {
            _table.Touch(slot);
        }

        _terminatedAt[slot] = Alive;
        Span<byte> value = _table.Value(slot);
        BinaryPrimitives.WriteInt32LittleEndian(value, parentImage.Length);
        BinaryPrimitives.WriteInt32LittleEndian(value[4..], commandLine.Length);
        BinaryPrimitives.WriteInt32LittleEndian(value[8..], parentCommandLine.Length);
        value = value[ValueHeaderBytes..];
        parentImage.CopyTo(value);
        commandLine.CopyTo(value[parentImage.Length..]);
        parentCommandLine.CopyTo(value[(parentImage.Length + commandLine.Length)..]);
    }

    /// <summary>Notes a process's Event ID 5: it is forgotten once the grace period has passed.</summary>
    public void Terminate(ReadOnlySpan<byte> host, ReadOnlySpan<byte> processGuid, long eventTime)
    {
        if (NetworkConnection.IsAbsent(processGuid))
        {
            return;
        }

        Advance(eventTime);
        long time = eventTime == long.MinValue ? _watermark : eventTime;
        int slot = Find(host, processGuid);
        if (slot < 0 || _terminatedAt[slot] != Alive)
        {
            return;
        }

        _terminatedAt[slot] = time;
        if (_grace == 0)
        {
            Forget(slot);
            return;
        }

        if (_terminationsCount == _terminations.Length)
        {
            if (_terminations.Length < _table.SlotCapacity)
            {
                GrowTerminations();
            }
            else
            {
                // Full at the bound: the oldest pending termination is then found on lookup instead.
                _terminationsHead = (_terminationsHead + 1) % _terminations.Length;
                _terminationsCount--;
            }
        }

        _terminations[(_terminationsHead + _terminationsCount) % _terminations.Length] = new Termination(slot, _table.Generation(slot), time);
        _terminationsCount++;
    }

    /// <summary>What is known about a process, if anything.</summary>
    public bool TryGet(ReadOnlySpan<byte> host, ReadOnlySpan<byte> processGuid, long eventTime, out ProcessContext context)
    {
        context = default;
        if (NetworkConnection.IsAbsent(processGuid) || _table.Count == 0)
        {
            return false;
        }

        Advance(eventTime);
        int slot = Find(host, processGuid);
        if (slot < 0)
        {
            return false;
        }

        // The asking record's own time (same host, same clock as the exit) decides; the partition's
        // newest time stands in only for a record without one.
        long now = eventTime == long.MinValue ? _watermark : eventTime;
        if (_terminatedAt[slot] != Alive && now - _terminatedAt[slot] > _grace)
        {
            Forget(slot);
            return false;
        }

        _table.Touch(slot);
        ReadOnlySpan<byte> value = _table.Value(slot);
        int parentImage = BinaryPrimitives.ReadInt32LittleEndian(value);
        int commandLine = BinaryPrimitives.ReadInt32LittleEndian(value[4..]);
        int parentCommandLine = BinaryPrimitives.ReadInt32LittleEndian(value[8..]);
        value = value[ValueHeaderBytes..];
        context = new ProcessContext(
            value[..parentImage],
            value.Slice(parentImage, commandLine),
            value.Slice(parentImage + commandLine, parentCommandLine));
        return true;
    }

    private int Find(ReadOnlySpan<byte> host, ReadOnlySpan<byte> processGuid)
    {
        ReadOnlySpan<byte> key = BuildKey(host, processGuid);
        return _table.Find(key, KeyedStateTable.Hash(key));
    }

    // ProcessGuid is written "{5770385f-...}" by most envelopes and "5770385F-..." by evtx_dump.
    private ReadOnlySpan<byte> BuildKey(ReadOnlySpan<byte> host, ReadOnlySpan<byte> processGuid) =>
        _key.Clear().AppendFolded(host).AppendFolded(processGuid, GuidBraces).Key;

    private void Advance(long eventTime)
    {
        if (eventTime <= _watermark)
        {
            return;
        }

        _watermark = eventTime;
        while (_terminationsCount > 0)
        {
            Termination next = _terminations[_terminationsHead];
            if (_watermark - next.Time <= _sweepHorizon)
            {
                return;
            }

            _terminationsHead = (_terminationsHead + 1) % _terminations.Length;
            _terminationsCount--;
            if (_table.IsLive(next.Slot) && _table.Generation(next.Slot) == next.Generation && _terminatedAt[next.Slot] == next.Time)
            {
                Forget(next.Slot);
            }
        }
    }

    private void Forget(int slot)
    {
        _table.Remove(slot);
        Forgotten++;
    }

    private void GrowTerminations()
    {
        var grown = new Termination[Math.Min(_terminations.Length * 2, _table.SlotCapacity)];
        for (int i = 0; i < _terminationsCount; i++)
        {
            grown[i] = _terminations[(_terminationsHead + i) % _terminations.Length];
        }

        _terminations = grown;
        _terminationsHead = 0;
    }
}
