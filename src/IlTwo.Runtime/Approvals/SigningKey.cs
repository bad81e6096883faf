using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace IlTwo.Runtime.Approvals;

/// <summary>
/// An approver's private key (ECDSA P-256), bound to a person and a role. Its file is written owner-only (0600) and is
/// read only when neither group nor others may read it. It never belongs in a repository.
/// </summary>
public sealed class SigningKey : IDisposable
{
    private static readonly string[] FileKeys = ["format", "kid", "person", "role", "privateKey"];
    public const string FileFormat = "il2-signing-key/1";

    private readonly ECDsa _key;

    private SigningKey(ECDsa key, string person, ApprovalRole role)
    {
        _key = key;
        Person = person;
        Role = role;
        KeyId = ApprovalKeys.KeyId(key.ExportParameters(false));
    }

    public string KeyId { get; }
    public string Person { get; }
    public ApprovalRole Role { get; }

    public static SigningKey Create(string person, ApprovalRole role)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(person);
        return new SigningKey(ECDsa.Create(ECCurve.NamedCurves.nistP256), person.Trim(), role);
    }

    /// <summary>The public half, as a trust store entry.</summary>
    public TrustedKey PublicEntry() => new() { KeyId = KeyId, Person = Person, Role = Role, PublicKey = _key.ExportParameters(false) };

    /// <summary>Signs <paramref name="approval"/> (whose <see cref="ApprovalEntry.KeyId"/>, approver and role must be this key's) as a compact ES256 JWS.</summary>
    public string Sign(ApprovalEntry approval)
    {
        ArgumentNullException.ThrowIfNull(approval);
        if (approval.KeyId != KeyId || approval.Approver != Person || approval.Role != Role)
        {
            throw new InvalidOperationException("the approval must name this key, its person and its role");
        }

        var credentials = new SigningCredentials(new ECDsaSecurityKey(_key) { KeyId = KeyId }, ApprovalKeys.Algorithm);
        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        return handler.CreateToken(approval.ToPayloadJson(), credentials);
    }

    /// <summary>Writes the private key file, owner read/write only (0600), refusing to overwrite.</summary>
    public void Save(string path)
    {
        var text = ToJson();
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var stream = new FileStream(path, options);
        stream.Write(Encoding.UTF8.GetBytes(text));
    }

    private string ToJson()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, IndentSize = 2, NewLine = "\n", Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("format", FileFormat);
            w.WriteString("kid", KeyId);
            w.WriteString("person", Person);
            w.WriteString("role", ApprovalEntry.RoleName(Role));
            ApprovalKeys.WriteJwk(w, "privateKey", _key.ExportParameters(true), withPrivate: true);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <exception cref="TrustException"><see cref="TrustCodes.KeyFilePermissions"/> when group or others may read the file
    /// (or it cannot be read); <see cref="TrustCodes.Malformed"/> when it is not a key file.</exception>
    public static SigningKey Load(string path)
    {
        var full = Path.GetFullPath(path);
        byte[] bytes;
        try
        {
            if (!OperatingSystem.IsWindows())
            {
                var mode = File.GetUnixFileMode(full);
                const UnixFileMode Open = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
                    | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
                if ((mode & Open) != 0)
                {
                    throw new TrustException(TrustCodes.KeyFilePermissions,
                        $"the private key file {full} may be read by others (mode {Convert.ToString((int)mode & 0x1FF, 8)}); it is not read: chmod 600 it, and replace the key if others could have copied it");
                }
            }
            bytes = File.ReadAllBytes(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TrustException(TrustCodes.KeyFilePermissions, $"cannot read the private key file {full}: {e.Message}", e);
        }
        using var document = StrictJson.Parse(bytes, full);
        var root = StrictJson.Object(document.RootElement, full, FileKeys);
        if (StrictJson.String(root, "format", full) != FileFormat)
        {
            throw new TrustException(TrustCodes.Malformed, $"{full}: not an il2 signing key (format must be \"{FileFormat}\")");
        }

        var roleText = StrictJson.String(root, "role", full);
        if (!ApprovalEntry.TryParseRole(roleText, out var role))
        {
            throw new TrustException(TrustCodes.Malformed, $"{full}: role is \"{roleText}\"");
        }

        if (!root.TryGetProperty("privateKey", out var jwk))
        {
            throw new TrustException(TrustCodes.Malformed, $"{full}: 'privateKey' is missing");
        }

        var parameters = ApprovalKeys.ReadJwk(jwk, withPrivate: true, $"{full}: privateKey", TrustCodes.Malformed);
        var key = new SigningKey(ECDsa.Create(parameters), StrictJson.String(root, "person", full).Trim(), role);
        if (key.KeyId != StrictJson.String(root, "kid", full))
        {
            key.Dispose();
            throw new TrustException(TrustCodes.Malformed, $"{full}: 'kid' is not the key's thumbprint");
        }
        return key;
    }

    public void Dispose() => _key.Dispose();
}
