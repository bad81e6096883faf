using System.Net;
using System.Text;

namespace IlTwo.Service.Tests;

public sealed class CdsHooksTests
{
    private const string Id = "post-til-il2";

    [Fact]
    public async Task Discovery_lists_the_signed_protocol_with_prefetch_templates_from_its_observations()
    {
        await using var service = RunningService.Start();
        var services = (await service.Discovery())["services"]!.AsArray();
        var entry = Assert.Single(services)!;
        Assert.Equal(Id, (string?)entry["id"]);
        Assert.Equal("order-select", (string?)entry["hook"]);
        Assert.Equal(Signed.Info.Title, (string?)entry["title"]);
        var prefetch = entry["prefetch"]!.AsObject();
        Assert.Equal("Patient/{{context.patientId}}", (string?)prefetch["patient"]);
        var observations = (string)prefetch["observations"]!;
        Assert.StartsWith("Observation?patient={{context.patientId}}&code=", observations, StringComparison.Ordinal);
        Assert.Contains("http://loinc.org|8480-6", observations, StringComparison.Ordinal); // systolic BP
        Assert.Contains("http://loinc.org|14682-9", observations, StringComparison.Ordinal); // creatinine in umol/L
        Assert.Contains(",cardiac-tamponade,", observations, StringComparison.Ordinal); // a yes/no finding, by its name
        // The course: at most 6 doses given 8 h to 12 h apart, the first up to 24 h after the TIL infusion: 96 h, 4 days and one.
        Assert.EndsWith("&date=ge{{today() - 5 days}}", observations, StringComparison.Ordinal);
        Assert.Equal("MedicationAdministration?patient={{context.patientId}}", (string?)prefetch["medicationAdministrations"]);
        Assert.Equal("Procedure?patient={{context.patientId}}", (string?)prefetch["procedures"]);
    }

