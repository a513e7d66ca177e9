namespace NonStdPort.Cli.Tests.Support;

/// <summary>Finds files of the repository the tests were built from.</summary>
internal static class RepositoryPaths
{
    /// <summary>The repository root: the nearest directory above the test binaries holding NonStdPort.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The samples directory.</summary>
    public static string Samples => Path.Combine(Root, "samples");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "NonStdPort.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("NonStdPort.sln not found above " + AppContext.BaseDirectory);
    }
}
