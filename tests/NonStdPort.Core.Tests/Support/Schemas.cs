namespace NonStdPort.Core.Tests.Support;

/// <summary>
/// Locates the published schemas beside the repository (<c>../shared/schemas</c>: ECS 9.4.0,
/// OCSF 1.8.0), read in place and never copied into the repository.
/// </summary>
public static class Schemas
{
    private static readonly Lazy<string?> Root = new(() =>
        Datasets.RepositoryRoot is { } root && System.IO.Path.GetFullPath(System.IO.Path.Combine(root, "..", "shared", "schemas")) is var dir && Directory.Exists(dir) ? dir : null);

    /// <summary>The message a skipped test shows when the schemas are absent.</summary>
    public const string MissingMessage = "Schema folder not found: expected ../shared/schemas (ecs-9.4.0, ocsf-1.8.0) beside the repository.";

    /// <summary>The schemas folder, or null.</summary>
    public static string? Folder => Root.Value;

    /// <summary>Full path of a file or folder inside the schemas folder.</summary>
    public static string Path(string relative) =>
        System.IO.Path.Combine(Folder ?? throw new InvalidOperationException(MissingMessage), relative);
}

/// <summary>A theory that is skipped, with a clear message, when the schemas are absent.</summary>
public sealed class SchemaTheoryAttribute : TheoryAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when the schemas are missing.</summary>
    public SchemaTheoryAttribute()
    {
        if (Schemas.Folder is null)
        {
            Skip = Schemas.MissingMessage;
        }
    }
}
