using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Runtime.Loader;
using System.Security.Cryptography;
using IlTwo.Runtime.Approvals;
using IlTwo.Runtime.Evaluation;
using IlTwo.Runtime.Records;

namespace IlTwo.Runtime.Protocols;

/// <summary>
/// A compiled protocol assembly, verified and loaded into its own collectible <see cref="AssemblyLoadContext"/>.
/// </summary>
/// <remarks>
/// <para><see cref="Load"/> reads the file once and hashes its bytes; with a trust store it loads them only when approved
/// signatures cover that SHA-256 (<see cref="ApprovalVerifier"/>), without one only when the caller explicitly accepts
/// unsigned protocols (development; every decision says so). It checks those bytes with System.Reflection.Metadata before any of the
/// assembly's code can run: it must be a .NET assembly carrying one <see cref="CompiledProtocolAttribute"/> (the
/// runtime's, not a look-alike) and the embedded <see cref="CompiledProtocolAttribute.SourceResourceName"/> resource whose
/// SHA-256 equals the attribute's hash. Only then are the same bytes loaded, the rules type instantiated, and its
/// <see cref="ProtocolInfo"/> compared with the attribute and checked for consistency.</para>
/// <para><see cref="Dispose"/> starts unloading: new evaluations are refused, evaluations already running finish
/// (they hold the rules object, which keeps the assembly alive) and the assembly is collected once unreferenced.</para>
/// </remarks>
public sealed class CompiledProtocol : IDisposable
{
    private static readonly Assembly RuntimeAssembly = typeof(ProtocolRules).Assembly;
    private static readonly string RuntimeName = RuntimeAssembly.GetName().Name!;

    private ProtocolRules? _rules;
    private AssemblyLoadContext? _context;

    private CompiledProtocol(string path, ProtocolRules rules, ProtocolInfo info, CompiledProtocolAttribute attribute, string source, AssemblyLoadContext context,
        string assemblySha256, ApprovalVerdict? approval, string? unsigned)
    {
        AssemblySha256 = assemblySha256;
        Approval = approval;
        UnsignedNotice = unsigned;
        AssemblyPath = path;
        _rules = rules;
        Info = info;
        Attribute = attribute;
        Source = source;
        _context = context;
    }

    public string AssemblyPath { get; }

    /// <summary>SHA-256 (lowercase hex) of the bytes that were loaded.</summary>
    public string AssemblySha256 { get; }

    /// <summary>The approval the load rested on; null when loaded unsigned.</summary>
    public ApprovalVerdict? Approval { get; }

    /// <summary>Set when the protocol was loaded without verified approvals; every decision carries it.</summary>
    public string? UnsignedNotice { get; }

    /// <summary>The protocol description (still readable after <see cref="Dispose"/>).</summary>
    public ProtocolInfo Info { get; }

    /// <summary>The assembly's <see cref="CompiledProtocolAttribute"/> as read from metadata.</summary>
    public CompiledProtocolAttribute Attribute { get; }

    /// <summary>The protocol source chain the assembly was compiled from (the verified <c>il2/source</c> resource).</summary>
    public string Source { get; }

    public bool IsDisposed => Volatile.Read(ref _rules) is null;

    /// <exception cref="ObjectDisposedException">after <see cref="Dispose"/>.</exception>
    public ProtocolRules Rules => Volatile.Read(ref _rules) ?? throw new ObjectDisposedException(nameof(CompiledProtocol), $"protocol '{Info.Id}' {Info.Version} has been unloaded");

    /// <param name="readIssues">Optional notes from reading the record; see <see cref="ProtocolEvaluator.Evaluate(ProtocolRules, PatientRecord, DateTimeOffset, DecisionLog?, IReadOnlyList{RecordIssue}?, TimeZoneInfo?)"/>.</param>
    /// <param name="timeZone">The time zone the decision's text writes times in (UTC when null).</param>
    public DoseDecision Evaluate(
        PatientRecord record, DateTimeOffset at, DecisionLog? log = null, IReadOnlyList<RecordIssue>? readIssues = null, TimeZoneInfo? timeZone = null)
    {
        if (UnsignedNotice is null)
        {
            return ProtocolEvaluator.Evaluate(Rules, record, at, log, readIssues, timeZone);
        }

        var decision = DoseDecision.Unsigned(ProtocolEvaluator.Evaluate(Rules, record, at, null, readIssues, timeZone), UnsignedNotice);
        log?.Write(decision, record);
        return decision;
    }

