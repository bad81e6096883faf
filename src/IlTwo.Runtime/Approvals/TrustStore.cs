using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace IlTwo.Runtime.Approvals;

/// <summary>One approver's public key as the trust store binds it: to one person and one role, perhaps revoked.</summary>
public sealed record TrustedKey
{
    public required string KeyId { get; init; }
    public required string Person { get; init; }
    public required ApprovalRole Role { get; init; }
    public required ECParameters PublicKey { get; init; }

    /// <summary>The day the key was revoked: from then on no signature by it counts, whatever date it claims.</summary>
    public DateOnly? Revoked { get; init; }

    public string? RevokedReason { get; init; }

    /// <summary>The file the entry was read from.</summary>
    public string Source { get; init; } = "";

    public SecurityKey SecurityKey() => new ECDsaSecurityKey(ECDsa.Create(PublicKey)) { KeyId = KeyId };

    /// <summary>The trust store entry: <c>{"kid":...,"person":...,"role":...,"publicKey":{JWK}}</c> (+ revoked, revokedReason).</summary>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, IndentSize = 2, NewLine = "\n", Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("kid", KeyId);
            w.WriteString("person", Person);
            w.WriteString("role", ApprovalEntry.RoleName(Role));
            ApprovalKeys.WriteJwk(w, "publicKey", PublicKey, withPrivate: false);
            if (Revoked is { } revoked)
            {
                w.WriteString("revoked", ApprovalEntry.FormatDate(revoked));
            }

            if (RevokedReason is { } reason)
            {
                w.WriteString("revokedReason", reason);
            }

            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }
}

/// <summary>
/// The only source of who may approve: public keys, each bound to a person and a role, revocable. Either one JSON file
/// <c>{"keys":[entry, ...]}</c> or a folder whose every <c>*.json</c> file is one entry (see docs/approvals.md).
/// </summary>
public sealed class TrustStore
{
    private static readonly string[] EntryKeys = ["kid", "person", "role", "publicKey", "revoked", "revokedReason"];

    private readonly Dictionary<string, TrustedKey> _byId;

    public TrustStore(IEnumerable<TrustedKey> keys)
    {
        Keys = [.. keys];
        _byId = new Dictionary<string, TrustedKey>(StringComparer.Ordinal);
        foreach (var key in Keys)
        {
            if (!_byId.TryAdd(key.KeyId, key))
            {
                throw new TrustException(TrustCodes.BadTrustStore, $"key {key.KeyId} appears twice in the trust store ({_byId[key.KeyId].Source}, {key.Source})");
            }
        }
    }

    public ImmutableArray<TrustedKey> Keys { get; }

    /// <summary>Where it was read from (for messages).</summary>
    public string Source { get; init; } = "";

    public TrustedKey? Find(string keyId) => _byId.GetValueOrDefault(keyId);

    /// <exception cref="TrustException">missing, unreadable or malformed (<see cref="TrustCodes.BadTrustStore"/>).</exception>
    public static TrustStore Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            var files = Directory.GetFiles(full, "*.json").Order(StringComparer.Ordinal).ToList();
            if (files.Count == 0)
            {
                throw new TrustException(TrustCodes.BadTrustStore, $"the trust store folder {full} holds no *.json key entries");
            }

            return new TrustStore(files.Select(f =>
            {
                using var document = ParseStrict(ReadBytes(f), f);
                return ReadEntry(document.RootElement, f);
            }).ToList())
            { Source = full };
        }
        if (!File.Exists(full))
        {
            throw new TrustException(TrustCodes.BadTrustStore, $"no trust store at {full}");
        }

        using var doc = ParseStrict(ReadBytes(full), full);
        var root = Wrap(() => StrictJson.Object(doc.RootElement, full, "keys"));
        if (!root.TryGetProperty("keys", out var keys) || keys.ValueKind != JsonValueKind.Array)
        {
            throw new TrustException(TrustCodes.BadTrustStore, $"{full}: expected {{\"keys\": [ ... ]}}");
        }

        return new TrustStore(keys.EnumerateArray().Select((k, i) => ReadEntry(k, $"{full}: keys[{i}]")).ToList()) { Source = full };
    }

    /// <summary>One entry, as <c>il2 keys</c> exports it.</summary>
    public static TrustedKey ParseEntry(string json, string source)
    {
        using var document = ParseStrict(Encoding.UTF8.GetBytes(json), source);
        return ReadEntry(document.RootElement, source);
    }

    private static byte[] ReadBytes(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TrustException(TrustCodes.BadTrustStore, $"cannot read the trust store {path}: {e.Message}", e);
        }
    }

    private static JsonDocument ParseStrict(byte[] bytes, string what) => Wrap(() => StrictJson.Parse(bytes, what));

    private static T Wrap<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (TrustException e) when (e.Code != TrustCodes.BadTrustStore)
        {
            throw new TrustException(TrustCodes.BadTrustStore, e.Message[(e.Code.Length + 2)..], e);
        }
    }

    private static TrustedKey ReadEntry(JsonElement element, string what) => Wrap(() =>
    {
        StrictJson.Object(element, what, EntryKeys);
        var roleText = StrictJson.String(element, "role", what);
        if (!ApprovalEntry.TryParseRole(roleText, out var role))
        {
            throw new TrustException(TrustCodes.BadTrustStore, $"{what}: role is \"{roleText}\"; expected \"pharmacist\" or \"physician\"");
        }

        if (!element.TryGetProperty("publicKey", out var jwk))
        {
            throw new TrustException(TrustCodes.BadTrustStore, $"{what}: 'publicKey' is missing");
        }

        var parameters = ApprovalKeys.ReadJwk(jwk, withPrivate: false, $"{what}: publicKey", TrustCodes.BadTrustStore);
        var kid = StrictJson.String(element, "kid", what);
        var thumbprint = ApprovalKeys.KeyId(parameters);
        if (kid != thumbprint)
        {
            throw new TrustException(TrustCodes.BadTrustStore, $"{what}: kid '{kid}' is not the key's thumbprint '{thumbprint}'");
        }

        return new TrustedKey
        {
            KeyId = kid,
            Person = StrictJson.String(element, "person", what).Trim(),
            Role = role,
            PublicKey = parameters,
            Revoked = element.TryGetProperty("revoked", out _) ? StrictJson.Date(element, "revoked", what) : null,
            RevokedReason = StrictJson.OptionalString(element, "revokedReason", what),
            Source = what,
        };
    });
}
