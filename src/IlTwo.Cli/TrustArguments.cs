using IlTwo.Dsl.Approvals;
using IlTwo.Dsl.Compilation;
using IlTwo.Dsl.Emit;
using IlTwo.Runtime.Approvals;
using IlTwo.Runtime.Protocols;

namespace IlTwo.Cli;

/// <summary>
/// <c>--trust STORE</c>, <c>--allow-unsigned</c> and <c>--approvals FILE</c>: how every command that loads a protocol for
/// a decision gets the same trust check (<see cref="CompiledProtocol.Load"/> with a trust store, docs/approvals.md).
/// </summary>
public sealed record TrustArguments(TrustStore? Trust, bool AllowUnsigned, string? ApprovalsPath)
{
    /// <summary>Null with an error (for a usage error) when the options conflict or the trust store cannot be read.</summary>
    public static TrustArguments? From(string? storePath, string? approvalsPath, bool allow, out string? error, out int exitCode)
    {
        error = null;
        exitCode = ExitCodes.Usage;
        if (allow && storePath is not null)
        {
            error = "give --trust STORE or --allow-unsigned, not both";
            return null;
        }
        if (allow && approvalsPath is not null)
        {
            error = "--approvals goes with --trust";
            return null;
        }
        TrustStore? store = null;
        if (storePath is not null)
        {
            try
            {
                store = TrustStore.Load(storePath);
            }
            catch (TrustException e)
            {
                error = e.Message;
                exitCode = ExitCodes.Failure;
                return null;
            }
        }
        return new TrustArguments(store, allow, approvalsPath);
    }

    /// <summary>Loader options for a built assembly (its approvals from <see cref="ApprovalsPath"/> or beside it).</summary>
    public CompiledProtocolLoadOptions ForAssembly() => Trust is null
        ? AllowUnsigned ? CompiledProtocolLoadOptions.Development : new CompiledProtocolLoadOptions()
        : new CompiledProtocolLoadOptions { Trust = Trust, SignaturesPath = ApprovalsPath };

    /// <summary>Loader options for an assembly just compiled from <paramref name="sourcePath"/>: its approvals.json, and its canonical hash.</summary>
    /// <exception cref="TrustException">the signatures file is missing or malformed.</exception>
    public CompiledProtocolLoadOptions ForSource(string sourcePath, ProtocolCompilation compilation) =>
        ForSource(sourcePath, Trust is null ? "" : CanonicalSource.Hash(compilation));

    /// <summary>As <see cref="ForSource(string, ProtocolCompilation)"/>, with the canonical hash already known (a cached build records it).</summary>
    /// <exception cref="TrustException">the signatures file is missing or malformed.</exception>
    public CompiledProtocolLoadOptions ForSource(string sourcePath, string canonicalHash) => Trust is null
        ? AllowUnsigned ? CompiledProtocolLoadOptions.Development : new CompiledProtocolLoadOptions()
        : new CompiledProtocolLoadOptions
        {
            Trust = Trust,
            SignaturesPath = ApprovalsPath ?? ProtocolApprovals.PathFor(sourcePath),
            ExpectedCanonicalHash = canonicalHash,
        };

    /// <summary>The trust check on a freshly compiled assembly without loading it (for <c>il2 build --require-approved</c>).</summary>
    public static ApprovalVerdict Verify(TrustStore trust, string signaturesPath, ProtocolCompilation compilation, ProtocolAssembly assembly)
    {
        var facts = ProtocolApprovals.Facts(compilation, assembly);
        ApprovalSignatures signatures;
        try
        {
            signatures = ApprovalSignatures.Load(signaturesPath);
        }
        catch (TrustException e)
        {
            return new ApprovalVerdict { Code = e.Code, Message = $"{e.Message}; protocol '{facts.ProtocolId}' {facts.Version} is not approved" };
        }
        return new ApprovalVerifier(trust).Verify(signatures.Signatures, facts, ApprovalEntry.TodayUtc());
    }
}
