using System.Collections.Immutable;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace IlTwo.Runtime.Approvals;

/// <summary>What is known about the assembly to be approved before any of its code runs.</summary>
/// <param name="AssemblySha256">SHA-256 (lowercase hex) of the exact bytes that would be loaded.</param>
public sealed record AssemblyFacts(string ProtocolId, string Version, string AssemblySha256)
{
    /// <summary>The canonical hash, when the caller compiled the protocol's source itself (then a changed base is named as such).</summary>
    public string? CanonicalHash { get; init; }
}

/// <summary>Why one signature did not count (its index in the signatures file).</summary>
public sealed record ApprovalFinding(int Index, string Code, string Message);

/// <summary>The outcome of <see cref="ApprovalVerifier.Verify"/>.</summary>
public sealed record ApprovalVerdict
{
    /// <summary>Null when approved; else the code of the main reason.</summary>
    public string? Code { get; init; }

    /// <summary>Approved: who approved and until when. Refused: the code, the protocol, and every reason.</summary>
    public required string Message { get; init; }

    public bool IsApproved => Code is null;

    /// <summary>The verified approvals of this assembly in force today (the ones the decision rests on when approved).</summary>
    public ImmutableArray<ApprovalEntry> InForce { get; init; } = [];

    public ImmutableArray<ApprovalFinding> Findings { get; init; } = [];
}

/// <summary>
/// Checks signatures against a <see cref="TrustStore"/> and the two-role policy: the assembly's SHA-256 must be signed,
/// in force today, by a pharmacist and by a physician, with two different keys held by two different people, each key
/// known, not revoked, and bound in the trust store to that person and role. See docs/approvals.md.
/// </summary>
public sealed class ApprovalVerifier(TrustStore trust)
{
    private static readonly string[] HeaderKeys = ["alg", "kid", "typ"];

    public TrustStore Trust { get; } = trust ?? throw new ArgumentNullException(nameof(trust));

