using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Text.Unicode;

namespace NonStdPort.Core.Rules;

/// <summary>
/// Process names matched case-insensitively against an image's file name (the last path segment
/// after <c>\</c> or <c>/</c>), exactly; an entry ending in <c>*</c> matches as a prefix. So
/// <c>cmd.exe</c> matches <c>C:\x\CMD.EXE</c> but not <c>notcmd.exe</c> or <c>cmd.exe.bak</c>, and
/// <c>python3*</c> matches <c>/usr/bin/python3.11</c>. Lookups are allocation-free.
/// </summary>
public sealed class ProcessNameSet
{
    /// <summary>The longest entry accepted, in characters.</summary>
    public const int MaxEntryLength = 200;

    private readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> _exact;
    private readonly string[] _prefixes;
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
        Span<char> buffer = stackalloc char[ProcessFileName.MaxChars];
        return Contains(ProcessFileName.Decode(ProcessFileName.Of(image), buffer));
    }

    /// <summary>True when a file name (already taken from its path and decoded) matches an entry.</summary>
    public bool Contains(ReadOnlySpan<char> fileName)
    {
        if (_matchesAll || _exact.Contains(fileName))
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
}

/// <summary>Takes the file name out of an image path, and decodes it for matching, without allocating.</summary>
public static class ProcessFileName
{
    /// <summary>
    /// Characters of a file name kept for matching. Longer names are cut here, which cannot change
    /// a result: no entry is longer than <see cref="ProcessNameSet.MaxEntryLength"/>.
    /// </summary>
    public const int MaxChars = 256;

    /// <summary>The last path segment after <c>\</c> or <c>/</c> (the whole value when it has none).</summary>
    public static ReadOnlySpan<byte> Of(ReadOnlySpan<byte> image) => image[(image.LastIndexOfAny((byte)'\\', (byte)'/') + 1)..];

    /// <summary>
    /// Decodes a UTF-8 file name into <paramref name="buffer"/> (at least <see cref="MaxChars"/> long)
    /// and returns the decoded part; invalid bytes become U+FFFD.
    /// </summary>
    public static ReadOnlySpan<char> Decode(ReadOnlySpan<byte> fileName, Span<char> buffer)
    {
        Utf8.ToUtf16(fileName, buffer, out _, out int written, replaceInvalidSequences: true, isFinalBlock: true);
        return buffer[..written];
    }
}