    /// <summary>Starts unloading; running evaluations finish. Idempotent.</summary>
    public void Dispose()
    {
        var context = Interlocked.Exchange(ref _context, null);
        if (context is null)
        {
            return;
        }

        Volatile.Write(ref _rules, null);
        context.Unload();
    }

    /// <summary>The load context, for tests that check unloading (weakly: must not keep it alive).</summary>
    internal WeakReference ContextReference() => new(Volatile.Read(ref _context));

    // ------------------------------------------------------------ loading

    /// <exception cref="ProtocolLoadException">the file is not a verified compiled protocol (the message says why).</exception>
    public static CompiledProtocol Load(string assemblyPath, CompiledProtocolLoadOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(assemblyPath);
        var path = Path.GetFullPath(assemblyPath);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ProtocolLoadException(path, "the file does not exist", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ProtocolLoadException(path, $"the file cannot be read: {e.Message}", e);
        }

        var sha256 = ApprovalVerifier.Sha256(bytes);
        var (attribute, source) = Inspect(path, bytes); // metadata only: no code of the file runs
        var (approval, unsigned) = CheckTrust(path, sha256, attribute, options);

        var context = new ProtocolLoadContext($"il2:{attribute.ProtocolId}@{attribute.Version}");
        try
        {
            var (rules, info) = Instantiate(path, bytes, attribute, context);
            if (approval is not null)
            {
                foreach (var entry in approval.InForce)
                {
                    if (!string.Equals(entry.CanonicalHash, info.CanonicalHash, StringComparison.Ordinal))
                    {
                        throw new ProtocolLoadException(path, $"{TrustCodes.CanonicalHashMismatch}: the approval by {entry.Approver} signs canonical hash {entry.CanonicalHash}, the assembly carries {info.CanonicalHash}") { Code = TrustCodes.CanonicalHashMismatch };
                    }
                }
            }
            return new CompiledProtocol(path, rules, info, attribute, source, context, sha256, approval, unsigned);
        }
        catch
        {
            context.Unload();
            throw;
        }
    }

    /// <summary>
    /// Before any byte reaches an <see cref="AssemblyLoadContext"/>: the approvals of exactly these bytes, or the caller's
    /// explicit acceptance of unsigned protocols.
    /// </summary>
    private static (ApprovalVerdict? Approval, string? Unsigned) CheckTrust(string path, string sha256, CompiledProtocolAttribute attribute, CompiledProtocolLoadOptions? options)
    {
        if (options?.Trust is not { } trust)
        {
            if (options?.AllowUnsigned is { Length: > 0 } notice)
            {
                return (null, notice);
            }

            throw new ProtocolLoadException(path,
                $"{TrustCodes.NoTrustStore}: no trust store was given, so the approvals of protocol '{attribute.ProtocolId}' {attribute.Version} cannot be verified; "
                + "give the trust store (il2: --trust STORE), or accept unsigned protocols explicitly for development (--allow-unsigned)")
            { Code = TrustCodes.NoTrustStore };
        }

        IReadOnlyList<string> signatures;
        try
        {
            signatures = options.Signatures ?? ApprovalSignatures.Load(options.SignaturesPath ?? ApprovalSignatures.PathForAssembly(path)).Signatures;
        }
        catch (TrustException e)
        {
            throw new ProtocolLoadException(path, $"{e.Message}; protocol '{attribute.ProtocolId}' {attribute.Version} is not approved", e) { Code = e.Code };
        }
        var facts = new AssemblyFacts(attribute.ProtocolId, attribute.Version, sha256) { CanonicalHash = options.ExpectedCanonicalHash };
        var verdict = new ApprovalVerifier(trust).Verify(signatures, facts, (options.Today ?? ApprovalEntry.TodayUtc)());
        return verdict.IsApproved ? (verdict, null) : throw new ProtocolLoadException(path, verdict.Message) { Code = verdict.Code };
    }

