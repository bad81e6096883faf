using IlTwo.Dsl.Compilation;
using IlTwo.Runtime.Approvals;

namespace IlTwo.Dsl.Review.Approvals;

/// <summary>What one signer asks to record: who, in which role, and the dates the approval counts.</summary>
public sealed record ApprovalRequest(string Approver, ApprovalRole Role, DateOnly Effective, DateOnly ReviewBy, string? Note);

/// <summary>Records signatures over a protocol's canonical hash; no I/O of its own.</summary>
public static class ProtocolApprovals
{
    /// <summary>The approvals file that belongs to a protocol file: <c>approvals.json</c> in the same folder.</summary>
    public static string PathFor(string protocolPath) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(protocolPath)) ?? ".", ApprovalsFile.DefaultFileName);

    /// <summary>The review-by date when none is given: one year after the effective date.</summary>
    public static DateOnly DefaultReviewBy(DateOnly effective) => effective.AddYears(1);

    /// <summary>Problems with a request on its own (empty name, dates in the wrong order); empty when it is valid.</summary>
    public static IReadOnlyList<string> Validate(ApprovalRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(request.Approver))
            problems.Add("the approver's name is empty");
        if (!Enum.IsDefined(request.Role))
            problems.Add("the role must be pharmacist or physician");
        if (request.ReviewBy <= request.Effective)
            problems.Add($"the review-by date {ApprovalEntry.FormatDate(request.ReviewBy)} must be after the effective date {ApprovalEntry.FormatDate(request.Effective)}");
        return problems;
    }

    /// <summary>The signature for <paramref name="compilation"/>, which must have no errors anywhere in its chain.</summary>
    /// <exception cref="InvalidOperationException">the protocol has errors, or the request is invalid.</exception>
    public static ApprovalEntry Sign(ProtocolCompilation compilation, ApprovalRequest request, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(compilation);
        if (compilation.Chain.Any(c => c.HasErrors))
            throw new InvalidOperationException($"protocol '{compilation.Protocol.Id}' has errors; it cannot be approved");
        if (Validate(request) is { Count: > 0 } problems)
            throw new InvalidOperationException(string.Join("; ", problems));
        var protocol = compilation.Protocol;
        return new ApprovalEntry
        {
            ProtocolId = protocol.Id,
            Version = protocol.Version ?? "0.0.0",
            CanonicalHash = CanonicalSource.Hash(compilation),
            Approver = request.Approver.Trim(),
            Role = request.Role,
            At = new DateTimeOffset(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero),
            Effective = request.Effective,
            ReviewBy = request.ReviewBy,
            Note = string.IsNullOrWhiteSpace(request.Note) ? null : request.Note.Trim(),
        };
    }
}
