using IlTwo.Dsl.Compilation;
using IlTwo.Dsl.Diagnostics;
using IlTwo.Dsl.Emit;
using IlTwo.Dsl.Text;
using IlTwo.Runtime.Protocols;

namespace IlTwo.Cli;

/// <summary>Compiles a protocol file through every stage, and turns it into a loaded, verified assembly for the engine.</summary>
public static class ProtocolBuilds
{
    public static ProtocolCompilation Compile(string path, byte[] bytes) => ProtocolCompilation.Create(SourceText.FromBytes(bytes, path));

    /// <summary>
    /// Reads and compiles one protocol for a command that needs it free of errors. On failure returns null with the exit
    /// code to return: 2 for a missing or unreadable file, 1 for errors (each printed located, then <paramref name="refusal"/>).
    /// </summary>
    public static ProtocolCompilation? CompileWithoutErrors(CommandContext context, string path, string refusal, out int exitCode)
    {
        exitCode = ExitCodes.Success;
        if (!context.FileSystem.FileExists(path))
        {
            exitCode = context.UsageError($"{path}: no such file");
            return null;
        }
        byte[] bytes;
        try
        {
            bytes = context.FileSystem.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            exitCode = context.UsageError($"{path}: cannot read file: {e.Message}");
            return null;
        }

        var (compilation, exception) = CompilerGuard.Run(() => Compile(path, bytes));
        exitCode = ExitCodes.Failure;
        if (compilation is null)
        {
            context.Error.WriteLine(DiagnosticCatalog.FormatInternalError(path, "internal compiler error", exception));
            return null;
        }
        var errors = compilation.Chain.SelectMany(c => c.Diagnostics).Where(d => d.IsError).ToList();
        if (errors.Count > 0)
        {
            foreach (var diagnostic in errors)
            {
                context.Out.WriteLine(diagnostic.ToCompilerFormat());
            }

            context.Out.WriteLine($"{refusal}: {compilation.Protocol.Id} has {errors.Count} error(s)");
            return null;
        }
        exitCode = ExitCodes.Success;
        return compilation;
    }

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
    /// <c>eval</c> and <c>test</c> run exactly what <c>build</c> would ship. <paramref name="options"/> says where trust
    /// comes from (a trust store, or an explicit development / in-process mode): there is deliberately no default.
    /// </summary>
    public static CompiledProtocol Load(ProtocolAssembly assembly, CompiledProtocolLoadOptions options)
    {
        var folder = Directory.CreateTempSubdirectory("il2-").FullName;
        return CompiledProtocol.Load(Write(assembly, folder), options);
    }

    /// <summary>
    /// Compiles the protocol, or takes its assembly from <paramref name="cache"/> when the whole chain is unchanged
    /// (<see cref="ProtocolCache"/>): the same assembly bytes either way. A hit skips the analysis and the C# compile; its
    /// compilation (with <paramref name="withCompilation"/>, for scenarios and coverage) is parsed and bound from exactly
    /// the texts the cache checked, and is not analysed (a cached assembly exists only when the analysed build had no error).
    /// </summary>
    public static ProtocolBuild Build(string path, byte[] bytes, ProtocolCache? cache, bool withCompilation) =>
        Build(path, bytes, cache, cache?.Find(path, bytes), withCompilation);

    /// <summary>As <see cref="Build(string, byte[], ProtocolCache?, bool)"/>, with <paramref name="hit"/> the caller's own <see cref="ProtocolCache.Find"/> of these bytes.</summary>
    public static ProtocolBuild Build(string path, byte[] bytes, ProtocolCache? cache, CacheHit? hit, bool withCompilation)
    {
        if (hit is not null)
        {
            var bound = withCompilation
                ? ProtocolCompilation.Create(SourceText.FromBytes(bytes, path), hit.Resolver, ProtocolCompilationOptions.Default with { Analyze = false })
                : null;
            return new ProtocolBuild(bound, new ProtocolAssembly(true, [.. hit.Assembly], [.. hit.Pdb], "", [], null), hit.AssemblyName, hit.CanonicalHash, FromCache: true, hit.EntryId);
        }

        var resolver = new RecordingResolver(FileSystemProtocolResolver.Instance);
        var compilation = ProtocolCompilation.Create(SourceText.FromBytes(bytes, path), resolver);
        var assembly = ProtocolCompiler.Compile(compilation);
        if (!assembly.Success)
        {
            return new ProtocolBuild(compilation, assembly, "", "", FromCache: false);
        }

        var canonical = CanonicalSource.Hash(compilation);
        var entryId = cache?.Store(path, bytes, resolver.Lookups, assembly, canonical);
        return new ProtocolBuild(compilation, assembly, assembly.AssemblyName, canonical, FromCache: false, entryId);
    }

    /// <summary>Loads a successful <see cref="ProtocolBuild"/> as <see cref="Load(ProtocolAssembly, CompiledProtocolLoadOptions)"/> does.</summary>
    public static CompiledProtocol Load(ProtocolBuild build, CompiledProtocolLoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(build);
        var folder = Directory.CreateTempSubdirectory("il2-").FullName;
        var path = Path.Combine(folder, build.AssemblyName + ".dll");
        File.WriteAllBytes(path, [.. build.Assembly.Assembly]);
        File.WriteAllBytes(Path.ChangeExtension(path, ".pdb"), [.. build.Assembly.Pdb]);
        return CompiledProtocol.Load(path, options);
    }
}

/// <summary>
/// A protocol's assembly (or its errors) and, unless it came from the cache without one, its compilation.
/// <see cref="CanonicalHash"/> is what approvals sign (empty when the build failed); <see cref="CacheEntryId"/> names the
/// cache entry that holds this assembly (<see cref="CacheHit.EntryId"/>), null when none does.
/// </summary>
public sealed record ProtocolBuild(
    ProtocolCompilation? Compilation, ProtocolAssembly Assembly, string AssemblyName, string CanonicalHash, bool FromCache, string? CacheEntryId = null);
