namespace NonStdPort.Cli.Files;

/// <summary>
/// Expands the directories among <c>score</c>'s inputs (with <c>-r</c>) into the record files under them: every file,
/// at any depth, whose name ends in one of <see cref="Patterns"/>, in ordinal path order so that a run is repeatable.
/// Other files (READMEs, checksums) are left out, so a log export folder can be given as it is.
/// </summary>
internal static class InputDirectories
{
    /// <summary>The file name endings read under a directory, as documented in <c>score --help</c>.</summary>
    public static readonly string[] Patterns =
    [
        "*.json", "*.ndjson", "*.jsonl", "*.xml", "*.evtx",
        "*.json.gz", "*.ndjson.gz", "*.jsonl.gz", "*.xml.gz",
    ];

    /// <summary>The patterns as one help-text phrase.</summary>
    public static string PatternList => string.Join(", ", Patterns);

    /// <summary>
    /// Each input as given, except that a directory becomes the matching files under it; null when a directory holds
    /// none or cannot be listed (reported on <paramref name="errors"/>), since reading nothing, or stdin, would mislead.
    /// </summary>
    public static List<string>? Expand(IReadOnlyList<string> inputs, TextWriter errors)
    {
        bool ok = true;
        var expanded = new List<string>(inputs.Count);
        foreach (string input in inputs)
        {
            if (input == InputOpener.StandardInputName || !Directory.Exists(input))
            {
                expanded.Add(input);
                continue;
            }

            var files = new List<string>();
            try
            {
                foreach (string file in Directory.EnumerateFiles(input, "*", SearchOption.AllDirectories))
                {
                    if (Matches(Path.GetFileName(file)))
                    {
                        files.Add(file);
                    }
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                errors.WriteLine($"nonstdport score: {input}: cannot list: {e.Message}");
                ok = false;
                continue;
            }

            if (files.Count == 0)
            {
                errors.WriteLine($"nonstdport score: {input}: no files named {PatternList} under it");
                ok = false;
            }

            files.Sort(StringComparer.Ordinal);
            expanded.AddRange(files);
        }

        return ok ? expanded : null;
    }

    private static bool Matches(string name)
    {
        foreach (string pattern in Patterns)
        {
            // Every pattern is "*" and a suffix.
            if (name.EndsWith(pattern.AsSpan(1), StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
