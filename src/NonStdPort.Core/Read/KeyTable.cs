using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NonStdPort.Core.Read;

/// <summary>
/// An immutable hash table from (context, UTF-8 key) to a value, built once, read without allocating.
/// A key is identified by its length and its first and last eight bytes, which for keys of up to
/// 16 bytes is the whole key; longer keys are compared in full. Most lookups are of unknown keys
/// (a flat record carries dozens the reader does not need), and those end at an empty slot or a
/// mismatched word, without comparing bytes.
/// </summary>
internal sealed class KeyTable<T>
    where T : struct
{
    private const int MaxKeyLength = 64;

    private readonly Entry[] _slots;
    private readonly int _mask;

    // A 1,024-bit pre-filter on (context, length, first and last byte): most unknown keys stop here.
    private readonly ulong[] _filter = new ulong[16];

    public KeyTable(IEnumerable<(byte Context, string Key, T Value)> items)
    {
        var list = items.ToList();
        int size = 16;
        while (size < list.Count * 4)
        {
            size *= 2;
        }

        _slots = new Entry[size];
        _mask = size - 1;
        foreach (var (context, key, value) in list)
        {
            byte[] bytes = System.Text.Encoding.UTF8.GetBytes(key);
            if (bytes.Length is 0 or > MaxKeyLength)
            {
                throw new ArgumentException($"Key '{key}' is empty or too long.", nameof(items));
            }

            Words(bytes, out ulong first, out ulong last);
            int slot = (int)Hash(context, bytes.Length, first, last) & _mask;
            while (_slots[slot].Key is not null)
            {
                if (_slots[slot].Context == context && _slots[slot].Key.AsSpan().SequenceEqual(bytes))
                {
                    throw new ArgumentException($"Key '{key}' is listed twice in context {context}.", nameof(items));
                }

                slot = (slot + 1) & _mask;
            }

            int bit = FilterBit(context, bytes);
            _filter[bit >> 6] |= 1UL << bit;
            _slots[slot] = new Entry { Context = context, Length = bytes.Length, First = first, Last = last, Key = bytes, Value = value };
        }
    }

    /// <summary>The value stored for the key, or a null reference (test with <see cref="Unsafe.IsNullRef{T}(ref readonly T)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref readonly T Find(byte context, ReadOnlySpan<byte> key)
    {
        int length = key.Length;
        if ((uint)(length - 1) >= MaxKeyLength)
        {
            return ref Unsafe.NullRef<T>();
        }

        int bit = FilterBit(context, key);
        if ((_filter[bit >> 6] & (1UL << bit)) == 0)
        {
            return ref Unsafe.NullRef<T>();
        }

        Words(key, out ulong first, out ulong last);
        Entry[] slots = _slots;
        int slot = (int)Hash(context, length, first, last) & _mask;
        while (true)
        {
            ref Entry entry = ref slots[slot];
            if (entry.Key is null)
            {
                return ref Unsafe.NullRef<T>();
            }

            if (entry.First == first && entry.Last == last && entry.Length == length && entry.Context == context
                && (length <= 16 || key.SequenceEqual(entry.Key)))
            {
                return ref entry.Value;
            }

            slot = (slot + 1) & _mask;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int FilterBit(byte context, ReadOnlySpan<byte> key) =>
        ((key[0] * 31) + (key[^1] * 7) + (key.Length * 131) + (context * 17)) & 1023;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Words(ReadOnlySpan<byte> key, out ulong first, out ulong last)
    {
        ref byte start = ref MemoryMarshal.GetReference(key);
        int length = key.Length;
        if (length >= 8)
        {
            first = Unsafe.ReadUnaligned<ulong>(ref start);
            last = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, length - 8));
        }
        else if (length >= 4)
        {
            first = Unsafe.ReadUnaligned<uint>(ref start);
            last = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref start, length - 4));
        }
        else
        {
            first = 0;
            for (int i = 0; i < length; i++)
            {
                first = (first << 8) | key[i];
            }

            last = 0;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Hash(byte context, int length, ulong first, ulong last)
    {
        ulong h = (first * 0x9E3779B97F4A7C15UL) ^ (last * 0xC2B2AE3D27D4EB4FUL) ^ ((ulong)((length << 8) | context) * 0x165667B19E3779F9UL);
        return h ^ (h >> 29) ^ (h >> 47);
    }

    private struct Entry
    {
        public ulong First;
        public ulong Last;
        public int Length;
        public byte Context;
        public byte[] Key;
        public T Value;
    }
}
