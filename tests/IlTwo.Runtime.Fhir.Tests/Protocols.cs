using IlTwo.Dsl.Compilation;
using IlTwo.Dsl.Evaluation;
using IlTwo.Dsl.Text;
using IlTwo.Runtime.Protocols;

namespace IlTwo.Runtime.Fhir.Tests;

/// <summary>The shipped protocols, bound once and run through the interpreter (the compiled path is differential-tested against it).</summary>
internal static class Protocols
{
    private static readonly Lazy<ProtocolInterpreter> MonotherapyRules = new(() => Load("hd-il2-monotherapy"));
    private static readonly Lazy<ProtocolInterpreter> PostTilRules = new(() => Load("post-til-il2"));

    public static ProtocolRules Monotherapy => MonotherapyRules.Value;

    public static ProtocolRules PostTil => PostTilRules.Value;

    public static string RepositoryRoot { get; } = FindRoot();

    private static ProtocolInterpreter Load(string name)
    {
        var path = Path.Combine(RepositoryRoot, "protocols", name + ".il2");
        var compilation = ProtocolCompilation.Create(SourceText.FromBytes(File.ReadAllBytes(path), path));
        return new ProtocolInterpreter(compilation);
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
