namespace PlantTracking.Tests;

/// <summary>The repository this test build came from (the directory holding Projections.sln).</summary>
internal static class RepositoryRoot
{
    public static string Path { get; } = Find();

    public static string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Projections.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("Projections.sln not found above " + AppContext.BaseDirectory);
    }
}
