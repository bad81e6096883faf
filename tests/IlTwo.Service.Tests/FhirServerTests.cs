using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace IlTwo.Service.Tests;

/// <summary>Without prefetch, the service runs the prefetch searches against the request's fhirServer (an in-process FHIR test host).</summary>
public sealed class FhirServerTests
{
    private const string Id = "post-til-il2";
    private const string Token = "secret-access-token";

    /// <summary>Serves FHIR read and search over fixture resources, for one bearer token; records what was asked.</summary>
    private static async Task<(LoopbackHost Host, ConcurrentQueue<string> Asked)> FhirHost(JsonObject prefetch, Func<HttpContext, Task<IResult?>>? fault = null)
    {
        var asked = new ConcurrentQueue<string>();
        var patient = prefetch["patient"]!;
        var host = await LoopbackHost.Start(app =>
        {
            app.Use(async (context, next) =>
            {
                asked.Enqueue(context.Request.Path + context.Request.QueryString.Value);
                if (context.Request.Headers.Authorization != "Bearer " + Token)
                {
                    context.Response.StatusCode = 401;
                    return;
                }
                if (fault is not null && await fault(context) is { } result)
                {
                    await result.ExecuteAsync(context);
                    return;
                }
                await next(context);
            });
            IResult Fhir(JsonNode node) => Results.Text(node.ToJsonString(), "application/fhir+json");
            app.MapGet("/fhir/Patient/{id}", (string id) => id == (string?)patient["id"] ? Fhir(patient) : Results.NotFound());
            IResult Search(HttpContext context, string key, Func<JsonNode, bool>? keep = null)
            {
                if (context.Request.Query["patient"] != (string?)patient["id"])
                {
                    return Fhir(new JsonObject { ["resourceType"] = "Bundle", ["type"] = "searchset", ["entry"] = new JsonArray() });
                }

                var bundle = prefetch[key]!.DeepClone().AsObject();
                var kept = bundle["entry"]!.AsArray().Where(e => keep?.Invoke(e!["resource"]!) ?? true).Select(e => e!.DeepClone()).ToArray();
                bundle["entry"] = new JsonArray(kept);
                return Fhir(bundle);
            }
            app.MapGet("/fhir/Observation", (HttpContext context) =>
            {
                var codes = context.Request.Query["code"].ToString().Split(',');
                return Search(context, "observations", r => r["code"]!["coding"]!.AsArray().Any(c => codes.Contains("http://loinc.org|" + (string?)c!["code"]) || codes.Contains((string?)c!["code"])));
            });
            app.MapGet("/fhir/MedicationAdministration", (HttpContext context) => Search(context, "medicationAdministrations"));
            app.MapGet("/fhir/Procedure", (HttpContext context) => Search(context, "procedures"));
        });
        return (host, asked);
    }

    /// <summary>The test FHIR host is http on loopback, which the service refuses unless told otherwise.</summary>
    private static ServiceOptions Insecure(ServiceOptions o) => o with { AllowInsecureFhirServer = true };

    private static JsonObject Request(LoopbackHost fhir, JsonObject? prefetch, string patientId, bool withToken = true)
    {
        var request = PatientData.Request("patient-view", prefetch, patientId);
        request["fhirServer"] = fhir.Url + "/fhir";
        if (withToken)
        {
            request["fhirAuthorization"] = new JsonObject { ["access_token"] = Token, ["token_type"] = "Bearer", ["expires_in"] = 300, ["scope"] = "patient/*.read", ["subject"] = "cds-service" };
        }

        return request;
    }

