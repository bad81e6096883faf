using IlTwo.Dsl.Compilation;
using IlTwo.Dsl.Emit;
using IlTwo.Runtime.Approvals;

namespace IlTwo.Dsl.Approvals;

/// <summary>What one signer asks to record: the dates the approval counts, and a note. Who and which role come from the key.</summary>
public sealed record ApprovalRequest(DateOnly Effective, DateOnly ReviewBy, string? Note);

/// <summary>Signs approvals over a protocol's canonical hash and its compiled assembly; no I/O of its own.</summary>
public static class ProtocolApprovals
{
    /// <summary>The signatures file that belongs to a protocol file: <c>approvals.json</c> in the same folder.</summary>
    public static string PathFor(string protocolPath) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(protocolPath)) ?? ".", ApprovalSignatures.DefaultFileName);

    /// <summary>The review-by date when none is given: one year after the effective date.</summary>
    public static DateOnly DefaultReviewBy(DateOnly effective) => effective.AddYears(1);

    /// <summary>Problems with a request on its own (dates in the wrong order, beyond the maximum validity); empty when valid.</summary>
    public static IReadOnlyList<string> Validate(ApprovalRequest request, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(request);
        var problems = new List<string>();
        if (request.ReviewBy <= request.Effective)
        {
            problems.Add($"the review-by date {ApprovalEntry.FormatDate(request.ReviewBy)} must be after the effective date {ApprovalEntry.FormatDate(request.Effective)}");
        }
        else if (request.ReviewBy > ApprovalEntry.LatestReviewBy(request.Effective, today))
        {
            problems.Add($"the review-by date {ApprovalEntry.FormatDate(request.ReviewBy)} is beyond the maximum validity of {ApprovalEntry.MaxValidityYears} years (latest {ApprovalEntry.FormatDate(ApprovalEntry.LatestReviewBy(request.Effective, today))})");
        }

        return problems;
    }

    /// <summary>
    /// The approval <paramref name="key"/> signs for <paramref name="compilation"/> (which must have no errors anywhere in
    /// its chain) and the assembly it compiles to.
    /// </summary>
    /// <exception cref="InvalidOperationException">the protocol has errors, or the request is invalid.</exception>
    public static ApprovalEntry Approval(ProtocolCompilation compilation, ProtocolAssembly assembly, SigningKey key, ApprovalRequest request, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(compilation);
        ArgumentNullException.ThrowIfNull(assembly);
        ArgumentNullException.ThrowIfNull(key);
        if (compilation.Chain.Any(c => c.HasErrors) || !assembly.Success)
        {
            throw new InvalidOperationException($"protocol '{compilation.Protocol.Id}' has errors; it cannot be approved");
        }

        if (Validate(request, DateOnly.FromDateTime(now.UtcDateTime)) is { Count: > 0 } problems)
        {
            throw new InvalidOperationException(string.Join("; ", problems));
        }

        var protocol = compilation.Protocol;
        return new ApprovalEntry
        {
            ProtocolId = protocol.Id,
            Version = protocol.Version ?? "0.0.0",
            CanonicalHash = CanonicalSource.Hash(compilation),
            AssemblyName = assembly.AssemblyName + ".dll",
            AssemblySha256 = ApprovalVerifier.Sha256([.. assembly.Assembly]),
            Approver = key.Person,
            Role = key.Role,
            KeyId = key.KeyId,
            At = new DateTimeOffset(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero),
            Effective = request.Effective,
            ReviewBy = request.ReviewBy,
            Note = string.IsNullOrWhiteSpace(request.Note) ? null : request.Note.Trim(),
        };
    }

    /// <summary>What the verifier knows of a freshly compiled protocol: id, version, assembly hash and canonical hash.</summary>
    public static AssemblyFacts Facts(ProtocolCompilation compilation, ProtocolAssembly assembly) =>
        new(assembly.Info!.Id, assembly.Info.Version, ApprovalVerifier.Sha256([.. assembly.Assembly])) { CanonicalHash = CanonicalSource.Hash(compilation) };
}

/// <summary>The approvals a review document lists: what the signatures claim, and whether they were verified.</summary>
public sealed record ReviewApprovals(IReadOnlyList<ApprovalEntry> Claims, ApprovalVerdict? Verdict);
