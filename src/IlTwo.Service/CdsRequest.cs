using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace IlTwo.Service;

/// <summary>A CDS Hooks 2.0 request, checked: hook, hookInstance, context, and the optional prefetch and FHIR server.</summary>
public sealed record CdsRequest(
    string Hook,
    string HookInstance,
    JsonObject Context,
    JsonObject? Prefetch,
    string? FhirServer,
    JsonObject? FhirAuthorization)
{
    public static readonly string[] Hooks = ["patient-view", "order-select", "order-sign"];

    public string? PatientId => Context["patientId"] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? (string?)v : null;

    /// <summary>Parses the body; null with a located message for malformed JSON or a missing or ill-typed field.</summary>
    public static CdsRequest? Parse(ReadOnlyMemory<byte> body, out string? error)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(body.Span, documentOptions: new JsonDocumentOptions { MaxDepth = 128 });
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $"line {line + 1}, byte {(e.BytePositionInLine ?? 0) + 1}" : "the body";
            error = $"malformed JSON at {where}: {FirstClause(e.Message)}";
            return null;
        }
        if (node is not JsonObject root)
        {
            error = "the request body must be a JSON object";
            return null;
        }
        string? String(string name, bool required, out string? problem)
        {
            problem = null;
            var value = root[name];
            if (value is null)
            {
                if (required)
                {
                    problem = $"'{name}' is missing";
                }

                return null;
            }
            if (value is JsonValue v && v.GetValueKind() == JsonValueKind.String)
            {
                return (string?)v;
            }

            problem = $"'{name}' must be a string";
            return null;
        }
        var hook = String("hook", true, out error);
        if (error is not null)
        {
            return null;
        }

        var instance = String("hookInstance", true, out error);
        if (error is not null)
        {
            return null;
        }

        var server = String("fhirServer", false, out error);
        if (error is not null)
        {
            return null;
        }

        if (root["context"] is not JsonObject context)
        {
            error = root["context"] is null ? "'context' is missing" : "'context' must be an object";
            return null;
        }
        if (root["prefetch"] is { } p && p is not JsonObject)
        {
            error = "'prefetch' must be an object";
            return null;
        }
        if (root["fhirAuthorization"] is { } a && a is not JsonObject)
        {
            error = "'fhirAuthorization' must be an object";
            return null;
        }
        if (!Hooks.Contains(hook, StringComparer.Ordinal))
        {
            error = $"hook '{hook}' is not served; this service answers {string.Join(", ", Hooks)}";
            return null;
        }
        // Every hook served is about one patient (CDS Hooks: patientId is required); a decision must not fall back on
        // whichever Patient the prefetch happens to carry.
        if (context["patientId"] is not JsonValue id || id.GetValueKind() != JsonValueKind.String || ((string?)id)?.Trim() is not { Length: > 0 })
        {
            error = "'context.patientId' is missing or empty: each hook this service answers is about one patient";
            return null;
        }
        if (server is not null && (!Uri.TryCreate(server, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            error = $"'fhirServer' '{server}' is not an absolute http(s) URL";
            return null;
        }
        return new CdsRequest(hook!, instance!, context, root["prefetch"] as JsonObject, server, root["fhirAuthorization"] as JsonObject);
    }

    private static string FirstClause(string message)
    {
        // System.Text.Json appends "Path: $ | LineNumber: 0 | BytePositionInLine: 5." (zero-based); the location is given above.
        var cut = message.IndexOf(" Path: ", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).TrimEnd();
    }

    /// <summary>Whether the order hooks' <c>context.draftOrders</c> orders the drug (by a declared code or one of its names).</summary>
    public bool OrdersDrug(string? drug, IReadOnlyCollection<string> drugCodes)
    {
        if (Context["draftOrders"] is not JsonObject bundle || bundle["entry"] is not JsonArray entries)
        {
            return false;
        }

        foreach (var entry in entries)
        {
            if (entry?["resource"] is not JsonObject resource)
            {
                continue;
            }

            foreach (var concept in Concepts(resource))
            {
                if (concept["coding"] is JsonArray codings)
                {
                    foreach (var coding in codings)
                    {
                        var system = Text(coding?["system"]);
                        var code = Text(coding?["code"]);
                        if (code is not null && drugCodes.Any(c => c == code || (system is not null && c == system + "|" + code)))
                        {
                            return true;
                        }

                        if (drug is not null && Text(coding?["display"]) is { } display && Runtime.Fhir.DrugNames.Names(display, drug))
                        {
                            return true;
                        }
                    }
                }
                if (drug is not null && Text(concept["text"]) is { } text && Runtime.Fhir.DrugNames.Names(text, drug))
                {
                    return true;
                }
            }
        }
        return false;
    }

    private static IEnumerable<JsonObject> Concepts(JsonObject resource)
    {
        foreach (var name in new[] { "medicationCodeableConcept", "code", "productCodeableConcept" })
        {
            if (resource[name] is JsonObject c)
            {
                yield return c;
            }
        }
        if (resource["medication"] is JsonObject m && m["concept"] is JsonObject r5)
        {
            yield return r5;
        }
    }

    private static string? Text(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? (string?)v : null;

    internal static string Utf8(ReadOnlyMemory<byte> bytes) => Encoding.UTF8.GetString(bytes.Span);
}
