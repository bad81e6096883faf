using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace IlTwo.Service.Tests;

/// <summary>CDS Hooks "trusting CDS clients": the EHR's JWT, checked for signature (JWKS by kid), iss, aud, exp and jti.</summary>
public sealed class ClientTrustTests : IDisposable
{
    private const string Issuer = "https://ehr.example.org";
    private const string Id = "post-til-il2";
    private readonly ECDsa _ehrKey = ECDsa.Create(ECCurve.NamedCurves.nistP384);
    private readonly ECDsa _otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP384);

    public void Dispose()
    {
        _ehrKey.Dispose();
        _otherKey.Dispose();
    }

    private static string Jwks(ECDsa key, string kid)
    {
        var p = key.ExportParameters(false);
        return new JsonObject
        {
            ["keys"] = new JsonArray(new JsonObject
            {
                ["kty"] = "EC",
                ["crv"] = "P-384",
                ["kid"] = kid,
                ["use"] = "sig",
                ["alg"] = "ES384",
                ["x"] = Base64UrlEncoder.Encode(p.Q.X),
                ["y"] = Base64UrlEncoder.Encode(p.Q.Y),
            }),
        }.ToJsonString();
    }

    private static string Token(ECDsa key, string issuer, string audience, TimeSpan expiresIn, string? jti = null, string kid = "ehr-1")
    {
        var now = DateTime.UtcNow;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = now + expiresIn - TimeSpan.FromMinutes(5),
            NotBefore = now + expiresIn - TimeSpan.FromMinutes(5),
            Expires = now + expiresIn,
            Claims = new Dictionary<string, object> { ["jti"] = jti ?? Guid.NewGuid().ToString(), ["sub"] = "ehr-client" },
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(key) { KeyId = kid }, SecurityAlgorithms.EcdsaSha384),
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }

    private RunningService Start(ClientIssuer? issuer = null) => RunningService.Start(configure: o => o with
    {
        AllowUnauthenticatedClients = false,
        Clients = [issuer ?? new ClientIssuer(Issuer) { Jwks = Jwks(_ehrKey, "ehr-1") }],
    });

    private static async Task<(HttpStatusCode Status, string Body)> Call(RunningService service, string? token, string path = "/cds-services/" + Id)
    {
        var request = PatientData.Request("patient-view", PatientData.Prefetch(PatientData.Example("post-til-patient.json")));
        using var message = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(request.ToJsonString(), Encoding.UTF8, "application/json") };
        if (token is not null)
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await service.Client.SendAsync(message);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_valid_token_for_the_discovery_url_or_the_service_url_is_accepted()
    {
        await using var service = Start();
        var (status, body) = await Call(service, Token(_ehrKey, Issuer, service.BaseUrl + "/cds-services", TimeSpan.FromMinutes(5)));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("\"indicator\":\"warning\"", body, StringComparison.Ordinal);
        (status, _) = await Call(service, Token(_ehrKey, Issuer, service.BaseUrl + "/cds-services/" + Id, TimeSpan.FromMinutes(5)));
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task Without_a_token_the_call_is_401()
    {
        await using var service = Start();
        var (status, body) = await Call(service, null);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("bearer JWT from a trusted CDS client is required", body, StringComparison.Ordinal);
        Assert.Empty(service.DecisionLog());
    }

    [Fact]
    public async Task An_expired_token_is_401()
    {
        await using var service = Start();
        var (status, body) = await Call(service, Token(_ehrKey, Issuer, service.BaseUrl + "/cds-services", TimeSpan.FromMinutes(-2)));
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("the JWT has expired", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_for_another_audience_is_401()
    {
        await using var service = Start();
        var (status, body) = await Call(service, Token(_ehrKey, Issuer, "https://other-service.example.org/cds-services", TimeSpan.FromMinutes(5)));
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("'aud' is not this service", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_from_an_unknown_issuer_is_401()
    {
        await using var service = Start();
        var (status, body) = await Call(service, Token(_ehrKey, "https://rogue.example.org", service.BaseUrl + "/cds-services", TimeSpan.FromMinutes(5)));
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("issuer 'https://rogue.example.org' is not a trusted CDS client", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_signed_by_a_key_not_in_the_issuers_jwks_is_401()
    {
        await using var service = Start();
        var (status, body) = await Call(service, Token(_otherKey, Issuer, service.BaseUrl + "/cds-services", TimeSpan.FromMinutes(5)));
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("signature does not verify", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_replayed_jti_is_401()
    {
        await using var service = Start();
        var token = Token(_ehrKey, Issuer, service.BaseUrl + "/cds-services", TimeSpan.FromMinutes(5), jti: "once");
        Assert.Equal(HttpStatusCode.OK, (await Call(service, token)).Status);
        var (status, body) = await Call(service, token);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("'jti' once was already used", body, StringComparison.Ordinal);
        Assert.Single(service.DecisionLog());
    }

    [Fact]
    public async Task Keys_come_from_the_issuers_jwks_url()
    {
        var jwks = Jwks(_ehrKey, "ehr-1");
        await using var host = await LoopbackHost.Start(app => app.MapGet("/.well-known/jwks.json", () => Results.Text(jwks, "application/json")));
        await using var service = Start(new ClientIssuer(Issuer) { JwksUrl = new Uri(host.Url + "/.well-known/jwks.json") });
        Assert.Equal(HttpStatusCode.OK, (await Call(service, Token(_ehrKey, Issuer, service.BaseUrl + "/cds-services", TimeSpan.FromMinutes(5)))).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Call(service, Token(_otherKey, Issuer, service.BaseUrl + "/cds-services", TimeSpan.FromMinutes(5), kid: "unknown"))).Status);
    }
}

public sealed class ClientsFileTests
{
    [Fact]
    public void The_clients_file_names_issuers_with_a_jwks_url_or_an_inline_jwks()
    {
        var path = Path.Combine(Path.GetTempPath(), $"il2-clients-{Guid.NewGuid()}.json");
        File.WriteAllText(path, """
            {"clients": [
              {"iss": "https://ehr.example.org", "jwks_uri": "https://ehr.example.org/.well-known/jwks.json"},
              {"iss": "https://other.example.org", "jwks": {"keys": []}}
            ]}
            """);
        try
        {
            var clients = ClientIssuer.Load(path);
            Assert.Equal(2, clients.Count);
            Assert.Equal(new Uri("https://ehr.example.org/.well-known/jwks.json"), clients[0].JwksUrl);
            Assert.Equal("""{"keys":[]}""", clients[1].Jwks);

            File.WriteAllText(path, """{"clients": [{"iss": "https://ehr.example.org"}]}""");
            var e = Assert.Throws<InvalidDataException>(() => ClientIssuer.Load(path));
            Assert.Equal($"{path}: clients[0]: give exactly one of 'jwks_uri' and 'jwks'", e.Message);

            var log = new StringWriter();
            Assert.Equal(1, ServiceHost.Run(new ServiceOptions { ProtocolsDirectory = Path.GetTempPath(), Trust = Signed.Trust, ClientsPath = path }, log, CancellationToken.None));
            Assert.Contains("give exactly one of", log.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
