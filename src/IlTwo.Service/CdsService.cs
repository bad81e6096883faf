using System.Text.Json;
using System.Text.Json.Nodes;
using IlTwo.Runtime.Fhir;
using IlTwo.Runtime.Protocols;
using Microsoft.AspNetCore.Http;

namespace IlTwo.Service;

/// <summary>The CDS Hooks endpoints over the catalog: discovery, a decision per call, feedback, the protocol's review text.</summary>
internal sealed class CdsService(ProtocolCatalog catalog, AuditLog audit, ServiceMetrics metrics, ServiceOptions options) : IDisposable
{
    private readonly FhirQuery _fhir = new(options.FhirTimeout, options.AllowInsecureFhirServer);

    public void Dispose() => _fhir.Dispose();

    public JsonObject Discovery(string baseUrl)
    {
        var services = new JsonArray();
        foreach (var info in catalog.Registry.Protocols)
        {
            var prefetch = new JsonObject();
            foreach (var (key, template) in Prefetch.Templates(info))
            {
                prefetch[key] = template;
            }

            services.Add(new JsonObject
            {
                ["hook"] = "order-select",
                ["id"] = info.Id,
                ["title"] = info.Title,
                ["description"] = $"Give, hold or discontinue the next dose of {info.Regimen.Drug ?? "the drug"} by protocol {info.Id} {info.Version} "
                    + "(signed and approved); also answers order-sign and patient-view at the same URL.",
                ["prefetch"] = prefetch,
                ["usageRequirements"] = "Needs the patient's observations, medication administrations and procedures (the prefetch keys, or fhirServer with fhirAuthorization).",
            });
        }
        return new JsonObject { ["services"] = services };
    }

    public IResult Review(string id)
    {
        if (!catalog.Registry.TryAcquire(id, out var lease))
        {
            return ServiceHost.Error(StatusCodes.Status404NotFound, $"no service '{id}'");
        }

        using (lease)
        {
            var p = lease.Protocol;
            var text = $"// protocol {p.Info.Id} {p.Info.Version}\n// source SHA-256 {p.Info.SourceHash}\n// assembly SHA-256 {p.AssemblySha256}\n"
                + string.Concat(p.Approval?.InForce.Select(a => $"// approved by {a.Approver} ({a.Role}), effective {a.Effective:yyyy-MM-dd}, review by {a.ReviewBy:yyyy-MM-dd}\n") ?? [])
                + "\n" + p.Source;
            return Results.Text(text, "text/plain; charset=utf-8");
        }
    }

