using System.Runtime.InteropServices;
using System.Buffers.Binary;

namespace NonStdPort.Core.Read.Evtx;

/// <summary>
/// Renders one record's binary XML into Windows event XML text. Templates are compiled once per
/// chunk into their literal text and the holes where substitution values go, then reused for
/// every record of the chunk that instantiates them. Every offset is checked against the chunk;
/// nesting and total work are bounded, so a corrupt or hostile chunk costs bounded time and memory.
/// </summary>
internal sealed class BinXmlRenderer
{
    /// <summary>The deepest nesting of elements, template instances and embedded binary XML.</summary>
    public const int MaxNesting = 48;

    /// <summary>Tokens and holes one record may expand to: far above any real record, far below a hang.</summary>
    private const int WorkLimit = 1 << 20;

    private readonly Dictionary<int, XmlBuffer> _templates = [];
    private readonly List<XmlBuffer> _pool = [];
    private readonly int[] _compiling = new int[MaxNesting + 1];
    private Substitution[] _substitutions = new Substitution[64];
    private int _poolUsed;
    private int _compilingCount;
    private int _substitutionCount;
    private int _work;
    private int _maxOutput;
    private int _systemDepth = -2; // depth of the System element being rendered, -2 outside it

    /// <summary>Why the last render failed.</summary>
    public EvtxDamage Damage { get; private set; }

    /// <summary>Forgets the previous chunk's templates (template offsets are per chunk).</summary>
    public void BeginChunk()
    {
        _templates.Clear();
        _poolUsed = 0;
    }

    /// <summary>Renders the binary XML in <c>chunk[start..end)</c>; false (with <see cref="Damage"/>) when it is damaged.</summary>
    public bool Render(ReadOnlySpan<byte> chunk, int start, int end, XmlBuffer output, int maxOutput)
    {
        output.Clear();
        Damage = EvtxDamage.None;
        _work = WorkLimit;
        _maxOutput = maxOutput;
        _substitutionCount = 0;
        _compilingCount = 0;
        _systemDepth = -2;
        int pos = start;
        return Fragment(chunk, ref pos, end, output, inTemplate: false, depth: 0);
    }

    private bool Fail(EvtxDamage damage)
    {
        Damage = damage;
        return false;
    }

    // A fragment: optional fragment headers, then elements or template instances, until end-of-fragment or the end.
    private bool Fragment(ReadOnlySpan<byte> chunk, ref int pos, int end, XmlBuffer o, bool inTemplate, int depth)
    {
        while (pos < end)
        {
            if (--_work < 0)
            {
                return Fail(EvtxDamage.TooComplex);
            }

            switch (chunk[pos])
            {
                case 0x00:
                    pos++;
                    return true;
                case 0x0F:
                    if (end - pos < 4)
                    {
                        return Fail(EvtxDamage.BinXmlTruncated);
                    }

                    pos += 4;
                    break;
                case 0x0C:
                    if (!Instance(chunk, ref pos, end, o, depth))
                    {
                        return false;
                    }

                    break;
                case 0x01:
                case 0x41:
                    if (!Element(chunk, ref pos, end, o, inTemplate, depth))
                    {
                        return false;
                    }

                    break;
                default:
                    return Fail(EvtxDamage.BinXmlToken);
            }
        }

        return true;
    }

    private bool Element(ReadOnlySpan<byte> chunk, ref int pos, int end, XmlBuffer o, bool inTemplate, int depth)
    {
        if (depth >= MaxNesting)
        {
            return Fail(EvtxDamage.TooDeep);
        }

        bool hasAttributes = (chunk[pos] & 0x40) != 0;
        if (!NamedToken(chunk, ref pos, end, 11, out int nameAt, out int nameBytes))
        {
            return false;
        }

        if (hasAttributes)
        {
            if (end - pos < 4)
            {
                return Fail(EvtxDamage.BinXmlTruncated);
            }

            pos += 4; // attribute list size: the attribute tokens themselves say where it ends
        }

        ReadOnlySpan<byte> name = chunk.Slice(nameAt, nameBytes);
        int outerSystem = _systemDepth;
        bool unused = depth == _systemDepth + 1 && IsUnusedSystemChild(name);
        if (name.SequenceEqual(Utf16("System")))
        {
            _systemDepth = depth;
        }

        int startLength = o.Length;
        int startHoles = o.HoleCount;
        o.Append((byte)'<');
        EvtxValues.WriteUtf16(o, name);
        while (pos < end && (chunk[pos] & 0xBF) == 0x06)
        {
            if (!Attribute(chunk, ref pos, end, o, inTemplate))
            {
                return false;
            }
        }

        if (pos >= end)
        {
            return Fail(EvtxDamage.BinXmlTruncated);
        }

        byte close = chunk[pos++];
        if (close == 0x03)
        {
            o.Append("/>"u8);
        }
        else if (close != 0x02)
        {
            return Fail(EvtxDamage.BinXmlToken);
        }
        else
        {
            o.Append((byte)'>');
            if (!Content(chunk, ref pos, end, o, inTemplate, depth))
            {
                return false;
            }

            o.Append("</"u8);
            EvtxValues.WriteUtf16(o, name);
            o.Append((byte)'>');
        }

        _systemDepth = outerSystem;
        if (unused)
        {
            // Decoded (so damage is still found) but not kept: no reader looks at it, and every
            // byte rendered is a byte the event XML parser reads again for every record.
            o.Length = startLength;
            o.HoleCount = startHoles;
        }

        return true;
    }

