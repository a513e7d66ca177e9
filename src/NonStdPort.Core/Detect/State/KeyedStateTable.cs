using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace NonStdPort.Core.Detect.State;

/// <summary>
/// A bounded map from byte keys to slots, the storage under the stateful detections.
/// Keys (and an optional value of bytes per key) live in one byte arena; an open-addressing
/// table (linear probing, backward-shift deletion) finds them by hash; a doubly linked list
/// over slot indices keeps least-recently-used order. Callers keep per-slot state in their own
/// arrays indexed by slot, sized with <see cref="SlotCapacity"/>.
/// Memory grows by doubling up to the bounds and is then reused: once a key exists, finding,
/// touching, and even replacing keys allocates nothing. Not thread-safe.
/// </summary>
internal sealed class KeyedStateTable
{
    private const int None = -1;
    private const int ChunkHeaderBytes = 12; // slot, key length, value length
    private const int InitialSlots = 1024;

    private readonly int _maxEntries;
    private readonly long _maxBytes;

    private Slot[] _slots;
    private int[] _buckets; // slot + 1; 0 is empty
    private int _bucketMask;
    private int _slotsUsed; // slots ever handed out (high-water mark)
    private int _freeHead = None;
    private int _lruHead = None; // most recently used
    private int _lruTail = None; // least recently used

    private byte[] _arena;
    private int _arenaUsed;
    private long _arenaDead;

    private struct Slot
    {
        public int Hash;
        public int Chunk; // offset of the chunk header in the arena; -1 when the slot is free
        public int KeyLength;
        public int ValueLength;
        public int Prev;
        public int Next; // LRU link, or the free-list link of a free slot
        public int Generation;
    }