    public async Task<IResult> Decide(string id, HttpContext context, string baseUrl)
    {
        var started = ServiceHost.Timestamp();
        if (!catalog.Registry.TryAcquire(id, out var lease))
        {
            metrics.Refused("unknown-service");
            return ServiceHost.Error(StatusCodes.Status404NotFound, $"no service '{id}'; GET /cds-services lists them");
        }
        using (lease)
        {
            if (NotJson(context.Request) is { } unsupported)
            {
                metrics.Refused("bad-request");
                return unsupported;
            }

            using var body = await RequestBody.Read(context.Request, options.MaxRequestBodyBytes, context.RequestAborted);
            if (body.TooLarge)
            {
                metrics.Refused("too-large");
                return ServiceHost.Error(StatusCodes.Status413PayloadTooLarge, $"the request body is larger than {options.MaxRequestBodyBytes} bytes");
            }
            using var request = CdsRequest.Parse(body.Memory, out var error, out var path);
            if (request is null)
            {
                metrics.Refused("bad-request");
                return ServiceHost.Error(StatusCodes.Status400BadRequest, error!, path: path);
            }
            if (request.FhirServer is { } server && !server.StartsWith("https://", StringComparison.OrdinalIgnoreCase) && !options.AllowInsecureFhirServer)
            {
                // CDS Hooks 2.0: the scheme MUST be https when production data is exchanged (and the token goes with it).
                metrics.Refused("bad-request");
                return ServiceHost.Error(StatusCodes.Status400BadRequest, $"'fhirServer' '{server}' is not https: the service sends no bearer token in the clear", path: "$.fhirServer");
            }

            var protocol = lease.Protocol;
            var info = protocol.Info;
            var ordered = request.Hook == "patient-view" || request.OrdersDrug(info.Regimen.Drug, info.Regimen.DrugCodes);
            var lookalike = ordered ? null : request.DraftOrderLookingLike(info.Regimen.Drug);
            if (!ordered && lookalike is null)
            {
                return CardsResult([]);
            }

            var call = new CallInfo(Guid.CreateVersion7().ToString(), info.Id, request.Hook, request.HookInstance);
            using var activity = ServiceMetrics.Activities.StartActivity("il2.decide");
            activity?.SetTag("il2.protocol", info.Id).SetTag("il2.version", info.Version).SetTag("cds.hook", request.Hook)
                .SetTag("cds.hookInstance", request.HookInstance).SetTag("il2.decisionId", call.DecisionId);
            var source = Cards.Source(info, baseUrl);
            var at = options.Time.GetUtcNow();
            if (lookalike is not null)
            {
                // An order that only looks like the drug (another IL-2 name, a misspelling) would otherwise get no card at
                // all, and no card reads as no objection.
                return await Hold(call, info, source, at, started,
                    $"the draft order '{lookalike}' looks like {info.Regimen.Drug} but neither names it nor carries one of its codes, so it cannot be checked against the protocol");
            }

            if (request.OtherPrefetchKeys(Prefetch.RequiredKeys) is [_, ..] others)
            {
                // Data sent under a key the service did not ask for cannot be placed (it may hold the reading that holds the
                // dose); the client's templates do not match this service's.
                var what = string.Join(", ", others.Select(k => $"'{k}'"));
                return await Hold(call, info, source, at, started,
                    $"prefetch {what} {(others.Count == 1 ? "is not a key" : "are not keys")} of this service's templates, so the data sent cannot be read as a whole");
            }

            var (values, missing) = Gather(request);
            if (missing.Count > 0 && request.FhirServer is not null)
            {
                var fetched = await _fhir.Fetch(request, info, [.. missing.Select(m => m.Key)], at, context.RequestAborted);
                if (fetched.Error is null && fetched.Values.Select(v => Prefetch.Incomplete(v, paged: true)).FirstOrDefault(w => w is not null) is { } why)
                {
                    fetched = ([], $"an answer of the FHIR server is incomplete: {why}");
                }
                if (fetched.Error is null)
                {
                    values.AddRange(fetched.Values);
                    missing = [];
                }
                else
                {
                    return await Hold(call, info, source, at, started, $"the FHIR server {request.FhirServer} could not be queried: {fetched.Error}");
                }
            }
            if (missing.Count > 0)
            {
                var what = string.Join(", ", missing.Select(m => $"'{m.Key}'"));
                var verb = missing.Count == 1 ? "is" : "are";
                var reasons = string.Join("; ", missing.Where(m => m.Why is not null).Select(m => $"'{m.Key}': {m.Why}"));
                return await Hold(call, info, source, at, started, reasons.Length == 0
                    ? $"prefetch {what} {verb} missing and the request has no fhirServer to query"
                    : $"prefetch {what} {verb} missing or incomplete and the request has no fhirServer to query ({reasons})");
            }

            if (request.PatientId is { } contextPatient && values.FirstOrDefault(v => CdsRequest.Text(CdsRequest.Member(v, "resourceType")) == "Patient") is { ValueKind: JsonValueKind.Object } patient
                && CdsRequest.Text(CdsRequest.Member(patient, "id")) is var patientId && patientId != contextPatient)
            {
                metrics.Refused("wrong-patient");
                return ServiceHost.Error(StatusCodes.Status422UnprocessableEntity,
                    $"the prefetch patient '{patientId}' is not the context's patientId '{contextPatient}'; no decision was made");
            }
            var read = FhirBundleReader.Read(values, request.FhirServer, info, at);
            if (!read.Succeeded)
            {
                metrics.Refused("unreadable-record");
                var errors = new JsonArray([.. read.Errors.Select(e => (JsonNode)new JsonObject { ["path"] = e.Path, ["message"] = e.Message, ["code"] = e.Code })]);
                return ServiceHost.Error(StatusCodes.Status422UnprocessableEntity, "the FHIR data cannot be read as a patient record; no decision was made", errors);
            }
            if (read.Record!.PatientId != request.PatientId)
            {
                // The Patient may come inside a Bundle (a Patient?_id= search) or from the FHIR server: whatever its shape, the
                // record decided on must be the context's patient, or the card would be about someone else's data.
                metrics.Refused("wrong-patient");
                return ServiceHost.Error(StatusCodes.Status422UnprocessableEntity,
                    $"the prefetch patient '{read.Record.PatientId}' is not the context's patientId '{request.PatientId}'; no decision was made");
            }
            var decision = protocol.Evaluate(read.Record, at, null, read.Issues);
            activity?.SetTag("il2.action", decision.Action.ToString().ToLowerInvariant());
            await audit.Decision(call, decision, read.Record);
            metrics.Decided(decision.Action.ToString().ToLowerInvariant(), info.Id, started);
            var card = global::IlTwo.Service.Cards.Card(call.DecisionId, global::IlTwo.Service.Cards.Summary(decision),
                global::IlTwo.Service.Cards.Indicator(decision.Action), global::IlTwo.Service.Cards.Detail(decision, info, read.Warnings), source);
            return CardsResult([card]);
        }
    }

