namespace NonStdPort.Core.Tests.Support;

/// <summary>
/// Locates the public Sysmon captures that sit beside the repository (<c>../shared/datasets</c>),
/// or where <c>NONSTDPORT_DATASETS</c> points. They are never copied into the repository.
/// </summary>
public static class Datasets
{
    private static readonly Lazy<string?> Root = new(Find);

    /// <summary>The datasets folder, or null when it is absent.</summary>
    public static string? Folder => Root.Value;

    /// <summary>The message a skipped test shows when the folder is absent.</summary>
    public const string MissingMessage =
        "Dataset folder not found: expected ../shared/datasets beside the repository, or set NONSTDPORT_DATASETS.";

    /// <summary>Full path of a file inside the datasets folder.</summary>
    public static string Path(string relative) =>
        System.IO.Path.Combine(Folder ?? throw new InvalidOperationException(MissingMessage), relative);

    private static string? Find()
    {
        var env = Environment.GetEnvironmentVariable("NONSTDPORT_DATASETS");
        if (!string.IsNullOrEmpty(env))
        {
            return Directory.Exists(env) ? env : null;
        }

        if (RepositoryRoot is not { } root)
        {
            return null;
        }

        var candidate = System.IO.Path.GetFullPath(System.IO.Path.Combine(root, "..", "shared", "datasets"));
        return Directory.Exists(candidate) ? candidate : null;
    }

    /// <summary>The repository's root folder (the one holding NonStdPort.sln) above the test binaries, or null.</summary>
    public static string? RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(System.IO.Path.Combine(dir.FullName, "NonStdPort.sln")))
                {
                    return dir.FullName;
                }
            }

            return null;
        }
    }
}

/// <summary>A fact that is skipped, with a clear message, when the datasets folder is absent.</summary>
public sealed class DatasetFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when the datasets are missing.</summary>
    public DatasetFactAttribute()
    {
        if (Datasets.Folder is null)
        {
            Skip = Datasets.MissingMessage;
        }
    }
}

/// <summary>A theory that is skipped, with a clear message, when the datasets folder is absent.</summary>
public sealed class DatasetTheoryAttribute : TheoryAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when the datasets are missing.</summary>
    public DatasetTheoryAttribute()
    {
        if (Datasets.Folder is null)
        {
            Skip = Datasets.MissingMessage;
        }
    }
}
