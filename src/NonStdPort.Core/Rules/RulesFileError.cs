namespace NonStdPort.Core.Rules;

/// <summary>One problem in a rules file, at a 1-based line and column.</summary>
/// <param name="Line">1-based line.</param>
/// <param name="Column">1-based column.</param>
/// <param name="Message">What is wrong, and where useful what is expected.</param>
public sealed record RulesFileError(int Line, int Column, string Message)
{
    /// <summary>The error as <c>FILE:LINE:COL: message</c>, the form compilers and editors understand.</summary>
    public string Format(string file) => $"{file}:{Line}:{Column}: {Message}";
}

/// <summary>The result of reading a rules file: the rule set, or the errors that prevent it.</summary>
public sealed class RulesFileResult
{
    internal RulesFileResult(RuleSet? rules, IReadOnlyList<RulesFileError> errors)
    {
        Rules = rules;
        Errors = errors;
    }

    /// <summary>The effective rule set (defaults merged with the file); null when there are errors.</summary>
    public RuleSet? Rules { get; }

    /// <summary>Every error found, in file order.</summary>
    public IReadOnlyList<RulesFileError> Errors { get; }

    /// <summary>True when the file is valid.</summary>
    public bool IsValid => Rules is not null;
}

/// <summary>A rules file that cannot be used; the message lists every error as <c>FILE:LINE:COL: message</c>.</summary>
public sealed class RulesFileException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RulesFileException(string file, IReadOnlyList<RulesFileError> errors)
        : base(string.Join(Environment.NewLine, errors.Select(e => e.Format(file))))
    {
        File = file;
        Errors = errors;
    }

    /// <summary>The rules file.</summary>
    public string File { get; }

    /// <summary>Every error found.</summary>
    public IReadOnlyList<RulesFileError> Errors { get; }
}
