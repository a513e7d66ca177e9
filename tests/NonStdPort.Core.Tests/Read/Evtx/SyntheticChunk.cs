using System.Buffers.Binary;
using NonStdPort.Core.Read.Evtx;

namespace NonStdPort.Core.Tests.Read.Evtx;

/// <summary>
/// Builds a valid 64 KiB chunk (signature, record numbers, offsets, both checksums) holding one
/// record whose binary XML is written by hand: the shapes no real file holds, such as templates that
/// instantiate themselves. The record starts at 512 and its binary XML at 536, as in real chunks.
/// </summary>
public static class SyntheticChunk
{
    /// <summary>The number of the one record.</summary>
    public const long RecordNumber = 1;

    private const int BinXmlAt = 512 + 24;

    /// <summary>A template whose body instantiates the template itself.</summary>
    public static byte[] SelfInstantiatingTemplate()
    {
        var x = new BinXml();
        x.FragmentHeader();
        int a = x.InlineInstance(body =>
        {
            body.FragmentHeader();
            body.Instance(Definition: BinXmlAt + 4 + 10);
            body.NoSubstitutions();
            body.End();
        });
        x.NoSubstitutions();
        x.End();
        return Build(x.Bytes, a);
    }

    /// <summary>Template A's body instantiates B (defined inline there), whose body instantiates A.</summary>
    public static byte[] MutuallyInstantiatingTemplates()
    {
        var x = new BinXml();
        x.FragmentHeader();
        int a = x.InlineInstance(bodyA =>
        {
            bodyA.FragmentHeader();
            bodyA.InlineInstance(bodyB =>
            {
                bodyB.FragmentHeader();
                bodyB.Instance(Definition: BinXmlAt + 4 + 10);
                bodyB.NoSubstitutions();
                bodyB.End();
            });
            bodyA.NoSubstitutions();
            bodyA.End();
        });
        x.NoSubstitutions();
        x.End();
        return Build(x.Bytes, a);
    }

    /// <summary>
    /// A template <c>&lt;a&gt;</c> whose content is substitution 0, <paramref name="fanOut"/> times; the record
    /// instantiates it with a value of embedded binary XML that instantiates it again, <paramref name="levels"/>
    /// instances in all, the innermost one with the text <c>x</c>.
    /// </summary>
    public static byte[] NestedValues(int levels, int fanOut)
    {
        var x = new BinXml();
        x.FragmentHeader();
        int definition = x.InlineInstance(body =>
        {
            body.FragmentHeader();
            body.Element("a", content =>
            {
                for (int i = 0; i < fanOut; i++)
                {
                    content.Substitution(index: 0, type: 0x21);
                }
            });
            body.End();
        });

        // Innermost first: the text, then each enclosing instance around the value before it.
        byte[] value = [(byte)'x', 0];
        byte type = 0x01;
        for (int level = 1; level < levels; level++)
        {
            var inner = new BinXml();
            inner.Instance(definition);
            inner.Substitutions((value, type));
            value = inner.Bytes;
            type = 0x21;
        }

        x.Substitutions((value, type));
        x.End();
        return Build(x.Bytes, definition);
    }

