using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using IlTwo.Runtime.Approvals;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace IlTwo.Runtime.Tests.Approvals;

/// <summary>The signature and policy check on its own: each way an approval can be forged or lapse is refused, by code.</summary>
public sealed class ApprovalVerifierTests : IDisposable
{
    private static readonly DateOnly Today = new(2026, 6, 1);
    private static readonly string Assembly = new('a', 64);
    private static readonly string Canonical = new('c', 64);
    private static readonly AssemblyFacts Facts = new("post-til-il2", "1.0.0", Assembly) { CanonicalHash = Canonical };

    private readonly string _folder = Directory.CreateTempSubdirectory("il2-trust-").FullName;
    private readonly SigningKey _pharmacist = SigningKey.Create("A. Pharmacist, PharmD", ApprovalRole.Pharmacist);
    private readonly SigningKey _physician = SigningKey.Create("B. Physician, MD", ApprovalRole.Physician);
    private readonly SigningKey _stranger = SigningKey.Create("A. Pharmacist, PharmD", ApprovalRole.Pharmacist);

    public void Dispose()
    {
        _pharmacist.Dispose();
        _physician.Dispose();
        _stranger.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private TrustStore Store(params TrustedKey[] extra) => new([_pharmacist.PublicEntry(), _physician.PublicEntry(), .. extra]);

    private static ApprovalEntry Entry(SigningKey key, Func<ApprovalEntry, ApprovalEntry>? change = null)
    {
        var entry = new ApprovalEntry
        {
            ProtocolId = "post-til-il2",
            Version = "1.0.0",
            CanonicalHash = Canonical,
            AssemblyName = "il2.post-til-il2.dll",
            AssemblySha256 = Assembly,
            Approver = key.Person,
            Role = key.Role,
            KeyId = key.KeyId,
            At = new DateTimeOffset(2026, 3, 12, 14, 2, 11, TimeSpan.Zero),
            Effective = new DateOnly(2026, 3, 12),
            ReviewBy = new DateOnly(2027, 3, 12),
        };
        return change is null ? entry : change(entry);
    }

    private static string Sign(SigningKey key, Func<ApprovalEntry, ApprovalEntry>? change = null) => key.Sign(Entry(key, change));

    private static ApprovalVerdict Verify(TrustStore store, params string[] signatures) => new ApprovalVerifier(store).Verify(signatures, Facts, Today);

    private static void Refused(ApprovalVerdict verdict, string code, string words)
    {
        Assert.False(verdict.IsApproved, verdict.Message);
        Assert.Equal(code, verdict.Code);
        Assert.StartsWith(code + ": protocol 'post-til-il2' 1.0.0", verdict.Message, StringComparison.Ordinal);
        Assert.Contains(words, verdict.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_pharmacist_and_a_physician_in_the_trust_store_approve()
    {
        var verdict = Verify(Store(), Sign(_pharmacist), Sign(_physician));

        Assert.True(verdict.IsApproved, verdict.Message);
        Assert.Contains("approved by A. Pharmacist, PharmD (pharmacist) and B. Physician, MD (physician), in force until 2027-03-12", verdict.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_approval_re_signed_by_an_unknown_key_is_refused() =>
        Refused(Verify(Store(), Sign(_stranger), Sign(_physician)), TrustCodes.UnknownKey, "which is not in the trust store");

    [Fact]
    public void A_revoked_key_is_refused_whatever_date_it_claims()
    {
        var revoked = _pharmacist.PublicEntry() with { Revoked = new DateOnly(2026, 5, 1), RevokedReason = "laptop stolen" };
        var store = new TrustStore([revoked, _physician.PublicEntry()]);

        Refused(new ApprovalVerifier(store).Verify([Sign(_pharmacist), Sign(_physician)], Facts, Today), TrustCodes.RevokedKey, "revoked on 2026-05-01 (laptop stolen)");
    }

    [Fact]
    public void An_expired_approval_is_refused() =>
        Refused(Verify(Store(), Sign(_pharmacist), Sign(_physician, e => e with { Effective = new DateOnly(2025, 3, 1), ReviewBy = new DateOnly(2026, 3, 1), At = new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero) })),
            TrustCodes.Expired, "lapsed after 2026-03-01");

    [Fact]
    public void An_approval_not_yet_effective_is_refused() =>
        Refused(Verify(Store(), Sign(_pharmacist), Sign(_physician, e => e with { Effective = new DateOnly(2026, 7, 1), ReviewBy = new DateOnly(2027, 7, 1) })),
            TrustCodes.NotYetEffective, "starts on 2026-07-01");

    [Fact]
    public void An_absurd_review_by_date_is_beyond_the_maximum_validity() =>
        Refused(Verify(Store(), Sign(_pharmacist, e => e with { ReviewBy = new DateOnly(9999, 12, 31) }), Sign(_physician)),
            TrustCodes.ValidityTooLong, "beyond the maximum validity of 2 years");

    [Fact]
    public void One_person_cannot_sign_as_pharmacist_and_physician()
    {
        using var sameAsPhysician = SigningKey.Create("b.  physician, md", ApprovalRole.Pharmacist);
        var store = Store(sameAsPhysician.PublicEntry());

        Refused(new ApprovalVerifier(store).Verify([Sign(sameAsPhysician), Sign(_physician)], Facts, Today), TrustCodes.SamePerson, "by the same person");
    }

    [Fact]
    public void A_tampered_signature_byte_is_refused()
    {
        var jws = Sign(_pharmacist);
        var at = jws.Length - 10;
        var tampered = jws[..at] + (jws[at] == 'A' ? 'B' : 'A') + jws[(at + 1)..];

        Refused(Verify(Store(), tampered, Sign(_physician)), TrustCodes.BadSignature, "does not verify with the key of A. Pharmacist, PharmD");
    }

    [Fact]
    public void A_payload_changed_under_a_valid_signature_is_refused()
    {
        var parts = Sign(_physician).Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1])).Replace("2027-03-12", "2028-03-12", StringComparison.Ordinal);
        var forged = $"{parts[0]}.{Base64UrlEncoder.Encode(payload)}.{parts[2]}";

        Refused(Verify(Store(), Sign(_pharmacist), forged), TrustCodes.BadSignature, "was altered");
    }

    [Fact]
    public void A_role_or_name_the_trust_store_does_not_bind_to_the_key_is_refused()
    {
        // The pharmacist's own key signs a payload that claims to be the physician's approval.
        var entry = Entry(_pharmacist) with { Role = ApprovalRole.Physician, Approver = "B. Physician, MD" };
        var jws = Handcrafted(_pharmacist, entry.ToPayloadJson());

        Refused(Verify(Store(), Sign(_pharmacist), jws), TrustCodes.IdentityMismatch, "binds key");
    }

    [Fact]
    public void A_signed_payload_with_a_duplicate_key_is_refused()
    {
        var json = Entry(_physician).ToPayloadJson().Replace("\"reviewBy\":\"2027-03-12\"", "\"reviewBy\":\"2026-01-01\",\"reviewBy\":\"2027-03-12\"", StringComparison.Ordinal);
        Assert.Contains("2026-01-01", json, StringComparison.Ordinal);

        Refused(Verify(Store(), Sign(_pharmacist), Handcrafted(_physician, json)), TrustCodes.Malformed, "a key appears twice");
    }

    [Fact]
    public void An_unsigned_token_is_refused() =>
        Refused(Verify(Store(), Sign(_pharmacist), $"{Base64UrlEncoder.Encode("{\"alg\":\"none\",\"kid\":\"x\"}")}.{Base64UrlEncoder.Encode(Entry(_physician).ToPayloadJson())}."),
            TrustCodes.Malformed, "only ES256 is accepted");

    [Fact]
    public void Approvals_of_another_build_or_text_do_not_count()
    {
        var other = new string('b', 64);
        string[] otherBuild = [Sign(_pharmacist, e => e with { AssemblySha256 = other }), Sign(_physician, e => e with { AssemblySha256 = other })];
        Refused(Verify(Store(), otherBuild), TrustCodes.AssemblyNotSigned, "signs another build (sha256 bbbb");
        Assert.Contains("canonical hash unchanged", Verify(Store(), otherBuild).Message, StringComparison.Ordinal);
        Refused(new ApprovalVerifier(Store()).Verify(otherBuild, Facts with { CanonicalHash = null }, Today), TrustCodes.AssemblyNotSigned, "signs another assembly");
        Refused(Verify(Store(), Sign(_pharmacist, e => e with { CanonicalHash = new string('d', 64), AssemblySha256 = other }), Sign(_physician)),
            TrustCodes.CanonicalHashMismatch, "a protocol it extends, has changed since it was signed");
    }

    [Fact]
    public void Only_one_role_signed_is_refused() =>
        Refused(Verify(Store(), Sign(_pharmacist)), TrustCodes.RoleMissing, "no physician approval in force");

    [Fact]
    public void Nothing_signed_is_refused() =>
        Refused(Verify(Store()), TrustCodes.NoSignatures, "no approvals are recorded");

    [Fact]
    public void Files_with_duplicate_keys_are_refused()
    {
        var signatures = Path.Combine(_folder, "approvals.json");
        File.WriteAllText(signatures, "{\"signatures\":[],\"signatures\":[\"x.y.z\"]}");
        Assert.Equal(TrustCodes.Malformed, Assert.Throws<TrustException>(() => ApprovalSignatures.Load(signatures)).Code);

        var store = Path.Combine(_folder, "trust.json");
        var entry = _pharmacist.PublicEntry().ToJson().TrimEnd();
        File.WriteAllText(store, "{\"keys\":[" + entry.Replace("\"role\": \"pharmacist\"", "\"role\": \"physician\", \"role\": \"pharmacist\"", StringComparison.Ordinal) + "]}");
        var e = Assert.Throws<TrustException>(() => TrustStore.Load(store));
        Assert.Equal(TrustCodes.BadTrustStore, e.Code);
        Assert.Contains("a key appears twice", e.Message, StringComparison.Ordinal);

        File.WriteAllText(store, "{\"keys\":[" + entry + "," + entry + "]}");
        Assert.Contains("appears twice in the trust store", Assert.Throws<TrustException>(() => TrustStore.Load(store)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_trust_store_entry_whose_kid_is_not_its_key_is_refused()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_folder, "store")).FullName;
        File.WriteAllText(Path.Combine(folder, "p.json"), _pharmacist.PublicEntry().ToJson().Replace(_pharmacist.KeyId, _physician.KeyId, StringComparison.Ordinal));
        Assert.Contains("is not the key's thumbprint", Assert.Throws<TrustException>(() => TrustStore.Load(folder)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_private_key_file_readable_by_others_is_not_read()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var path = Path.Combine(_folder, "me.il2key");
        _pharmacist.Save(path);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        using (var loaded = SigningKey.Load(path))
        {
            Assert.Equal(_pharmacist.KeyId, loaded.KeyId);
        }

        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        var e = Assert.Throws<TrustException>(() => SigningKey.Load(path));
        Assert.Equal(TrustCodes.KeyFilePermissions, e.Code);
        Assert.Contains("may be read by others (mode 640)", e.Message, StringComparison.Ordinal);
    }

    /// <summary>A JWS made by hand with a real key, for payloads il2 itself would never sign.</summary>
    private string Handcrafted(SigningKey key, string payload)
    {
        var path = Path.Combine(_folder, Guid.NewGuid().ToString("N") + ".il2key");
        key.Save(path);
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var jwk = document.RootElement.GetProperty("privateKey");
        byte[] Part(string name) => Base64UrlEncoder.DecodeBytes(jwk.GetProperty(name).GetString()!);
        var parameters = new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = Part("x"), Y = Part("y") },
            D = Part("d"),
        };
        var credentials = new SigningCredentials(new ECDsaSecurityKey(ECDsa.Create(parameters)) { KeyId = key.KeyId }, SecurityAlgorithms.EcdsaSha256);
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(payload, credentials);
    }
}