    /// <summary>Creates a table holding at most <paramref name="maxEntries"/> keys and about <paramref name="maxBytes"/> bytes of keys and values.</summary>
    public KeyedStateTable(int maxEntries, long maxBytes = long.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEntries, 1);
        _maxEntries = maxEntries;
        _maxBytes = maxBytes;
        int slots = Math.Min(InitialSlots, maxEntries);
        _slots = new Slot[slots];
        _buckets = new int[BucketCountFor(slots)];
        _bucketMask = _buckets.Length - 1;
        _arena = new byte[slots * 64];
    }

    /// <summary>Number of keys held.</summary>
    public int Count { get; private set; }

    /// <summary>Length every per-slot array of the caller must have; grows only inside <see cref="Add"/>.</summary>
    public int SlotCapacity => _slots.Length;

    /// <summary>Bytes of keys and values currently held (chunk headers included).</summary>
    public long LiveBytes => _arenaUsed - _arenaDead;

    /// <summary>The least recently used slot, or -1 when empty.</summary>
    public int LeastRecentlyUsed => _lruTail;

    /// <summary>The hash of a key, as <see cref="Find"/> and <see cref="Add"/> expect it.</summary>
    public static int Hash(ReadOnlySpan<byte> key)
    {
        var hash = new HashCode();
        hash.AddBytes(key);
        return hash.ToHashCode();
    }

    /// <summary>The slot holding <paramref name="key"/>, or -1.</summary>
    public int Find(ReadOnlySpan<byte> key, int hash)
    {
        for (int bucket = hash & _bucketMask; ; bucket = (bucket + 1) & _bucketMask)
        {
            int entry = _buckets[bucket] - 1;
            if (entry == None)
            {
                return None;
            }

            ref Slot slot = ref _slots[entry];
            if (slot.Hash == hash && slot.KeyLength == key.Length
                && _arena.AsSpan(slot.Chunk + ChunkHeaderBytes, slot.KeyLength).SequenceEqual(key))
            {
                return entry;
            }
        }
    }

    /// <summary>
    /// Adds a key that <see cref="Find"/> did not find, with room for <paramref name="valueLength"/>
    /// bytes of value, as the most recently used. When the table is at its bounds the least recently
    /// used keys are removed first; <paramref name="evicted"/> says how many.
    /// </summary>
    public int Add(ReadOnlySpan<byte> key, int hash, int valueLength, out int evicted)
    {
        evicted = 0;
        int need = ChunkHeaderBytes + key.Length + valueLength;
        while (Count > 0 && (Count >= _maxEntries || LiveBytes + need > _maxBytes))
        {
            Remove(_lruTail);
            evicted++;
        }

        int entry = TakeFreeSlot();
        int chunk = Reserve(need);
        ref Slot slot = ref _slots[entry];
        slot.Hash = hash;
        slot.Chunk = chunk;
        slot.KeyLength = key.Length;
        slot.ValueLength = valueLength;
        slot.Generation++;
        WriteChunkHeader(chunk, entry, key.Length, valueLength);
        key.CopyTo(_arena.AsSpan(chunk + ChunkHeaderBytes));

        int bucket = hash & _bucketMask;
        while (_buckets[bucket] != 0)
        {
            bucket = (bucket + 1) & _bucketMask;
        }

        _buckets[bucket] = entry + 1;
        LinkAtHead(entry);
        Count++;
        return entry;
    }

    /// <summary>The value bytes of a slot (writable). Valid until the next <see cref="Add"/>.</summary>
    public Span<byte> Value(int entry)
    {
        ref Slot slot = ref _slots[entry];
        return _arena.AsSpan(slot.Chunk + ChunkHeaderBytes + slot.KeyLength, slot.ValueLength);
    }

    /// <summary>A number that changes each time a slot is given to a new key.</summary>
    public int Generation(int entry) => _slots[entry].Generation;

    /// <summary>True when the slot currently holds a key.</summary>
    public bool IsLive(int entry) => _slots[entry].Chunk >= 0 && entry < _slotsUsed;

    /// <summary>Marks a slot as the most recently used.</summary>
    public void Touch(int entry)
    {
        if (entry == _lruHead)
        {
            return;
        }

        Unlink(entry);
        LinkAtHead(entry);
    }

    /// <summary>Removes a key; its slot returns to the free list.</summary>
    public void Remove(int entry)
    {
        ref Slot slot = ref _slots[entry];
        RemoveFromBuckets(entry, slot.Hash);
        Unlink(entry);
        WriteChunkHeader(slot.Chunk, None, slot.KeyLength, slot.ValueLength);
        _arenaDead += ChunkHeaderBytes + slot.KeyLength + slot.ValueLength;
        slot.Chunk = None;
        slot.Next = _freeHead;
        _freeHead = entry;
        Count--;
    }

    /// <summary>The LRU successor of a slot towards the most recently used, or -1.</summary>
    public int MoreRecentThan(int entry) => _slots[entry].Prev;

    private int TakeFreeSlot()
    {
        if (_freeHead != None)
        {
            int free = _freeHead;
            _freeHead = _slots[free].Next;
            return free;
        }

        if (_slotsUsed == _slots.Length)
        {
            GrowSlots();
        }

        _slots[_slotsUsed].Chunk = None;
        return _slotsUsed++;
    }

    private void GrowSlots()
    {
        int slots = (int)Math.Min((long)_slots.Length * 2, _maxEntries);
        Array.Resize(ref _slots, slots);
        int buckets = BucketCountFor(slots);
        if (buckets != _buckets.Length)
        {
            _buckets = new int[buckets];
            _bucketMask = buckets - 1;
            for (int entry = 0; entry < _slotsUsed; entry++)
            {
                if (_slots[entry].Chunk < 0)
                {
                    continue;
                }

                int bucket = _slots[entry].Hash & _bucketMask;
                while (_buckets[bucket] != 0)
                {
                    bucket = (bucket + 1) & _bucketMask;
                }

                _buckets[bucket] = entry + 1;
            }
        }
    }

    // Load factor at most one half keeps linear probing short.
    private static int BucketCountFor(int slots) => (int)Math.Max(16, BitOperations.RoundUpToPowerOf2((uint)slots * 2));

    private void RemoveFromBuckets(int entry, int hash)
    {
        int bucket = hash & _bucketMask;
        while (_buckets[bucket] - 1 != entry)
        {
            bucket = (bucket + 1) & _bucketMask;
        }

        // Backward-shift deletion: pull later members of the probe run into the hole so that
        // every key stays reachable from its home bucket without tombstones.
        int hole = bucket;
        for (int next = (hole + 1) & _bucketMask; _buckets[next] != 0; next = (next + 1) & _bucketMask)
        {
            int home = _slots[_buckets[next] - 1].Hash & _bucketMask;
            bool homeOutsideHoleToNext = hole <= next ? home <= hole || home > next : home <= hole && home > next;
            if (homeOutsideHoleToNext)
            {
                _buckets[hole] = _buckets[next];
                hole = next;
            }
        }

        _buckets[hole] = 0;
    }

    private int Reserve(int need)
    {
        if (_arena.Length - _arenaUsed < need)
        {
            if (_arenaDead > 0 && (_arenaDead >= need || _arenaDead >= _arena.Length / 4))
            {
                Compact();
            }

            if (_arena.Length - _arenaUsed < need)
            {
                long size = Math.Max((long)_arena.Length * 2, (long)_arenaUsed + need);
                if (size > Array.MaxLength)
                {
                    ThrowArenaFull();
                }

                Array.Resize(ref _arena, (int)size);
            }
        }

        int chunk = _arenaUsed;
        _arenaUsed += need;
        return chunk;
    }

    // Slides live chunks down over dead ones, in arena order, and repoints their slots.
    private void Compact()
    {
        int read = 0;
        int write = 0;
        while (read < _arenaUsed)
        {
            int entry = Unsafe.ReadUnaligned<int>(ref _arena[read]);
            int length = ChunkHeaderBytes + Unsafe.ReadUnaligned<int>(ref _arena[read + 4]) + Unsafe.ReadUnaligned<int>(ref _arena[read + 8]);
            if (entry != None)
            {
                if (read != write)
                {
                    _arena.AsSpan(read, length).CopyTo(_arena.AsSpan(write));
                    _slots[entry].Chunk = write;
                }

                write += length;
            }

            read += length;
        }

        _arenaUsed = write;
        _arenaDead = 0;
    }

    private void WriteChunkHeader(int chunk, int entry, int keyLength, int valueLength)
    {
        Unsafe.WriteUnaligned(ref _arena[chunk], entry);
        Unsafe.WriteUnaligned(ref _arena[chunk + 4], keyLength);
        Unsafe.WriteUnaligned(ref _arena[chunk + 8], valueLength);
    }

    private void LinkAtHead(int entry)
    {
        ref Slot slot = ref _slots[entry];
        slot.Prev = None;
        slot.Next = _lruHead;
        if (_lruHead != None)
        {
            _slots[_lruHead].Prev = entry;
        }

        _lruHead = entry;
        if (_lruTail == None)
        {
            _lruTail = entry;
        }
    }

    private void Unlink(int entry)
    {
        ref Slot slot = ref _slots[entry];
        if (slot.Prev != None)
        {
            _slots[slot.Prev].Next = slot.Next;
        }
        else
        {
            _lruHead = slot.Next;
        }

        if (slot.Next != None)
        {
            _slots[slot.Next].Prev = slot.Prev;
        }
        else
        {
            _lruTail = slot.Prev;
        }
    }

    [DoesNotReturn]
    private static void ThrowArenaFull() =>
        throw new InvalidOperationException("Detection state exceeds the largest possible buffer; lower max_keys or max_processes.");
}
