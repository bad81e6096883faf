using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using System.Security.Cryptography;
using System.Text;
using IlTwo.Runtime.Evaluation;
using IlTwo.Runtime.Protocols;

namespace IlTwo.Runtime.Tests.Engine;

/// <summary>
/// A rules class a test-emitted protocol assembly derives from: the test protocol, with id, version and hash taken
/// from the assembly's attribute (what the compiler would bake in).
/// </summary>
public abstract class EmittedProtocolBase : ProtocolRules
{
    protected EmittedProtocolBase()
    {
        var attribute = GetType().Assembly.GetCustomAttribute<CompiledProtocolAttribute>()!;
        Info = TestProtocol.Description with { Id = attribute.ProtocolId, Version = attribute.Version, SourceHash = attribute.SourceHash };
    }

    public override ProtocolInfo Info { get; }

    public override void EvaluateRules(PatientSnapshot snapshot, Span<Truth> results) => TestProtocol.Instance.EvaluateRules(snapshot, results);
}

/// <summary>Claims a different version than its assembly attribute.</summary>
public abstract class MislabelledProtocolBase : EmittedProtocolBase
{
    public override ProtocolInfo Info => base.Info with { Version = "9.9.9" };
}

/// <summary>Throws while being constructed.</summary>
public abstract class ThrowingProtocolBase : ProtocolRules
{
    protected ThrowingProtocolBase() => throw new InvalidOperationException("boom");

    public override ProtocolInfo Info => TestProtocol.Description;

    public override void EvaluateRules(PatientSnapshot snapshot, Span<Truth> results) => results.Clear();
}

/// <summary>Writes small protocol assemblies to disk with <see cref="PersistedAssemblyBuilder"/>, shaped as the compiler's.</summary>
internal static class ProtocolAssemblies
{
    public const string Source = "protocol test-protocol version 1.2.0\n# rules as in TestProtocol\n";

    internal sealed record Spec
    {
        public string Id { get; init; } = "test-protocol";
        public string Version { get; init; } = "1.2.0";
        public string Source { get; init; } = ProtocolAssemblies.Source;
        public string? Hash { get; init; }
        public bool Attribute { get; init; } = true;
        public bool Resource { get; init; } = true;
        public string RulesType { get; init; } = "Il2.Generated.TestProtocolRules";
        public string? EmittedTypeName { get; init; }
        public Type BaseType { get; init; } = typeof(EmittedProtocolBase);
    }

    public static string Hash(string source) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(source)));

    public static string Write(string directory, Spec spec)
    {
        var name = "il2proto_" + Guid.NewGuid().ToString("N");
        var builder = new PersistedAssemblyBuilder(new AssemblyName(name), typeof(object).Assembly);
        if (spec.Attribute)
        {
            var constructor = typeof(CompiledProtocolAttribute).GetConstructor([typeof(string), typeof(string), typeof(string), typeof(string), typeof(string)])!;
            builder.SetCustomAttribute(new CustomAttributeBuilder(constructor, [spec.Id, spec.Version, spec.Hash ?? Hash(spec.Source), "test-compiler 0.1", spec.RulesType]));
        }
        var module = builder.DefineDynamicModule(name);
        var type = module.DefineType(spec.EmittedTypeName ?? spec.RulesType, TypeAttributes.Public | TypeAttributes.Sealed | TypeAttributes.Class, spec.BaseType);
        var ctor = type.DefineConstructor(MethodAttributes.Public, CallingConventions.Standard, Type.EmptyTypes);
        var il = ctor.GetILGenerator();
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Call, spec.BaseType.GetConstructor(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic, Type.EmptyTypes)!);
        il.Emit(OpCodes.Ret);
        type.CreateType();

        var metadata = builder.GenerateMetadata(out var ilStream, out var fieldData);
        BlobBuilder? resources = null;
        if (spec.Resource)
        {
            resources = new BlobBuilder();
            var bytes = Encoding.UTF8.GetBytes(spec.Source);
            metadata.AddManifestResource(ManifestResourceAttributes.Public, metadata.GetOrAddString(CompiledProtocolAttribute.SourceResourceName), default, 0);
            resources.WriteInt32(bytes.Length);
            resources.WriteBytes(bytes);
        }
        var pe = new ManagedPEBuilder(PEHeaderBuilder.CreateLibraryHeader(), new MetadataRootBuilder(metadata), ilStream, mappedFieldData: fieldData, managedResources: resources);
        var blob = new BlobBuilder();
        pe.Serialize(blob);
        var path = Path.Combine(directory, name + ".dll");
        File.WriteAllBytes(path, blob.ToArray());
        return path;
    }
}
