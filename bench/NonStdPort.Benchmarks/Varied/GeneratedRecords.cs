using System.Diagnostics;

namespace NonStdPort.Benchmarks.Varied;

/// <summary>
/// Records written by <c>bench/generate-records.sh</c> (the script the end-to-end runs use), held in
/// one buffer with each record's bounds, so a benchmark walks many different records in file order
/// rather than one hot record: the branch and cache behaviour of a real stream.
/// </summary>
internal sealed class GeneratedRecords
{
    private GeneratedRecords(byte[] bytes, int[] starts, int[] lengths)
    {
        Bytes = bytes;
        Starts = starts;
        Lengths = lengths;
    }

    /// <summary>Every record, newline-separated, as the script wrote them.</summary>
    public byte[] Bytes { get; }

    /// <summary>Where each record starts in <see cref="Bytes"/>.</summary>
    public int[] Starts { get; }

    /// <summary>Each record's length, without its newline.</summary>
    public int[] Lengths { get; }

    /// <summary>How many records there are.</summary>
    public int Count => Starts.Length;

    /// <summary>Record <paramref name="index"/>.</summary>
    public ReadOnlySpan<byte> this[int index] => Bytes.AsSpan(Starts[index], Lengths[index]);

    /// <summary>Runs the generator for <paramref name="count"/> records of <paramref name="envelope"/> at <paramref name="alertPercent"/> % alerts.</summary>
    public static GeneratedRecords Generate(string envelope, int alertPercent, int count)
    {
        string script = Path.Combine(RepositoryRoot(), "bench", "generate-records.sh");
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            ArgumentList = { script, count.ToString(System.Globalization.CultureInfo.InvariantCulture), "-" },
            Environment = { ["ENVELOPE"] = envelope, ["ALERT_PERCENT"] = alertPercent.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        };

        using Process process = Process.Start(start) ?? throw new InvalidOperationException("cannot start bash");
        using var output = new MemoryStream();
        Task<string> errors = process.StandardError.ReadToEndAsync();
        process.StandardOutput.BaseStream.CopyTo(output);
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{script} failed: {errors.Result}");
        }

        byte[] bytes = output.ToArray();
        var starts = new List<int>(count);
        var lengths = new List<int>(count);
        int at = 0;
        while (at < bytes.Length)
        {
            int newline = Array.IndexOf(bytes, (byte)'\n', at);
            int end = newline < 0 ? bytes.Length : newline;
            if (end > at)
            {
                starts.Add(at);
                lengths.Add(end - at);
            }

            at = end + 1;
        }

        if (starts.Count != count)
        {
            throw new InvalidOperationException($"{script} wrote {starts.Count} records, not {count}.");
        }

        return new GeneratedRecords(bytes, [.. starts], [.. lengths]);
    }

    /// <summary>The repository holding this benchmark build (BenchmarkDotNet runs it from a folder below bench/).</summary>
    private static string RepositoryRoot()
    {
        for (string? dir = AppContext.BaseDirectory; dir is not null; dir = Path.GetDirectoryName(dir))
        {
            if (File.Exists(Path.Combine(dir, "bench", "generate-records.sh")))
            {
                return dir;
            }
        }

        throw new InvalidOperationException("bench/generate-records.sh not found above " + AppContext.BaseDirectory);
    }
}