    /// <summary>
    /// The children of <c>System</c> that no <see cref="SysmonRecord"/> field comes from; a template
    /// that has them is compiled without them, so records never render their values.
    /// </summary>
    private static bool IsUnusedSystemChild(ReadOnlySpan<byte> utf16Name) =>
        utf16Name.SequenceEqual(Utf16("Version")) || utf16Name.SequenceEqual(Utf16("Level"))
        || utf16Name.SequenceEqual(Utf16("Task")) || utf16Name.SequenceEqual(Utf16("Opcode"))
        || utf16Name.SequenceEqual(Utf16("Keywords")) || utf16Name.SequenceEqual(Utf16("Correlation"));

    private static ReadOnlySpan<byte> Utf16(string name) => MemoryMarshal.AsBytes(name.AsSpan());

    private bool Attribute(ReadOnlySpan<byte> chunk, ref int pos, int end, XmlBuffer o, bool inTemplate)
    {
        if (!NamedToken(chunk, ref pos, end, 5, out int nameAt, out int nameBytes))
        {
            return false;
        }

        o.Append((byte)' ');
        EvtxValues.WriteUtf16(o, chunk.Slice(nameAt, nameBytes));
        o.Append("=\""u8);
        while (pos < end)
        {
            byte token = (byte)(chunk[pos] & 0xBF);
            if (token is not (0x05 or 0x08 or 0x09 or 0x0D or 0x0E))
            {
                break;
            }

            if (!Node(chunk, ref pos, end, o, inTemplate))
            {
                return false;
            }
        }

        o.Append((byte)'"');
        return true;
    }

    // Element content until its end-element token.
    private bool Content(ReadOnlySpan<byte> chunk, ref int pos, int end, XmlBuffer o, bool inTemplate, int depth)
    {
        while (pos < end)
        {
            if (--_work < 0)
            {
                return Fail(EvtxDamage.TooComplex);
            }

            byte token = chunk[pos];
            switch (token & 0xBF)
            {
                case 0x04:
                    pos++;
                    return true;
                case 0x01:
                    if (!Element(chunk, ref pos, end, o, inTemplate, depth + 1))
                    {
                        return false;
                    }

                    break;
                case 0x0C when token == 0x0C:
                    if (!Instance(chunk, ref pos, end, o, depth + 1))
                    {
                        return false;
                    }

                    break;
                case 0x05 or 0x07 or 0x08 or 0x09 or 0x0A or 0x0D or 0x0E:
                    if (!Node(chunk, ref pos, end, o, inTemplate))
                    {
                        return false;
                    }

                    break;
                default:
                    return Fail(EvtxDamage.BinXmlToken);
            }

            if (o.Length > _maxOutput)
            {
                return Fail(EvtxDamage.Oversize);
            }
        }

        return Fail(EvtxDamage.BinXmlTruncated);
    }

