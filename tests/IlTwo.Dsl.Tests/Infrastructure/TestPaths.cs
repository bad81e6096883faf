namespace IlTwo.Dsl.Tests.Infrastructure;

internal static class TestPaths
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static string TestProject => Path.Combine(RepositoryRoot, "tests", "IlTwo.Dsl.Tests");

    public static string Corpus => Path.Combine(TestProject, "Corpus", "Diagnostics");

    public static string Baselines => Path.Combine(TestProject, "Baselines");

    public static string Protocols => Path.Combine(RepositoryRoot, "protocols");

    public static string Grammar => Path.Combine(RepositoryRoot, "grammar", "Il2.g4");

    /// <summary>Set <c>IL2_UPDATE_BASELINES=1</c> to rewrite baseline files instead of comparing.</summary>
    public static bool UpdateBaselines => Environment.GetEnvironmentVariable("IL2_UPDATE_BASELINES") is "1" or "true";

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "IlTwo.Dsl.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("repository root (IlTwo.Dsl.sln) not found above " + AppContext.BaseDirectory);
    }
}