    [Fact]
    public async Task Patient_view_with_prefetch_holds_with_a_warning_card_and_logs_the_hook_instance()
    {
        await using var service = RunningService.Start();
        var record = PatientData.Example("post-til-patient.json");
        var request = PatientData.Request("patient-view", PatientData.Prefetch(record), hookInstance: "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea");
        var (status, body) = await service.Post($"/cds-services/{Id}", request);

        Assert.Equal(200, status);
        var card = Assert.Single(body!["cards"]!.AsArray())!;
        var summary = (string)card["summary"]!;
        Assert.StartsWith("Hold dose 5: ", summary, StringComparison.Ordinal);
        Assert.Contains("84", summary, StringComparison.Ordinal);
        Assert.True(summary.Length < 140, summary);
        Assert.Equal("warning", (string?)card["indicator"]);
        var detail = (string)card["detail"]!;
        Assert.Contains("### Reasons", detail, StringComparison.Ordinal);
        Assert.Contains("84 mm\\[Hg\\]", detail, StringComparison.Ordinal); // Markdown for "84 mm[Hg]"
        Assert.Contains("cites ", detail, StringComparison.Ordinal);
        Assert.Contains($"post-til-il2 1.0.0 ({Signed.Info.SourceHash[..12]})", (string)card["source"]!["label"]!, StringComparison.Ordinal);
        Assert.EndsWith($"/cds-services/{Id}/review", (string)card["source"]!["url"]!, StringComparison.Ordinal);

        var line = Assert.Single(service.DecisionLog());
        Assert.Equal("d1577c69-dfbe-44ad-ba6d-3e05e953b2ea", (string?)line["hookInstance"]);
        Assert.Equal((string?)card["uuid"], (string?)line["decisionId"]);
        Assert.Equal("hold", (string?)line["action"]);
        Assert.Equal("patient-view", (string?)line["hook"]);

        // The source link serves the protocol the decision came from.
        var review = await service.Client.GetStringAsync((string)card["source"]!["url"]!);
        Assert.Contains("protocol post-til-il2", review, StringComparison.Ordinal);
        Assert.Contains("approved by A. Pharmacist", review, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("order-select")]
    [InlineData("order-sign")]
    public async Task Order_hooks_with_the_drug_in_draft_orders_decide_and_give_with_an_info_card(string hook)
    {
        await using var service = RunningService.Start();
        var record = PatientData.Example("post-til-stable.json");
        var request = PatientData.Request(hook, PatientData.Prefetch(record), draftOrders: PatientData.DraftOrder("Proleukin (aldesleukin) 600,000 IU/kg IV"));
        var (status, body) = await service.Post($"/cds-services/{Id}", request);

        Assert.Equal(200, status);
        var card = Assert.Single(body!["cards"]!.AsArray())!;
        Assert.Equal("info", (string?)card["indicator"]);
        Assert.StartsWith("Give dose 5", (string)card["summary"]!, StringComparison.Ordinal);
        Assert.Equal(hook, (string?)Assert.Single(service.DecisionLog())["hook"]);
    }

    [Theory]
    [InlineData("Interleukin-2 600,000 IU/kg IV")]
    [InlineData("aldesleukine 600 000 UI/kg")]
    [InlineData("IL-2 high dose")]
    public async Task An_order_that_only_looks_like_the_drug_holds_instead_of_answering_no_cards(string text)
    {
        await using var service = RunningService.Start();
        var request = PatientData.Request("order-sign", PatientData.Prefetch(PatientData.Example("post-til-stable.json")), draftOrders: PatientData.DraftOrder(text));
        var (status, body) = await service.Post($"/cds-services/{Id}", request);
        Assert.Equal(200, status);
        var card = Assert.Single(body!["cards"]!.AsArray())!;
        Assert.Equal("warning", (string?)card["indicator"]);
        Assert.StartsWith($"Hold: the draft order '{text}' looks like aldesleukin", (string)card["summary"]!, StringComparison.Ordinal);
        Assert.Equal("hold", (string?)Assert.Single(service.DecisionLog())["action"]);
    }

    [Fact]
    public async Task Order_hooks_without_the_drug_answer_no_cards_and_decide_nothing()
    {
        await using var service = RunningService.Start();
        var record = PatientData.Example("post-til-patient.json");
        var request = PatientData.Request("order-sign", PatientData.Prefetch(record), draftOrders: PatientData.DraftOrder("Ondansetron 8 mg IV"));
        var (status, body) = await service.Post($"/cds-services/{Id}", request);
        Assert.Equal(200, status);
        Assert.Empty(body!["cards"]!.AsArray());
        Assert.Empty(service.DecisionLog());
    }

    [Theory]
    [InlineData("observations")]
    [InlineData("medicationAdministrations")]
    public async Task Missing_prefetch_without_a_fhir_server_holds_with_the_reason(string key)
    {
        await using var service = RunningService.Start();
        var prefetch = PatientData.Prefetch(PatientData.Example("post-til-stable.json")); // a patient who would be given the dose
        prefetch.Remove(key);
        var (status, body) = await service.Post($"/cds-services/{Id}", PatientData.Request("patient-view", prefetch));

        Assert.Equal(200, status);
        var card = Assert.Single(body!["cards"]!.AsArray())!;
        Assert.Equal("warning", (string?)card["indicator"]);
        Assert.Equal($"Hold: prefetch '{key}' is missing and the request has no fhirServer to query", (string?)card["summary"]);
        var line = Assert.Single(service.DecisionLog());
        Assert.Equal("hold", (string?)line["action"]);
    }

    [Fact]
    public async Task A_null_prefetch_value_counts_as_missing()
    {
        await using var service = RunningService.Start();
        var prefetch = PatientData.Prefetch(PatientData.Example("post-til-stable.json"));
        prefetch["procedures"] = null;
        var (_, body) = await service.Post($"/cds-services/{Id}", PatientData.Request("patient-view", prefetch));
        Assert.Contains("'procedures' is missing", (string)body!["cards"]![0]!["summary"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Malformed_json_is_a_400_with_its_location()
    {
        await using var service = RunningService.Start();
        var (status, body) = await service.Send($"/cds-services/{Id}", new StringContent("{\n  \"hook\": \"patient-view\",\n  \"hookInstance\": x\n}", Encoding.UTF8, "application/json"));
        Assert.Equal(400, status);
        Assert.StartsWith("malformed JSON at line 3, byte ", (string)body!["error"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_member_name_repeated_in_the_prefetch_is_a_400_with_its_location_and_no_decision()
    {
        // Which of two values counts is a guess (a parser may keep either): the request is refused, not decided.
        await using var service = RunningService.Start();
        var text = PatientData.Request("patient-view", PatientData.Prefetch(PatientData.Example("post-til-patient.json"))).ToJsonString();
        var at = text.IndexOf("\"status\":\"final\"", StringComparison.Ordinal);
        Assert.True(at > 0);
        text = text[..at] + "\"status\":\"entered-in-error\"," + text[at..];
        var (status, body) = await service.Send($"/cds-services/{Id}", new StringContent(text, Encoding.UTF8, "application/json"));
        Assert.Equal(400, status);
        var error = (string)body!["error"]!;
        // Located at the second 'status' (the request is one line; bytes count from 1).
        Assert.Equal($"malformed JSON at line 1, byte {at + 1 + "\"status\":\"entered-in-error\",".Length}: the member 'status' is repeated in one object (which value counts would be a guess)", error);
        Assert.Empty(service.DecisionLog());
    }

    [Theory]
    [InlineData("text/plain", "")]
    [InlineData("application/x-www-form-urlencoded", "")]
    [InlineData("application/json; charset=utf-16", "")]
    [InlineData(null, "")]
    [InlineData("text/plain", "/feedback")]
    public async Task A_body_not_declared_as_JSON_is_a_415(string? contentType, string path)
    {
        await using var service = RunningService.Start();
        var json = path.Length == 0
            ? PatientData.Request("patient-view", PatientData.Prefetch(PatientData.Example("post-til-stable.json"))).ToJsonString()
            : """{"feedback":[]}""";
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(json));
        if (contentType is not null)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        var (status, body) = await service.Send($"/cds-services/{Id}{path}", content);

        Assert.Equal(415, status);
        Assert.StartsWith("the body must be Content-Type application/json (UTF-8), not ", (string)body!["error"]!, StringComparison.Ordinal);
        Assert.Empty(service.DecisionLog());
    }

    [Theory]
    [InlineData("patientId", "malformed JSON at line 1, byte ")]
    [InlineData("hook", "malformed JSON at line 1, byte ")]
    [InlineData("hookInstance", "malformed JSON at line 1, byte ")]
    public async Task A_lone_surrogate_in_a_request_string_is_a_400_not_a_500(string member, string expected)
    {
        await using var service = RunningService.Start();
        var text = PatientData.Request("patient-view", PatientData.Prefetch(PatientData.Example("post-til-stable.json"))).ToJsonString();
        var at = text.IndexOf($"\"{member}\":\"", StringComparison.Ordinal) + member.Length + 4;
        text = text[..at] + "\\ud800" + text[at..];
        var (status, body) = await service.Send($"/cds-services/{Id}", new StringContent(text, Encoding.UTF8, "application/json"));
        Assert.Equal(400, status);
        Assert.StartsWith(expected, (string)body!["error"]!, StringComparison.Ordinal);
        Assert.EndsWith("a string's \\u escapes are not Unicode (a lone surrogate)", (string)body["error"]!, StringComparison.Ordinal);
        Assert.Empty(service.DecisionLog());
    }

    [Fact]
    public async Task A_body_that_is_not_UTF8_is_a_400_even_where_the_service_does_not_read()
    {
        await using var service = RunningService.Start();
        var bytes = Encoding.UTF8.GetBytes(PatientData.Request("patient-view", PatientData.Prefetch(PatientData.Example("post-til-stable.json"))).ToJsonString());
        var at = Array.IndexOf(bytes, (byte)'/'); // in "Practitioner/1"
        bytes[at] = 0xff;
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new("application/json");
        var (status, body) = await service.Send($"/cds-services/{Id}", content);
        Assert.Equal(400, status);
        Assert.Equal($"the body is not UTF-8 (invalid byte sequence at line 1, byte {at + 1})", (string?)body!["error"]);
        Assert.Empty(service.DecisionLog());
    }

    [Theory]
    [InlineData("""{"feedback":[],"feedback":[]}""", "malformed JSON at line 1, byte 16: the member 'feedback' is repeated")]
    [InlineData("""{"feedback":[{"card":1,"outcome":"accepted"}]}""", "feedback[0]: each feedback item needs")]
    [InlineData("""{"feedback":[{"card":"\ud800","outcome":"accepted"}]}""", "malformed JSON at line 1, byte 22: a string's")]
    [InlineData("""{"feedback":[{"card":"c","outcome":"accepted"},{"card":"d","outcome":"ignored"}]}""", "feedback[1].outcome: 'ignored' is not")]
    public async Task Malformed_feedback_is_a_400_and_logs_nothing(string json, string expected)
    {
        await using var service = RunningService.Start();
        var (status, body) = await service.Send($"/cds-services/{Id}/feedback", new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.Equal(400, status);
        Assert.StartsWith(expected, (string)body!["error"]!, StringComparison.Ordinal);
        Assert.Empty(service.DecisionLog());
    }

    [Theory]
    [InlineData("""{"hookInstance":"1","context":{}}""", "$.hook")]
    [InlineData("""{"hook":"patient-view","hookInstance":"x","context":{"patientId":"p"}}""", "$.hookInstance")]
    [InlineData("""{"hook":"patient-view","hookInstance":"d1577c69-dfbe-44ad-ba6d-3e05e953b2ea","context":{}}""", "$.context.patientId")]
    [InlineData("""{"hook":"patient-view","hookInstance":"d1577c69-dfbe-44ad-ba6d-3e05e953b2ea","context":{"patientId":"p"},"prefetch":[]}""", "$.prefetch")]
    [InlineData("""{"hook":"patient-view","hookInstance":"d1577c69-dfbe-44ad-ba6d-3e05e953b2ea","context":{"patientId":"p"},"fhirAuthorization":{"patient":"q"}}""", "$.fhirAuthorization.patient")]
    [InlineData("""{"hook":"encounter-start","hookInstance":"1","context":{}}""", "$.hook")]
    [InlineData("""[1]""", "$")]
    [InlineData("""{"hook":"patient-view","hookInstance":"d1577c69-dfbe-44ad-ba6d-3e05e953b2ea","context":{"patientId":"p"},"fhirServer":"https://u:secret@ehr.example.org/fhir"}""", "$.fhirServer")]
    public async Task A_400_names_the_JSON_path_of_what_is_wrong(string json, string path)
    {
        await using var service = RunningService.Start();
        var (status, body) = await service.Send($"/cds-services/{Id}", new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.Equal(400, status);
        Assert.Equal(path, (string?)body!["path"]);
    }

    [Fact]
    public async Task Malformed_JSON_is_located_by_line_and_byte_without_the_parser_s_zero_based_suffix()
    {
        await using var service = RunningService.Start();
        var (status, body) = await service.Send($"/cds-services/{Id}", new StringContent("{\"hook\":" + new string('[', 200), Encoding.UTF8, "application/json"));
        Assert.Equal(400, status);
        Assert.Equal("malformed JSON at line 1, byte 136: The maximum configured depth of 128 has been exceeded. Cannot read next JSON array.", (string?)body!["error"]);
    }

    [Theory]
    [InlineData("""{"hookInstance":"1","context":{}}""", "'hook' is missing")]
    [InlineData("""{"hook":"patient-view","hookInstance":"1"}""", "'context' is missing")]
    [InlineData("""{"hook":"encounter-start","hookInstance":"1","context":{}}""", "hook 'encounter-start' is not served")]
    [InlineData("""[1]""", "the request body must be a JSON object")]
    public async Task A_request_without_its_fields_is_a_400_saying_which(string json, string expected)
    {
        await using var service = RunningService.Start();
        var (status, body) = await service.Send($"/cds-services/{Id}", new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.Equal(400, status);
        Assert.StartsWith(expected, (string)body!["error"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_a_413()
    {
        await using var service = RunningService.Start(configure: o => o with { MaxRequestBodyBytes = 10_000 });
        var request = PatientData.Request("patient-view", PatientData.Prefetch(PatientData.Example("post-til-patient.json")));
        request["padding"] = new string('x', 20_000);
        var (status, body) = await service.Post($"/cds-services/{Id}", request);
        Assert.Equal(413, status);
        Assert.Contains("larger than 10000 bytes", (string)body!["error"]!, StringComparison.Ordinal);

        // Chunked, without a Content-Length: still refused once the limit is crossed.
        var chunked = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(request.ToJsonString())));
        chunked.Headers.ContentType = new("application/json");
        using var message = new HttpRequestMessage(HttpMethod.Post, $"/cds-services/{Id}") { Content = chunked };
        message.Headers.TransferEncodingChunked = true;
        using var response = await service.Client.SendAsync(message);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task An_unknown_service_is_a_404()
    {
        await using var service = RunningService.Start();
        var (status, body) = await service.Post("/cds-services/no-such-protocol", PatientData.Request("patient-view", null));
        Assert.Equal(404, status);
        Assert.Contains("no service 'no-such-protocol'", (string)body!["error"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bundle_the_fhir_reader_refuses_is_a_422_with_its_errors()
    {
        await using var service = RunningService.Start();
        var prefetch = PatientData.Prefetch(PatientData.Example("post-til-patient.json"));
        // A systolic BP in milligrams: the reader refuses the record rather than guess.
        var sbp = prefetch["observations"]!["entry"]!.AsArray()
            .Select(e => e!["resource"]!)
            .First(r => r["code"]!.ToJsonString().Contains("8480-6", StringComparison.Ordinal));
        sbp["valueQuantity"]!["unit"] = "mg";
        sbp["valueQuantity"]!["code"] = "mg";
        var (status, body) = await service.Post($"/cds-services/{Id}", PatientData.Request("patient-view", prefetch));

        Assert.Equal(422, status);
        Assert.Contains("no decision was made", (string)body!["error"]!, StringComparison.Ordinal);
        var error = body["errors"]!.AsArray().First()!;
        Assert.Contains("cannot be converted to mm[Hg]", (string)error["message"]!, StringComparison.Ordinal);
        Assert.Empty(service.DecisionLog());
    }

    [Fact]
    public async Task Prefetch_of_another_patient_than_the_context_is_a_422()
    {
        await using var service = RunningService.Start();
        var prefetch = PatientData.Prefetch(PatientData.Example("post-til-stable.json"));
        var (status, body) = await service.Post($"/cds-services/{Id}", PatientData.Request("patient-view", prefetch, patientId: "someone-else"));
        Assert.Equal(422, status);
        Assert.Contains("is not the context's patientId 'someone-else'", (string)body!["error"]!, StringComparison.Ordinal);
        Assert.Empty(service.DecisionLog());
    }

    [Fact]
    public async Task Health_and_readiness()
    {
        await using var service = RunningService.Start();
        Assert.Equal("ok\n", await service.Client.GetStringAsync("/healthz"));
        Assert.Equal(HttpStatusCode.OK, (await service.Client.GetAsync("/readyz")).StatusCode);

        await using var empty = RunningService.Start(populate: _ => { });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await empty.Client.GetAsync("/readyz")).StatusCode);
    }

    [Fact]
    public async Task An_unsigned_or_tampered_protocol_is_refused_and_logged()
    {
        await using var service = RunningService.Start(populate: folder =>
        {
            // Unsigned: the assembly without its approvals file.
            var unsigned = Path.Combine(folder, "il2.unsigned.dll");
            File.WriteAllBytes(unsigned, Signed.Version1.Assembly);
            // Tampered: the signed approvals beside bytes that were changed after signing.
            var tampered = Signed.Install(Signed.Version1, folder);
            var bytes = File.ReadAllBytes(tampered);
            bytes[^1] ^= 0x5a;
            File.WriteAllBytes(tampered, bytes);
        });

        Assert.Empty((await service.Discovery())["services"]!.AsArray());
        var log = service.Log.ToString();
        Assert.Contains("refused " + Path.Combine(service.Protocols, "il2.unsigned.dll"), log, StringComparison.Ordinal);
        Assert.Contains("refused " + Path.Combine(service.Protocols, Signed.Version1.FileName), log, StringComparison.Ordinal);
        var (status, _) = await service.Post($"/cds-services/{Id}", PatientData.Request("patient-view", null));
        Assert.Equal(404, status);
    }
}

public sealed class DiscontinueAndCardTests
{
    [Fact]
    public async Task A_discontinue_decision_is_a_critical_card()
    {
        await using var service = RunningService.Start();
        var stable = PatientData.Example("post-til-stable.json");
        var record = stable with
        {
            Observations = stable.Observations.Add(IlTwo.Runtime.Records.RecordedObservation.YesNo("cardiac-tamponade", Signed.At.AddHours(-1), true)),
        };
        var (status, body) = await service.Post("/cds-services/post-til-il2", PatientData.Request("patient-view", PatientData.Prefetch(record)));
        Assert.Equal(200, status);
        var card = body!["cards"]![0]!;
        Assert.Equal("critical", (string?)card["indicator"]);
        Assert.StartsWith("Discontinue dose 5: ", (string)card["summary"]!, StringComparison.Ordinal);
        Assert.Contains("`cardiac-tamponade`, discontinue", (string)card["detail"]!, StringComparison.Ordinal);
        Assert.Equal("discontinue", (string?)Assert.Single(service.DecisionLog())["action"]);
    }

    [Fact]
    public void A_long_summary_is_cut_under_140_characters()
    {
        var cut = Cards.Cut(new string('a', 300));
        Assert.Equal(Cards.MaxSummary, cut.Length);
        Assert.EndsWith("…", cut, StringComparison.Ordinal);
        Assert.Equal("short", Cards.Cut("short"));
    }

    [Fact]
    public void Run_without_a_readable_trust_store_or_folder_exits_1_with_the_reason()
    {
        var log = new StringWriter();
        var missing = Path.Combine(Path.GetTempPath(), "il2-no-such-" + Guid.NewGuid());
        Assert.Equal(1, ServiceHost.Run(new ServiceOptions { ProtocolsDirectory = missing, TrustStorePath = missing + ".json" }, log, CancellationToken.None));
        Assert.Contains("il2 serve: ", log.ToString(), StringComparison.Ordinal);

        log = new StringWriter();
        Assert.Equal(1, ServiceHost.Run(new ServiceOptions { ProtocolsDirectory = missing, Trust = Signed.Trust }, log, CancellationToken.None));
        Assert.Contains("does not exist", log.ToString(), StringComparison.Ordinal);
    }
}
