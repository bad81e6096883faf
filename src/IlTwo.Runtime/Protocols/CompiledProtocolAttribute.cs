namespace IlTwo.Runtime.Protocols;

/// <summary>
/// Marks an assembly as a compiled IL-2 protocol. The compiler emits exactly one, together with the manifest
/// resource <see cref="SourceResourceName"/>: the UTF-8 text of the protocol's source chain exactly as hashed into
/// <see cref="SourceHash"/> (SHA-256, lowercase hex). <see cref="CompiledProtocol.Load"/> checks both before running
/// any of the assembly's code.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = false, Inherited = false)]
public sealed class CompiledProtocolAttribute(string protocolId, string version, string sourceHash, string compilerVersion, string rulesType) : Attribute
{
    /// <summary>The manifest resource holding the source chain the hash covers.</summary>
    public const string SourceResourceName = "il2/source";

    public string ProtocolId { get; } = protocolId;

    public string Version { get; } = version;

    /// <summary>SHA-256 of the <see cref="SourceResourceName"/> resource's bytes, lowercase hex.</summary>
    public string SourceHash { get; } = sourceHash;

    public string CompilerVersion { get; } = compilerVersion;

    /// <summary>Full name (namespace-qualified, <c>+</c> for nesting) of the class deriving from <see cref="ProtocolRules"/>.</summary>
    public string RulesType { get; } = rulesType;
}
