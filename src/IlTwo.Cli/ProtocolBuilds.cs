using IlTwo.Dsl.Compilation;
using IlTwo.Dsl.Emit;
using IlTwo.Dsl.Text;
using IlTwo.Runtime.Protocols;

namespace IlTwo.Cli;

/// <summary>Compiles a protocol file through every stage, and turns it into a loaded, verified assembly for the engine.</summary>
public static class ProtocolBuilds
{
    public static ProtocolCompilation Compile(string path, byte[] bytes) => ProtocolCompilation.Create(SourceText.FromBytes(bytes, path));

    /// <summary>Writes the assembly (and its PDB) to <paramref name="folder"/>; returns the assembly path.</summary>
    public static string Write(ProtocolAssembly assembly, string folder)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, assembly.AssemblyName + ".dll");
        File.WriteAllBytes(path, [.. assembly.Assembly]);
        File.WriteAllBytes(Path.ChangeExtension(path, ".pdb"), [.. assembly.Pdb]);
        return path;
    }

    /// <summary>
    /// Emits to a private temporary folder and loads the result through the same verifying loader consumers use, so
    /// <c>eval</c> and <c>test</c> run exactly what <c>build</c> would ship.
    /// </summary>
    public static CompiledProtocol Load(ProtocolAssembly assembly, CompiledProtocolLoadOptions? options = null)
    {
        var folder = Directory.CreateTempSubdirectory("il2-").FullName;
        return CompiledProtocol.Load(Write(assembly, folder), options);
    }
}
