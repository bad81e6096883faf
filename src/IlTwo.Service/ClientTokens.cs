using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace IlTwo.Service;

/// <summary>
/// CDS Hooks 2.0 "Trusting CDS Clients": every hook call carries <c>Authorization: Bearer JWT</c>, signed by the EHR with
/// a key from its JWKS. Checked: the signature (by <c>kid</c>, from the configured issuer's JWKS), <c>iss</c> is a
/// configured client, <c>aud</c> is this service (the discovery URL or the service's own URL), <c>exp</c> (required, with
/// 30 s of clock skew), and <c>jti</c> (required, and never seen before from that issuer while the token is alive).
/// </summary>
internal sealed class ClientTokens(ServiceOptions options) : IDisposable
{
    private static readonly TimeSpan Skew = TimeSpan.FromSeconds(30);
    private readonly JsonWebTokenHandler _handler = new();
    private readonly Dictionary<string, ClientIssuer> _issuers = options.Clients.ToDictionary(c => c.Issuer, StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Jwks> _keys = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTime> _seen = new(StringComparer.Ordinal);
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private long _lastPurge;

    /// <summary>Null when the caller is trusted; else the 401 to answer.</summary>
    public async Task<IResult?> Check(HttpContext context, string serviceId)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (header.Length == 0 && options.AllowUnauthenticatedClients)
        {
            return null;
        }

        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return Unauthorized(context, "a bearer JWT from a trusted CDS client is required");
        }

        var token = header[7..].Trim();
        JsonWebToken jwt;
        try
        {
            jwt = _handler.ReadJsonWebToken(token);
        }
        catch (Exception e) when (e is ArgumentException or SecurityTokenMalformedException)
        {
            return Unauthorized(context, "the bearer token is not a JWT");
        }
        if (!_issuers.TryGetValue(jwt.Issuer ?? "", out var issuer))
        {
            return Unauthorized(context, $"issuer '{jwt.Issuer}' is not a trusted CDS client");
        }

        if (string.IsNullOrEmpty(jwt.Kid))
        {
            return Unauthorized(context, "the JWT has no 'kid' header");
        }

        var keys = await KeysFor(issuer, jwt.Kid, context.RequestAborted);
        if (keys is null)
        {
            return Unauthorized(context, $"the JWKS of '{issuer.Issuer}' cannot be read");
        }

        var discovery = options.Audience ?? ServiceHost.BaseUrl(context) + "/cds-services";
        var parameters = new TokenValidationParameters
        {
            ValidIssuer = issuer.Issuer,
            ValidAudiences = [discovery, discovery + "/" + serviceId],
            IssuerSigningKeys = keys,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidateLifetime = true,
            ClockSkew = Skew,
            ValidAlgorithms = [SecurityAlgorithms.RsaSha384, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.RsaSha256, SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.RsaSha512, SecurityAlgorithms.EcdsaSha512],
        };
        var result = await _handler.ValidateTokenAsync(token, parameters);
        if (!result.IsValid)
        {
            return Unauthorized(context, Reason(result.Exception));
        }

        if (string.IsNullOrEmpty(jwt.Id))
        {
            return Unauthorized(context, "the JWT has no 'jti'");
        }

        Purge();
        if (!_seen.TryAdd(issuer.Issuer + "\n" + jwt.Id, jwt.ValidTo.Add(Skew)))
        {
            return Unauthorized(context, $"the JWT 'jti' {jwt.Id} was already used (replay)");
        }

        return null;
    }

    private static string Reason(Exception? e) => e switch
    {
        SecurityTokenExpiredException => "the JWT has expired",
        SecurityTokenNoExpirationException => "the JWT has no 'exp'",
        SecurityTokenInvalidAudienceException => "the JWT's 'aud' is not this service",
        SecurityTokenNotYetValidException => "the JWT is not yet valid",
        SecurityTokenSignatureKeyNotFoundException => "the JWT's 'kid' is not in the issuer's JWKS",
        SecurityTokenInvalidSignatureException => "the JWT's signature does not verify",
        SecurityTokenInvalidAlgorithmException => "the JWT's algorithm is not accepted",
        _ => "the JWT is not valid",
    };

    private static IResult Unauthorized(HttpContext context, string reason)
    {
        context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
        return ServiceHost.Error(StatusCodes.Status401Unauthorized, reason);
    }

    private void Purge()
    {
        var now = Environment.TickCount64;
        if (now - Interlocked.Read(ref _lastPurge) < 10_000)
        {
            return;
        }

        Interlocked.Exchange(ref _lastPurge, now);
        var utc = DateTime.UtcNow;
        foreach (var (key, expires) in _seen)
        {
            if (expires < utc)
            {
                _seen.TryRemove(key, out _);
            }
        }
    }

    private async Task<IList<SecurityKey>?> KeysFor(ClientIssuer issuer, string kid, CancellationToken cancellation)
    {
        if (issuer.Jwks is { } inline)
        {
            return _keys.GetOrAdd(issuer.Issuer, _ => new Jwks(new JsonWebKeySet(inline).GetSigningKeys(), DateTime.MaxValue)).Keys;
        }

        if (issuer.JwksUrl is null)
        {
            return null;
        }
        // Fetched once, then again when a token names a kid the cached set lacks (key rotation), at most every 30 s.
        if (_keys.TryGetValue(issuer.Issuer, out var cached)
            && (cached.Keys.Any(k => k.KeyId == kid) || DateTime.UtcNow - cached.Fetched < TimeSpan.FromSeconds(30)))
        {
            return cached.Keys;
        }

        try
        {
            var json = await _http.GetStringAsync(issuer.JwksUrl, cancellation);
            var fresh = new Jwks(new JsonWebKeySet(json).GetSigningKeys(), DateTime.UtcNow);
            _keys[issuer.Issuer] = fresh;
            return fresh.Keys;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or ArgumentException or System.Text.Json.JsonException)
        {
            return cached?.Keys;
        }
    }

    public void Dispose() => _http.Dispose();

    private sealed record Jwks(IList<SecurityKey> Keys, DateTime Fetched);
}
