using IlTwo.Runtime.Approvals;

namespace IlTwo.Service;

/// <summary>What <c>il2 serve</c> runs with. Only <see cref="ProtocolsDirectory"/> and a trust store are required.</summary>
public sealed record ServiceOptions
{
    /// <summary>The folder of built protocols: <c>il2.&lt;id&gt;.dll</c>, each with its <c>il2.&lt;id&gt;.approvals.json</c> beside it.</summary>
    public required string ProtocolsDirectory { get; init; }

    /// <summary>The trust store file or folder (as <c>--trust</c> of <c>il2 eval</c>); ignored when <see cref="Trust"/> is set.</summary>
    public string? TrustStorePath { get; init; }

    /// <summary>The trust store itself (tests, embedding).</summary>
    public TrustStore? Trust { get; init; }

    /// <summary>Kestrel URLs (<c>--urls</c>); default <c>http://127.0.0.1:5080</c>. Port 0 picks a free port.</summary>
    public IReadOnlyList<string> Urls { get; init; } = ["http://127.0.0.1:5080"];

    /// <summary>
    /// TLS: the server certificate (PKCS#12 / .pfx) for the <c>https://</c> URLs of <see cref="Urls"/>. Without it an
    /// https URL needs Kestrel's own configuration (<c>Kestrel__Certificates__Default__Path</c>).
    /// </summary>
    public string? CertificatePath { get; init; }

    public string? CertificatePassword { get; init; }

    /// <summary>The JSON Lines audit log every decision is appended to; default <c>decisions.jsonl</c> in the current folder.</summary>
    public string DecisionLogPath { get; init; } = "decisions.jsonl";

    /// <summary>The largest request body accepted (bytes); a larger one gets 413.</summary>
    public long MaxRequestBodyBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>Watch <see cref="ProtocolsDirectory"/> and load new signed versions while serving.</summary>
    public bool Watch { get; init; } = true;

    /// <summary>How long the watcher waits for a burst of file changes to settle before it rescans.</summary>
    public TimeSpan ReloadDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// The CDS clients (EHRs) whose JWTs are accepted. Empty: every request is refused with 401 unless
    /// <see cref="AllowUnauthenticatedClients"/> is set.
    /// </summary>
    public IReadOnlyList<ClientIssuer> Clients { get; init; } = [];

    /// <summary>A JSON file of trusted CDS clients (see <see cref="ClientIssuer.Load"/>), added to <see cref="Clients"/>.</summary>
    public string? ClientsPath { get; init; }

    /// <summary>Development and tests only: accept requests without a client JWT.</summary>
    public bool AllowUnauthenticatedClients { get; init; }

    /// <summary>
    /// The audience a client's JWT must name: the service's discovery URL (<c>https://host/cds-services</c>). Null: the
    /// request's own <c>{scheme}://{host}{pathBase}/cds-services</c> (set it behind a reverse proxy).
    /// </summary>
    public string? Audience { get; init; }

    /// <summary>
    /// Development and tests only: accept an <c>http://</c> <c>fhirServer</c> and let the service connect to loopback and
    /// link-local addresses. Otherwise <c>fhirServer</c> must be https (the bearer token is never sent in the clear), and
    /// the service refuses to connect to 127.0.0.0/8, ::1, 169.254.0.0/16 (the cloud metadata address among them),
    /// fe80::/10, unspecified and multicast addresses, whatever name resolves to them.
    /// </summary>
    public bool AllowInsecureFhirServer { get; init; }

    /// <summary>Time out for a query to the EHR's FHIR server when prefetch is missing.</summary>
    public TimeSpan FhirTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The day approvals are judged on, at load and at the hourly recheck (default: today, UTC).</summary>
    public Func<DateOnly>? ApprovalsToday { get; init; }

    /// <summary>The clock decisions are made at (tests fix it).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>An OTLP collector (e.g. <c>http://127.0.0.1:4317</c>) that receives metrics and traces; Prometheus scraping at /metrics is always on.</summary>
    public Uri? OtlpEndpoint { get; init; }

    /// <summary>Origins allowed by CORS (browser-based CDS clients); empty: no CORS headers.</summary>
    public IReadOnlyList<string> CorsOrigins { get; init; } = [];
}

/// <summary>
/// One trusted CDS client: the <c>iss</c> its JWTs carry, and where its signing keys come from (a JWKS URL or a JWKS
/// document given inline).
/// </summary>
public sealed record ClientIssuer(string Issuer)
{
    /// <summary>
    /// Reads <c>{"clients": [{"iss": "https://ehr.example.org", "jwks_uri": "https://ehr.example.org/jwks.json"},
    /// {"iss": "...", "jwks": {"keys": [...]}}]}</c>.
    /// </summary>
    /// <exception cref="InvalidDataException">the file is not such a document (the message says where).</exception>
    public static IReadOnlyList<ClientIssuer> Load(string path)
    {
        System.Text.Json.Nodes.JsonNode? root;
        try
        {
            root = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path));
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new InvalidDataException($"{path}: malformed JSON at line {(e.LineNumber ?? 0) + 1}: {e.Message}", e);
        }
        if (root?["clients"] is not System.Text.Json.Nodes.JsonArray clients)
        {
            throw new InvalidDataException($"{path}: expected {{\"clients\": [...]}}");
        }

        var result = new List<ClientIssuer>();
        for (var i = 0; i < clients.Count; i++)
        {
            var where = $"{path}: clients[{i}]";
            if (clients[i] is not System.Text.Json.Nodes.JsonObject client || client["iss"] is not System.Text.Json.Nodes.JsonValue iss || (string?)iss is not { Length: > 0 } issuer)
            {
                throw new InvalidDataException($"{where}: 'iss' (a string) is required");
            }

            var jwks = client["jwks"] is System.Text.Json.Nodes.JsonObject inline ? inline.ToJsonString() : null;
            Uri? url = null;
            if (client["jwks_uri"] is System.Text.Json.Nodes.JsonValue u && !Uri.TryCreate((string?)u, UriKind.Absolute, out url))
            {
                throw new InvalidDataException($"{where}: 'jwks_uri' is not an absolute URL");
            }

            if ((jwks is null) == (url is null))
            {
                throw new InvalidDataException($"{where}: give exactly one of 'jwks_uri' and 'jwks'");
            }

            result.Add(new ClientIssuer(issuer) { Jwks = jwks, JwksUrl = url });
        }
        return result;
    }

    public Uri? JwksUrl { get; init; }

    /// <summary>A JWKS JSON document (<c>{"keys":[...]}</c>), instead of <see cref="JwksUrl"/>.</summary>
    public string? Jwks { get; init; }
}
