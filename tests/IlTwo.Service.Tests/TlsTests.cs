using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace IlTwo.Service.Tests;

public sealed class TlsTests
{
    [Fact]
    public async Task An_https_url_serves_with_the_configured_certificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var pfx = Path.Combine(Path.GetTempPath(), $"il2-tls-{Guid.NewGuid()}.pfx");
        File.WriteAllBytes(pfx, certificate.Export(X509ContentType.Pfx, "pw"));
        try
        {
            await using var service = RunningService.Start(configure: o => o with { Urls = ["https://127.0.0.1:0"], CertificatePath = pfx, CertificatePassword = "pw" });
            Assert.StartsWith("https://", service.BaseUrl, StringComparison.Ordinal);
            string? seen = null;
            using var handler = new HttpClientHandler
            {
                ServerCertificateCustomValidationCallback = (_, cert, _, _) =>
                {
                    seen = cert?.Thumbprint;
                    return true;
                },
            };
            using var client = new HttpClient(handler) { BaseAddress = new Uri(service.BaseUrl) };
            Assert.Equal("ok\n", await client.GetStringAsync("/healthz"));
            Assert.Equal(certificate.Thumbprint, seen);
        }
        finally
        {
            File.Delete(pfx);
        }
    }
}

public sealed class CorsTests
{
    [Fact]
    public async Task Cors_allows_only_the_configured_origins()
    {
        await using var service = RunningService.Start(configure: o => o with { CorsOrigins = ["https://ehr-app.example.org"] });
        async Task<string?> Preflight(string origin)
        {
            using var message = new HttpRequestMessage(HttpMethod.Options, "/cds-services/post-til-il2");
            message.Headers.Add("Origin", origin);
            message.Headers.Add("Access-Control-Request-Method", "POST");
            message.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
            using var response = await service.Client.SendAsync(message);
            return response.Headers.TryGetValues("Access-Control-Allow-Origin", out var values) ? values.Single() : null;
        }
        Assert.Equal("https://ehr-app.example.org", await Preflight("https://ehr-app.example.org"));
        Assert.Null(await Preflight("https://elsewhere.example.org"));
    }
}
