using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using IlTwo.Runtime.Protocols;

namespace IlTwo.Runtime.Fhir.Tests;

/// <summary>
/// Reading a CDS Hooks prefetch as parts (<see cref="FhirBundleReader.Read(IReadOnlyList{JsonElement}, string?, ProtocolInfo, DateTimeOffset?)"/>,
/// straight from the parsed request) must give the same record and the same issues, word for word, as the way the
/// service read it before: the values merged into one bundle's text (the former <c>Prefetch.MergeUtf8</c>, kept below as
/// the reference) and that text read the full way, through the shape checks and the Firely deserializer. Compared on
/// every fixture split as an EHR sends a prefetch (the Patient alone, a search Bundle per resource type with an
/// OperationOutcome), with and without a FHIR server, and on single-element mutations of such a prefetch.
/// </summary>
public sealed class PartsTests
{
    private static readonly string?[] Servers = [null, "https://ehr.example/fhir/"];

    /// <summary>The service's merge before parts (JsonNode), word for word: the reference the new merge must equal byte for byte.</summary>
    private static ReadOnlyMemory<byte> MergeBefore(IEnumerable<JsonNode> values, string? fhirServer)
    {
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("resourceType", "Bundle");
            w.WriteString("type", "collection");
            w.WriteStartArray("entry");
            foreach (var value in values)
            {
                if (value is not JsonObject resource)
                {
                    continue;
                }

                if (TypeOf(resource) == "Bundle")
                {
                    if (resource["entry"] is JsonArray inner)
                    {
                        foreach (var entry in inner)
                        {
                            if (entry is JsonObject e && e["resource"] is JsonObject r && TypeOf(r) != "OperationOutcome")
                            {
                                e.WriteTo(w);
                            }
                        }
                    }
                    continue;
                }
                w.WriteStartObject();
                if (fhirServer is not null && TypeOf(resource) is { } type && resource["id"] is JsonValue id && id.GetValueKind() == JsonValueKind.String)
                {
                    w.WriteString("fullUrl", $"{fhirServer.TrimEnd('/')}/{type}/{(string?)id}");
                }

                w.WritePropertyName("resource");
                resource.WriteTo(w);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buffer.WrittenMemory;
    }

    private static string? TypeOf(JsonObject resource) =>
        resource["resourceType"] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? (string?)v : null;

    /// <summary>A bundle as a prefetch: {"patient": the Patient, "observations": searchset, ...}, each search with an OperationOutcome entry.</summary>
    private static JsonObject AsPrefetch(string bundleJson)
    {
        var entries = JsonNode.Parse(bundleJson)!["entry"]!.AsArray();
        var prefetch = new JsonObject();
        var patient = entries.FirstOrDefault(e => (string?)e?["resource"]?["resourceType"] == "Patient");
        if (patient is not null)
        {
            prefetch["patient"] = patient["resource"]!.DeepClone();
        }

        foreach (var (key, types) in new[] { ("observations", new[] { "Observation" }), ("medicationAdministrations", new[] { "MedicationAdministration", "Medication" }), ("procedures", new[] { "Procedure" }) })
        {
            var search = new JsonArray();
            foreach (var entry in entries.Where(e => e != patient && types.Contains((string?)e?["resource"]?["resourceType"])))
            {
                var copy = entry!.DeepClone().AsObject();
                copy["search"] = new JsonObject { ["mode"] = "match" };
                search.Add(copy);
            }
            search.Add(new JsonObject
            {
                ["resource"] = new JsonObject { ["resourceType"] = "OperationOutcome", ["issue"] = new JsonArray(new JsonObject { ["severity"] = "information", ["code"] = "informational" }) },
                ["search"] = new JsonObject { ["mode"] = "outcome" },
            });
            prefetch[key] = new JsonObject { ["resourceType"] = "Bundle", ["type"] = "searchset", ["total"] = search.Count - 1, ["entry"] = search };
        }
        return prefetch;
    }

    /// <summary>The prefetch's values as the service hands them over: each member's value, parsed once with the whole.</summary>
    private static List<JsonElement> Parts(JsonDocument prefetch) =>
        [.. prefetch.RootElement.EnumerateObject().Select(p => p.Value).Where(v => v.ValueKind == JsonValueKind.Object)];

    /// <returns>Whether the parts stayed on the fast path.</returns>
    private static bool Agree(string name, string prefetchJson, ProtocolInfo protocol, string? server)
    {
        using var document = JsonDocument.Parse(prefetchJson);
        var parts = Parts(document);
        var merged = FhirBundleParts.Merge(parts, server);
        if (!HasRepeatedNames(prefetchJson))
        {
            var before = JsonNode.Parse(prefetchJson)!.AsObject();
            var reference = MergeBefore(before.Select(p => p.Value!).Where(v => v is JsonObject), server);
            Assert.True(reference.Span.SequenceEqual(merged.Span), $"{name}: the merged text differs from the former merge\n{Encoding.UTF8.GetString(merged.Span)}\n{Encoding.UTF8.GetString(reference.Span)}");
        }

        var full = FastPathTests.Outcome(FhirBundleReader.Read(merged, protocol, FastPathTests.At, fast: false));
        var parted = FastPathTests.Outcome(FhirBundleReader.Read(parts, server, protocol, FastPathTests.At));
        Assert.True(full == parted, $"{name} (server {server}): the parts read\n{parted}\nthe merged text read the full way\n{full}\nprefetch: {prefetchJson}");
        return FhirFastBundle.TryRead(parts, server) is not null;
    }

    /// <summary>A repeated member name, which JsonNode cannot hold (the service before failed on it; it is now a 400).</summary>
    private static bool HasRepeatedNames(string json)
    {
        try
        {
            JsonDocument.Parse(json, new JsonDocumentOptions { AllowDuplicateProperties = false }).Dispose();
            return false;
        }
        catch (JsonException)
        {
            return true;
        }
    }

    [Fact]
    public void Every_fixture_as_a_prefetch_reads_the_same_as_parts_and_as_the_merged_bundle()
    {
        foreach (var (name, json) in FastPathTests.Fixtures())
        {
            var prefetch = AsPrefetch(json).ToJsonString();
            foreach (var server in Servers)
            {
                foreach (var protocol in new[] { Protocols.Monotherapy.Info, Protocols.PostTil.Info })
                {
                    var fast = Agree(name, prefetch, protocol, server);
                    // The parts are read the fast way (else this would compare the full way with itself), except the
                    // fixture that is malformed on purpose.
                    Assert.True(fast || name == "bad-units.json", $"{name} left the fast path as parts");
                }
            }
        }
    }

    [Fact]
    public void Single_mutations_of_a_prefetch_read_the_same_as_parts_and_as_the_merged_bundle()
    {
        var rich = FastPathTests.Fixtures().Single(f => f.Name == "rich").Json;
        var mutations = 0;
        var stayedFast = 0;
        foreach (var mutant in FastPathTests.Mutants(AsPrefetch(rich)))
        {
            // With and without a server in turn (each mutant once: the full way is slow).
            if (Agree("mutant", mutant, Protocols.Monotherapy.Info, Servers[mutations++ % Servers.Length]))
            {
                stayedFast++;
            }
        }
        // Both kinds were compared: mutants read as parts, and mutants left to the full way.
        Assert.InRange(stayedFast, 1, mutations - 1);
    }

    [Fact]
    public void A_lone_resource_gets_its_full_url_from_the_server_and_a_prefetch_without_resources_reads_the_same_both_ways()
    {
        using var document = JsonDocument.Parse("""{"patient":{"resourceType":"Patient","id":"p-1"},"observations":{"resourceType":"Bundle","type":"searchset","total":0}}""");
        var merged = Encoding.UTF8.GetString(FhirBundleParts.Merge(Parts(document), "https://ehr.example/fhir/").Span);
        Assert.Contains("\"fullUrl\":\"https://ehr.example/fhir/Patient/p-1\"", merged, StringComparison.Ordinal);

        using var empty = JsonDocument.Parse("""{"observations":{"resourceType":"Bundle","type":"searchset","total":0}}""");
        var read = FhirBundleReader.Read(Parts(empty), null, Protocols.Monotherapy.Info, FastPathTests.At);
        Assert.Null(FhirFastBundle.TryRead(Parts(empty), null));
        Assert.Equal(FastPathTests.Outcome(FhirBundleReader.Read(FhirBundleParts.Merge(Parts(empty), null), Protocols.Monotherapy.Info, FastPathTests.At, fast: false)), FastPathTests.Outcome(read));
    }
}
