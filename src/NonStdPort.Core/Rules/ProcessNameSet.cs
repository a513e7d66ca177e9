using System.Buffers;
using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Unicode;

namespace NonStdPort.Core.Rules;

/// <summary>
/// Process names matched case-insensitively against an image's file name (the last path segment
/// after <c>\</c> or <c>/</c>), exactly; an entry ending in <c>*</c> matches as a prefix. So
/// <c>cmd.exe</c> matches <c>C:\x\CMD.EXE</c> but not <c>notcmd.exe</c> or <c>cmd.exe.bak</c>, and
/// <c>python3*</c> matches <c>/usr/bin/python3.11</c>. Lookups are allocation-free.
/// </summary>
/// <remarks>
/// Case-insensitive means <see cref="StringComparison.OrdinalIgnoreCase"/>. Names and entries that
/// are all ASCII (nearly all of them) are compared as lower-cased bytes, bucketed by length, with no
/// decoding; anything else goes through UTF-16 with the same comparison, so both paths agree.
/// </remarks>
public sealed class ProcessNameSet
{
    /// <summary>The longest entry accepted, in characters.</summary>
    public const int MaxEntryLength = 200;

    private readonly byte[][]?[] _asciiExactByLength = new byte[][]?[MaxEntryLength + 1];
    private readonly byte[][] _asciiPrefixes;
    private readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> _exact;
    private readonly string[] _prefixes;
    private readonly bool _hasNonAsciiEntries;
    private readonly bool _matchesAll;

    /// <summary>An empty set.</summary>
    public static ProcessNameSet Empty { get; } = new([]);