    /// <summary>Checks the bytes without running any of their code: attribute, source resource and hash.</summary>
    private static (CompiledProtocolAttribute Attribute, string Source) Inspect(string path, byte[] bytes)
    {
        try
        {
            using var pe = new PEReader(ImmutableArray.Create(bytes));
            if (!pe.HasMetadata)
            {
                throw new ProtocolLoadException(path, "not a .NET assembly (no metadata)");
            }

            var reader = pe.GetMetadataReader();
            if (!reader.IsAssembly)
            {
                throw new ProtocolLoadException(path, "not a .NET assembly (a module without an assembly manifest)");
            }

            var attribute = ReadAttribute(path, reader);
            CheckRuntimeReference(path, reader);
            var sourceBytes = ReadResource(path, pe, reader, CompiledProtocolAttribute.SourceResourceName);
            var hash = Convert.ToHexStringLower(SHA256.HashData(sourceBytes));
            if (!string.Equals(hash, attribute.SourceHash, StringComparison.OrdinalIgnoreCase))
            {
                throw new ProtocolLoadException(path,
                    $"the embedded protocol source does not match its hash (SHA-256 {hash}, attribute says {attribute.SourceHash}); the assembly may have been altered");
            }
            string source;
            try
            {
                source = new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true).GetString(sourceBytes);
            }
            catch (System.Text.DecoderFallbackException e)
            {
                throw new ProtocolLoadException(path, "the embedded protocol source is not valid UTF-8", e);
            }
            if (!HasType(reader, attribute.RulesType))
            {
                throw new ProtocolLoadException(path, $"the rules type '{attribute.RulesType}' named by the attribute is not defined in the assembly");
            }

            return (attribute, source);
        }
        catch (BadImageFormatException e)
        {
            throw new ProtocolLoadException(path, $"not a .NET assembly ({e.Message})", e);
        }
        catch (InvalidOperationException e)
        {
            throw new ProtocolLoadException(path, $"not a .NET assembly ({e.Message})", e);
        }
    }

    private static CompiledProtocolAttribute ReadAttribute(string path, MetadataReader reader)
    {
        var attributeName = typeof(CompiledProtocolAttribute).Name;
        var attributeNamespace = typeof(CompiledProtocolAttribute).Namespace!;
        CompiledProtocolAttribute? found = null;
        foreach (var handle in reader.GetAssemblyDefinition().GetCustomAttributes())
        {
            var attribute = reader.GetCustomAttribute(handle);
            if (!IsRuntimeType(reader, attribute.Constructor, attributeNamespace, attributeName))
            {
                continue;
            }

            if (found is not null)
            {
                throw new ProtocolLoadException(path, $"more than one [{attributeNamespace}.{attributeName}]");
            }

            var value = attribute.DecodeValue(new StringTypeProvider());
            var args = value.FixedArguments;
            if (args.Length != 5 || args.Any(a => a.Value is not string s || s.Length == 0))
            {
                throw new ProtocolLoadException(path, $"[{attributeName}] must have five non-empty string arguments (id, version, source hash, compiler version, rules type)");
            }

            found = new CompiledProtocolAttribute((string)args[0].Value!, (string)args[1].Value!, (string)args[2].Value!, (string)args[3].Value!, (string)args[4].Value!);
        }
        return found ?? throw new ProtocolLoadException(path,
            $"not a compiled IL-2 protocol: no [assembly: {attributeNamespace}.{attributeName}(...)] (compile the .il2 file with the IL-2 compiler)");
    }

    /// <summary>The attribute's constructor must belong to the runtime's type, referenced from the IlTwo.Runtime assembly.</summary>
    private static bool IsRuntimeType(MetadataReader reader, EntityHandle constructor, string ns, string name)
    {
        if (constructor.Kind != HandleKind.MemberReference)
        {
            return false;
        }

        var parent = reader.GetMemberReference((MemberReferenceHandle)constructor).Parent;
        if (parent.Kind != HandleKind.TypeReference)
        {
            return false;
        }

        var type = reader.GetTypeReference((TypeReferenceHandle)parent);
        if (!reader.StringComparer.Equals(type.Name, name) || !reader.StringComparer.Equals(type.Namespace, ns))
        {
            return false;
        }

        if (type.ResolutionScope.Kind != HandleKind.AssemblyReference)
        {
            return false;
        }

        var assembly = reader.GetAssemblyReference((AssemblyReferenceHandle)type.ResolutionScope);
        return reader.StringComparer.Equals(assembly.Name, RuntimeName);
    }

    /// <summary>A protocol compiled against a newer runtime may call members this one lacks.</summary>
    private static void CheckRuntimeReference(string path, MetadataReader reader)
    {
        var host = RuntimeAssembly.GetName().Version ?? new Version(0, 0);
        foreach (var handle in reader.AssemblyReferences)
        {
            var reference = reader.GetAssemblyReference(handle);
            if (reader.StringComparer.Equals(reference.Name, RuntimeName) && reference.Version > host)
            {
                throw new ProtocolLoadException(path, $"compiled against {RuntimeName} {reference.Version}, newer than this engine's {host}");
            }
        }
    }

    private static byte[] ReadResource(string path, PEReader pe, MetadataReader reader, string name)
    {
        foreach (var handle in reader.ManifestResources)
        {
            var resource = reader.GetManifestResource(handle);
            if (!reader.StringComparer.Equals(resource.Name, name))
            {
                continue;
            }

            if (!resource.Implementation.IsNil)
            {
                throw new ProtocolLoadException(path, $"the '{name}' resource is not embedded in the assembly");
            }

            var directory = pe.PEHeaders.CorHeader?.ResourcesDirectory ?? default;
            if (directory.Size <= 0 || resource.Offset < 0 || resource.Offset > directory.Size - 4)
            {
                throw new ProtocolLoadException(path, $"the '{name}' resource is damaged");
            }

            var block = pe.GetSectionData(directory.RelativeVirtualAddress);
            if (block.Length < directory.Size)
            {
                throw new ProtocolLoadException(path, $"the '{name}' resource is damaged");
            }

            var blob = block.GetReader((int)resource.Offset, directory.Size - (int)resource.Offset);
            var length = blob.ReadInt32();
            if (length < 0 || length > blob.RemainingBytes)
            {
                throw new ProtocolLoadException(path, $"the '{name}' resource is damaged");
            }

            return blob.ReadBytes(length);
        }
        throw new ProtocolLoadException(path, $"the embedded protocol source ('{name}' resource) is missing, so the source hash cannot be verified");
    }

    private static bool HasType(MetadataReader reader, string fullName)
    {
        foreach (var handle in reader.TypeDefinitions)
        {
            if (FullName(reader, handle) == fullName)
            {
                return true;
            }
        }
        return false;
    }

    private static string FullName(MetadataReader reader, TypeDefinitionHandle handle)
    {
        var type = reader.GetTypeDefinition(handle);
        var name = reader.GetString(type.Name);
        var declaring = type.GetDeclaringType();
        if (!declaring.IsNil)
        {
            return FullName(reader, declaring) + "+" + name;
        }

        var ns = reader.GetString(type.Namespace);
        return ns.Length == 0 ? name : ns + "." + name;
    }

    private static (ProtocolRules Rules, ProtocolInfo Info) Instantiate(string path, byte[] bytes, CompiledProtocolAttribute attribute, AssemblyLoadContext context)
    {
        Assembly assembly;
        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            assembly = context.LoadFromStream(stream);
        }
        catch (Exception e) when (e is BadImageFormatException or FileLoadException)
        {
            throw new ProtocolLoadException(path, $"the assembly cannot be loaded: {e.Message}", e);
        }

        var type = assembly.GetType(attribute.RulesType, throwOnError: false, ignoreCase: false)
            ?? throw new ProtocolLoadException(path, $"the rules type '{attribute.RulesType}' is missing");
        if (!typeof(ProtocolRules).IsAssignableFrom(type))
        {
            throw new ProtocolLoadException(path, $"'{attribute.RulesType}' does not derive from {typeof(ProtocolRules).FullName} (of this engine's {RuntimeName})");
        }

        if (type.IsAbstract || type.IsGenericTypeDefinition)
        {
            throw new ProtocolLoadException(path, $"'{attribute.RulesType}' is abstract or generic");
        }

        if (type.GetConstructor(Type.EmptyTypes) is not { IsPublic: true } constructor)
        {
            throw new ProtocolLoadException(path, $"'{attribute.RulesType}' has no public parameterless constructor");
        }

        ProtocolRules rules;
        ProtocolInfo? info;
        try
        {
            rules = (ProtocolRules)constructor.Invoke(null);
            info = rules.Info;
        }
        catch (TargetInvocationException e) when (e.InnerException is { } inner)
        {
            throw new ProtocolLoadException(path, $"'{attribute.RulesType}' failed to start: {inner.GetType().Name}: {inner.Message}", inner);
        }
        catch (Exception e)
        {
            throw new ProtocolLoadException(path, $"'{attribute.RulesType}' failed to start: {e.GetType().Name}: {e.Message}", e);
        }
        if (info is null)
        {
            throw new ProtocolLoadException(path, $"'{attribute.RulesType}' has no protocol description (Info is null)");
        }

        Agree(path, "id", info.Id, attribute.ProtocolId);
        Agree(path, "version", info.Version, attribute.Version);
        if (!string.Equals(info.SourceHash, attribute.SourceHash, StringComparison.OrdinalIgnoreCase))
        {
            throw new ProtocolLoadException(path, $"the protocol's source hash '{info.SourceHash}' disagrees with the assembly attribute's '{attribute.SourceHash}'");
        }

        if (ProtocolInfoCheck.FirstProblem(info) is { } problem)
        {
            throw new ProtocolLoadException(path, $"the protocol description is inconsistent: {problem}");
        }

        return (rules, info);
    }

    private static void Agree(string path, string what, string? actual, string expected)
    {
        if (!string.Equals(actual, expected, StringComparison.Ordinal))
        {
            throw new ProtocolLoadException(path, $"the protocol's {what} '{actual}' disagrees with the assembly attribute's '{expected}'");
        }
    }

    /// <summary>Collectible; IlTwo.Runtime always resolves to the host's copy so ProtocolRules is the same type.</summary>
    private sealed class ProtocolLoadContext(string name) : AssemblyLoadContext(name, isCollectible: true)
    {
        protected override Assembly? Load(AssemblyName assemblyName) =>
            string.Equals(assemblyName.Name, RuntimeName, StringComparison.OrdinalIgnoreCase) ? RuntimeAssembly : null;
    }

    /// <summary>Decodes attribute arguments far enough to read strings; type names stand for types.</summary>
    private sealed class StringTypeProvider : ICustomAttributeTypeProvider<string>
    {
        public string GetPrimitiveType(PrimitiveTypeCode typeCode) => typeCode.ToString();

        public string GetSystemType() => "System.Type";

        public string GetSZArrayType(string elementType) => elementType + "[]";

        public string GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) => FullName(reader, handle);

        public string GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind)
        {
            var type = reader.GetTypeReference(handle);
            return reader.GetString(type.Namespace) + "." + reader.GetString(type.Name);
        }

        public string GetTypeFromSerializedName(string name) => name;

        public PrimitiveTypeCode GetUnderlyingEnumType(string type) =>
            throw new BadImageFormatException($"unexpected enum argument of type '{type}'");

        public bool IsSystemType(string type) => type == "System.Type";
    }
}

