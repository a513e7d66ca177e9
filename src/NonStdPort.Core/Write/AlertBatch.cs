using System.Buffers;

namespace NonStdPort.Core.Write;

/// <summary>
/// One alert inside an <see cref="AlertBatch"/>: where its bytes and its key lie in the batch buffer,
/// and what ranks it (risk score; event time in UTC ticks, <see cref="long.MinValue"/> when the record
/// had none, null when the writer did not say), so that ranking need not parse any format.
/// </summary>
public readonly record struct AlertEntry(int Start, int Length, int KeyStart, int KeyLength, byte RiskScore, DetectionRule Rule, long? EventTimeTicks = null);

/// <summary>Which detection produced an alert; written as the alert's <c>rule</c> field.</summary>
public enum DetectionRule : byte
{
    /// <summary>The single-event score (<c>non_standard_port</c>).</summary>
    NonStandardPort = 0,
    /// <summary>Periodic connections (<c>beacon</c>).</summary>
    Beacon,
    /// <summary>The RDP listening port moved through the registry (<c>rdp_port_change</c>).</summary>
    RdpPortChange,
}

/// <summary>
/// A reusable buffer the engine writes alerts into: the bytes of every alert (each JSON object
/// followed by <c>\n</c>) and an index of where each one, and its key (the host name), lies.
/// Cleared and reused per batch, so steady state allocates nothing. Not thread-safe.
/// </summary>
public sealed class AlertBatch : IBufferWriter<byte>
{
    private byte[] _buffer;
    private int _written;
    private AlertEntry[] _entries = new AlertEntry[64];
    private int _count;

    /// <summary>Creates a batch with an initial capacity in bytes.</summary>
    public AlertBatch(int initialCapacity = 64 * 1024) => _buffer = new byte[Math.Max(initialCapacity, 256)];

    /// <summary>All bytes written so far: every alert, each followed by a newline.</summary>
    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _written);

    /// <summary>All bytes written so far, as memory.</summary>
    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _written);

    /// <summary>Number of bytes written.</summary>
    public int WrittenCount => _written;

    /// <summary>Number of alerts in the batch.</summary>
    public int Count => _count;

    /// <summary>The index entry of alert <paramref name="index"/>.</summary>
    public ref readonly AlertEntry this[int index] => ref _entries[index];

    /// <summary>The JSON of one alert, without its trailing newline.</summary>
    public ReadOnlySpan<byte> Json(in AlertEntry entry) => _buffer.AsSpan(entry.Start, entry.Length);

    /// <summary>The key (host name, UTF-8) of one alert; empty when the event had none.</summary>
    public ReadOnlySpan<byte> Key(in AlertEntry entry) => _buffer.AsSpan(entry.KeyStart, entry.KeyLength);

    /// <summary>Forgets everything written; keeps the buffers.</summary>
    public void Clear()
    {
        _written = 0;
        _count = 0;
    }

    /// <summary>Records that the bytes from <paramref name="start"/> to the current end are one alert.</summary>
    /// <remarks>Called by alert writers after writing the JSON object and before the newline.</remarks>
    public void AddEntry(int start, int keyStart, int keyLength, byte riskScore, DetectionRule rule, long? eventTimeTicks = null)
    {
        if (_count == _entries.Length)
        {
            Array.Resize(ref _entries, _entries.Length * 2);
        }

        _entries[_count++] = new AlertEntry(start, _written - start, keyStart, keyLength, riskScore, rule, eventTimeTicks);
    }

    /// <summary>
    /// Appends alerts <paramref name="firstEntry"/> (inclusive) to <paramref name="endEntry"/> (exclusive) of
    /// <paramref name="source"/>: their bytes, each with its newline, and their index entries.
    /// </summary>
    /// <remarks>How alerts scored on another thread join the output in input order.</remarks>
    public void AppendFrom(AlertBatch source, int firstEntry, int endEntry)
    {
        if (firstEntry >= endEntry)
        {
            return;
        }

        ref readonly AlertEntry last = ref source._entries[endEntry - 1];
        int from = source._entries[firstEntry].Start;
        int to = last.Start + last.Length + 1; // the newline after each alert
        int shift = _written - from;
        Write(source._buffer.AsSpan(from, to - from));
        for (int i = firstEntry; i < endEntry; i++)
        {
            if (_count == _entries.Length)
            {
                Array.Resize(ref _entries, _entries.Length * 2);
            }

            AlertEntry entry = source._entries[i];
            _entries[_count++] = entry with { Start = entry.Start + shift, KeyStart = entry.KeyStart + shift };
        }
    }

    /// <summary>Appends raw bytes (used for the key copy and the newline).</summary>
    public void Write(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(GetSpan(bytes.Length));
        _written += bytes.Length;
    }

    /// <inheritdoc />
    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (_written + count > _buffer.Length)
        {
            ThrowAdvancedTooFar();
        }

        _written += count;
    }

    /// <inheritdoc />
    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(_written);
    }

    /// <inheritdoc />
    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(_written);
    }

    private void Ensure(int sizeHint)
    {
        if (sizeHint < 1)
        {
            sizeHint = 1;
        }

        if (_buffer.Length - _written < sizeHint)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _written + sizeHint));
        }
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowAdvancedTooFar() =>
        throw new InvalidOperationException("Advanced past the end of the buffer.");
}