    // Text-like nodes: value text, CDATA, character and entity references, processing instructions, substitutions.
    private bool Node(ReadOnlySpan<byte> chunk, ref int pos, int end, XmlBuffer o, bool inTemplate)
    {
        byte token = (byte)(chunk[pos] & 0xBF);
        switch (token)
        {
            case 0x05: // value text: a type byte, then (for strings) a character count and UTF-16LE
                if (end - pos < 4)
                {
                    return Fail(EvtxDamage.BinXmlTruncated);
                }

                if (chunk[pos + 1] != 0x01)
                {
                    return Fail(EvtxDamage.ValueType);
                }

                pos += 2;
                return Utf16Text(chunk, ref pos, end, o);
            case 0x07: // CDATA: text, escaped like any other
                pos++;
                return Utf16Text(chunk, ref pos, end, o);
            case 0x08: // character reference
                if (end - pos < 3)
                {
                    return Fail(EvtxDamage.BinXmlTruncated);
                }

                o.Append("&#"u8);
                EvtxValues.Write(o, 0x06, chunk.Slice(pos + 1, 2));
                o.Append((byte)';');
                pos += 3;
                return true;
            case 0x09: // entity reference
            {
                if (!NamedToken(chunk, ref pos, end, 5, out int nameAt, out int nameBytes))
                {
                    return false;
                }

                o.Append((byte)'&');
                EvtxValues.WriteUtf16(o, chunk.Slice(nameAt, nameBytes));
                o.Append((byte)';');
                return true;
            }

            case 0x0A: // processing instruction: target name, then a data token
            {
                if (!NamedToken(chunk, ref pos, end, 5, out int nameAt, out int nameBytes))
                {
                    return false;
                }

                if (pos >= end || chunk[pos] != 0x0B)
                {
                    return Fail(EvtxDamage.BinXmlToken);
                }

                pos++;
                o.Append("<?"u8);
                EvtxValues.WriteUtf16(o, chunk.Slice(nameAt, nameBytes));
                o.Append((byte)' ');
                if (!Utf16Text(chunk, ref pos, end, o))
                {
                    return false;
                }

                o.Append("?>"u8);
                return true;
            }

            case 0x0D:
            case 0x0E: // substitution: only inside a template definition
                if (!inTemplate)
                {
                    return Fail(EvtxDamage.BinXmlToken);
                }

                if (end - pos < 4)
                {
                    return Fail(EvtxDamage.BinXmlTruncated);
                }

                o.AddHole(BinaryPrimitives.ReadUInt16LittleEndian(chunk.Slice(pos + 1)));
                pos += 4;
                return true;
            default:
                return Fail(EvtxDamage.BinXmlToken);
        }
    }

    // A 16-bit character count, then that many UTF-16LE code units.
    private bool Utf16Text(ReadOnlySpan<byte> chunk, ref int pos, int end, XmlBuffer o)
    {
        if (end - pos < 2)
        {
            return Fail(EvtxDamage.BinXmlTruncated);
        }

        int bytes = 2 * BinaryPrimitives.ReadUInt16LittleEndian(chunk.Slice(pos));
        pos += 2;
        if (end - pos < bytes)
        {
            return Fail(EvtxDamage.BinXmlTruncated);
        }

        EvtxValues.WriteUtf16(o, chunk.Slice(pos, bytes));
        pos += bytes;
        return true;
    }

    // A token whose last four header bytes are a name offset (elements: 11 bytes, attributes, entity
    // references and processing instructions: 5): steps over the header and, when inline, the name.
    private bool NamedToken(ReadOnlySpan<byte> chunk, ref int pos, int end, int headerBytes, out int nameAt, out int nameBytes)
    {
        nameAt = 0;
        nameBytes = 0;
        if (end - pos < headerBytes)
        {
            return Fail(EvtxDamage.BinXmlTruncated);
        }

        int nameOffset = (int)BinaryPrimitives.ReadUInt32LittleEndian(chunk.Slice(pos + headerBytes - 4));
        pos += headerBytes;
        return Name(chunk, ref pos, end, nameOffset, out nameAt, out nameBytes);
    }

    // A name lives in the chunk's string table: written inline the first time (then it starts where
    // the token's fields end) and referred to by offset afterwards.
    private bool Name(ReadOnlySpan<byte> chunk, ref int pos, int end, int offset, out int charsAt, out int byteCount)
    {
        charsAt = 0;
        byteCount = 0;
        if ((uint)offset > (uint)chunk.Length - 8)
        {
            return Fail(EvtxDamage.BinXmlTruncated);
        }

        byteCount = 2 * BinaryPrimitives.ReadUInt16LittleEndian(chunk.Slice(offset + 6));
        charsAt = offset + 8;
        if (chunk.Length - charsAt < byteCount + 2)
        {
            return Fail(EvtxDamage.BinXmlTruncated);
        }

        if (offset == pos)
        {
            if (end - pos < 8 + byteCount + 2)
            {
                return Fail(EvtxDamage.BinXmlTruncated);
            }

            pos += 8 + byteCount + 2;
        }

        return true;
    }

