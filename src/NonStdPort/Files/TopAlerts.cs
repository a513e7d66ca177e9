using System.Buffers;
using System.Text.Json;
using NonStdPort.Core.Write;

namespace NonStdPort.Cli.Files;

/// <summary>
/// The N highest-ranked alerts seen so far, in memory bounded by N: risk score first, then event
/// time, newest first (the seed's <c>ORDER BY risk_score DESC, devicetime DESC LIMIT N</c>); among
/// equals the one read first ranks higher. A min-heap keeps the weakest kept alert at the root so
/// each offer costs O(log N); evicted slots reuse their byte buffers.
/// </summary>
internal sealed class TopAlerts
{
    private Slot[] _heap;
    private int _count;
    private long _sequence;

    /// <summary>Creates an empty top list of <paramref name="capacity"/> alerts.</summary>
    public TopAlerts(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _heap = new Slot[Math.Min(capacity, 4096)];
        Capacity = capacity;
    }

    /// <summary>How many alerts are kept at most.</summary>
    public int Capacity { get; }

    /// <summary>How many alerts are held.</summary>
    public int Count => _count;

    private struct Slot
    {
        public Rank Rank;
        public byte[] Json;
        public int Length;
    }

    private readonly record struct Rank(byte Score, long Time, long Sequence) : IComparable<Rank>
    {
        /// <summary>Positive when this ranks above <paramref name="other"/>.</summary>
        public int CompareTo(Rank other)
        {
            int byScore = Score.CompareTo(other.Score);
            if (byScore != 0)
            {
                return byScore;
            }

            int byTime = Time.CompareTo(other.Time);
            return byTime != 0 ? byTime : other.Sequence.CompareTo(Sequence);
        }
    }

    /// <summary>
    /// Offers one alert (its bytes without newline, in any format) and its risk score; its event
    /// time as the writer gave it, or, when null, read from the JSON's <c>event_time</c>.
    /// </summary>
    public void Offer(ReadOnlySpan<byte> json, byte riskScore, long? eventTimeTicks = null)
    {
        var rank = new Rank(riskScore, eventTimeTicks ?? EventTimeTicks(json), _sequence++);
        if (_count < Capacity)
        {
            if (_count == _heap.Length)
            {
                Array.Resize(ref _heap, Math.Min(Capacity, _heap.Length * 2));
            }

            Store(ref _heap[_count], rank, json);
            SiftUp(_count++);
            return;
        }

        if (rank.CompareTo(_heap[0].Rank) <= 0)
        {
            return;
        }

        Store(ref _heap[0], rank, json);
        SiftDown(0);
    }

    /// <summary>Writes the kept alerts, best first, one per line.</summary>
    public void WriteTo(IBufferWriter<byte> output)
    {
        Slot[] sorted = _heap[.._count];
        Array.Sort(sorted, static (a, b) => b.Rank.CompareTo(a.Rank));
        foreach (Slot slot in sorted)
        {
            output.Write(slot.Json.AsSpan(0, slot.Length));
            output.Write("\n"u8);
        }
    }

    private static void Store(ref Slot slot, Rank rank, ReadOnlySpan<byte> json)
    {
        if (slot.Json is null || slot.Json.Length < json.Length)
        {
            slot.Json = new byte[Math.Max(json.Length, 512)];
        }

        json.CopyTo(slot.Json);
        slot.Length = json.Length;
        slot.Rank = rank;
    }

    private void SiftUp(int index)
    {
        while (index > 0)
        {
            int parent = (index - 1) / 2;
            if (_heap[index].Rank.CompareTo(_heap[parent].Rank) >= 0)
            {
                return;
            }

            (_heap[index], _heap[parent]) = (_heap[parent], _heap[index]);
            index = parent;
        }
    }

    private void SiftDown(int index)
    {
        while (true)
        {
            int weakest = index;
            int left = (2 * index) + 1;
            int right = left + 1;
            if (left < _count && _heap[left].Rank.CompareTo(_heap[weakest].Rank) < 0)
            {
                weakest = left;
            }

            if (right < _count && _heap[right].Rank.CompareTo(_heap[weakest].Rank) < 0)
            {
                weakest = right;
            }

            if (weakest == index)
            {
                return;
            }

            (_heap[index], _heap[weakest]) = (_heap[weakest], _heap[index]);
            index = weakest;
        }
    }

    /// <summary>The alert's top-level <c>event_time</c> as UTC ticks; absent or unreadable sorts as oldest.</summary>
    internal static long EventTimeTicks(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return long.MinValue;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool isTime = reader.ValueTextEquals("event_time"u8);
                reader.Read();
                if (isTime)
                {
                    return reader.TokenType == JsonTokenType.String ? ParseTicks(reader) : long.MinValue;
                }

                reader.Skip();
            }
        }
        catch (JsonException)
        {
            // The engine writes well-formed JSON; a broken alert just sorts last.
        }

        return long.MinValue;
    }

    private static long ParseTicks(Utf8JsonReader reader)
    {
        // The engine writes event_time without escapes, so the raw value is the text.
        return !reader.ValueIsEscaped && EventTime.TryParseUtcTicks(reader.ValueSpan, out long ticks) ? ticks : long.MinValue;
    }
}
