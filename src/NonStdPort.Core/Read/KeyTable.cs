using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NonStdPort.Core.Read;

/// <summary>
/// An immutable hash table from (context, UTF-8 key) to a value, built once, read without allocating.
/// The bucket is a cheap function of (context, length, first and last byte), so most lookups, which
/// are of unknown keys (a flat record carries dozens the reader does not need), end at an empty
/// bucket after one load. A key is identified by its length and its first and last eight bytes,
/// which for keys of up to 16 bytes is the whole key; longer keys are compared in full.
/// </summary>
internal sealed class KeyTable<T>
    where T : struct
{
    private const int MaxKeyLength = 64;
    private const int BucketCount = 1024;

    // Per bucket, 1 + the index of its first entry (0: empty); entries chain through Entry.Next alike.
    private readonly ushort[] _buckets = new ushort[BucketCount];
    private readonly Entry[] _entries;

    public KeyTable(IEnumerable<(byte Context, string Key, T Value)> items)
    {
        var list = items.ToList();
        if (list.Count >= ushort.MaxValue)
        {
            throw new ArgumentException("Too many keys.", nameof(items));
        }

        _entries = new Entry[list.Count];
        for (int i = 0; i < list.Count; i++)
        {
            var (context, key, value) = list[i];
            byte[] bytes = System.Text.Encoding.UTF8.GetBytes(key);
            if (bytes.Length is 0 or > MaxKeyLength)
            {
                throw new ArgumentException($"Key '{key}' is empty or too long.", nameof(items));
            }

            int bucket = Bucket(context, bytes);
            for (int next = _buckets[bucket]; next != 0; next = _entries[next - 1].Next)
            {
                if (_entries[next - 1].Context == context && _entries[next - 1].Key.AsSpan().SequenceEqual(bytes))
                {
                    throw new ArgumentException($"Key '{key}' is listed twice in context {context}.", nameof(items));
                }
            }

            Words(bytes, out ulong first, out ulong last);
            _entries[i] = new Entry
            {
                Context = context, Length = bytes.Length, First = first, Last = last, Key = bytes, Value = value, Next = _buckets[bucket],
            };
            _buckets[bucket] = (ushort)(i + 1);
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

        // The bucket is masked to the array's size and chain links were written in range, so no bounds checks.
        int next = Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_buckets), Bucket(context, key));
        if (next == 0)
        {
            return ref Unsafe.NullRef<T>();
        }

        Words(key, out ulong first, out ulong last);
        ref Entry entries = ref MemoryMarshal.GetArrayDataReference(_entries);
        do
        {
            ref Entry entry = ref Unsafe.Add(ref entries, next - 1);
            if (entry.First == first && entry.Last == last && entry.Length == length && entry.Context == context
                && (length <= 16 || key.SequenceEqual(entry.Key)))
            {
                return ref entry.Value;
            }

            next = entry.Next;
        }
        while (next != 0);

        return ref Unsafe.NullRef<T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Bucket(byte context, ReadOnlySpan<byte> key)
    {
        // Callers pass a non-empty key.
        ref byte start = ref MemoryMarshal.GetReference(key);
        int length = key.Length;
        return ((start * 31) + (Unsafe.Add(ref start, length - 1) * 7) + (length * 131) + (context * 17)) & (BucketCount - 1);
    }

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

    private struct Entry
    {
        public ulong First;
        public ulong Last;
        public int Length;
        public byte Context;
        public byte[] Key;
        public T Value;
        public ushort Next;
    }
}
