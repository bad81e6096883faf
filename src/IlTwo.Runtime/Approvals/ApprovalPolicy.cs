using IlTwo.Runtime.Protocols;

namespace IlTwo.Runtime.Approvals;

/// <summary>
/// Decides whether a protocol may run: it is approved when a pharmacist <em>and</em> a physician signed its canonical
/// hash (for the same protocol id and version) and today lies between each signature's effective and review-by dates,
/// both inclusive. Any other state is a problem, named in one message.
/// </summary>
public sealed class ApprovalPolicy(ApprovalsFile approvals)
{
    private static readonly ApprovalRole[] RequiredRoles = [ApprovalRole.Pharmacist, ApprovalRole.Physician];

    public ApprovalsFile Approvals { get; } = approvals ?? throw new ArgumentNullException(nameof(approvals));

    /// <summary>Null when <paramref name="protocol"/> is approved on <paramref name="today"/>; else what is missing.</summary>
    public string? Check(ProtocolInfo protocol, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        return Check(protocol.Id, protocol.Version, protocol.CanonicalHash, today);
    }

    /// <summary>Null when the protocol <paramref name="id"/> <paramref name="version"/> with this canonical hash is approved on <paramref name="today"/>; else what is missing.</summary>
    public string? Check(string id, string version, string? canonicalHash, DateOnly today)
    {
        var name = $"protocol '{id}' {version}";
        if (canonicalHash is not { Length: > 0 } hash)
            return $"{name} is not approved: it carries no canonical hash (compiled by an il2 without approvals); rebuild it";

        var prefix = $"{name} (canonical hash {hash}) is not approved";
        var signed = Approvals.For(id, version).ToList();
        if (signed.Count == 0)
            return $"{prefix}: no approvals are recorded for this protocol version";

        var matching = signed.Where(e => string.Equals(e.CanonicalHash, hash, StringComparison.OrdinalIgnoreCase)).ToList();
        if (matching.Count == 0)
        {
            var others = string.Join(", ", signed.Select(e => e.CanonicalHash).Distinct(StringComparer.Ordinal));
            return $"{prefix}: no pharmacist or physician signature for hash {hash}; the recorded approvals are for {others}: "
                + "the protocol, or a protocol it extends, has changed since it was signed";
        }

        var problems = new List<string>();
        foreach (var role in RequiredRoles)
        {
            if (RoleProblem(matching.Where(e => e.Role == role).ToList(), role, hash, today) is { } problem)
                problems.Add(problem);
        }
        return problems.Count == 0 ? null : $"{prefix}: {string.Join("; ", problems)}";
    }

    /// <summary>For <see cref="CompiledProtocolLoadOptions.Approval"/>: checks against <paramref name="today"/> (default: today in UTC) at each load.</summary>
    public Func<ProtocolInfo, string?> LoadCheck(Func<DateOnly>? today = null) =>
        info => Check(info, (today ?? TodayUtc)());

    /// <summary>Loader options that refuse any protocol this policy does not approve.</summary>
    public CompiledProtocolLoadOptions LoadOptions(Func<DateOnly>? today = null) => new() { Approval = LoadCheck(today) };

    /// <summary>Loader options that refuse any protocol the approvals file at <paramref name="approvalsPath"/> does not approve.</summary>
    /// <exception cref="ApprovalsFileException">the file is missing or malformed.</exception>
    public static CompiledProtocolLoadOptions LoadOptions(string approvalsPath, Func<DateOnly>? today = null) =>
        new ApprovalPolicy(ApprovalsFile.Load(approvalsPath)).LoadOptions(today);

    public static DateOnly TodayUtc() => DateOnly.FromDateTime(DateTime.UtcNow);

    private static string? RoleProblem(List<ApprovalEntry> signatures, ApprovalRole role, string hash, DateOnly today)
    {
        var roleName = ApprovalEntry.RoleName(role);
        if (signatures.Count == 0)
            return $"no {roleName} signature for hash {hash}";
        if (signatures.Any(s => s.IsInForce(today)))
            return null;

        var pending = signatures.Where(s => s.Effective > today).OrderBy(s => s.Effective).FirstOrDefault();
        if (pending is not null)
            return $"the {roleName} approval by {pending.Approver} starts on {ApprovalEntry.FormatDate(pending.Effective)} (today is {ApprovalEntry.FormatDate(today)})";
        var lapsed = signatures.OrderByDescending(s => s.ReviewBy).First();
        return $"the {roleName} approval by {lapsed.Approver} lapsed after {ApprovalEntry.FormatDate(lapsed.ReviewBy)}, its review-by date (today is {ApprovalEntry.FormatDate(today)}); the protocol must be reviewed and signed again";
    }
}