    private bool Instance(ReadOnlySpan<byte> chunk, ref int pos, int end, XmlBuffer o, int depth)
    {
        if (depth >= MaxNesting)
        {
            return Fail(EvtxDamage.TooDeep);
        }

        if (end - pos < 10)
        {
            return Fail(EvtxDamage.BinXmlTruncated);
        }

        int definition = (int)BinaryPrimitives.ReadUInt32LittleEndian(chunk.Slice(pos + 6));
        pos += 10;
        if (definition == pos)
        {
            // The definition follows inline (its first use in the chunk): step over it.
            if (end - pos < 24)
            {
                return Fail(EvtxDamage.BinXmlTruncated);
            }

            uint size = BinaryPrimitives.ReadUInt32LittleEndian(chunk.Slice(pos + 20));
            if (size > (uint)(end - pos - 24))
            {
                return Fail(EvtxDamage.BinXmlTruncated);
            }

            pos += 24 + (int)size;
        }

        XmlBuffer? template = Template(chunk, definition, depth);
        if (template is null)
        {
            return false;
        }

        // The substitution array: a count, (size, type) descriptors, then the values back to back.
        if (end - pos < 4)
        {
            return Fail(EvtxDamage.BinXmlTruncated);
        }

        uint count = BinaryPrimitives.ReadUInt32LittleEndian(chunk.Slice(pos));
        pos += 4;
        if (count > (uint)(end - pos) / 4)
        {
            return Fail(EvtxDamage.BinXmlTruncated);
        }

        int first = _substitutionCount;
        if (_substitutions.Length - first < (int)count)
        {
            Array.Resize(ref _substitutions, Math.Max(_substitutions.Length * 2, first + (int)count));
        }

        int valueAt = pos + (4 * (int)count);
        for (int i = 0; i < (int)count; i++)
        {
            int size = BinaryPrimitives.ReadUInt16LittleEndian(chunk.Slice(pos + (4 * i)));
            if (end - valueAt < size)
            {
                return Fail(EvtxDamage.BinXmlTruncated);
            }

            _substitutions[first + i] = new Substitution(valueAt, size, chunk[pos + (4 * i) + 2]);
            valueAt += size;
        }

        pos = valueAt;
        _substitutionCount = first + (int)count;
        bool ok = Fill(chunk, template, first, (int)count, o, depth);
        _substitutionCount = first;
        return ok;
    }

    // Writes a compiled template with this instance's values in its holes.
    private bool Fill(ReadOnlySpan<byte> chunk, XmlBuffer template, int first, int count, XmlBuffer o, int depth)
    {
        ReadOnlySpan<byte> literal = template.Written;
        int copied = 0;
        foreach (Hole hole in template.Holes)
        {
            if (--_work < 0)
            {
                return Fail(EvtxDamage.TooComplex);
            }

            o.Append(literal.Slice(copied, hole.At - copied));
            copied = hole.At;
            if (hole.Index >= count)
            {
                return Fail(EvtxDamage.SubstitutionIndex);
            }

            Substitution value = _substitutions[first + hole.Index];
            if (value.Type == 0x21)
            {
                // Embedded binary XML (often a nested template instance): rendered in place.
                int at = value.Offset;
                if (!Fragment(chunk, ref at, value.Offset + value.Size, o, inTemplate: false, depth + 1))
                {
                    return false;
                }
            }
            else if (!EvtxValues.Write(o, value.Type, chunk.Slice(value.Offset, value.Size)))
            {
                return Fail(EvtxDamage.ValueType);
            }

            if (o.Length > _maxOutput)
            {
                return Fail(EvtxDamage.Oversize);
            }
        }

        o.Append(literal.Slice(copied));
        return o.Length <= _maxOutput || Fail(EvtxDamage.Oversize);
    }

    // The compiled template whose definition starts at `offset` in the chunk: compiled on first use.
    private XmlBuffer? Template(ReadOnlySpan<byte> chunk, int offset, int depth)
    {
        if (_templates.TryGetValue(offset, out XmlBuffer? compiled))
        {
            return compiled;
        }

        for (int i = 0; i < _compilingCount; i++)
        {
            if (_compiling[i] == offset)
            {
                Fail(EvtxDamage.TemplateRecursion);
                return null;
            }
        }

        if ((uint)offset > (uint)chunk.Length - 24)
        {
            Fail(EvtxDamage.BinXmlTruncated);
            return null;
        }

        uint size = BinaryPrimitives.ReadUInt32LittleEndian(chunk.Slice(offset + 20));
        int start = offset + 24;
        if (size > (uint)(chunk.Length - start))
        {
            Fail(EvtxDamage.BinXmlTruncated);
            return null;
        }

        if (_poolUsed == _pool.Count)
        {
            _pool.Add(new XmlBuffer()); // kept across chunks: a warm reader allocates no more
        }

        int slot = _poolUsed++;
        XmlBuffer buffer = _pool[slot];
        buffer.Clear();
        _compiling[_compilingCount++] = offset;
        int pos = start;
        bool ok = Fragment(chunk, ref pos, start + (int)size, buffer, inTemplate: true, depth + 1);
        _compilingCount--;
        if (!ok)
        {
            // Not kept: a damaged template that every record of the chunk instantiates must not take
            // a buffer per record (unless a template nested in it compiled after it took its slot).
            if (_poolUsed == slot + 1)
            {
                _poolUsed = slot;
            }

            return null;
        }

        _templates[offset] = buffer;
        return buffer;
    }

    private readonly record struct Substitution(int Offset, int Size, byte Type);
}