    public ApprovalVerdict Verify(IEnumerable<string> signatures, AssemblyFacts facts, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(signatures);
        ArgumentNullException.ThrowIfNull(facts);
        var name = $"protocol '{facts.ProtocolId}' {facts.Version} (assembly sha256 {facts.AssemblySha256})";
        var findings = new List<ApprovalFinding>();
        var stale = new List<ApprovalFinding>();
        var inForce = new List<(ApprovalEntry Entry, TrustedKey Key)>();
        var relevant = 0;
        var index = 0;
        foreach (var jws in signatures)
        {
            var i = index++;
            var where = $"signature [{i}]";
            var (entry, key, problem) = Check(jws, where);
            if (problem is not null)
            {
                // A signature that is not even about this protocol (by its unverified payload) is someone else's business.
                if (entry is not null && !About(entry, facts))
                {
                    continue;
                }

                relevant++;
                findings.Add(problem with { Index = i });
                continue;
            }
            if (!About(entry!, facts))
            {
                if (entry!.AssemblySha256 == facts.AssemblySha256)
                {
                    relevant++;
                    findings.Add(new(i, TrustCodes.ProtocolMismatch, $"{where} by {entry.Approver} signs these bytes as protocol '{entry.ProtocolId}' {entry.Version}, not '{facts.ProtocolId}' {facts.Version}"));
                }
                continue;
            }
            relevant++;
            var by = $"{where}: the {ApprovalEntry.RoleName(entry!.Role)} approval by {entry.Approver}";
            if (facts.CanonicalHash is { } canonical && entry.CanonicalHash != canonical)
            {
                stale.Add(new(i, TrustCodes.CanonicalHashMismatch,
                    $"{by} signs canonical hash {entry.CanonicalHash}, but the protocol's is now {canonical}: the protocol, or a protocol it extends, has changed since it was signed"));
                continue;
            }
            if (entry.AssemblySha256 != facts.AssemblySha256)
            {
                stale.Add(new(i, TrustCodes.AssemblyNotSigned, facts.CanonicalHash is null
                    ? $"{by} signs another assembly (sha256 {entry.AssemblySha256}): the protocol, a protocol it extends, or the compiler has changed since it was signed, or the assembly was altered"
                    : $"{by} signs another build (sha256 {entry.AssemblySha256}) of the same protocol text (canonical hash unchanged): comments, layout or the compiler changed; the new build must be signed"));
                continue;
            }
            if (entry.DateProblem() is { } dates)
            {
                findings.Add(new(i, TrustCodes.ValidityTooLong, $"{by} is refused: {dates}"));
                continue;
            }
            if (entry.Effective > today)
            {
                findings.Add(new(i, TrustCodes.NotYetEffective, $"{by} starts on {ApprovalEntry.FormatDate(entry.Effective)} (today is {ApprovalEntry.FormatDate(today)})"));
                continue;
            }
            if (entry.ReviewBy < today)
            {
                findings.Add(new(i, TrustCodes.Expired, $"{by} lapsed after {ApprovalEntry.FormatDate(entry.ReviewBy)}, its review-by date (today is {ApprovalEntry.FormatDate(today)}); the protocol must be reviewed and signed again"));
                continue;
            }
            inForce.Add((entry, key!));
        }

        var pharmacists = inForce.Where(a => a.Entry.Role == ApprovalRole.Pharmacist).ToList();
        var physicians = inForce.Where(a => a.Entry.Role == ApprovalRole.Physician).ToList();
        var pair = pharmacists.SelectMany(p => physicians, (p, q) => (P: p, Q: q))
            .FirstOrDefault(x => x.P.Key.KeyId != x.Q.Key.KeyId && ApprovalEntry.PersonKey(x.P.Key.Person) != ApprovalEntry.PersonKey(x.Q.Key.Person));
        var all = findings.Concat(stale).OrderBy(f => f.Index).ToImmutableArray();
        if (pair.P.Entry is not null)
        {
            var until = pair.P.Entry.ReviewBy < pair.Q.Entry.ReviewBy ? pair.P.Entry.ReviewBy : pair.Q.Entry.ReviewBy;
            return new ApprovalVerdict
            {
                Message = $"{name} is approved by {pair.P.Entry.Approver} (pharmacist) and {pair.Q.Entry.Approver} (physician), in force until {ApprovalEntry.FormatDate(until)}",
                InForce = [pair.P.Entry, pair.Q.Entry],
                Findings = all,
            };
        }

        ApprovalFinding main;
        if (pharmacists.Count > 0 && physicians.Count > 0)
        {
            var p = pharmacists[0];
            var q = physicians[0];
            main = new(-1, TrustCodes.SamePerson, p.Key.KeyId == q.Key.KeyId
                ? $"the pharmacist and the physician approvals are signed with the same key {p.Key.KeyId}"
                : $"the pharmacist and the physician approvals are by the same person ({p.Key.Person}); two different people must sign");
        }
        else if (findings.Count > 0)
        {
            main = findings[0];
        }
        else if (stale.Count > 0)
        {
            main = stale[0];
        }
        else if (relevant == 0)
        {
            main = new(-1, TrustCodes.NoSignatures, $"no approvals are recorded for protocol '{facts.ProtocolId}' {facts.Version}");
        }
        else
        {
            main = new(-1, TrustCodes.RoleMissing, "");
        }

        var missing = new List<string>();
        if (pharmacists.Count == 0)
        {
            missing.Add("no pharmacist approval in force");
        }

        if (physicians.Count == 0)
        {
            missing.Add("no physician approval in force");
        }

        var reasons = new List<string>();
        if (main.Message.Length > 0)
        {
            reasons.Add(main.Message);
        }

        reasons.AddRange(all.Where(f => !ReferenceEquals(f, main)).Select(f => f.Message));
        if (main.Code != TrustCodes.SamePerson && missing.Count > 0)
        {
            reasons.Add(string.Join(", ", missing) + " for these assembly bytes");
        }

        return new ApprovalVerdict
        {
            Code = main.Code,
            Message = $"{main.Code}: {name} is not approved: {string.Join("; ", reasons)}",
            InForce = [.. inForce.Select(a => a.Entry)],
            Findings = all,
        };
    }

    private static bool About(ApprovalEntry entry, AssemblyFacts facts) =>
        entry.ProtocolId == facts.ProtocolId && entry.Version == facts.Version;

