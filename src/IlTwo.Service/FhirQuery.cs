using System.Globalization;
using System.Net.Http.Headers;
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
internal sealed class FhirQuery(TimeSpan timeout) : IDisposable
{
    private const int MaxPages = 20;

    // One connection pool for every query (a client per request would exhaust sockets under load).
    private readonly SocketsHttpHandler _handler = new() { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };

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

    private static string First(string message) => message.Split('\n')[0].Trim();
}
