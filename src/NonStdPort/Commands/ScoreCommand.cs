using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using NonStdPort.Cli.Files;
using NonStdPort.Core;
using NonStdPort.Core.Rules;
using NonStdPort.Core.Write;

namespace NonStdPort.Cli.Commands;

/// <summary>`nonstdport score [FILE|-]...`: file mode, records in, alerts out as NDJSON.</summary>
internal static class ScoreCommand
{
    private const string Description =
        "Score Sysmon network-connection records (event id 3) from files or stdin and write one JSON alert per line\n" +
        "to stdout, in input order. Every supported envelope is recognised per record: flat Sysmon JSON (NXLog),\n" +
        "Winlogbeat 6/7/8, Windows event XML, Sentinel WindowsEvent and Syslog rows, evtx_dump JSON.\n" +
        "JSON records are one per line, or pretty-printed over many lines when the opening { stands alone on its\n" +
        "line (jq ., evtx_dump -o json, whose 'Record N' lines are skipped), also as the elements of a JSON array\n" +
        "(ConvertTo-Json, jq -s). XML events may span lines, with or without an <?xml?> prologue and an <Events>\n" +
        "wrapper. Gzip input is detected by its magic bytes, whatever the file name. Blank lines are skipped;\n" +
        "CRLF line ends are fine; UTF-16 with a byte-order mark (PowerShell's Out-File) is decoded.\n" +
        "Windows .evtx files are read directly (told by their ElfFile signature, whatever the name, also gzipped).\n" +
        "\n" +
        "A malformed record is reported on stderr as FILE:LINE: reason (stdin is named -), counted, and skipped;\n" +
        "processing continues. Damage in a .evtx file is reported as FILE:chunk C record R: reason, and the rest\n" +
        "of the file is read; a checksum mismatch alone is a warning (every record is still checked and scored,\n" +
        "nothing counts as malformed, exit code 0).\n" +
        "\n" +
        "Examples:\n" +
        "  nonstdport score samples/sysmon-flat.ndjson          alerts from one file\n" +
        "  zcat day.ndjson.gz | nonstdport score                 from stdin (same as: nonstdport score -)\n" +
        "  nonstdport score --top 500 --max-age 1d *.json.gz     the seed query: 500 highest, last day\n" +
        "  nonstdport score --all events.xml | jq .risk_score     every scored connection, with why it is not an alert\n" +
        "  nonstdport score --stats big.ndjson > alerts.ndjson   throughput and counts on stderr\n" +
        "  nonstdport score -r exports/                          every record file under a directory\n" +
        "  nonstdport score --format ocsf day.ndjson             alerts as OCSF 1.8.0 Detection Findings\n" +
        "\n" +
        ExitCodes.HelpText;