/// <summary>Consistency of a protocol description, so a faulty one fails at load instead of mid-evaluation.</summary>
internal static class ProtocolInfoCheck
{
    public static string? FirstProblem(ProtocolInfo info)
    {
        if (info.Regimen is null)
        {
            return "no regimen";
        }

        if (!double.IsFinite(info.Regimen.MinIntervalSeconds) || info.Regimen.MinIntervalSeconds < 0)
        {
            return "the minimum dose interval is not a non-negative number";
        }

        for (var i = 0; i < info.Observations.Length; i++)
        {
            if (info.Observations[i].Index != i)
            {
                return $"observation '{info.Observations[i].Name}' has index {info.Observations[i].Index}, expected {i}";
            }
        }
        for (var i = 0; i < info.Events.Length; i++)
        {
            if (info.Events[i].Index != i)
            {
                return $"event '{info.Events[i].Name}' has index {info.Events[i].Index}, expected {i}";
            }
        }
        if (info.Regimen.FirstDose is { } first && (uint)first.EventIndex >= (uint)info.Events.Length)
        {
            return $"the first-dose window refers to event {first.EventIndex}; there are {info.Events.Length}";
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < info.Rules.Length; i++)
        {
            var rule = info.Rules[i];
            if (rule.Index != i)
            {
                return $"rule '{rule.Id}' has index {rule.Index}, expected {i}";
            }

            if (!ids.Add(rule.Id))
            {
                return $"rule id '{rule.Id}' appears twice";
            }

            foreach (var input in rule.Inputs)
            {
                var limit = input.Kind switch
                {
                    InputKind.Latest or InputKind.Aggregate or InputKind.Baseline => info.Observations.Length,
                    InputKind.TimeSinceEvent => info.Events.Length,
                    _ => -1,
                };
                if (limit >= 0 && (uint)input.Index >= (uint)limit)
                {
                    return $"rule '{rule.Id}' input '{input.Text}' refers to index {input.Index}; there are {limit}";
                }
            }
        }
        return null;
    }
}
