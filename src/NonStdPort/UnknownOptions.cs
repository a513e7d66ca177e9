using System.CommandLine;
using System.CommandLine.Parsing;

namespace NonStdPort.Cli;

/// <summary>
/// Finds argument values that look like options (`--output`, `-x`), which System.CommandLine would otherwise take as
/// file names, and names the closest real option. A file whose name starts with '-' is still reachable as `./-name`
/// or after `--`.
/// </summary>
internal static class UnknownOptions
{
    /// <summary>One message per unknown option, in command-line order; empty when there is none.</summary>
    public static List<string> Find(ParseResult parsed)
    {
        var messages = new List<string>();
        Command command = parsed.CommandResult.Command;
        foreach (Token token in parsed.Tokens)
        {
            if (token.Type == TokenType.DoubleDash)
            {
                break;
            }

            if (token.Type != TokenType.Argument || !LooksLikeOption(token.Value) || IsOptionValue(parsed, token))
            {
                continue;
            }

            string? nearest = Nearest(command, token.Value);
            messages.Add(nearest is null
                ? $"Unknown option '{token.Value}'."
                : $"Unknown option '{token.Value}'; did you mean '{nearest}'?");
        }

        return messages;
    }

    private static bool LooksLikeOption(string value) => value.Length > 1 && value[0] == '-' && !char.IsAsciiDigit(value[1]);

    /// <summary>True when the token is the value of an option (e.g. `--since -1`), not a positional argument.</summary>
    private static bool IsOptionValue(ParseResult parsed, Token token)
    {
        for (SymbolResult? result = parsed.CommandResult; result is not null; result = result.Parent)
        {
            if (result is not CommandResult commandResult)
            {
                continue;
            }

            foreach (SymbolResult child in commandResult.Children)
            {
                if (child is OptionResult option && Contains(option.Tokens, token))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool Contains(IReadOnlyList<Token> tokens, Token token)
    {
        foreach (Token candidate in tokens)
        {
            if (ReferenceEquals(candidate, token))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The option of <paramref name="command"/> (or a recursive one of its parents) closest in edit distance, when close enough to be a likely typo.</summary>
    private static string? Nearest(Command command, string given)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (Option option in AllOptions(command))
        {
            foreach (string name in Names(option))
            {
                int distance = EditDistance(given, name);
                if (distance < bestDistance)
                {
                    (best, bestDistance) = (name, distance);
                }
            }
        }

        // A suggestion that changes half the name or more (e.g. -x to -h) is noise, not help.
        return best is not null && bestDistance <= (given.Length - 1) / 2 ? best : null;
    }

    private static IEnumerable<Option> AllOptions(Command command)
    {
        foreach (Option option in command.Options)
        {
            yield return option;
        }

        foreach (Command parent in command.Parents.OfType<Command>())
        {
            foreach (Option option in parent.Options)
            {
                if (option.Recursive)
                {
                    yield return option;
                }
            }
        }
    }

    private static IEnumerable<string> Names(Option option)
    {
        yield return option.Name;
        foreach (string alias in option.Aliases)
        {
            yield return alias;
        }
    }

    /// <summary>Levenshtein distance.</summary>
    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
