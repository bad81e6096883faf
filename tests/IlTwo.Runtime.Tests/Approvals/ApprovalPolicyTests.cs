using IlTwo.Runtime.Approvals;
using IlTwo.Runtime.Protocols;

namespace IlTwo.Runtime.Tests.Approvals;

public sealed class ApprovalPolicyTests
{
    private static readonly string Hash = new('a', 64);
    private static readonly string OtherHash = new('b', 64);
    private static readonly DateOnly Today = new(2026, 6, 1);

    private static ProtocolInfo Info(string? hash) => new()
    {
        Id = "post-til-il2",
        Title = "t",
        Version = "1.0.0",
        SourceHash = new string('c', 64),
        CanonicalHash = hash,
        CompilerVersion = "1.0.0",
        Regimen = new RegimenInfo(),
    };

    private static ApprovalEntry Sign(ApprovalRole role, string? hash = null, DateOnly? effective = null, DateOnly? reviewBy = null, string version = "1.0.0") => new()
    {
        ProtocolId = "post-til-il2",
        Version = version,
        CanonicalHash = hash ?? Hash,
        Approver = role == ApprovalRole.Pharmacist ? "Pat Pharm" : "Phil Phys",
        Role = role,
        At = new DateTimeOffset(2026, 1, 1, 9, 0, 0, TimeSpan.Zero),
        Effective = effective ?? new DateOnly(2026, 1, 1),
        ReviewBy = reviewBy ?? new DateOnly(2027, 1, 1),
    };

    private static string? Check(params ApprovalEntry[] entries) => new ApprovalPolicy(new ApprovalsFile(entries)).Check(Info(Hash), Today);

    [Fact]
    public void A_pharmacist_and_a_physician_on_the_same_hash_approve()
    {
        Assert.Null(Check(Sign(ApprovalRole.Pharmacist), Sign(ApprovalRole.Physician)));
    }

    [Fact]
    public void One_role_is_not_enough()
    {
        var problem = Check(Sign(ApprovalRole.Pharmacist));
        Assert.Equal($"protocol 'post-til-il2' 1.0.0 (canonical hash {Hash}) is not approved: no physician signature for hash {Hash}", problem);
        Assert.Contains($"no pharmacist signature for hash {Hash}", Check(Sign(ApprovalRole.Physician, reviewBy: new DateOnly(2027, 1, 1))), StringComparison.Ordinal);
    }

    [Fact]
    public void Signatures_on_another_hash_or_version_do_not_count()
    {
        Assert.Contains("has changed since it was signed", Check(Sign(ApprovalRole.Pharmacist, OtherHash), Sign(ApprovalRole.Physician, OtherHash)), StringComparison.Ordinal);
        Assert.Contains("no approvals are recorded", Check(Sign(ApprovalRole.Pharmacist, version: "1.0.1"), Sign(ApprovalRole.Physician, version: "1.0.1")), StringComparison.Ordinal);
        Assert.Contains("no physician signature", Check(Sign(ApprovalRole.Pharmacist), Sign(ApprovalRole.Physician, OtherHash)), StringComparison.Ordinal);
    }

    [Fact]
    public void Both_ends_of_the_dates_are_inclusive()
    {
        Assert.Null(Check(Sign(ApprovalRole.Pharmacist, effective: Today), Sign(ApprovalRole.Physician, reviewBy: Today)));
    }

    [Fact]
    public void A_lapsed_approval_names_its_review_by_date()
    {
        var problem = Check(Sign(ApprovalRole.Pharmacist), Sign(ApprovalRole.Physician, effective: new DateOnly(2025, 1, 1), reviewBy: new DateOnly(2026, 5, 31)));
        Assert.Contains("the physician approval by Phil Phys lapsed after 2026-05-31", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_future_approval_names_its_effective_date()
    {
        var problem = Check(Sign(ApprovalRole.Pharmacist, effective: new DateOnly(2026, 6, 2)), Sign(ApprovalRole.Physician));
        Assert.Contains("the pharmacist approval by Pat Pharm starts on 2026-06-02", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_newer_signature_in_force_outweighs_a_lapsed_one()
    {
        Assert.Null(Check(
            Sign(ApprovalRole.Pharmacist, effective: new DateOnly(2024, 1, 1), reviewBy: new DateOnly(2025, 1, 1)),
            Sign(ApprovalRole.Pharmacist),
            Sign(ApprovalRole.Physician)));
    }

    [Fact]
    public void A_protocol_without_a_canonical_hash_is_refused()
    {
        var policy = new ApprovalPolicy(new ApprovalsFile([Sign(ApprovalRole.Pharmacist), Sign(ApprovalRole.Physician)]));
        Assert.Contains("carries no canonical hash", policy.Check(Info(null), Today), StringComparison.Ordinal);
    }

    [Fact]
    public void The_loader_hook_uses_the_given_day()
    {
        var policy = new ApprovalPolicy(new ApprovalsFile([Sign(ApprovalRole.Pharmacist), Sign(ApprovalRole.Physician)]));
        Assert.Null(policy.LoadOptions(() => Today).Approval!(Info(Hash)));
        Assert.Contains("lapsed after 2027-01-01", policy.LoadOptions(() => new DateOnly(2027, 1, 2)).Approval!(Info(Hash)), StringComparison.Ordinal);
    }
}
