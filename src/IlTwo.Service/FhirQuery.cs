using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;
using Hl7.Fhir.Serialization;
using IlTwo.Runtime.Protocols;

namespace IlTwo.Service;

/// <summary>
/// When the EHR sent no (or incomplete) prefetch: the same searches as the prefetch templates, run against the request's
/// <c>fhirServer</c> with its <c>fhirAuthorization</c> bearer token through the Firely client, each with a time-out. Any
/// failure is returned as a reason (the caller holds).
/// </summary>
internal sealed class FhirQuery(TimeSpan timeout, bool allowInsecure) : IDisposable
{
    private const int MaxPages = 20;

    // One connection pool for every query (a client per request would exhaust sockets under load). No redirects (a 3xx is
    // a failure that holds), and every connection's address is checked after name resolution: the fhirServer comes from
    // the request, so it must not reach the service's own host or the cloud metadata address (SSRF).
    private readonly SocketsHttpHandler _handler = new()
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        AllowAutoRedirect = false,
        ConnectCallback = allowInsecure ? null : ConnectPublic,
    };

    private static async ValueTask<Stream> ConnectPublic(SocketsHttpConnectionContext context, CancellationToken cancellation)
    {
        var addresses = IPAddress.TryParse(context.DnsEndPoint.Host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, cancellation);
        var allowed = addresses.Where(a => !Forbidden(a)).ToArray();
        if (allowed.Length == 0)
        {
            throw new HttpRequestException($"refused to connect to {context.DnsEndPoint.Host} ({string.Join(", ", addresses.Select(a => a.ToString()))}): a loopback, link-local or unspecified address is not a FHIR server");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellation);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Loopback, link-local (169.254.169.254 among them), unspecified, multicast or broadcast; IPv4-mapped IPv6 as its IPv4.</summary>
    internal static bool Forbidden(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.Broadcast))
        {
            return true;
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return b[0] == 0 || (b[0] == 169 && b[1] == 254) || b[0] >= 224;
        }
        return address.IsIPv6LinkLocal || address.IsIPv6Multicast || address.IsIPv6SiteLocal || address.Equals(AwsMetadataV6);
    }

    private static readonly IPAddress AwsMetadataV6 = IPAddress.Parse("fd00:ec2::254");

    public void Dispose() => _handler.Dispose();

    public async Task<(List<JsonElement> Values, string? Error)> Fetch(CdsRequest request, ProtocolInfo info, IReadOnlyList<string> keys, DateTimeOffset at, CancellationToken cancellation)
    {
        if (request.PatientId is not { Length: > 0 } patient)
        {
            return ([], "the request context has no patientId");
        }

        if (request.FhirAuthorization is not { } authorization || CdsRequest.Text(CdsRequest.Member(authorization, "access_token")) is not { Length: > 0 } accessToken)
        {
            return ([], "the request has no fhirAuthorization.access_token");
        }

        if (Refused(authorization, keys) is { } refused)
        {
            return ([], refused);
        }

        using var http = new HttpClient(_handler, disposeHandler: false) { Timeout = timeout };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        var settings = new FhirClientSettings { PreferredFormat = ResourceFormat.Json, Timeout = (int)timeout.TotalMilliseconds, VerifyFhirVersion = false };
        using var client = new FhirClient(request.FhirServer!, http, settings);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        deadline.CancelAfter(timeout);
        var values = new List<JsonElement>();
        var templates = Prefetch.Templates(info);
        foreach (var key in keys)
        {
            var url = Fill(templates[key], patient, at);
            try
            {
                var resource = await client.GetAsync(url, deadline.Token);
                var pages = 0;
                while (resource is not null)
                {
                    values.Add(JsonElement.Parse(resource.ToJson()));
                    if (resource is not Bundle { NextLink: not null } bundle)
                    {
                        break;
                    }

                    if (++pages >= MaxPages)
                    {
                        // The rest of the search is not read: what was would be taken for everything.
                        return ([], $"{url} has more than {MaxPages.ToString(CultureInfo.InvariantCulture)} pages");
                    }

                    if (!SameOrigin(bundle.NextLink, request.FhirServer!))
                    {
                        // The token goes with each page: only to the server the EHR named.
                        return ([], $"{url}: the next page is on another server ({bundle.NextLink.GetLeftPart(UriPartial.Authority)})");
                    }

                    resource = await client.ContinueAsync(bundle, ct: deadline.Token);
                }
                if (pages == 0 && resource is null)
                {
                    return ([], $"{url} returned nothing");
                }
            }
            catch (FhirOperationException e)
            {
                return ([], $"{url} failed with {(int)e.Status} {e.Status}: {First(e.Message)}");
            }
            catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
            {
                return ([], $"{url} did not answer within {timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s");
            }
            catch (Exception e) when (e is HttpRequestException or FormatException or JsonException or DeserializationFailedException)
            {
                return ([], $"{url} failed: {First(e.Message)}");
            }
        }
        return (values, null);
    }

    /// <summary>The template with the patient id and <c>today() - N days</c> filled in (the subset of prefetch tokens the templates use).</summary>
    public static string Fill(string template, string patientId, DateTimeOffset at)
    {
        var text = template.Replace("{{context.patientId}}", Uri.EscapeDataString(patientId), StringComparison.Ordinal);
        var start = text.IndexOf("{{today() - ", StringComparison.Ordinal);
        if (start >= 0)
        {
            var end = text.IndexOf(" days}}", start, StringComparison.Ordinal);
            var days = int.Parse(text[(start + 12)..end], CultureInfo.InvariantCulture);
            var date = at.UtcDateTime.Date.AddDays(-days).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            text = text[..start] + date + text[(end + 7)..];
        }
        return text;
    }

    private static readonly Dictionary<string, string> TypeOfKey = new(StringComparer.Ordinal)
    {
        [Prefetch.PatientKey] = "Patient",
        [Prefetch.ObservationsKey] = "Observation",
        [Prefetch.AdministrationsKey] = "MedicationAdministration",
        [Prefetch.ProceduresKey] = "Procedure",
    };

    /// <summary>
    /// Why the token cannot be used for these searches, or null: a <c>token_type</c> other than Bearer, an
    /// <c>expires_in</c> of 0 or less, or a <c>scope</c> that grants no read (and, for a search, search) of a type needed.
    /// A server may answer a search outside the scope with an empty or filtered Bundle, which would pass for "no doses".
    /// A scope with a query (<c>patient/Observation.rs?category=vital-signs</c>) is such a filter, so it grants nothing here.
    /// </summary>
    internal static string? Refused(JsonElement authorization, IEnumerable<string> keys)
    {
        if (CdsRequest.Text(CdsRequest.Member(authorization, "token_type")) is { } type && !type.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            return $"the fhirAuthorization token_type is '{type}', not Bearer";
        }

        if (CdsRequest.Member(authorization, "expires_in") is { ValueKind: JsonValueKind.Number } expires && expires.GetDouble() <= 0)
        {
            return $"the fhirAuthorization token has expired (expires_in {expires.GetRawText()})";
        }

        if (CdsRequest.Text(CdsRequest.Member(authorization, "scope")) is not { } scope)
        {
            return null;
        }

        var scopes = scope.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var key in keys)
        {
            var resource = TypeOfKey[key];
            var search = key != Prefetch.PatientKey;
            if (!scopes.Any(s => Grants(s, resource, search)))
            {
                return $"the fhirAuthorization scope '{scope}' does not grant {(search ? "searching" : "reading")} {resource}";
            }
        }
        return null;
    }

    private static bool Grants(string scope, string resource, bool search)
    {
        var slash = scope.IndexOf('/', StringComparison.Ordinal);
        var dot = scope.LastIndexOf('.');
        if (slash < 0 || dot < slash || scope.Contains('?', StringComparison.Ordinal) || scope[..slash] is not ("patient" or "user" or "system"))
        {
            return false;
        }

        var type = scope[(slash + 1)..dot];
        var permission = scope[(dot + 1)..];
        if (type != "*" && type != resource)
        {
            return false;
        }

        return permission is "read" or "*"
            || (permission.Length > 0 && permission.All(c => "cruds".Contains(c, StringComparison.Ordinal)) && permission.Contains('r', StringComparison.Ordinal) && (!search || permission.Contains('s', StringComparison.Ordinal)));
    }

    private static bool SameOrigin(Uri next, string server) =>
        next.IsAbsoluteUri && Uri.TryCreate(server, UriKind.Absolute, out var baseUri)
        && Uri.Compare(next, baseUri, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;

    private static string First(string message) => message.Split('\n')[0].Trim();
}