    private static byte[] Build(byte[] binXml, int firstTemplate)
    {
        byte[] chunk = new byte[EvtxReader.ChunkSize];
        Span<byte> c = chunk;
        int size = 24 + binXml.Length + 4;
        int freeSpace = 512 + size;
        "ElfChnk\0"u8.CopyTo(c);
        BinaryPrimitives.WriteInt64LittleEndian(c[8..], RecordNumber); // first and last record number
        BinaryPrimitives.WriteInt64LittleEndian(c[16..], RecordNumber);
        BinaryPrimitives.WriteInt64LittleEndian(c[24..], RecordNumber); // first and last record id
        BinaryPrimitives.WriteInt64LittleEndian(c[32..], RecordNumber);
        BinaryPrimitives.WriteInt32LittleEndian(c[40..], 128);
        BinaryPrimitives.WriteInt32LittleEndian(c[44..], 512); // last record offset
        BinaryPrimitives.WriteInt32LittleEndian(c[48..], freeSpace);
        BinaryPrimitives.WriteInt32LittleEndian(c[384..], firstTemplate); // template pointer table

        Span<byte> record = c[512..];
        BinaryPrimitives.WriteUInt32LittleEndian(record, 0x00002A2A);
        BinaryPrimitives.WriteInt32LittleEndian(record[4..], size);
        BinaryPrimitives.WriteInt64LittleEndian(record[8..], RecordNumber);
        BinaryPrimitives.WriteInt64LittleEndian(record[16..], 0x01D0000000000000); // written time
        binXml.CopyTo(record[24..]);
        BinaryPrimitives.WriteInt32LittleEndian(record[(size - 4)..], size);

        BinaryPrimitives.WriteUInt32LittleEndian(c[52..], EvtxCrc32.Compute(c[512..freeSpace]));
        BinaryPrimitives.WriteUInt32LittleEndian(c[124..], EvtxCrc32.Compute(c[..120], c[128..512]));
        return chunk;
    }

    /// <summary>Writes binary XML tokens, tracking each byte's offset in the chunk (the record's binary XML starts at 536).</summary>
    private sealed class BinXml(int at = BinXmlAt)
    {
        private readonly List<byte> _bytes = [];

        public byte[] Bytes => [.. _bytes];

        private int Position => at + _bytes.Count;

        public void FragmentHeader() => _bytes.AddRange([0x0F, 0x01, 0x01, 0x00]);

        public void End() => _bytes.Add(0x00);

        public void NoSubstitutions() => UInt32(0);

        /// <summary>An instance of the template defined at <paramref name="Definition"/> (elsewhere in the chunk).</summary>
        public void Instance(int Definition)
        {
            _bytes.AddRange([0x0C, 0x01]);
            UInt32(1); // template id
            UInt32((uint)Definition);
        }

        /// <summary>An instance whose definition follows inline; returns the definition's offset.</summary>
        public int InlineInstance(Action<BinXml> body)
        {
            int definition = Position + 10;
            Instance(definition);
            UInt32(0); // next template offset
            _bytes.AddRange(new byte[16]); // template GUID
            var written = new BinXml(definition + 24);
            body(written);
            UInt32((uint)written._bytes.Count);
            _bytes.AddRange(written._bytes);
            return definition;
        }

        /// <summary>An element with an inline name and the given content.</summary>
        public void Element(string name, Action<BinXml> content)
        {
            _bytes.Add(0x01);
            _bytes.AddRange([0xFF, 0xFF]); // dependency id
            UInt32(0); // data size (the tokens say where the element ends)
            UInt32((uint)(Position + 4));
            UInt32(0); // next name in the hash bucket
            _bytes.AddRange([0x00, 0x00]); // name hash (not checked)
            _bytes.AddRange([(byte)name.Length, 0x00]);
            foreach (char ch in name)
            {
                _bytes.AddRange([(byte)ch, 0x00]);
            }

            _bytes.AddRange([0x00, 0x00]);
            _bytes.Add(0x02); // close start element
            content(this);
            _bytes.Add(0x04); // end element
        }

        public void Substitution(ushort index, byte type)
        {
            _bytes.Add(0x0E);
            _bytes.AddRange([(byte)index, (byte)(index >> 8)]);
            _bytes.Add(type);
        }

        public void Substitutions(params (byte[] Value, byte Type)[] values)
        {
            UInt32((uint)values.Length);
            foreach ((byte[] value, byte type) in values)
            {
                _bytes.AddRange([(byte)value.Length, (byte)(value.Length >> 8), type, 0x00]);
            }

            foreach ((byte[] value, byte _) in values)
            {
                _bytes.AddRange(value);
            }
        }

        private void UInt32(uint value) => _bytes.AddRange([(byte)value, (byte)(value >> 8), (byte)(value >> 16), (byte)(value >> 24)]);
    }
}
