using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using NonStdPort.Cli.Files;
using NonStdPort.Core;
using NonStdPort.Core.Rules;

namespace NonStdPort.Cli.Commands;

/// <summary>`nonstdport score [FILE|-]...`: file mode, records in, alerts out as NDJSON.</summary>
internal static class ScoreCommand
{
    private const string Description =
        "Score Sysmon network-connection records (event id 3) from files or stdin and write one JSON alert per line\n" +
        "to stdout, in input order. Every supported envelope is recognised per record: flat Sysmon JSON (NXLog),\n" +
        "Winlogbeat 6/7/8, Windows event XML (one per line or pretty-printed over many lines, with or without an\n" +
        "<Events> wrapper), Sentinel WindowsEvent and Syslog rows, evtx_dump JSON. Gzip input is detected by its\n" +
        "magic bytes, whatever the file name. Blank lines are skipped; CRLF line ends are fine.\n" +
        "\n" +
        "A malformed record is reported on stderr as FILE:LINE: reason (stdin is named -), counted, and skipped;\n" +
        "processing continues.\n" +
        "\n" +
        "Examples:\n" +
        "  nonstdport score samples/sysmon-flat.ndjson          alerts from one file\n" +
        "  zcat day.ndjson.gz | nonstdport score                 from stdin (same as: nonstdport score -)\n" +
        "  nonstdport score --top 500 --max-age 1d *.json.gz     the seed query: 500 highest, last day\n" +
        "  nonstdport score --all events.xml | jq .risk_score     every scored connection, with why it is not an alert\n" +
        "  nonstdport score --stats big.ndjson > alerts.ndjson   throughput and counts on stderr\n" +
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
            Description = "Write every scored Sysmon event id 3 record with its score and why it is not an alert, not only alerts.",
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
            Description = "Skip records older than DURATION before now, e.g. 1d (the seed's window), 12h, 90m, 30s, 2w. Off by default.",
            HelpName = "DURATION",
            CustomParser = ParseMaxAge,
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

        var command = new Command("score", Description);
        command.Arguments.Add(inputs);
        command.Options.Add(all);
        command.Options.Add(top);
        command.Options.Add(since);
        command.Options.Add(maxAge);
        command.Options.Add(stats);
        command.Options.Add(maxRecordBytes);
        command.Validators.Add(result =>
        {
            if (result.GetResult(since) is not null && result.GetResult(maxAge) is not null)
            {
                result.AddError("Give --since or --max-age, not both.");
            }
        });

        command.SetAction(async (parse, cancellationToken) =>
        {
            DateTime? notBefore = parse.GetValue(since) ?? (parse.GetValue(maxAge) is TimeSpan age ? DateTime.UtcNow - age : null);
            var options = new EngineOptions
            {
                EmitAll = parse.GetValue(all),
                MaxRecordBytes = parse.GetValue(maxRecordBytes),
                NotBefore = notBefore,
            };
            var settings = new ScoreSettings(
                parse.GetValue(inputs) ?? [],
                parse.GetValue(top),
                parse.GetValue(stats),
                options.MaxRecordBytes);
            var engine = new Engine(RuleSet.Default, options);
            return await new ScoreRun(settings, new EngineScorer(engine), streams).RunAsync(cancellationToken).ConfigureAwait(false);
        });
        return command;
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
        if (Durations.TryParse(text, out TimeSpan age) && age > TimeSpan.Zero)
        {
            return age;
        }

        result.AddError($"--max-age: '{text}' is not a positive duration (try 1d, 12h, 90m, 30s, 2w or 1.12:00:00).");
        return null;
    }
}

/// <summary>Parses durations as people write them: <c>1d</c>, <c>12h</c>, <c>90m</c>, <c>30s</c>, <c>2w</c>, or a .NET <c>d.hh:mm:ss</c> span.</summary>
internal static class Durations
{
    /// <summary>Parses <paramref name="text"/>; false when it is not a duration.</summary>
    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = default;
        text = text.Trim();
        if (text.Length >= 2 && char.IsAsciiLetter(text[^1]) &&
            double.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double amount))
        {
            double seconds = char.ToLowerInvariant(text[^1]) switch
            {
                's' => 1,
                'm' => 60,
                'h' => 3600,
                'd' => 86400,
                'w' => 7 * 86400,
                _ => -1,
            };
            if (seconds < 0 || amount * seconds > TimeSpan.MaxValue.TotalSeconds)
            {
                return false;
            }

            duration = TimeSpan.FromSeconds(amount * seconds);
            return true;
        }

        // A bare number is ambiguous (seconds? days?), so the span form needs its colons.
        return text.Contains(':') && TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out duration);
    }
}