    /// <summary>Verifies one JWS: header, key (known, not revoked), signature, payload, identity binding.</summary>
    private (ApprovalEntry? Entry, TrustedKey? Key, ApprovalFinding? Problem) Check(string jws, string where)
    {
        var parts = jws.Split('.');
        if (parts.Length != 3)
        {
            return (null, null, new(0, TrustCodes.Malformed, $"{where} is not a compact JWS (header.payload.signature)"));
        }

        var unverified = TryPayload(parts[1]);
        string kid;
        try
        {
            using var header = StrictJson.Parse(Base64UrlEncoder.DecodeBytes(parts[0]), $"{where} header");
            var root = StrictJson.Object(header.RootElement, $"{where} header", HeaderKeys);
            var alg = StrictJson.String(root, "alg", $"{where} header");
            if (alg != ApprovalKeys.Algorithm)
            {
                return (unverified, null, new(0, TrustCodes.Malformed, $"{where} uses algorithm '{alg}'; only {ApprovalKeys.Algorithm} is accepted"));
            }

            kid = StrictJson.String(root, "kid", $"{where} header");
        }
        catch (Exception e) when (e is TrustException or FormatException or ArgumentException)
        {
            return (unverified, null, new(0, TrustCodes.Malformed, $"{where}: {Strip(e)}"));
        }

        var claimed = unverified is null ? "" : $" (claims to be the {ApprovalEntry.RoleName(unverified.Role)} approval by {unverified.Approver})";
        var key = Trust.Find(kid);
        if (key is null)
        {
            return (unverified, null, new(0, TrustCodes.UnknownKey, $"{where}{claimed} is signed with key {kid}, which is not in the trust store"));
        }

        if (key.Revoked is { } revoked)
        {
            var reason = key.RevokedReason is { } r ? $" ({r})" : "";
            return (unverified, key, new(0, TrustCodes.RevokedKey, $"{where}{claimed} is signed with the key of {key.Person} ({ApprovalEntry.RoleName(key.Role)}), revoked on {ApprovalEntry.FormatDate(revoked)}{reason}"));
        }

        var parameters = new TokenValidationParameters
        {
            IssuerSigningKey = key.SecurityKey(),
            TryAllIssuerSigningKeys = false,
            ValidAlgorithms = [ApprovalKeys.Algorithm],
            RequireSignedTokens = true,
            // Approval dates are this policy's own claims, checked below; the JWT registered claims are not used.
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidateLifetime = false,
            RequireExpirationTime = false,
            ValidateIssuerSigningKey = false,
        };
        TokenValidationResult result;
        try
        {
            result = new JsonWebTokenHandler().ValidateTokenAsync(jws, parameters).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is ArgumentException or SecurityTokenException)
        {
            return (unverified, key, new(0, TrustCodes.BadSignature, $"{where}{claimed} does not verify with the key of {key.Person}: {e.Message}"));
        }
        if (!result.IsValid)
        {
            return (unverified, key, new(0, TrustCodes.BadSignature, $"{where}{claimed} does not verify with the key of {key.Person} ({ApprovalEntry.RoleName(key.Role)}): the signature, or what it signs, was altered"));
        }

        ApprovalEntry entry;
        try
        {
            entry = ApprovalEntry.ParsePayload(Base64UrlEncoder.DecodeBytes(parts[1]), $"{where} payload");
        }
        catch (Exception e) when (e is TrustException or FormatException or ArgumentException)
        {
            return (unverified, key, new(0, TrustCodes.Malformed, $"{where}: {Strip(e)}"));
        }
        if (entry.KeyId != kid)
        {
            return (entry, key, new(0, TrustCodes.IdentityMismatch, $"{where}: the payload names key {entry.KeyId}, the header {kid}"));
        }

        if (entry.Role != key.Role || ApprovalEntry.PersonKey(entry.Approver) != ApprovalEntry.PersonKey(key.Person))
        {
            return (entry, key, new(0, TrustCodes.IdentityMismatch,
                $"{where} claims {entry.Approver} as {ApprovalEntry.RoleName(entry.Role)}, but the trust store binds key {kid} to {key.Person} as {ApprovalEntry.RoleName(key.Role)}"));
        }
        return (entry, key, null);
    }

    private static ApprovalEntry? TryPayload(string part)
    {
        try
        {
            return ApprovalEntry.ParsePayload(Base64UrlEncoder.DecodeBytes(part));
        }
        catch (Exception e) when (e is TrustException or FormatException or ArgumentException)
        {
            return null;
        }
    }

    private static string Strip(Exception e) => e is TrustException t ? e.Message[(t.Code.Length + 2)..] : e.Message;

    /// <summary>SHA-256 (lowercase hex) of <paramref name="bytes"/>.</summary>
    public static string Sha256(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
}
