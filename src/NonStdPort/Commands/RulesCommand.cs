using System.CommandLine;
using NonStdPort.Core.Rules;

namespace NonStdPort.Cli.Commands;

/// <summary>`nonstdport rules check FILE` and `nonstdport rules show [--rules FILE]`.</summary>
internal static class RulesCommand
{
    /// <summary>The file is valid.</summary>
    public const int ExitOk = ExitCodes.Ok;

    /// <summary>The file has errors (each printed as FILE:LINE:COL: message).</summary>
    public const int ExitInvalid = 1;

    /// <summary>The file could not be read.</summary>
    public const int ExitUnreadable = ExitCodes.UsageOrIo;

    private const string ExitCodesHelp =
        "Exit codes:\n" +
        "  0  the rules file is valid (check) or the rule set was printed (show)\n" +
        "  1  the rules file has errors, each printed on stderr as FILE:LINE:COL: message\n" +
        "  2  usage error, or the rules file could not be read";

    public static Command Create()
    {
        var command = new Command(
            "rules",
            "Validate a rules file or print the effective rule set. A rules file is YAML; every key is optional and " +
            "falls back to its default. A list given as a YAML sequence replaces the default list; a mapping with " +
            "'add:' and/or 'remove:' edits it. See samples/rules.example.yaml for every key.");
        command.Subcommands.Add(CreateCheck());
        command.Subcommands.Add(CreateShow());
        return command;
    }

    private static Command CreateCheck()
    {
        var file = new Argument<FileInfo>("FILE") { Description = "The YAML rules file to validate." };
        var check = new Command(
            "check",
            "Validate a rules file: unknown keys, wrong types, bad CIDRs, ports outside 0-65535, bad durations. " +
            "Prints 'OK: ...' with a summary of the effective rules, or every error as FILE:LINE:COL: message on stderr.\n\n" +
            "Examples:\n" +
            "  nonstdport rules check rules.yaml\n" +
            "  nonstdport rules show > rules.yaml && nonstdport rules check rules.yaml\n\n" +
            ExitCodesHelp);
        check.Arguments.Add(file);
        check.SetAction(parseResult =>
        {
            FileInfo path = parseResult.GetValue(file)!;
            TextWriter output = parseResult.InvocationConfiguration.Output;
            TextWriter error = parseResult.InvocationConfiguration.Error;
            if (!TryRead(path, error, out string? text))
            {
                return ExitUnreadable;
            }

            RulesFileResult result = RulesFile.Parse(text);
            if (result.Rules is not { } rules)
            {
                foreach (RulesFileError e in result.Errors)
                {
                    error.WriteLine(e.Format(path.ToString()));
                }

                error.WriteLine($"{path}: {result.Errors.Count} error(s)");
                return ExitInvalid;
            }

            output.WriteLine($"OK: {path}: {Summary(rules)}");
            return ExitOk;
        });
        return check;
    }

    private static Command CreateShow()
    {
        var rulesOption = new Option<FileInfo?>("--rules")
        {
            Description = "A rules file to merge over the defaults; without it the built-in defaults are shown.",
        };
        var show = new Command(
            "show",
            "Print the effective rule set (the defaults merged with --rules FILE) as YAML. The output is itself a valid " +
            "rules file with every key and every list written out.\n\n" +
            "Examples:\n" +
            "  nonstdport rules show                       the built-in defaults\n" +
            "  nonstdport rules show --rules site.yaml     what site.yaml changes, merged over the defaults\n" +
            "  nonstdport rules show > rules.yaml          a complete file to start editing from\n\n" +
            ExitCodesHelp);
        show.Options.Add(rulesOption);
        show.SetAction(parseResult =>
        {
            TextWriter output = parseResult.InvocationConfiguration.Output;
            TextWriter error = parseResult.InvocationConfiguration.Error;
            RuleSet rules = RuleSet.Default;
            if (parseResult.GetValue(rulesOption) is { } path)
            {
                if (!TryRead(path, error, out string? text))
                {
                    return ExitUnreadable;
                }

                RulesFileResult result = RulesFile.Parse(text);
                if (result.Rules is null)
                {
                    foreach (RulesFileError e in result.Errors)
                    {
                        error.WriteLine(e.Format(path.ToString()));
                    }

                    return ExitInvalid;
                }

                rules = result.Rules;
            }

            output.Write(RulesFile.ToYaml(rules));
            return ExitOk;
        });
        return show;
    }

    private static bool TryRead(FileInfo path, TextWriter error, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? text)
    {
        try
        {
            text = File.ReadAllText(path.FullName);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"{path}: cannot read the rules file: {e.Message}");
            text = null;
            return false;
        }
    }

    private static string Summary(RuleSet rules)
    {
        Suppressions s = rules.Suppressions;
        int suppressions = s.Processes.Names.Length + s.Networks.Networks.Length + s.Combinations.Length;
        return $"{rules.HighRiskProcesses.Names.Length} high-risk processes, {rules.C2Ports.Ports.Length} C2 ports, " +
            $"{rules.StandardPorts.Ports.Length} standard ports, {rules.InternalNetworks.Networks.Length} internal networks, " +
            $"{suppressions} suppressions; threshold {rules.Threshold}; inbound {(rules.ScoreInbound ? "scored" : "not scored")}; " +
            $"beacon {OnOff(rules.Beacon.Enabled)}, rdp_port_change {OnOff(rules.RdpPortChange.Enabled)}, lineage {OnOff(rules.Lineage.Enabled)}";
    }

    private static string OnOff(bool enabled) => enabled ? "on" : "off";
}
