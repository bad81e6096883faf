using System.Buffers;
using System.Text.Json;

namespace IlTwo.Runtime.Fhir;

/// <summary>
/// Several FHIR values read as one patient's data — a CDS Hooks prefetch (a Patient, and a search Bundle per resource
/// type) or the pages of a FHIR search — merged into one Bundle of type <c>collection</c>: a Bundle contributes its
/// entries (each entry whole, except those without a resource object and the search's OperationOutcome messages), a
/// single resource becomes an entry of its own (with the fullUrl <c>{fhirServer}/{type}/{id}</c> when the server is
/// known). <see cref="FhirBundleReader.Read(IReadOnlyList{JsonElement}, string?, IlTwo.Runtime.Protocols.ProtocolInfo, DateTimeOffset?)"/>
/// reads the parts without writing the merged text (it is written only when a part must be read the full way).
/// </summary>
public static class FhirBundleParts
{
    /// <summary>One entry of the merged bundle: a Bundle's entry as it is, or a single resource (with its fullUrl, if any).</summary>
    internal readonly record struct Part(JsonElement? Entry, JsonElement Resource, string? FullUrl);

    /// <summary>The merged bundle's entries, in order.</summary>
    internal static IEnumerable<Part> Entries(IReadOnlyList<JsonElement> values, string? fhirServer)
    {
        foreach (var value in values)
        {
            if (value.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            var type = TypeOf(value);
            if (type == "Bundle")
            {
                if (value.TryGetProperty("entry", out var inner) && inner.ValueKind == JsonValueKind.Array)
                {
                    foreach (var entry in inner.EnumerateArray())
                    {
                        if (entry.ValueKind == JsonValueKind.Object && entry.TryGetProperty("resource", out var resource)
                            && resource.ValueKind == JsonValueKind.Object && TypeOf(resource) != "OperationOutcome")
                        {
                            yield return new Part(entry, resource, null);
                        }
                    }
                }
                continue;
            }
            var fullUrl = fhirServer is not null && type is not null && value.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String
                ? $"{fhirServer.TrimEnd('/')}/{type}/{id.GetString()}"
                : null;
            yield return new Part(null, value, fullUrl);
        }
    }

    /// <summary>The merged bundle as UTF-8 JSON.</summary>
    public static ReadOnlyMemory<byte> Merge(IReadOnlyList<JsonElement> values, string? fhirServer)
    {
        ArgumentNullException.ThrowIfNull(values);
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("resourceType", "Bundle");
            w.WriteString("type", "collection");
            w.WriteStartArray("entry");
            foreach (var part in Entries(values, fhirServer))
            {
                if (part.Entry is { } entry)
                {
                    entry.WriteTo(w);
                    continue;
                }
                w.WriteStartObject();
                if (part.FullUrl is { } url)
                {
                    w.WriteString("fullUrl", url);
                }

                w.WritePropertyName("resource");
                part.Resource.WriteTo(w);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buffer.WrittenMemory;
    }

    private static string? TypeOf(JsonElement resource) =>
        resource.TryGetProperty("resourceType", out var type) && type.ValueKind == JsonValueKind.String ? type.GetString() : null;
}