    [Fact]
    public async Task Without_prefetch_the_fhir_server_is_queried_and_the_decision_is_the_same()
    {
        var prefetch = PatientData.Prefetch(PatientData.Example("post-til-patient.json"));
        var patientId = (string)prefetch["patient"]!["id"]!;
        var (host, asked) = await FhirHost(prefetch);
        await using var _ = host;
        await using var service = RunningService.Start(configure: Insecure);

        var (_, direct) = await service.Post($"/cds-services/{Id}", PatientData.Request("patient-view", prefetch, patientId));
        var (status, queried) = await service.Post($"/cds-services/{Id}", Request(host, null, patientId));

        Assert.Equal(200, status);
        var card = queried!["cards"]![0]!;
        Assert.Equal("warning", (string?)card["indicator"]);
        Assert.Equal((string?)direct!["cards"]![0]!["summary"], (string?)card["summary"]);
        Assert.StartsWith("Hold dose 5: ", (string)card["summary"]!, StringComparison.Ordinal);
        Assert.Contains(asked, a => a == $"/fhir/Patient/{patientId}");
        var observations = Assert.Single(asked, a => a.StartsWith("/fhir/Observation?", StringComparison.Ordinal));
        Assert.Contains("code=http%3A%2F%2Floinc.org%7C8480-6", observations.Replace("http://loinc.org|", "http%3A%2F%2Floinc.org%7C", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Matches(@"date=ge2026-0[23]-\d\d", observations);
        Assert.Contains(asked, a => a.StartsWith("/fhir/MedicationAdministration?patient=", StringComparison.Ordinal));
        Assert.Contains(asked, a => a.StartsWith("/fhir/Procedure?patient=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Only_the_missing_prefetch_keys_are_queried()
    {
        var prefetch = PatientData.Prefetch(PatientData.Example("post-til-stable.json"));
        var patientId = (string)prefetch["patient"]!["id"]!;
        var (host, asked) = await FhirHost(prefetch);
        await using var _ = host;
        await using var service = RunningService.Start(configure: Insecure);
        var partial = prefetch.DeepClone().AsObject();
        partial.Remove("procedures");
        var (status, body) = await service.Post($"/cds-services/{Id}", Request(host, partial, patientId));
        Assert.Equal(200, status);
        Assert.Equal("info", (string?)body!["cards"]![0]!["indicator"]);
        Assert.All(asked, a => Assert.StartsWith("/fhir/Procedure?", a, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_failing_fhir_server_holds_with_the_reason()
    {
        var prefetch = PatientData.Prefetch(PatientData.Example("post-til-stable.json")); // would be given
        var patientId = (string)prefetch["patient"]!["id"]!;
        var (host, _) = await FhirHost(prefetch, context => Task.FromResult<IResult?>(
            context.Request.Path.StartsWithSegments("/fhir/Observation") ? Results.StatusCode(500) : null));
        await using var _h = host;
        await using var service = RunningService.Start(configure: Insecure);
        var (status, body) = await service.Post($"/cds-services/{Id}", Request(host, null, patientId));
        Assert.Equal(200, status);
        var card = body!["cards"]![0]!;
        Assert.Equal("warning", (string?)card["indicator"]);
        Assert.StartsWith($"Hold: the FHIR server {host.Url}/fhir could not be queried: Observation?", (string)card["summary"]!, StringComparison.Ordinal);
        Assert.Contains("500", (string)card["detail"]!, StringComparison.Ordinal);
        Assert.Equal("hold", (string?)Assert.Single(service.DecisionLog())["action"]);
    }

    [Fact]
    public async Task A_slow_fhir_server_times_out_and_holds()
    {
        var prefetch = PatientData.Prefetch(PatientData.Example("post-til-stable.json"));
        var patientId = (string)prefetch["patient"]!["id"]!;
        var (host, _) = await FhirHost(prefetch, async context =>
        {
            await Task.Delay(TimeSpan.FromSeconds(5), context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
            return null;
        });
        await using var _h = host;
        await using var service = RunningService.Start(configure: o => Insecure(o) with { FhirTimeout = TimeSpan.FromMilliseconds(500) });
        var (status, body) = await service.Post($"/cds-services/{Id}", Request(host, null, patientId));
        Assert.Equal(200, status);
        Assert.Contains("did not answer within 0.5 s", (string)body!["cards"]![0]!["detail"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_fhir_authorization_the_server_is_not_queried_and_the_dose_held()
    {
        var prefetch = PatientData.Prefetch(PatientData.Example("post-til-stable.json"));
        var (host, asked) = await FhirHost(prefetch);
        await using var _ = host;
        await using var service = RunningService.Start(configure: Insecure);
        var (_, body) = await service.Post($"/cds-services/{Id}", Request(host, null, (string)prefetch["patient"]!["id"]!, withToken: false));
        Assert.Contains("no fhirAuthorization.access_token", (string)body!["cards"]![0]!["summary"]!, StringComparison.Ordinal);
        Assert.Empty(asked);
    }

    [Fact]
    public async Task A_search_with_more_pages_than_the_service_follows_holds()
    {
        // Every page of administrations names a next one: after its page limit the service must not take what it read for all.
        var prefetch = PatientData.Prefetch(PatientData.Example("post-til-stable.json")); // would be given
        var patientId = (string)prefetch["patient"]!["id"]!;
        var (host, _) = await FhirHost(prefetch, context =>
        {
            if (!context.Request.Path.StartsWithSegments("/fhir/MedicationAdministration"))
            {
                return Task.FromResult<IResult?>(null);
            }

            var page = new JsonObject
            {
                ["resourceType"] = "Bundle",
                ["type"] = "searchset",
                ["link"] = new JsonArray(new JsonObject { ["relation"] = "next", ["url"] = $"http://{context.Request.Host}/fhir/MedicationAdministration?patient={patientId}&page={Guid.NewGuid()}" }),
                ["entry"] = new JsonArray(),
            };
            return Task.FromResult<IResult?>(Results.Text(page.ToJsonString(), "application/fhir+json"));
        });
        await using var _h = host;
        await using var service = RunningService.Start(configure: Insecure);
        var partial = prefetch.DeepClone().AsObject();
        partial.Remove("medicationAdministrations");

        var (status, body) = await service.Post($"/cds-services/{Id}", Request(host, partial, patientId));

        Assert.Equal(200, status);
        var card = body!["cards"]![0]!;
        Assert.Equal("warning", (string?)card["indicator"]);
        Assert.StartsWith("Hold: the FHIR server ", (string)card["summary"]!, StringComparison.Ordinal);
        Assert.Contains("has more than 20 pages", (string)card["detail"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_http_fhir_server_is_a_400_and_is_never_sent_the_token()
    {
        var prefetch = PatientData.Prefetch(PatientData.Example("post-til-stable.json"));
        var (host, asked) = await FhirHost(prefetch);
        await using var _ = host;
        await using var service = RunningService.Start();

        var (status, body) = await service.Post($"/cds-services/{Id}", Request(host, null, (string)prefetch["patient"]!["id"]!));

        Assert.Equal(400, status);
        Assert.Equal($"'fhirServer' '{host.Url}/fhir' is not https: the service sends no bearer token in the clear", (string?)body!["error"]);
        Assert.Empty(asked);
        Assert.Empty(service.DecisionLog());
    }

    [Theory]
    [InlineData("https://169.254.169.254/latest/meta-data")]
    [InlineData("https://127.0.0.1:1/fhir")]
    [InlineData("https://localhost:1/fhir")]
    [InlineData("https://[::ffff:127.0.0.1]:1/fhir")]
    [InlineData("https://0.0.0.0:1/fhir")]
    public async Task A_fhir_server_on_a_loopback_or_link_local_address_is_not_contacted_and_the_dose_held(string server)
    {
        await using var service = RunningService.Start();
        var request = PatientData.Request("patient-view", null, "example-post-til-2");
        request["fhirServer"] = server;
        request["fhirAuthorization"] = new JsonObject { ["access_token"] = Token, ["token_type"] = "Bearer", ["expires_in"] = 300, ["scope"] = "patient/*.read", ["subject"] = "cds-service" };

        var (status, body) = await service.Post($"/cds-services/{Id}", request);

        Assert.Equal(200, status);
        var card = body!["cards"]![0]!;
        Assert.Equal("warning", (string?)card["indicator"]);
        Assert.Contains("a loopback, link-local or unspecified address is not a FHIR server", (string)card["detail"]!, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, File.ReadAllText(service.LogPath), StringComparison.Ordinal);
        Assert.DoesNotContain(Token, service.Log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_next_page_on_another_server_is_not_followed_and_the_dose_held()
    {
        var prefetch = PatientData.Prefetch(PatientData.Example("post-til-stable.json"));
        var patientId = (string)prefetch["patient"]!["id"]!;
        var (host, _) = await FhirHost(prefetch, context => Task.FromResult<IResult?>(
            context.Request.Path.StartsWithSegments("/fhir/Procedure")
                ? Results.Text(new JsonObject
                {
                    ["resourceType"] = "Bundle",
                    ["type"] = "searchset",
                    ["link"] = new JsonArray(new JsonObject { ["relation"] = "next", ["url"] = "https://collector.example.net/fhir/Procedure?page=2" }),
                    ["entry"] = new JsonArray(),
                }.ToJsonString(), "application/fhir+json")
                : null));
        await using var _h = host;
        await using var service = RunningService.Start(configure: Insecure);
        var partial = prefetch.DeepClone().AsObject();
        partial.Remove("procedures");

        var (status, body) = await service.Post($"/cds-services/{Id}", Request(host, partial, patientId));

        Assert.Equal(200, status);
        Assert.Equal("warning", (string?)body!["cards"]![0]!["indicator"]);
        Assert.Contains("the next page is on another server (https://collector.example.net)", (string)body["cards"]![0]!["detail"]!, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("expires_in", "0", "the fhirAuthorization token has expired (expires_in 0)")]
    [InlineData("token_type", "\"MAC\"", "the fhirAuthorization token_type is 'MAC', not Bearer")]
    [InlineData("scope", "\"patient/Patient.read patient/Observation.read\"", "the fhirAuthorization scope 'patient/Patient.read patient/Observation.read' does not grant searching MedicationAdministration")]
    [InlineData("scope", "\"patient/*.r\"", "the fhirAuthorization scope 'patient/*.r' does not grant searching Observation")]
    [InlineData("scope", "\"patient/*.rs?category=vital-signs\"", "does not grant reading Patient")]
    public async Task A_token_that_cannot_read_what_is_missing_is_not_used_and_the_dose_held(string field, string value, string reason)
    {
        var prefetch = PatientData.Prefetch(PatientData.Example("post-til-stable.json")); // would be given
        var (host, asked) = await FhirHost(prefetch);
        await using var _ = host;
        await using var service = RunningService.Start(configure: Insecure);
        var request = Request(host, null, (string)prefetch["patient"]!["id"]!);
        request["fhirAuthorization"]![field] = JsonNode.Parse(value);

        var (status, body) = await service.Post($"/cds-services/{Id}", request);

        Assert.Equal(200, status);
        var card = body!["cards"]![0]!;
        Assert.Equal("warning", (string?)card["indicator"]);
        Assert.Contains(Cards.Escape(reason), (string)card["detail"]!, StringComparison.Ordinal);
        Assert.Empty(asked);
    }

    [Theory]
    [InlineData("patient/*.read")]
    [InlineData("user/*.rs")]
    [InlineData("launch openid patient/Patient.r patient/Observation.rs patient/MedicationAdministration.rs patient/Procedure.rs")]
    public async Task A_scope_that_grants_the_searches_is_used(string scope)
    {
        var prefetch = PatientData.Prefetch(PatientData.Example("post-til-stable.json"));
        var (host, _) = await FhirHost(prefetch);
        await using var _h = host;
        await using var service = RunningService.Start(configure: Insecure);
        var request = Request(host, null, (string)prefetch["patient"]!["id"]!);
        request["fhirAuthorization"]!["scope"] = scope;

        var (_, body) = await service.Post($"/cds-services/{Id}", request);

        Assert.Equal("info", (string?)body!["cards"]![0]!["indicator"]);
    }
}
