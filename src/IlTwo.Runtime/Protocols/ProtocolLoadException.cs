namespace IlTwo.Runtime.Protocols;

/// <summary>A compiled protocol was refused: the message says why, in words for whoever deploys protocols.</summary>
public sealed class ProtocolLoadException : Exception
{
    public ProtocolLoadException()
    {
    }

    public ProtocolLoadException(string message)
        : base(message)
    {
    }

    public ProtocolLoadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ProtocolLoadException(string path, string reason, Exception? innerException = null)
        : base($"cannot load protocol assembly '{path}': {reason}", innerException)
    {
        AssemblyPath = path;
        Reason = reason;
    }

    public string? AssemblyPath { get; }

    public string? Reason { get; }

    /// <summary>For a refusal by the trust check: its stable code (<see cref="Approvals.TrustCodes"/>).</summary>
    public string? Code { get; init; }
}

/// <summary>Options for <see cref="CompiledProtocol.Load"/>: where trust comes from.</summary>
/// <remarks>
/// With <see cref="Trust"/>, the loader hashes the file's bytes and loads them only when the signatures approve that
/// hash under the two-role policy (docs/approvals.md). Without it, the load is refused unless
/// <see cref="AllowUnsigned"/> says that unsigned protocols are acceptable (development); every decision of such a
/// protocol then says so (<see cref="Evaluation.DoseDecision.UnsignedProtocol"/>).
/// </remarks>
public sealed record CompiledProtocolLoadOptions
{
    /// <summary>The trust store: the only source of who may approve.</summary>
    public Approvals.TrustStore? Trust { get; init; }

    /// <summary>The signatures file (default: <c>il2.x.approvals.json</c> beside <c>il2.x.dll</c>).</summary>
    public string? SignaturesPath { get; init; }

    /// <summary>Signatures given directly (instead of a file).</summary>
    public IReadOnlyList<string>? Signatures { get; init; }

    /// <summary>The canonical hash the caller computed from the protocol's source, when it compiled it (names a changed base).</summary>
    public string? ExpectedCanonicalHash { get; init; }

    /// <summary>The day approvals are judged on (default: today, UTC).</summary>
    public Func<DateOnly>? Today { get; init; }

    /// <summary>
    /// Development only: load without a trust store. Ignored when <see cref="Trust"/> is set. The text is what every
    /// decision of the protocol carries in <see cref="Evaluation.DoseDecision.UnsignedProtocol"/>.
    /// </summary>
    public string? AllowUnsigned { get; init; }

    public const string DevelopmentNotice = "unsigned protocol loaded for development: its approvals were not verified; not for patient care";

    /// <summary>Unsigned protocols accepted, explicitly (development, <c>--allow-unsigned</c>).</summary>
    public static CompiledProtocolLoadOptions Development { get; } = new() { AllowUnsigned = DevelopmentNotice };

    /// <summary>A protocol just compiled in this process from source (il2 test, scenarios): unsigned, and said so.</summary>
    public static CompiledProtocolLoadOptions InProcessBuild { get; } = new()
    {
        AllowUnsigned = "unsigned protocol built in process from source (development): its approvals were not verified; not for patient care",
    };
}