    public static Command Create(StandardStreams streams)
    {
        var inputs = new Argument<string[]>("FILE")
        {
            Description = "Files to read, in order; - reads stdin. None: read stdin.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var all = new Option<bool>("--all")
        {
            Description = "Write every scored Sysmon event id 3 record with its score and why it is not an alert, not only alerts. Not with --top.",
        };
        var top = new Option<int?>("--top")
        {
            Description = "Write only the N highest-ranked alerts, at the end: risk_score, then event time, newest first. Memory is bounded by N.",
            HelpName = "N",
            CustomParser = result => ParseAtLeast(result, "--top", 1),
        };
        var since = new Option<DateTime?>("--since")
        {
            Description = "Skip records whose event time is before TIME (UTC unless it carries an offset), e.g. 2026-11-27 or 2026-11-27T06:00:00Z.",
            HelpName = "TIME",
            CustomParser = ParseSince,
        };
        var maxAge = new Option<TimeSpan?>("--max-age")
        {
            Description = "Skip records older than DURATION before now, a whole number and a unit (ms, s, m, h, d): 1d (the seed's window), 12h, 90m. Off by default.",
            HelpName = "DURATION",
            CustomParser = ParseMaxAge,
        };
        var rules = new Option<FileInfo?>("--rules")
        {
            Description = "A rules file (YAML) merged over the built-in defaults; see 'nonstdport rules show' and samples/rules.example.yaml.",
            HelpName = "FILE",
        };
        var watchRules = new Option<bool>("--watch-rules")
        {
            Description = "Reload --rules when the file changes (SIGHUP always reloads it), e.g. tail -F x.ndjson | nonstdport score --rules r.yaml --watch-rules. An invalid file keeps the rules in force.",
        };
        var recursive = new Option<bool>("--recursive", "-r")
        {
            Description = $"Read a directory argument's files at any depth, in path order: those named {InputDirectories.PatternList} (case-insensitive).",
        };
        var stats = new Option<bool>("--stats")
        {
            Description = "On stderr: a progress line every few seconds, and at the end records/s, alerts by score, skipped, suppressed, malformed.",
        };
        var maxRecordBytes = new Option<int>("--max-record-bytes")
        {
            Description = "Largest record accepted; a longer one is reported as oversize and skipped without being buffered.",
            HelpName = "BYTES",
            DefaultValueFactory = _ => EngineOptions.DefaultMaxRecordBytes,
            CustomParser = result => ParseAtLeast(result, "--max-record-bytes", 64) ?? 0,
        };
        var threads = new Option<int>("--threads")
        {
            Description = "Scoring threads for plain (not gzip, not EVTX) seekable files: the default is the number of cores; 1 scores on the reading thread. Alerts and every detection are the same for any N.",
            HelpName = "N",
            DefaultValueFactory = _ => Environment.ProcessorCount,
            CustomParser = result => ParseAtLeast(result, "--threads", 1) ?? 1,
        };

        var format = FormatOption.Create("each alert line");
        var command = new Command("score", Description);
        command.Arguments.Add(inputs);
        command.Options.Add(all);
        command.Options.Add(top);
        command.Options.Add(since);
        command.Options.Add(maxAge);
        command.Options.Add(rules);
        command.Options.Add(watchRules);
        command.Options.Add(recursive);
        command.Options.Add(stats);
        command.Options.Add(maxRecordBytes);
        command.Options.Add(threads);
        command.Options.Add(format);
        command.Validators.Add(result =>
        {
            if (result.GetResult(since) is not null && result.GetResult(maxAge) is not null)
            {
                result.AddError("Give --since or --max-age, not both.");
            }

            // --top ranks alerts; --all adds records that are not alerts, so the two have no common meaning.
            if (result.GetResult(all) is not null && result.GetResult(top) is not null)
            {
                result.AddError("Give --all or --top, not both: --top ranks alerts only, --all writes every scored record.");
            }
        });

        command.SetAction(async (parse, cancellationToken) =>
        {
            RuleSet? ruleSet = LoadRules(parse.GetValue(rules), streams.Error);
            if (ruleSet is null)
            {
                return ExitCodes.UsageOrIo;
            }

            DateTime? notBefore = parse.GetValue(since) ?? (parse.GetValue(maxAge) is TimeSpan age ? DateTime.UtcNow - age : null);
            var options = new EngineOptions
            {
                EmitAll = parse.GetValue(all),
                MaxRecordBytes = parse.GetValue(maxRecordBytes),
                NotBefore = notBefore,
                Format = FormatOption.Parse(parse.GetValue(format)),
            };
            string[] given = parse.GetValue(inputs) ?? [];
            IReadOnlyList<string>? files = parse.GetValue(recursive) ? InputDirectories.Expand(given, streams.Error) : given;
            if (files is null)
            {
                return ExitCodes.UsageOrIo;
            }

            var settings = new ScoreSettings(
                files,
                parse.GetValue(top),
                parse.GetValue(stats),
                options.MaxRecordBytes,
                parse.GetValue(threads));
            // Live rules: a reload (SIGHUP, --watch-rules) is picked up between records, which matters when following a stream.
            var live = new LiveRules(ruleSet);
            using RulesReloader? reloader = parse.GetValue(rules) is { } rulesFile
                ? new RulesReloader(live, rulesFile.FullName, parse.GetValue(watchRules), streams.Error)
                : null;
            var engine = new Engine(live, options);
            return await new ScoreRun(settings, new EngineScorer(engine), streams).RunAsync(cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>The defaults, or the defaults merged with <paramref name="file"/>; null (errors on stderr) when the file is unusable.</summary>
    private static RuleSet? LoadRules(FileInfo? file, TextWriter errors)
    {
        if (file is null)
        {
            return RuleSet.Default;
        }

        string text;
        try
        {
            text = File.ReadAllText(file.FullName);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            string problem = e is FileNotFoundException or DirectoryNotFoundException ? "no such file" : e.Message;
            errors.WriteLine($"nonstdport score: --rules {file}: {problem}");
            return null;
        }

        RulesFileResult result = RulesFile.Parse(text);
        if (result.Rules is null)
        {
            foreach (RulesFileError error in result.Errors)
            {
                errors.WriteLine(error.Format(file.ToString()));
            }

            errors.WriteLine($"nonstdport score: --rules {file}: {result.Errors.Count} error(s); nothing was scored");
        }

        return result.Rules;
    }

    private static int? ParseAtLeast(ArgumentResult result, string option, int minimum)
    {
        string text = result.Tokens[0].Value;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value >= minimum)
        {
            return value;
        }

        result.AddError($"{option} must be a whole number of at least {minimum}, not '{text}'.");
        return null;
    }

    private static DateTime? ParseSince(ArgumentResult result)
    {
        string text = result.Tokens[0].Value;
        if (DateTime.TryParse(
            text,
            CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal,
            out DateTime time))
        {
            return time;
        }

        result.AddError($"--since: '{text}' is not a date/time (try 2026-11-27 or 2026-11-27T06:00:00Z).");
        return null;
    }

    private static TimeSpan? ParseMaxAge(ArgumentResult result)
    {
        string text = result.Tokens[0].Value;
        if (Duration.TryParse(text, out TimeSpan age, out string? error) && age > TimeSpan.Zero)
        {
            return age;
        }

        result.AddError($"--max-age: {error ?? $"'{text}' is not a positive duration"}.");
        return null;
    }
}
