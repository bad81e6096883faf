using System.Text.Json.Nodes;

namespace IlTwo.Service.Tests;

/// <summary>
/// Requests built to get a wrong "give" out of the service, each on the stable record that gives when it is whole:
/// a context without a patient, a prefetch "patient" that is not a Patient, and another patient's readings mixed in.
/// None may answer with a give card.
/// </summary>
public sealed class AdversarialRequestTests
{
    private const string Id = "post-til-il2";

    private static JsonObject StablePrefetch() => PatientData.Prefetch(PatientData.Example("post-til-stable.json"));

    private static void AssertNoGive(int status, JsonNode? body)
    {
        if (status != 200)
        {
            return;
        }

        foreach (var card in body!["cards"]!.AsArray())
        {
            Assert.NotEqual("info", (string?)card!["indicator"]);
            Assert.DoesNotMatch("^Give", (string)card["summary"]!);
        }
    }

    [Fact]
    public async Task The_whole_stable_record_gives_so_the_attacks_below_start_from_a_give()
    {
        await using var service = RunningService.Start();
        var (status, body) = await service.Post($"/cds-services/{Id}", PatientData.Request("patient-view", StablePrefetch()));
        Assert.Equal(200, status);
        Assert.StartsWith("Give", (string)body!["cards"]![0]!["summary"]!, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("patient-view")]
    [InlineData("order-select")]
    public async Task A_context_without_patientId_is_a_400_and_decides_nothing(string hook)
    {
        await using var service = RunningService.Start();
        var request = PatientData.Request(hook, StablePrefetch(), draftOrders: PatientData.DraftOrder("aldesleukin 600,000 IU/kg IV"));
        request["context"]!.AsObject().Remove("patientId");

        var (status, body) = await service.Post($"/cds-services/{Id}", request);

        Assert.Equal(400, status);
        Assert.Contains("patientId", (string)body!["error"]!, StringComparison.Ordinal);
        Assert.Empty(service.DecisionLog());
    }

    [Fact]
    public async Task A_prefetch_patient_that_is_not_a_Patient_resource_does_not_give()
    {
        await using var service = RunningService.Start();
        var prefetch = StablePrefetch();
        prefetch["patient"] = new JsonObject { ["resourceType"] = "Group", ["id"] = "example-post-til-stable" };

        var (status, body) = await service.Post($"/cds-services/{Id}", PatientData.Request("patient-view", prefetch, patientId: "example-post-til-stable"));

        AssertNoGive(status, body);
    }

    [Fact]
    public async Task Another_patients_alarming_reading_is_refused_not_used_and_the_card_says_so()
    {
        await using var service = RunningService.Start();
        var prefetch = StablePrefetch();
        var entries = prefetch["observations"]!["entry"]!.AsArray();
        var sbp = entries.First(e => e!["resource"]!["code"]!.ToJsonString().Contains("8480-6", StringComparison.Ordinal))!;
        var stranger = sbp.DeepClone();
        stranger["fullUrl"] = "urn:uuid:0b9a1c1e-0000-4000-8000-000000000001";
        stranger["resource"]!["id"] = "stranger-sbp";
        stranger["resource"]!["subject"] = new JsonObject { ["reference"] = "Patient/someone-else" };
        stranger["resource"]!["valueQuantity"]!["value"] = 70;
        entries.Add(stranger);

        var (status, body) = await service.Post($"/cds-services/{Id}", PatientData.Request("patient-view", prefetch));

        // The record's own readings decide (as in il2 eval --fhir, docs/fhir-input.md): the stranger's SBP 70 neither
        // holds this patient's dose nor passes as theirs, and the card names the refused reading.
        Assert.Equal(200, status);
        var card = body!["cards"]![0]!;
        Assert.DoesNotContain("70", (string)card["summary"]!, StringComparison.Ordinal);
        Assert.Contains("stranger-sbp", (string)card["detail"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_prefetch_patient_inside_a_bundle_that_is_another_patient_is_a_422_not_a_give()
    {
        // The patient key as a searchset (Patient?_id=...) holding someone else, and every resource theirs: the record is
        // consistent in itself, but it is not the context's patient.
        await using var service = RunningService.Start();
        var stable = StablePrefetch();
        var other = JsonNode.Parse(stable.ToJsonString().Replace((string)stable["patient"]!["id"]!, "someone-else", StringComparison.Ordinal))!.AsObject();
        other["patient"] = new JsonObject
        {
            ["resourceType"] = "Bundle",
            ["type"] = "searchset",
            ["total"] = 1,
            ["entry"] = new JsonArray(new JsonObject { ["fullUrl"] = "Patient/someone-else", ["resource"] = other["patient"]!.DeepClone() }),
        };

        var (status, body) = await service.Post($"/cds-services/{Id}", PatientData.Request("patient-view", other, patientId: "victim"));

        AssertNoGive(status, body);
        Assert.Equal(422, status);
        Assert.Contains("is not the context's patientId 'victim'", (string)body!["error"]!, StringComparison.Ordinal);
        Assert.Empty(service.DecisionLog());
    }

    private static JsonObject Outcome(string severity, string diagnostics) => new()
    {
        ["resourceType"] = "OperationOutcome",
        ["issue"] = new JsonArray(new JsonObject { ["severity"] = severity, ["code"] = "exception", ["diagnostics"] = diagnostics }),
    };

    /// <summary>Prefetch values that are not the whole answer to their search; each was read as if it were (a give).</summary>
    public static TheoryData<string, string, string> IncompletePrefetch => new()
    {
        { "medicationAdministrations", "operation-outcome", "it is an OperationOutcome (timed out), not the data" },
        { "procedures", "operation-outcome", "it is an OperationOutcome (timed out), not the data" },
        { "medicationAdministrations", "next-page", "it is one page of a search that has a next page" },
        { "medicationAdministrations", "total", "its total is 40 but it holds 4 match(es)" },
        { "observations", "outcome-entry", "the search reported an error (results truncated)" },
        { "observations", "history", "it is a Bundle of type 'history', not a searchset" },
    };

    [Theory]
    [MemberData(nameof(IncompletePrefetch))]
    public async Task A_prefetch_value_that_is_not_the_whole_search_holds_and_says_why(string key, string attack, string why)
    {
        await using var service = RunningService.Start();
        var prefetch = StablePrefetch();
        var value = prefetch[key]!.AsObject();
        switch (attack)
        {
            case "operation-outcome":
                prefetch[key] = Outcome("error", "timed out");
                break;
            case "next-page":
                value["link"] = new JsonArray(new JsonObject { ["relation"] = "next", ["url"] = "https://ehr.example.org/fhir?page=2" });
                break;
            case "total":
                value["total"] = 40;
                break;
            case "outcome-entry":
                value["entry"]!.AsArray().Add(new JsonObject { ["resource"] = Outcome("error", "results truncated"), ["search"] = new JsonObject { ["mode"] = "outcome" } });
                break;
            default:
                value["type"] = attack;
                break;
        }

        var (status, body) = await service.Post($"/cds-services/{Id}", PatientData.Request("patient-view", prefetch));

        AssertNoGive(status, body);
        var card = Assert.Single(body!["cards"]!.AsArray())!;
        Assert.Equal("warning", (string?)card["indicator"]);
        Assert.StartsWith($"Hold: prefetch '{key}' is missing or incomplete", (string)card["summary"]!, StringComparison.Ordinal);
        Assert.Contains($"'{key}': {why}", (string)card["detail"]!, StringComparison.Ordinal);
        Assert.Equal("hold", (string?)Assert.Single(service.DecisionLog())["action"]);
    }

    [Fact]
    public async Task A_warning_in_a_search_outcome_entry_and_a_matching_total_still_decide()
    {
        await using var service = RunningService.Start();
        var prefetch = StablePrefetch();
        var observations = prefetch["observations"]!.AsObject();
        observations["total"] = observations["entry"]!.AsArray().Count;
        observations["entry"]!.AsArray().Add(new JsonObject { ["resource"] = Outcome("warning", "some codes unknown"), ["search"] = new JsonObject { ["mode"] = "outcome" } });

        var (status, body) = await service.Post($"/cds-services/{Id}", PatientData.Request("patient-view", prefetch));

        Assert.Equal(200, status);
        Assert.StartsWith("Give dose 5", (string)body!["cards"]![0]!["summary"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_prefetch_key_the_service_did_not_ask_for_holds_rather_than_being_ignored()
    {
        // An EHR configured with other templates sends the latest SBP of 70 under "vitals": ignoring it gave the dose.
        await using var service = RunningService.Start();
        var prefetch = StablePrefetch();
        var sbp = prefetch["observations"]!["entry"]!.AsArray().First(e => e!["resource"]!["code"]!.ToJsonString().Contains("8480-6", StringComparison.Ordinal))!.DeepClone();
        sbp["resource"]!["valueQuantity"]!["value"] = 70;
        prefetch["vitals"] = new JsonObject { ["resourceType"] = "Bundle", ["type"] = "searchset", ["entry"] = new JsonArray(sbp) };
        prefetch["unused"] = null;

        var (status, body) = await service.Post($"/cds-services/{Id}", PatientData.Request("patient-view", prefetch));

        AssertNoGive(status, body);
        var card = Assert.Single(body!["cards"]!.AsArray())!;
        Assert.Equal("Hold: prefetch 'vitals' is not a key of this service's templates, so the data sent cannot be read as a whole", (string?)card["summary"]);
        Assert.Equal("warning", (string?)card["indicator"]);
    }

    [Fact]
    public async Task Text_from_the_record_or_the_fhir_server_is_literal_in_the_card_markdown()
    {
        // A refused reading's subject and a FHIR server's error text reach the card's detail: neither may become a link,
        // an image or HTML there (nor the reader's own "Bundle.entry[26](Observation/x)", which rendered as a link).
        await using var service = RunningService.Start();
        var prefetch = StablePrefetch();
        var entries = prefetch["observations"]!["entry"]!.AsArray();
        var stranger = entries.First(e => e!["resource"]!["code"]!.ToJsonString().Contains("8480-6", StringComparison.Ordinal))!.DeepClone();
        stranger["fullUrl"] = "urn:uuid:0b9a1c1e-0000-4000-8000-000000000003";
        // Its own id: a second resource with the SBP's id would be a duplicate the reader holds on before the subject.
        stranger["resource"]!["id"] = "stranger";
        stranger["resource"]!["subject"] = new JsonObject { ["reference"] = "Patient/[click](javascript:alert(1))\n# <script>alert(1)</script> ![i](https://x/i.png)" };
        entries.Add(stranger);

        var (status, body) = await service.Post($"/cds-services/{Id}", PatientData.Request("patient-view", prefetch));

        Assert.Equal(200, status);
        var detail = (string)body!["cards"]![0]!["detail"]!;
        Assert.Contains("\\[click\\](javascript:alert(1)) # \\<script\\>alert(1)\\</script\\> \\!\\[i\\](https://x/i.png)", detail, StringComparison.Ordinal);
        AssertLiteral(detail);

        var held = StablePrefetch();
        held["observations"] = Outcome("error", "<img src=x onerror=alert(1)> [x](javascript:alert(1))");
        (status, body) = await service.Post($"/cds-services/{Id}", PatientData.Request("patient-view", held));
        Assert.Equal(200, status);
        detail = (string)body!["cards"]![0]!["detail"]!;
        Assert.Contains("\\<img src=x onerror=alert(1)\\> \\[x\\](javascript:alert(1))", detail, StringComparison.Ordinal);
        AssertLiteral(detail);
    }

    private static void AssertLiteral(string detail)
    {
        Assert.DoesNotMatch(@"(?<!\\)<", detail);
        Assert.DoesNotMatch(@"(?<!\\)\]\(", detail);
        Assert.DoesNotContain("\n# ", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_fhirAuthorization_for_another_patient_than_the_context_is_a_400()
    {
        await using var service = RunningService.Start();
        var request = PatientData.Request("patient-view", StablePrefetch());
        request["fhirServer"] = "https://ehr.example.org/fhir";
        request["fhirAuthorization"] = new JsonObject { ["access_token"] = "t", ["token_type"] = "Bearer", ["expires_in"] = 300, ["scope"] = "patient/*.read", ["subject"] = "cds", ["patient"] = "someone-else" };

        var (status, body) = await service.Post($"/cds-services/{Id}", request);

        Assert.Equal(400, status);
        Assert.Equal("'fhirAuthorization.patient' 'someone-else' is not the context's patientId 'example-post-til-2'", (string?)body!["error"]);
        Assert.Empty(service.DecisionLog());
    }

    [Theory]
    [InlineData("not-a-uuid")]
    [InlineData("")]
    [InlineData("{d1577c69-dfbe-44ad-ba6d-3e05e953b2ea}")]
    public async Task A_hookInstance_that_is_not_a_UUID_is_a_400(string instance)
    {
        await using var service = RunningService.Start();
        var (status, body) = await service.Post($"/cds-services/{Id}", PatientData.Request("patient-view", StablePrefetch(), hookInstance: instance));
        Assert.Equal(400, status);
        Assert.Equal($"'hookInstance' '{instance}' is not a UUID", (string?)body!["error"]);
        Assert.Empty(service.DecisionLog());
    }

    [Fact]
    public async Task Many_parallel_calls_for_three_patients_give_each_the_decision_it_gets_alone()
    {
        // The engine pools scratch state: a leak between two concurrent patients would hand one the other's decision.
        await using var service = RunningService.Start();
        var tamponade = PatientData.Example("post-til-stable.json") with { PatientId = "example-post-til-3" };
        tamponade = tamponade with
        {
            Observations = tamponade.Observations.Add(IlTwo.Runtime.Records.RecordedObservation.YesNo("cardiac-tamponade", Signed.At.AddHours(-1), true)),
        };
        JsonObject[] prefetches = [StablePrefetch(), PatientData.Prefetch(PatientData.Example("post-til-patient.json")), PatientData.Prefetch(tamponade)];
        var alone = new List<(string Summary, string Detail)>();
        foreach (var prefetch in prefetches)
        {
            var (_, body) = await service.Post($"/cds-services/{Id}", PatientData.Request("patient-view", prefetch.DeepClone().AsObject()));
            alone.Add(((string)body!["cards"]![0]!["summary"]!, (string)body["cards"]![0]!["detail"]!));
        }
        Assert.Equal(["Give", "Hold", "Discontinue"], alone.Select(a => a.Summary.Split(' ')[0]));

        var results = await Task.WhenAll(Enumerable.Range(0, 300).Select(async i =>
        {
            var (status, body) = await service.Post($"/cds-services/{Id}", PatientData.Request("patient-view", prefetches[i % 3].DeepClone().AsObject()));
            return (i % 3, status, Summary: (string?)body?["cards"]?[0]?["summary"], Detail: (string?)body?["cards"]?[0]?["detail"]);
        }));

        Assert.All(results, r =>
        {
            Assert.Equal(200, r.status);
            Assert.Equal(alone[r.Item1].Summary, r.Summary);
            Assert.Equal(alone[r.Item1].Detail, r.Detail);
        });
    }
}
