using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NonStdPort.Core.Read;

/// <summary>Where one value lives: a range of the record's bytes or of the scratch buffer.</summary>
internal struct FieldLocation
{
    public int Start;
    public int Length;
    public bool InScratch;
    public Precedence Precedence;
}

/// <summary>
/// The per-reader state shared by every envelope parser: where each field's value was found, the
/// scratch buffer that decoded (unescaped) values are written to, and the envelope hints seen.
/// Reused for every record, so reading allocates nothing once the scratch buffer is large enough.
/// </summary>
internal sealed class FieldCollector
{
    /// <summary>The deepest nesting of JSON containers or XML elements accepted.</summary>
    public const int MaxDepth = 64;

    private const int FieldCount = (int)FieldId.EventType + 1;

    private readonly FieldLocation[] _fields = new FieldLocation[FieldCount];
    private byte[] _scratch = new byte[4096];
    private int _scratchUsed;

    /// <summary>Envelope hints: which envelope-specific keys the record carried.</summary>
    public EnvelopeHints Hints;

    /// <summary>The event id's value was an object, array or boolean rather than a number or text.</summary>
    public bool EventIdNotScalar;

    // Whether any value came from an ECS field (so most records skip the pass that drops them).
    private bool _anyEcs;

    /// <summary>The scratch buffer; decoded values are appended to it.</summary>
    public byte[] Scratch => _scratch;

    /// <summary>How many scratch bytes are in use; the next decoded value starts here.</summary>
    public int ScratchUsed => _scratchUsed;

    /// <summary>
    /// Clears the state for a record of <paramref name="inputLength"/> bytes. Decoded text is never
    /// longer than its source and a record is decoded at most twice (a wrapped payload, then its
    /// values), so reserving twice the input up front means the buffer never moves mid-record.
    /// </summary>
    public void Begin(int inputLength)
    {
        Array.Clear(_fields);
        _scratchUsed = 0;
        Hints = EnvelopeHints.None;
        EventIdNotScalar = false;
        _anyEcs = false;
        long needed = (2L * inputLength) + 64;
        if (_scratch.Length < needed)
        {
            Grow(needed);
        }
    }

    private void Grow(long needed)
    {
        // Rare: only when a larger record than any before arrives. Earlier spans keep the old array alive.
        long size = Math.Max(needed, 2L * _scratch.Length);
        _scratch = new byte[(int)Math.Min(size, Array.MaxLength)];
    }

    /// <summary>Notes a value unless a value of higher precedence is already set.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Set(FieldId id, int start, int length, bool inScratch, Precedence precedence)
    {
        ref FieldLocation field = ref _fields[(int)id];
        if (precedence < field.Precedence)
        {
            return;
        }

        if (precedence == Precedence.Ecs)
        {
            _anyEcs = true;
        }

        field = new FieldLocation { Start = start, Length = length, InScratch = inScratch, Precedence = precedence };
    }

    /// <summary>The location noted for a field (precedence <see cref="Precedence.Unset"/> when absent).</summary>
    public ref readonly FieldLocation Get(FieldId id) => ref _fields[(int)id];

    /// <summary>
    /// The value of a field: a view of <paramref name="input"/> (the record) or of the scratch buffer;
    /// empty when absent. Locations were checked when noted, so no range is checked again here.
    /// </summary>
    public ReadOnlySpan<byte> Value(ReadOnlySpan<byte> input, FieldId id)
    {
        ref FieldLocation field = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_fields), (int)id);
        if (field.Precedence == Precedence.Unset)
        {
            return default;
        }

        ref byte start = ref field.InScratch
            ? ref MemoryMarshal.GetArrayDataReference(_scratch)
            : ref MemoryMarshal.GetReference(input);
        return MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref start, field.Start), field.Length);
    }

    /// <summary>Drops every value that came from ECS fields (used for envelopes other than Winlogbeat 7+).</summary>
    public void DropEcsValues()
    {
        if (!_anyEcs)
        {
            return;
        }

        for (int i = 0; i < _fields.Length; i++)
        {
            if (_fields[i].Precedence == Precedence.Ecs)
            {
                _fields[i] = default;
            }
        }
    }

    /// <summary>The free part of the scratch buffer, to decode into; follow with <see cref="Commit"/>.</summary>
    public Span<byte> ScratchTail => _scratch.AsSpan(_scratchUsed);

    /// <summary>Marks <paramref name="count"/> bytes written at <see cref="ScratchTail"/> as used.</summary>
    public void Commit(int count) => _scratchUsed += count;

    /// <summary>Appends bytes to the scratch buffer.</summary>
    public void Append(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(_scratch.AsSpan(_scratchUsed));
        _scratchUsed += bytes.Length;
    }

    /// <summary>Appends one byte to the scratch buffer.</summary>
    public void Append(byte value) => _scratch[_scratchUsed++] = value;
}

/// <summary>Keys and shapes seen in a JSON record that decide its envelope.</summary>
[Flags]
internal enum EnvelopeHints : byte
{
    None = 0,
    /// <summary>Top-level Sysmon or flat-export keys (<c>EventID</c>, <c>SourceName</c>, <c>Image</c>...).</summary>
    Flat = 1,
    /// <summary>A <c>winlog</c> object.</summary>
    Winlog = 2,
    /// <summary>Winlogbeat 6 keys (<c>event_id</c>, <c>source_name</c>, <c>computer_name</c>, <c>event_data</c>).</summary>
    WinlogLegacy = 4,
    /// <summary>An evtx_dump <c>Event</c> object.</summary>
    EvtxDump = 8,
    /// <summary>A Sentinel <c>EventData</c> value.</summary>
    SentinelEvent = 16,
    /// <summary>A Sentinel <c>SyslogMessage</c> value.</summary>
    SentinelSyslog = 32,
}
