using IlTwo.Dsl.Compilation;
using IlTwo.Dsl.Emit;
using IlTwo.Dsl.Text;
using IlTwo.Runtime.Protocols;

namespace IlTwo.Dsl.Tests;

/// <summary>Finds the repository's shipped protocols and compiles them for tests.</summary>
internal static class TestProtocols
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static string ProtocolsFolder => Path.Combine(RepositoryRoot, "protocols");

    public static string Shipped(string name) => Path.Combine(ProtocolsFolder, name + ".il2");

    /// <summary>
    /// Protocols whose rules exercise the engine broadly: the two shipped ones, the course-semantics pair (stops, until,
    /// persistence, counted criteria) and the data-check protocol, for tests that run over several (paths).
    /// </summary>
    public static TheoryData<string> EngineProtocols() =>
    [
        Shipped("hd-il2-monotherapy"),
        Shipped("post-til-il2"),
        Path.Combine(RepositoryRoot, "tests", "IlTwo.Dsl.Tests", "Course", "course-base.il2"),
        Path.Combine(RepositoryRoot, "tests", "IlTwo.Dsl.Tests", "Course", "course-extension.il2"),
        Path.Combine(RepositoryRoot, "tests", "IlTwo.Dsl.Tests", "Scenarios", "data-checks.il2"),
    ];

    public static ProtocolCompilation Compile(string path) =>
        ProtocolCompilation.Create(SourceText.FromBytes(File.ReadAllBytes(path), path));

    public static ProtocolCompilation CompileText(string text, string fileName = "test.il2") =>
        ProtocolCompilation.Create(SourceText.From(text, Path.Combine(Path.GetTempPath(), fileName)));

    /// <summary>Compiles to a fresh temp folder and loads it, unsigned as an in-process build (the caller disposes).</summary>
    public static CompiledProtocol Load(ProtocolCompilation compilation)
    {
        var assembly = ProtocolCompiler.Compile(compilation);
        Assert.True(assembly.Success, string.Join("\n", assembly.Errors));
        var folder = Directory.CreateTempSubdirectory("il2-test-").FullName;
        var path = Path.Combine(folder, assembly.AssemblyName + ".dll");
        File.WriteAllBytes(path, [.. assembly.Assembly]);
        return CompiledProtocol.Load(path, CompiledProtocolLoadOptions.InProcessBuild);
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "IlTwo.Dsl.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("repository root (IlTwo.Dsl.sln) not found");
    }
}
