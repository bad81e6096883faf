using System.Globalization;

namespace IlTwo.Runtime.Approvals;

/// <summary>Who signs: a protocol is approved when one of each signed the same canonical hash.</summary>
public enum ApprovalRole
{
    Pharmacist,
    Physician,
}

/// <summary>One signature in <c>approvals.json</c>: who approved which protocol text, when, and for which dates.</summary>
public sealed record ApprovalEntry
{
    public required string ProtocolId { get; init; }
    public required string Version { get; init; }

    /// <summary>The protocol's canonical hash (lowercase hex SHA-256) at the time of signing.</summary>
    public required string CanonicalHash { get; init; }

    public required string Approver { get; init; }
    public required ApprovalRole Role { get; init; }

    /// <summary>When the signature was recorded (UTC).</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>The first day the approval counts.</summary>
    public required DateOnly Effective { get; init; }

    /// <summary>The last day the approval counts; the protocol must be reviewed again by then.</summary>
    public required DateOnly ReviewBy { get; init; }

    public string? Note { get; init; }

    /// <summary>Whether <paramref name="today"/> lies between <see cref="Effective"/> and <see cref="ReviewBy"/>, both inclusive.</summary>
    public bool IsInForce(DateOnly today) => Effective <= today && today <= ReviewBy;

    public static string RoleName(ApprovalRole role) => role switch
    {
        ApprovalRole.Pharmacist => "pharmacist",
        ApprovalRole.Physician => "physician",
        _ => throw new ArgumentOutOfRangeException(nameof(role)),
    };

    /// <summary><c>pharmacist</c> or <c>physician</c> (exactly, lowercase).</summary>
    public static bool TryParseRole(string? text, out ApprovalRole role)
    {
        switch (text)
        {
            case "pharmacist":
                role = ApprovalRole.Pharmacist;
                return true;
            case "physician":
                role = ApprovalRole.Physician;
                return true;
            default:
                role = default;
                return false;
        }
    }

    public const string DateFormat = "yyyy-MM-dd";

    /// <summary>A calendar date written exactly as <c>yyyy-MM-dd</c>.</summary>
    public static bool TryParseDate(string? text, out DateOnly date) =>
        DateOnly.TryParseExact(text, DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out date);

    public static string FormatDate(DateOnly date) => date.ToString(DateFormat, CultureInfo.InvariantCulture);
}
