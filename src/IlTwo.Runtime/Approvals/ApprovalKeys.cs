using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace IlTwo.Runtime.Approvals;

/// <summary>ECDSA P-256 keys as JSON Web Keys (RFC 7517), with their RFC 7638 thumbprint as the key id.</summary>
public static class ApprovalKeys
{
    public const string Algorithm = SecurityAlgorithms.EcdsaSha256; // "ES256"

    private static readonly string[] PublicKeys = ["kty", "crv", "x", "y"];
    private static readonly string[] PrivateKeys = ["kty", "crv", "x", "y", "d"];

    /// <summary>The key id: the base64url RFC 7638 thumbprint of the public key.</summary>
    public static string KeyId(ECParameters parameters)
    {
        var jwk = new JsonWebKey
        {
            Kty = JsonWebAlgorithmsKeyTypes.EllipticCurve,
            Crv = JsonWebKeyECTypes.P256,
            X = Base64UrlEncoder.Encode(parameters.Q.X),
            Y = Base64UrlEncoder.Encode(parameters.Q.Y),
        };
        return Base64UrlEncoder.Encode(jwk.ComputeJwkThumbprint());
    }

    /// <summary>Reads <c>{"kty":"EC","crv":"P-256","x":...,"y":...}</c> (and <c>d</c> when <paramref name="withPrivate"/>).</summary>
    /// <exception cref="TrustException">not such a key, or not a point on the curve.</exception>
    public static ECParameters ReadJwk(JsonElement element, bool withPrivate, string what, string code)
    {
        try
        {
            StrictJson.Object(element, what, withPrivate ? PrivateKeys : PublicKeys);
            if (StrictJson.String(element, "kty", what) != "EC" || StrictJson.String(element, "crv", what) != "P-256")
            {
                throw new TrustException(code, $"{what}: only EC keys on curve P-256 (ES256) are accepted");
            }

            var parameters = new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP256,
                Q = new ECPoint { X = Coordinate(element, "x", what, code), Y = Coordinate(element, "y", what, code) },
                D = withPrivate ? Coordinate(element, "d", what, code) : null,
            };
            using var check = ECDsa.Create(parameters); // validates the point
            return parameters;
        }
        catch (TrustException e) when (e.Code != code)
        {
            throw new TrustException(code, e.Message[(e.Code.Length + 2)..], e);
        }
        catch (CryptographicException e)
        {
            throw new TrustException(code, $"{what}: not a valid P-256 key ({e.Message})", e);
        }
    }

    private static byte[] Coordinate(JsonElement element, string key, string what, string code)
    {
        var text = StrictJson.String(element, key, what);
        byte[] bytes;
        try
        {
            bytes = Base64UrlEncoder.DecodeBytes(text);
        }
        catch (FormatException e)
        {
            throw new TrustException(code, $"{what}: '{key}' is not base64url", e);
        }
        return bytes.Length == 32 ? bytes : throw new TrustException(code, $"{what}: '{key}' must be 32 bytes");
    }

    public static void WriteJwk(Utf8JsonWriter w, string name, ECParameters parameters, bool withPrivate)
    {
        w.WriteStartObject(name);
        w.WriteString("kty", "EC");
        w.WriteString("crv", "P-256");
        w.WriteString("x", Base64UrlEncoder.Encode(parameters.Q.X));
        w.WriteString("y", Base64UrlEncoder.Encode(parameters.Q.Y));
        if (withPrivate)
        {
            w.WriteString("d", Base64UrlEncoder.Encode(parameters.D));
        }

        w.WriteEndObject();
    }
}
