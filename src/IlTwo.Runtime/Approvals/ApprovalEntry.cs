using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace IlTwo.Runtime.Approvals;

/// <summary>Who signs: a protocol is approved when one of each, two different people, signed the same assembly.</summary>
public enum ApprovalRole
{
    Pharmacist,
    Physician,
}

/// <summary>
/// What one approver signs (the payload of one JWS in a signatures file, see docs/approvals.md): the protocol id and
/// version, its canonical hash over the whole extends chain, the SHA-256 of the compiled assembly, the approver and
/// role, the key, and the dates the approval counts.
/// </summary>
public sealed record ApprovalEntry
{
    /// <summary>The payload's <c>format</c>; anything else is refused.</summary>
    public const string Format = "il2-approval/1";

    /// <summary>An approval runs at most this many years from its effective date, and from the day it was signed.</summary>
    public const int MaxValidityYears = 2;

    public required string ProtocolId { get; init; }
    public required string Version { get; init; }

    /// <summary>The protocol's canonical hash (lowercase hex SHA-256) over its extends chain.</summary>
    public required string CanonicalHash { get; init; }

    /// <summary>The assembly's file name as built (<c>il2.&lt;id&gt;.dll</c>); informative, the hash is what counts.</summary>
    public required string AssemblyName { get; init; }

    /// <summary>SHA-256 (lowercase hex) of the compiled assembly's bytes.</summary>
    public required string AssemblySha256 { get; init; }

    public required string Approver { get; init; }
    public required ApprovalRole Role { get; init; }

    /// <summary>The signing key's id (its RFC 7638 JWK thumbprint), as in the trust store.</summary>
    public required string KeyId { get; init; }

    /// <summary>When the signature was made (UTC, whole seconds).</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>The first day the approval counts.</summary>
    public required DateOnly Effective { get; init; }

    /// <summary>The last day the approval counts; the protocol must be reviewed again by then.</summary>
    public required DateOnly ReviewBy { get; init; }

    public string? Note { get; init; }

    /// <summary>Whether <paramref name="today"/> lies between <see cref="Effective"/> and <see cref="ReviewBy"/>, both inclusive.</summary>
    public bool IsInForce(DateOnly today) => Effective <= today && today <= ReviewBy;

    /// <summary>The latest review-by date the policy accepts for an approval effective on <paramref name="effective"/> signed on <paramref name="signedOn"/>.</summary>
    public static DateOnly LatestReviewBy(DateOnly effective, DateOnly signedOn) =>
        (effective < signedOn ? effective : signedOn).AddYears(MaxValidityYears);

    /// <summary>Problems with the dates on their own (order, maximum validity); null when they are acceptable.</summary>
    public string? DateProblem()
    {
        if (ReviewBy <= Effective)
        {
            return $"its review-by date {FormatDate(ReviewBy)} is not after its effective date {FormatDate(Effective)}";
        }

        var latest = LatestReviewBy(Effective, DateOnly.FromDateTime(At.UtcDateTime));
        if (ReviewBy > latest)
        {
            return $"its review-by date {FormatDate(ReviewBy)} is beyond the maximum validity of {MaxValidityYears} years (latest {FormatDate(latest)})";
        }

        return null;
    }

    // ------------------------------------------------------------ payload JSON

    private static readonly string[] Keys = ["format", "protocolId", "version", "canonicalHash", "files", "approver", "role", "kid", "signedAt", "effective", "reviewBy", "note"];
    private static readonly string[] FileKeys = ["name", "algorithm", "hash"];

    /// <summary>The payload as signed: compact JSON, fixed key order.</summary>
    public string ToPayloadJson()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("format", Format);
            w.WriteString("protocolId", ProtocolId);
            w.WriteString("version", Version);
            w.WriteString("canonicalHash", CanonicalHash);
            w.WriteStartArray("files");
            w.WriteStartObject();
            w.WriteString("name", AssemblyName);
            w.WriteString("algorithm", "SHA-256");
            w.WriteString("hash", AssemblySha256);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteString("approver", Approver);
            w.WriteString("role", RoleName(Role));
            w.WriteString("kid", KeyId);
            w.WriteString("signedAt", At.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            w.WriteString("effective", FormatDate(Effective));
            w.WriteString("reviewBy", FormatDate(ReviewBy));
            if (Note is { } note)
            {
                w.WriteString("note", note);
            }

            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Reads a payload strictly: every key known, none twice, each value well-formed.</summary>
    /// <exception cref="TrustException">with <see cref="TrustCodes.Malformed"/>.</exception>
    public static ApprovalEntry ParsePayload(ReadOnlyMemory<byte> utf8, string what = "the approval payload")
    {
        using var document = StrictJson.Parse(utf8, what);
        var root = StrictJson.Object(document.RootElement, what, Keys);
        var format = StrictJson.String(root, "format", what);
        if (format != Format)
        {
            throw new TrustException(TrustCodes.Malformed, $"{what}: format is \"{format}\", expected \"{Format}\"");
        }

        if (!root.TryGetProperty("files", out var files) || files.ValueKind != JsonValueKind.Array || files.GetArrayLength() != 1)
        {
            throw new TrustException(TrustCodes.Malformed, $"{what}: 'files' must be an array of exactly one file (the assembly)");
        }

        var file = StrictJson.Object(files[0], $"{what}: files[0]", FileKeys);
        if (StrictJson.String(file, "algorithm", what) != "SHA-256")
        {
            throw new TrustException(TrustCodes.Malformed, $"{what}: files[0].algorithm must be \"SHA-256\"");
        }

        var roleText = StrictJson.String(root, "role", what);
        if (!TryParseRole(roleText, out var role))
        {
            throw new TrustException(TrustCodes.Malformed, $"{what}: role is \"{roleText}\"; expected \"pharmacist\" or \"physician\"");
        }

        var atText = StrictJson.String(root, "signedAt", what);
        if (!DateTimeOffset.TryParseExact(atText, "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
        {
            throw new TrustException(TrustCodes.Malformed, $"{what}: signedAt is \"{atText}\", not a UTC time yyyy-MM-ddTHH:mm:ssZ");
        }

        return new ApprovalEntry
        {
            ProtocolId = StrictJson.String(root, "protocolId", what),
            Version = StrictJson.String(root, "version", what),
            CanonicalHash = StrictJson.Hex64(root, "canonicalHash", what),
            AssemblyName = StrictJson.String(file, "name", what),
            AssemblySha256 = StrictJson.Hex64(file, "hash", what),
            Approver = StrictJson.String(root, "approver", what),
            Role = role,
            KeyId = StrictJson.String(root, "kid", what),
            At = at,
            Effective = StrictJson.Date(root, "effective", what),
            ReviewBy = StrictJson.Date(root, "reviewBy", what),
            Note = StrictJson.OptionalString(root, "note", what),
        };
    }

    // ------------------------------------------------------------ roles and dates

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

    public static DateOnly TodayUtc() => DateOnly.FromDateTime(DateTime.UtcNow);

    /// <summary>Names compare without case and with runs of white space as one space: "A.  Smith" is "a. smith".</summary>
    public static string PersonKey(string person) =>
        string.Join(' ', person.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToUpperInvariant();
}