    private async Task<IResult> Hold(CallInfo call, ProtocolInfo info, JsonObject source, DateTimeOffset at, long started, string reason)
    {
        await audit.Event(call, new JsonObject
        {
            ["at"] = global::IlTwo.Service.Cards.Iso(at),
            ["protocol"] = new JsonObject { ["id"] = info.Id, ["version"] = info.Version, ["sourceHash"] = info.SourceHash },
            ["action"] = "hold",
            ["summary"] = $"Hold: {reason}; no decision was made on incomplete data.",
        });
        metrics.Decided("hold", info.Id, started);
        var text = global::IlTwo.Service.Cards.Escape(reason);
        var detail = $"**Hold**: {text}.\n\nThe service never recommends giving a dose on incomplete data. Send the prefetch keys "
            + $"{string.Join(", ", Prefetch.RequiredKeys.Select(k => $"`{k}`"))} (GET /cds-services lists the templates), or `fhirServer` with `fhirAuthorization`.\n\n"
            + $"Protocol `{info.Id}` {info.Version}, source SHA-256 `{info.SourceHash}`.\n";
        return CardsResult([global::IlTwo.Service.Cards.Card(call.DecisionId, "Hold: " + reason, "warning", detail, source)]);
    }

    /// <summary>
    /// The prefetch values present and whole, and the required keys that are absent, null, or not the whole answer to their
    /// search (<see cref="Prefetch.Incomplete"/>, with why): those are fetched from the FHIR server, or the dose is held.
    /// </summary>
    private static (List<JsonElement> Values, List<(string Key, string? Why)> Missing) Gather(CdsRequest request)
    {
        var values = new List<JsonElement>(Prefetch.RequiredKeys.Length);
        var missing = new List<(string, string?)>();
        foreach (var key in Prefetch.RequiredKeys)
        {
            if (request.PrefetchValue(key) is not { } value)
            {
                missing.Add((key, null));
            }
            else if (Prefetch.Incomplete(value, paged: false) is { } why)
            {
                missing.Add((key, why));
            }
            else
            {
                values.Add(value);
            }
        }
        return (values, missing);
    }

    public async Task<IResult> Feedback(string id, HttpContext context)
    {
        if (!catalog.Registry.Protocols.Any(p => p.Id == id))
        {
            return ServiceHost.Error(StatusCodes.Status404NotFound, $"no service '{id}'");
        }

        if (NotJson(context.Request) is { } unsupported)
        {
            return unsupported;
        }

        using var body = await RequestBody.Read(context.Request, options.MaxRequestBodyBytes, context.RequestAborted);
        if (body.TooLarge)
        {
            return ServiceHost.Error(StatusCodes.Status413PayloadTooLarge, $"the request body is larger than {options.MaxRequestBodyBytes} bytes");
        }

        using var document = CdsRequest.ParseJson(body.Memory, out var error);
        if (document is null)
        {
            return ServiceHost.Error(StatusCodes.Status400BadRequest, error!);
        }

        if (CdsRequest.Member(document.RootElement, "feedback") is not { ValueKind: JsonValueKind.Array } items)
        {
            return ServiceHost.Error(StatusCodes.Status400BadRequest, "'feedback' must be an array", path: "$.feedback");
        }

        // Every item is checked before any is logged: a bad item refuses the whole call, so none is half recorded.
        var checkedItems = new List<(string Card, string Outcome, JsonElement Item)>();
        var index = 0;
        foreach (var item in items.EnumerateArray())
        {
            if (CdsRequest.Text(CdsRequest.Member(item, "card")) is not { } card || CdsRequest.Text(CdsRequest.Member(item, "outcome")) is not { } outcome)
            {
                return ServiceHost.Error(StatusCodes.Status400BadRequest, $"feedback[{index}]: each feedback item needs 'card' (the card's uuid) and 'outcome' (strings)", path: $"$.feedback[{index}]");
            }

            if (outcome is not ("accepted" or "overridden"))
            {
                return ServiceHost.Error(StatusCodes.Status400BadRequest, $"feedback[{index}].outcome: '{outcome}' is not 'accepted' or 'overridden'", path: $"$.feedback[{index}].outcome");
            }

            checkedItems.Add((card, outcome, item));
            index++;
        }
        foreach (var (card, outcome, item) in checkedItems)
        {
            await audit.Event(new CallInfo(card, id, "feedback", null), new JsonObject
            {
                ["feedback"] = outcome,
                ["overrideReason"] = Node(CdsRequest.Member(item, "overrideReason")),
                ["outcomeTimestamp"] = Node(CdsRequest.Member(item, "outcomeTimestamp")),
            });
            metrics.Feedback(outcome);
        }
        return Results.Ok();
    }

    /// <summary>
    /// A 415 unless the body is declared <c>application/json</c> (CDS Hooks), with no charset or UTF-8. A form or text/plain
    /// post is what a browser sends cross-site without a CORS preflight; a declared UTF-16 body would be misread.
    /// </summary>
    private static IResult? NotJson(HttpRequest request)
    {
        if (Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
            && type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            && (type.Charset.Length == 0 || type.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }

        return ServiceHost.Error(StatusCodes.Status415UnsupportedMediaType,
            $"the body must be Content-Type application/json (UTF-8), not '{request.ContentType ?? "(none)"}'");
    }

    private static JsonNode? Node(JsonElement? element) => element is { } e ? JsonNode.Parse(e.GetRawText()) : null;

    private static IResult CardsResult(IEnumerable<JsonObject> cards) =>
        Results.Bytes(JsonSerializer.SerializeToUtf8Bytes(new JsonObject { ["cards"] = new JsonArray([.. cards]) }, ServiceHost.Json), "application/json");
}
