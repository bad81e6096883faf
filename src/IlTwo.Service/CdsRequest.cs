using System.Text;
using System.Text.Json;

namespace IlTwo.Service;

/// <summary>
/// A CDS Hooks 2.0 request, checked: hook, hookInstance, context, and the optional prefetch and FHIR server. The body is
/// parsed once; the prefetch values are handed to the FHIR reader as parsed JSON. Dispose it when the decision is made
/// (it holds the parsed document).
/// </summary>
public sealed class CdsRequest : IDisposable
{
    public static readonly string[] Hooks = ["patient-view", "order-select", "order-sign"];

    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 128, AllowDuplicateProperties = false };

    private readonly JsonDocument _document;

    private CdsRequest(JsonDocument document, string hook, string hookInstance, JsonElement context, JsonElement? prefetch, string? fhirServer, JsonElement? fhirAuthorization)
    {
        _document = document;
        Hook = hook;
        HookInstance = hookInstance;
        Context = context;
        Prefetch = prefetch;
        FhirServer = fhirServer;
        FhirAuthorization = fhirAuthorization;
    }

    public string Hook { get; }

    public string HookInstance { get; }

    public JsonElement Context { get; }

    /// <summary>The prefetch object, or null when the request has none.</summary>
    public JsonElement? Prefetch { get; }

    public string? FhirServer { get; }

    public JsonElement? FhirAuthorization { get; }

    public string? PatientId => Text(Member(Context, "patientId"));

    public void Dispose() => _document.Dispose();

    /// <summary>The prefetch value under <paramref name="key"/> when it is a JSON object (absent, null or another type: null).</summary>
    public JsonElement? PrefetchValue(string key) =>
        Prefetch is { } prefetch && Member(prefetch, key) is { ValueKind: JsonValueKind.Object } value ? value : null;

    /// <summary>The prefetch keys with a value (not null) that are not among <paramref name="known"/>, in request order.</summary>
    public List<string> OtherPrefetchKeys(IReadOnlyCollection<string> known) => Prefetch is { } prefetch
        ? [.. prefetch.EnumerateObject().Where(p => p.Value.ValueKind != JsonValueKind.Null && !known.Contains(p.Name)).Select(p => p.Name)]
        : [];

    /// <summary>
    /// Parses the body; null with a located message for malformed JSON (a repeated member name included: which one
    /// counts would be a guess) or a missing or ill-typed field. The body must stay unchanged while the request is in use.
    /// </summary>
    public static CdsRequest? Parse(ReadOnlyMemory<byte> body, out string? error) => Parse(body, out error, out _);

    /// <param name="path">With an error: the JSONPath of the member it is about (<c>$.context.patientId</c>), when known.</param>
    public static CdsRequest? Parse(ReadOnlyMemory<byte> body, out string? error, out string? path)
    {
        if (ParseJson(body, out error, out path) is not { } document)
        {
            return null;
        }

        var request = Check(document, out error);
        if (request is null)
        {
            document.Dispose();
            path = PathOf(error!);
        }

        return request;
    }

    /// <summary>The member a field error names: its message starts with the quoted member (<c>'context.patientId' is missing</c>).</summary>
    private static string PathOf(string error)
    {
        if (error.StartsWith("hook '", StringComparison.Ordinal))
        {
            return "$.hook";
        }

        var end = error.IndexOf('\'', 1);
        return error.StartsWith('\'') && end > 1 ? "$." + error[1..end] : "$";
    }

    /// <summary>
    /// The body as a JSON document, or null with a located message: not UTF-8, malformed, a member name repeated in one
    /// object, or a string whose <c>\\u</c> escapes are not Unicode (a lone surrogate: reading it would throw later).
    /// </summary>
    internal static JsonDocument? ParseJson(ReadOnlyMemory<byte> body, out string? error) => ParseJson(body, out error, out _);

    private static JsonDocument? ParseJson(ReadOnlyMemory<byte> body, out string? error, out string? path)
    {
        path = null;
        if (!System.Text.Unicode.Utf8.IsValid(body.Span))
        {
            error = $"the body is not UTF-8 (invalid byte sequence at {Where(body.Span, InvalidUtf8At(body.Span))})";
            return null;
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, Options);
        }
        catch (JsonException e)
        {
            if (e.LineNumber is null && RepeatedName(body.Span) is { } repeated)
            {
                // The parser names a repeated member without its place: found again here (only on this error path).
                error = $"malformed JSON at {repeated.Where}: the member '{repeated.Name}' is repeated in one object (which value counts would be a guess)";
                return null;
            }
            var where = e.LineNumber is { } line ? $"line {line + 1}, byte {(e.BytePositionInLine ?? 0) + 1}" : "the body";
            error = $"malformed JSON at {where}: {FirstClause(e.Message)}";
            return null;
        }
        if (body.Span.IndexOf("\\u"u8) >= 0 && InvalidEscape(body.Span) is { } at)
        {
            document.Dispose();
            error = $"malformed JSON at {Where(body.Span, at)}: a string's \\u escapes are not Unicode (a lone surrogate)";
            return null;
        }
        error = null;
        return document;
    }

    private static int InvalidUtf8At(ReadOnlySpan<byte> body)
    {
        var at = 0;
        while (at < body.Length && System.Text.Rune.DecodeFromUtf8(body[at..], out _, out var consumed) == System.Buffers.OperationStatus.Done)
        {
            at += consumed;
        }
        return at;
    }

    /// <summary>The start of the first escaped string or name that does not decode (a lone surrogate), if any.</summary>
    private static int? InvalidEscape(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = Options.MaxDepth });
        while (reader.Read())
        {
            if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && reader.ValueIsEscaped)
            {
                try
                {
                    reader.GetString();
                }
                catch (InvalidOperationException)
                {
                    return (int)reader.TokenStartIndex;
                }
            }
        }
        return null;
    }

    private static string Where(ReadOnlySpan<byte> body, int at)
    {
        var before = body[..at];
        var lineStart = before.LastIndexOf((byte)'\n') + 1;
        return $"line {before.Count((byte)'\n') + 1}, byte {at - lineStart + 1}";
    }

    private static CdsRequest? Check(JsonDocument document, out string? error)
    {
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            error = "the request body must be a JSON object";
            return null;
        }
        string? String(string name, bool required, out string? problem)
        {
            problem = null;
            if (Member(root, name) is not { } value)
            {
                if (required)
                {
                    problem = $"'{name}' is missing";
                }

                return null;
            }
            if (value.ValueKind == JsonValueKind.String)
            {
                return value.GetString();
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

        if (Member(root, "context") is not { ValueKind: JsonValueKind.Object } context)
        {
            error = Member(root, "context") is null ? "'context' is missing" : "'context' must be an object";
            return null;
        }
        var prefetch = Member(root, "prefetch");
        if (prefetch is { ValueKind: not JsonValueKind.Object })
        {
            error = "'prefetch' must be an object";
            return null;
        }
        var authorization = Member(root, "fhirAuthorization");
        if (authorization is { ValueKind: not JsonValueKind.Object })
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
        if (Text(Member(context, "patientId"))?.Trim() is not { Length: > 0 })
        {
            error = "'context.patientId' is missing or empty: each hook this service answers is about one patient";
            return null;
        }
        if (server is not null && (!Uri.TryCreate(server, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            error = $"'fhirServer' '{server}' is not an absolute http(s) URL";
            return null;
        }
        if (server is not null && new Uri(server).UserInfo.Length > 0)
        {
            // Credentials in the URL would go to the server (and into logs) beside the bearer token.
            error = "'fhirServer' carries user credentials (user:password@); the service authenticates with fhirAuthorization only";
            return null;
        }
        if (authorization is { } auth)
        {
            // CDS Hooks 2.0 fhirAuthorization: a token scoped to another patient than the context's is a contradiction.
            if (Member(auth, "access_token") is { ValueKind: not JsonValueKind.String })
            {
                error = "'fhirAuthorization.access_token' must be a string";
                return null;
            }
            if (Member(auth, "expires_in") is { ValueKind: not JsonValueKind.Number })
            {
                error = "'fhirAuthorization.expires_in' must be a number (seconds)";
                return null;
            }
            if (Member(auth, "patient") is { } tokenPatient && Text(tokenPatient) != Text(Member(context, "patientId")))
            {
                error = $"'fhirAuthorization.patient' '{(tokenPatient.ValueKind == JsonValueKind.String ? tokenPatient.GetString() : tokenPatient.GetRawText())}' is not the context's patientId '{Text(Member(context, "patientId"))}'";
                return null;
            }
        }
        if (!Guid.TryParseExact(instance, "D", out _))
        {
            // CDS Hooks 2.0: a UUID for this hook call; the audit log pairs the decision with it.
            error = $"'hookInstance' '{instance}' is not a UUID";
            return null;
        }
        return new CdsRequest(document, hook!, instance!, context, prefetch, server, authorization);
    }

    /// <summary>A member's value; null when it is absent or JSON null (both mean "not given").</summary>
    internal static JsonElement? Member(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    internal static string? Text(JsonElement? element) => element is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    /// <summary>The first member name repeated within one object, with its line and byte (1-based), if any.</summary>
    private static (string Name, string Where)? RepeatedName(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = Options.MaxDepth });
        var names = new Stack<HashSet<string>>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        names.Push(new HashSet<string>(StringComparer.Ordinal));
                        break;
                    case JsonTokenType.EndObject:
                        names.Pop();
                        break;
                    case JsonTokenType.PropertyName when !names.Peek().Add(reader.GetString()!):
                        return (reader.GetString()!, Where(body, (int)reader.TokenStartIndex));
                }
            }
        }
        catch (JsonException)
        {
        }
        return null;
    }

    private static string FirstClause(string message)
    {
        // System.Text.Json appends "Path: $ | LineNumber: 0 | BytePositionInLine: 5." (zero-based); the location is given above.
        var cut = message.IndexOf(" Path: ", StringComparison.Ordinal);
        cut = cut > 0 ? cut : message.IndexOf(" LineNumber: ", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).TrimEnd();
    }

    /// <summary>Whether the order hooks' <c>context.draftOrders</c> orders the drug (by a declared code or one of its names).</summary>
    public bool OrdersDrug(string? drug, IReadOnlyCollection<string> drugCodes)
    {
        if (Member(Context, "draftOrders") is not { ValueKind: JsonValueKind.Object } bundle || Member(bundle, "entry") is not { ValueKind: JsonValueKind.Array } entries)
        {
            return false;
        }

        foreach (var entry in entries.EnumerateArray())
        {
            if (Member(entry, "resource") is not { ValueKind: JsonValueKind.Object } resource)
            {
                continue;
            }

            foreach (var concept in Concepts(resource))
            {
                if (Member(concept, "coding") is { ValueKind: JsonValueKind.Array } codings)
                {
                    foreach (var coding in codings.EnumerateArray())
                    {
                        var system = Text(Member(coding, "system"));
                        var code = Text(Member(coding, "code"));
                        if (code is not null && drugCodes.Any(c => c == code || (system is not null && c == system + "|" + code)))
                        {
                            return true;
                        }

                        if (drug is not null && Text(Member(coding, "display")) is { } display && Runtime.Fhir.DrugNames.Names(display, drug))
                        {
                            return true;
                        }
                    }
                }
                if (drug is not null && Text(Member(concept, "text")) is { } text && Runtime.Fhir.DrugNames.Names(text, drug))
                {
                    return true;
                }
            }
        }
        return false;
    }

    /// <summary>
    /// A draft order's medication text (a coding display or the concept's text) that does not name the drug but looks like
    /// it (<see cref="Runtime.Fhir.DrugNames.LooksLike"/>: "Interleukin-2 600,000 IU/kg", "aldesleukine"); null when none
    /// does. Call it only when <see cref="OrdersDrug"/> is false.
    /// </summary>
    public string? DraftOrderLookingLike(string? drug)
    {
        if (drug is null || Member(Context, "draftOrders") is not { ValueKind: JsonValueKind.Object } bundle
            || Member(bundle, "entry") is not { ValueKind: JsonValueKind.Array } entries)
        {
            return null;
        }

        foreach (var entry in entries.EnumerateArray())
        {
            if (Member(entry, "resource") is not { ValueKind: JsonValueKind.Object } resource)
            {
                continue;
            }

            foreach (var concept in Concepts(resource))
            {
                var texts = (Member(concept, "coding") is { ValueKind: JsonValueKind.Array } codings
                        ? codings.EnumerateArray().Select(c => Text(Member(c, "display")))
                        : [])
                    .Append(Text(Member(concept, "text")));
                if (texts.FirstOrDefault(t => t is not null && Runtime.Fhir.DrugNames.LooksLike(t, drug)) is { } text)
                {
                    return text;
                }
            }
        }
        return null;
    }

    private static IEnumerable<JsonElement> Concepts(JsonElement resource)
    {
        foreach (var name in new[] { "medicationCodeableConcept", "code", "productCodeableConcept" })
        {
            if (Member(resource, name) is { ValueKind: JsonValueKind.Object } c)
            {
                yield return c;
            }
        }
        if (Member(resource, "medication") is { ValueKind: JsonValueKind.Object } m && Member(m, "concept") is { ValueKind: JsonValueKind.Object } r5)
        {
            yield return r5;
        }
    }

    internal static string Utf8(ReadOnlyMemory<byte> bytes) => Encoding.UTF8.GetString(bytes.Span);
}