    /// <summary>Builds a set; throws <see cref="FormatException"/> for an entry that is not a file name.</summary>
    public ProcessNameSet(IEnumerable<string> names)
    {
        var list = ImmutableArray.CreateBuilder<string>();
        var exact = new List<string>();
        var prefixes = new List<string>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (string name in names)
        {
            if (Validate(name) is { } error)
            {
                throw new FormatException(error);
            }

            if (!seen.Add(name))
            {
                continue;
            }

            list.Add(name);
            _hasNonAsciiEntries |= !Ascii.IsValid(name);
            if (name.EndsWith('*'))
            {
                string prefix = name[..^1];
                _matchesAll |= prefix.Length == 0;
                prefixes.Add(prefix);
            }
            else
            {
                exact.Add(name);
            }
        }

        Names = list.ToImmutable();
        _exact = exact.ToFrozenSet(StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();
        _prefixes = prefixes.ToArray();
        _asciiPrefixes = prefixes.Where(p => Ascii.IsValid(p)).Select(LowerAscii).ToArray();
        foreach (var group in exact.Where(e => Ascii.IsValid(e)).GroupBy(e => e.Length))
        {
            _asciiExactByLength[group.Key] = group.Select(LowerAscii).ToArray();
        }
    }

    /// <summary>The entries as given, in order, without repeats; used to show the rule set.</summary>
    public ImmutableArray<string> Names { get; }

    /// <summary>Why <paramref name="name"/> cannot be an entry, or null when it can.</summary>
    public static string? Validate(string name)
    {
        if (name.Length == 0)
        {
            return "a process name cannot be empty";
        }

        if (name.Length > MaxEntryLength)
        {
            return $"a process name is at most {MaxEntryLength} characters";
        }

        if (name.AsSpan().IndexOfAny('\\', '/') >= 0)
        {
            return $"'{name}' is matched against the image's file name only: write it without a directory";
        }

        int star = name.IndexOf('*');
        if (star >= 0 && star != name.Length - 1)
        {
            return $"'{name}': '*' is allowed only at the end of a name (as a prefix match)";
        }

        return null;
    }

    /// <summary>True when the image's file name matches an entry (the image given as UTF-8, full path or bare name).</summary>
    [SkipLocalsInit]
    public bool ContainsImage(ReadOnlySpan<byte> image)
    {
        Span<byte> lower = stackalloc byte[ProcessFileName.MaxBytes];
        Span<char> chars = stackalloc char[ProcessFileName.MaxBytes];
        return Contains(ProcessFileName.FromImage(image, lower, chars));
    }

    /// <summary>True when a file name matches an entry.</summary>
    public bool Contains(in ProcessFileName name)
    {
        if (_matchesAll)
        {
            return true;
        }

        if (name.IsAscii && !_hasNonAsciiEntries)
        {
            return ContainsAscii(name.Lower, name.IsTruncated);
        }

        return ContainsUtf16(name.IsAscii ? name.WidenAscii(stackalloc char[ProcessFileName.MaxBytes]) : name.Utf16, name.IsTruncated);
    }

    /// <summary>True when a decoded file name matches an entry (the general, UTF-16 path).</summary>
    public bool Contains(ReadOnlySpan<char> fileName) => ContainsUtf16(fileName, truncated: false);

    private bool ContainsUtf16(ReadOnlySpan<char> fileName, bool truncated)
    {
        // A truncated name is longer than any entry, so only a prefix can match it.
        if (_matchesAll || (!truncated && _exact.Contains(fileName)))
        {
            return true;
        }

        foreach (string prefix in _prefixes)
        {
            if (fileName.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private bool ContainsAscii(ReadOnlySpan<byte> lower, bool truncated)
    {
        // A truncated name is longer than any entry, so only a prefix can match it.
        if (!truncated && lower.Length <= MaxEntryLength && _asciiExactByLength[lower.Length] is { } sameLength)
        {
            foreach (byte[] entry in sameLength)
            {
                if (lower.SequenceEqual(entry))
                {
                    return true;
                }
            }
        }

        foreach (byte[] prefix in _asciiPrefixes)
        {
            if (lower.StartsWith(prefix))
            {
                return true;
            }
        }

        return false;
    }

    private static byte[] LowerAscii(string ascii)
    {
        byte[] bytes = Encoding.ASCII.GetBytes(ascii);
        Ascii.ToLowerInPlace(bytes, out _);
        return bytes;
    }
}

/// <summary>
/// An image's file name prepared once for every <see cref="ProcessNameSet"/> lookup of a record:
/// lower-cased bytes when it is ASCII, else decoded UTF-16. Lives in caller-provided stack buffers.
/// </summary>
public readonly ref struct ProcessFileName
{
    /// <summary>
    /// Bytes of a file name kept for matching (and the size of the buffers). Longer names are cut
    /// here, which cannot change a result: an entry is at most <see cref="ProcessNameSet.MaxEntryLength"/>
    /// characters, at most 3 UTF-8 bytes each, so a cut name is longer than every entry.
    /// </summary>
    public const int MaxBytes = 640;

    private ProcessFileName(ReadOnlySpan<byte> lower, ReadOnlySpan<char> utf16, bool isAscii, bool isTruncated)
    {
        Lower = lower;
        Utf16 = utf16;
        IsAscii = isAscii;
        IsTruncated = isTruncated;
    }

    /// <summary>The lower-cased ASCII name (when <see cref="IsAscii"/>).</summary>
    public ReadOnlySpan<byte> Lower { get; }

    /// <summary>The decoded name (when not <see cref="IsAscii"/>); invalid UTF-8 becomes U+FFFD.</summary>
    public ReadOnlySpan<char> Utf16 { get; }

    /// <summary>True when the name is all ASCII.</summary>
    public bool IsAscii { get; }

    /// <summary>True when the name was longer than <see cref="MaxBytes"/> and was cut.</summary>
    public bool IsTruncated { get; }

    /// <summary>The last path segment after <c>\</c> or <c>/</c> (the whole value when it has none).</summary>
    public static ReadOnlySpan<byte> Of(ReadOnlySpan<byte> image) => image[(image.LastIndexOfAny((byte)'\\', (byte)'/') + 1)..];

    /// <summary>
    /// Takes the file name out of <paramref name="image"/> (UTF-8) and prepares it, using
    /// <paramref name="lowerBuffer"/> and <paramref name="charBuffer"/> (each at least <see cref="MaxBytes"/> long).
    /// </summary>
    public static ProcessFileName FromImage(ReadOnlySpan<byte> image, Span<byte> lowerBuffer, Span<char> charBuffer)
    {
        ReadOnlySpan<byte> name = Of(image);
        bool truncated = name.Length > MaxBytes;
        if (truncated)
        {
            name = name[..MaxBytes];
        }

        if (Ascii.ToLower(name, lowerBuffer, out int lowered) == OperationStatus.Done)
        {
            return new ProcessFileName(lowerBuffer[..lowered], default, isAscii: true, truncated);
        }

        Utf8.ToUtf16(name, charBuffer, out _, out int written, replaceInvalidSequences: true, isFinalBlock: !truncated);
        return new ProcessFileName(default, charBuffer[..written], isAscii: false, truncated);
    }

    /// <summary>The ASCII name as characters, in <paramref name="buffer"/>.</summary>
    internal ReadOnlySpan<char> WidenAscii(Span<char> buffer)
    {
        Ascii.ToUtf16(Lower, buffer, out int written);
        return buffer[..written];
    }
}
