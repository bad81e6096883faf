using System.Collections.Immutable;
using System.Text;
using IlTwo.Dsl.Compilation;
using IlTwo.Dsl.Lowering;
using IlTwo.Runtime.Protocols;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Emit;

namespace IlTwo.Dsl.Emit;

/// <summary>The bytes of a compiled protocol, or why there are none.</summary>
public sealed record ProtocolAssembly(
    bool Success,
    ImmutableArray<byte> Assembly,
    ImmutableArray<byte> Pdb,
    string GeneratedCode,
    ImmutableArray<string> Errors,
    ProtocolInfo? Info)
{
    public string AssemblyName => Info is null ? "" : ProtocolCompiler.AssemblyNameFor(Info.Id);
}

/// <summary>
/// Compiles a checked protocol to a .NET assembly with Roslyn: deterministic (same source and compiler, same bytes),
/// against only the engine library and the core framework, with the source chain embedded so the loader can verify it.
/// </summary>
public static class ProtocolCompiler
{
    /// <summary>The namespaces generated code may touch; a post-compile check refuses anything else (files, network, reflection...).</summary>
    private static readonly ImmutableHashSet<string> AllowedNamespaces = ["IlTwo.Runtime.Protocols", "IlTwo.Runtime.Evaluation", "System"];

    private static readonly ImmutableHashSet<string> AllowedSystemTypes = ["Double", "Span", "ReadOnlySpan", "Boolean", "Int32", "String", "Object", "Void"];

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(LoadReferences);

    public static string AssemblyNameFor(string protocolId) =>
        "il2." + new string([.. protocolId.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_')]);

    public static ProtocolAssembly Compile(ProtocolCompilation compilation)
    {
        var errors = compilation.Chain.SelectMany(c => c.Diagnostics).Where(d => d.IsError).Select(d => d.ToCompilerFormat()).ToImmutableArray();
        if (!errors.IsEmpty)
        {
            return new ProtocolAssembly(false, [], [], "", errors, null);
        }

        var info = ProtocolInfoBuilder.Build(compilation);
        var unit = CSharpGenerator.Generate(compilation, info);
        var code = unit.ToFullString();
        var tree = CSharpSyntaxTree.Create(unit, new CSharpParseOptions(LanguageVersion.Latest), path: "CompiledRules.g.cs", encoding: Encoding.UTF8);

        var csharp = CSharpCompilation.Create(
            AssemblyNameFor(info.Id),
            [tree],
            References.Value,
            new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                optimizationLevel: OptimizationLevel.Release,
                deterministic: true,
                nullableContextOptions: NullableContextOptions.Enable,
                generalDiagnosticOption: ReportDiagnostic.Default));

        var forbidden = ForbiddenSymbols(csharp, tree);
        if (!forbidden.IsEmpty)
        {
            return new ProtocolAssembly(false, [], [], code, forbidden, info);
        }

        using var peStream = new MemoryStream();
        using var pdbStream = new MemoryStream();
        var source = Encoding.UTF8.GetBytes(compilation.SourceChainText);
        var resources = new[]
        {
            new ResourceDescription(CompiledProtocolAttribute.SourceResourceName, () => new MemoryStream(source), isPublic: true),
        };
        var result = csharp.Emit(
            peStream,
            pdbStream,
            manifestResources: resources,
            options: new EmitOptions(debugInformationFormat: DebugInformationFormat.PortablePdb, pdbFilePath: AssemblyNameFor(info.Id) + ".pdb"));

        if (!result.Success)
        {
            var messages = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => $"internal compiler error (generated C#): {d}").ToImmutableArray();
            return new ProtocolAssembly(false, [], [], code, messages, info);
        }
        return new ProtocolAssembly(true, [.. peStream.ToArray()], [.. pdbStream.ToArray()], code, [], info);
    }

    /// <summary>Every symbol the generated code names must live in an allowed namespace.</summary>
    private static ImmutableArray<string> ForbiddenSymbols(CSharpCompilation compilation, SyntaxTree tree)
    {
        var model = compilation.GetSemanticModel(tree);
        var problems = ImmutableArray.CreateBuilder<string>();
        foreach (var node in tree.GetRoot().DescendantNodes())
        {
            var symbol = model.GetSymbolInfo(node).Symbol;
            if (symbol is null or INamespaceSymbol or ILocalSymbol or IParameterSymbol)
            {
                continue;
            }

            var type = symbol as ITypeSymbol ?? symbol.ContainingType;
            if (type is null || type.ContainingNamespace is null)
            {
                continue;
            }

            var ns = type.ContainingNamespace.ToDisplayString();
            if (ns == CSharpGenerator.Namespace)
            {
                continue;
            }

            if (!AllowedNamespaces.Contains(ns) || (ns == "System" && !AllowedSystemTypes.Contains(type.Name)))
            {
                problems.Add($"internal compiler error: generated code refers to {type.ToDisplayString()}, which protocols may not use");
            }
        }
        return problems.ToImmutable();
    }

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        // The trusted platform assemblies are the running framework's; protocols see only these few.
        var platform = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? "").Split(Path.PathSeparator);
        string[] wanted = ["System.Private.CoreLib.dll", "System.Runtime.dll", "System.Collections.Immutable.dll", "System.Memory.dll"];
        var references = platform
            .Where(p => wanted.Contains(Path.GetFileName(p), StringComparer.OrdinalIgnoreCase))
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToList();
        references.Add(MetadataReference.CreateFromFile(typeof(ProtocolRules).Assembly.Location));
        return [.. references];
    }
}
