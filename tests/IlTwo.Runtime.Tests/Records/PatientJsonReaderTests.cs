using System.Text;
using IlTwo.Runtime.Evaluation;
using IlTwo.Runtime.Records;
using IlTwo.Runtime.Tests.Engine;
using static IlTwo.Runtime.Tests.Engine.Patient;

namespace IlTwo.Runtime.Tests.Records;

public sealed class PatientJsonReaderTests
{
    internal const string Example = """
        { "patient": { "id": "p1", "weight": { "value": 70, "unit": "kg" } },
          "events": [ { "type": "til-infusion", "at": "2026-03-02T08:00:00Z" } ],
          "doses": [ { "at": "2026-03-02T14:00:00Z", "status": "given" } ],
          "observations": [ { "code": "8480-6", "value": 84, "unit": "mm[Hg]", "at": "2026-03-03T05:00:00Z" },
                            { "code": "confusion", "value": true, "at": "2026-03-03T05:00:00Z" } ] }
        """;

    /// <summary>A valid document with one part replaced, so each bad-input case states only what is wrong.</summary>
    internal static string Doc(
        string patient = """{ "id": "p1" }""",
        string events = "[]",
        string doses = "[]",
        string observations = "[]") =>
        $$"""{ "patient": {{patient}}, "events": {{events}}, "doses": {{doses}}, "observations": {{observations}} }""";

    private static string Obs(string body) => Doc(observations: $"[ {{ {body} }} ]");

    private static string Dose(string body) => Doc(doses: $"[ {{ {body} }} ]");

    private static string Event(string body) => Doc(events: $"[ {{ {body} }} ]");

    private const string At = "\"at\": \"2026-03-03T05:00:00Z\"";

    [Fact]
    public void An_in_progress_dose_may_be_running_and_keeps_its_status_and_path()
    {
        var result = PatientJsonReader.Read(Doc(doses: """[ { "at": "2026-03-02T14:00:00Z", "status": "given" }, { "at": "2026-03-02T22:00:00Z", "status": "in-progress" } ]"""));
        Assert.True(result.Succeeded, string.Join("\n", result.Issues));
        var dose = result.Record!.Doses[1];
        Assert.Equal(DoseStatus.MayBeRunning, dose.Status);
        Assert.Equal("in-progress", dose.SourceStatus);
        Assert.Equal("$.doses[1]", dose.Source);
        var again = PatientJsonReader.Read(PatientJsonWriter.Write(result.Record));
        Assert.Equal(result.Record, again.Record);
    }

    [Fact]
    public void Example_reads()
    {
        var result = PatientJsonReader.Read(Example);

        Assert.True(result.Succeeded, string.Join("\n", result.Issues));
        Assert.Empty(result.Issues);
        var record = result.Record!;
        Assert.Equal("p1", record.PatientId);
        Assert.Equal(new MeasuredValue(70, "kg"), record.Weight);
        Assert.Equal(new[] { new RecordedEvent("til-infusion", DateTimeOffset.Parse("2026-03-02T08:00:00Z")) }, record.Events);
        Assert.Equal(new[] { new RecordedDose(DateTimeOffset.Parse("2026-03-02T14:00:00Z"), DoseStatus.Given) }, record.Doses);
        Assert.Equal(2, record.Observations.Length);
        var bp = record.Observations[0];
        Assert.Equal(("8480-6", 84.0, "mm[Hg]", false), (bp.Code, bp.Value, bp.Unit, bp.IsFlag));
        var confusion = record.Observations[1];
        Assert.Equal(("confusion", true, (string?)null, true, (double?)null), (confusion.Code, confusion.Flag, confusion.Unit, confusion.IsFlag, confusion.Value));
    }

    public static TheoryData<string, string, string, string> BadInputs() => new()
    {
        // name, json, expected path, expected message fragment
        { "root not an object", "[]", "$", "JSON object" },
        { "root is a string", "\"hello\"", "$", "JSON object" },
        { "observation not an object", Doc(observations: "[ \"84\" ]"), "$.observations[0]", "JSON object" },
        { "observations not an array", Doc(observations: "{}"), "$.observations", "array" },
        { "observations missing", """{ "events": [], "doses": [] }""", "$.observations", "required" },
        { "observations null", Doc(observations: "null"), "$.observations", "must not be null" },
        { "patient not an object", Doc(patient: "\"p1\""), "$.patient", "JSON object" },
        { "patient id a number", Doc(patient: """{ "id": 12 }"""), "$.patient.id", "string" },
        { "patient id empty", Doc(patient: """{ "id": "" }"""), "$.patient.id", "empty" },
        { "missing at", Obs("\"code\": \"8480-6\", \"value\": 84, \"unit\": \"mm[Hg]\""), "$.observations[0].at", "required" },
        { "at is a number", Obs("\"code\": \"x\", \"value\": true, \"at\": 1767225600"), "$.observations[0].at", "timestamp string" },
        { "bad timestamp", Event("\"type\": \"til-infusion\", \"at\": \"yesterday\""), "$.events[0].at", "not an ISO 8601 timestamp" },
        { "month 13", Event("\"type\": \"til-infusion\", \"at\": \"2026-13-02T08:00:00Z\""), "$.events[0].at", "month 13" },
        { "30 February", Event("\"type\": \"til-infusion\", \"at\": \"2026-02-30T08:00:00Z\""), "$.events[0].at", "day 30" },
        { "hour 24", Event("\"type\": \"til-infusion\", \"at\": \"2026-03-02T24:00:00Z\""), "$.events[0].at", "hour 24" },
        { "offset beyond 14h", Event("\"type\": \"til-infusion\", \"at\": \"2026-03-02T08:00:00+15:00\""), "$.events[0].at", "offset" },
        { "no offset", Dose("\"at\": \"2026-03-02T14:00:00\", \"status\": \"given\""), "$.doses[0].at", "no UTC offset" },
        { "no offset, no seconds", Dose("\"at\": \"2026-03-02T14:00\", \"status\": \"given\""), "$.doses[0].at", "no UTC offset" },
        { "date only", Dose("\"at\": \"2026-03-02\", \"status\": \"given\""), "$.doses[0].at", "date-only" },
        { "string value", Obs($"\"code\": \"8480-6\", \"value\": \"84\", \"unit\": \"mm[Hg]\", {At}"), "$.observations[0].value", "without quotes" },
        { "string boolean", Obs($"\"code\": \"confusion\", \"value\": \"true\", {At}"), "$.observations[0].value", "number or true/false" },
        { "null value", Obs($"\"code\": \"8480-6\", \"value\": null, \"unit\": \"mm[Hg]\", {At}"), "$.observations[0].value", "must not be null" },
        { "missing value", Obs($"\"code\": \"8480-6\", \"unit\": \"mm[Hg]\", {At}"), "$.observations[0].value", "required" },
        { "value is an object", Obs($"\"code\": \"8480-6\", \"value\": {{}}, \"unit\": \"mm[Hg]\", {At}"), "$.observations[0].value", "an object" },
        { "number out of range", Obs($"\"code\": \"8480-6\", \"value\": 1e400, \"unit\": \"mm[Hg]\", {At}"), "$.observations[0].value", "out of range" },
        { "boolean with unit", Obs($"\"code\": \"confusion\", \"value\": true, \"unit\": \"1\", {At}"), "$.observations[0].unit", "must not have a unit" },
        { "number without unit", Obs($"\"code\": \"8480-6\", \"value\": 84, {At}"), "$.observations[0].unit", "needs a \"unit\"" },
        { "number with null unit", Obs($"\"code\": \"8480-6\", \"value\": 84, \"unit\": null, {At}"), "$.observations[0].unit", "needs a \"unit\"" },
        { "empty unit", Obs($"\"code\": \"8480-6\", \"value\": 84, \"unit\": \"\", {At}"), "$.observations[0].unit", "empty" },
        { "unit with spaces around", Obs($"\"code\": \"8480-6\", \"value\": 84, \"unit\": \"mm[Hg] \", {At}"), "$.observations[0].unit", "whitespace" },
        { "code missing", Obs($"\"value\": 84, \"unit\": \"mm[Hg]\", {At}"), "$.observations[0].code", "required" },
        { "code with spaces around", Obs($"\"code\": \" 8480-6\", \"value\": 84, \"unit\": \"mm[Hg]\", {At}"), "$.observations[0].code", "whitespace" },
        { "unknown status", Dose("\"at\": \"2026-03-02T14:00:00Z\", \"status\": \"skipped\""), "$.doses[0].status", "unknown dose status" },
        { "status wrong case", Dose("\"at\": \"2026-03-02T14:00:00Z\", \"status\": \"Given\""), "$.doses[0].status", "lower case" },
        { "status missing", Dose("\"at\": \"2026-03-02T14:00:00Z\""), "$.doses[0].status", "required" },
        { "zero amount", Dose("\"at\": \"2026-03-02T14:00:00Z\", \"status\": \"given\", \"amount\": { \"value\": 0, \"unit\": \"[iU]\" }"), "$.doses[0].amount.value", "greater than 0" },
        { "note not a string", Dose("\"at\": \"2026-03-02T14:00:00Z\", \"status\": \"held\", \"note\": 3"), "$.doses[0].note", "string" },
        { "event type missing", Event("\"at\": \"2026-03-02T08:00:00Z\""), "$.events[0].type", "required" },
        { "negative weight", Doc(patient: """{ "weight": { "value": -70, "unit": "kg" } }"""), "$.patient.weight.value", "greater than 0" },
        { "weight without unit", Doc(patient: """{ "weight": { "value": 70 } }"""), "$.patient.weight.unit", "required" },
        { "weight as a bare number", Doc(patient: """{ "weight": 70 }"""), "$.patient.weight", "JSON object" },
        { "weight value as string", Doc(patient: """{ "weight": { "value": "70", "unit": "kg" } }"""), "$.patient.weight.value", "without quotes" },
        { "duplicate property", Obs($"\"code\": \"8480-6\", \"value\": 84, \"value\": 200, \"unit\": \"mm[Hg]\", {At}"), "$.observations[0].value", "more than once" },
        { "lone surrogate escape", Doc(patient: """{ "id": "\uD800" }"""), "$.patient.id", "surrogate" },
        { "lone surrogate escape in a name", Doc(patient: """{ "\uDC00": 1 }"""), "$.patient", "surrogate" },
        { "truncated JSON", Example[..(Example.Length / 2)], "", "malformed JSON at line" },
        { "trailing comma", """{ "events": [], "doses": [], "observations": [], }""", "", "malformed JSON" },
        { "comment", "{ \"events\": [], // none\n \"doses\": [], \"observations\": [] }", "", "malformed JSON at line 1" },
        { "empty string", "", "", "empty" },
        { "whitespace only", "  \n\t ", "", "empty" },
        { "two documents", "{} {}", "", "malformed JSON" },
        { "deeply nested arrays", new string('[', 10_000) + new string(']', 10_000), "", "depth" },
        { "deeply nested in a field", Doc(patient: new string('[', 10_000) + new string(']', 10_000)), "", "depth" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Bad_input_gives_an_error_at_the_right_path(string name, string json, string path, string fragment)
    {
        var result = PatientJsonReader.Read(json);

        Assert.False(result.Succeeded, name);
        Assert.Null(result.Record);
        Assert.Contains(result.Issues, i => i.IsError && i.Path == path && i.Message.Contains(fragment, StringComparison.Ordinal));
    }

    [Fact]
    public void All_errors_are_collected()
    {
        var json = Doc(
            patient: """{ "weight": { "value": -1, "unit": "kg" } }""",
            doses: """[ { "at": "2026-03-02T14:00:00", "status": "given" }, { "at": "2026-03-02T22:00:00Z", "status": "maybe" } ]""",
            observations: """[ { "code": "8480-6", "value": "84", "unit": "mm[Hg]", "at": "2026-03-03T05:00:00Z" } ]""");

        var result = PatientJsonReader.Read(json);

        Assert.Null(result.Record);
        Assert.Equal(
            ["$.patient.weight.value", "$.doses[0].at", "$.doses[1].status", "$.observations[0].value"],
            result.Errors.Select(e => e.Path));
    }

    [Fact]
    public void Unknown_properties_of_the_document_and_the_patient_are_warnings_only()
    {
        var json = """
            { "source": "epic", "events": [], "doses": [],
              "observations": [ { "code": "8480-6", "value": 84, "unit": "mm[Hg]", "at": "2026-03-03T05:00:00Z" } ],
              "patient": { "id": "p1", "name": "x", "odd key's": 1 } }
            """;

        var result = PatientJsonReader.Read(json);

        Assert.True(result.Succeeded, string.Join("\n", result.Issues));
        Assert.NotNull(result.Record);
        Assert.All(result.Issues, i => Assert.False(i.IsError || i.Holds, i.ToString()));
        Assert.Equal(
            ["$.patient.name", @"$.patient['odd key\'s']", "$.source"],
            result.Issues.Select(i => i.Path).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("observations", """{ "code": "8480-6", "value": 84, "unit": "mm[Hg]", "at": "2026-03-03T05:00:00Z", "patient": "someone-else" }""", "$.observations[0].patient")]
    [InlineData("observations", """{ "code": "8480-6", "value": 84, "unit": "mm[Hg]", "at": "2026-03-03T05:00:00Z", "status": "entered-in-error" }""", "$.observations[0].status")]
    [InlineData("doses", """{ "at": "2026-03-02T14:00:00Z", "status": "given", "subject": "Patient/p2" }""", "$.doses[0].subject")]
    [InlineData("events", """{ "type": "til-infusion", "at": "2026-03-02T08:00:00Z", "cancelled": true }""", "$.events[0].cancelled")]
    public void An_unknown_property_on_an_entry_is_read_and_holds(string array, string entry, string path)
    {
        var arrays = new Dictionary<string, string> { ["events"] = "[]", ["doses"] = "[]", ["observations"] = "[]" };
        arrays[array] = $"[{entry}]";
        var json = $$"""{ "events": {{arrays["events"]}}, "doses": {{arrays["doses"]}}, "observations": {{arrays["observations"]}} }""";

        var result = PatientJsonReader.Read(json);

        // The entry is still read (it may be this patient's), but the reader cannot vouch for it.
        Assert.True(result.Succeeded, string.Join("\n", result.Issues));
        var issue = Assert.Single(result.Issues);
        Assert.Equal(path, issue.Path);
        Assert.False(issue.IsError);
        Assert.True(issue.Holds);
        Assert.Equal(RecordIssueKinds.UnknownProperty, issue.Kind);
    }

    [Theory]
    [InlineData("""{ "weight": { "value": 70, "unit": "kg", "estimated": true } }""", """{ "at": "2026-03-02T14:00:00Z", "status": "given" }""", "$.patient.weight.estimated")]
    [InlineData("""{ "id": "p1" }""", """{ "at": "2026-03-02T14:00:00Z", "status": "given", "amount": { "value": 600000, "unit": "[iU]/kg", "subject": "Patient/p2" } }""", "$.doses[0].amount.subject")]
    public void An_unknown_property_on_a_quantity_is_read_and_holds(string patient, string dose, string path)
    {
        // The weight sets a per-kg value, the amount a dose: what an unknown property says about them is not known.
        var json = $$"""{ "patient": {{patient}}, "events": [], "doses": [{{dose}}], "observations": [] }""";

        var result = PatientJsonReader.Read(json);

        Assert.True(result.Succeeded, string.Join("\n", result.Issues));
        var issue = Assert.Single(result.Issues);
        Assert.Equal(path, issue.Path);
        Assert.True(issue.Holds);
        Assert.Equal(RecordIssueKinds.UnknownProperty, issue.Kind);
    }

    [Fact]
    public void A_reading_marked_as_another_patients_holds_a_dose_the_record_would_give()
    {
        var record = new Patient().Build();
        var json = PatientJsonWriter.Write(record);
        var giving = PatientJsonReader.Read(json);
        Assert.Equal(DoseAction.Give, ProtocolEvaluator.Evaluate(TestProtocol.Instance, giving.Record!, CheckAt, null, giving.Issues).Action);

        // The same record with one blood pressure marked as someone else's (a property the format does not define).
        var marked = json.Replace("\"code\": \"8480-6\",", "\"code\": \"8480-6\", \"patient\": \"someone-else\",", StringComparison.Ordinal);
        Assert.NotEqual(json, marked);
        var read = PatientJsonReader.Read(marked);
        var decision = ProtocolEvaluator.Evaluate(TestProtocol.Instance, read.Record!, CheckAt, null, read.Issues);

        Assert.Equal(DoseAction.Hold, decision.Action);
        var finding = Assert.Single(decision.Schedule, f => f.Code == ScheduleCodes.UnclearRecord);
        Assert.StartsWith("$.observations[", finding.Message, StringComparison.Ordinal);
        Assert.Contains(".patient: unknown property \"patient\"", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_typo_in_an_array_name_is_an_error_with_a_suggestion()
    {
        // "observation" for "observations": without the required-array rule the readings would vanish silently.
        var json = """{ "events": [], "doses": [], "observation": [] }""";

        var result = PatientJsonReader.Read(json);

        Assert.Null(result.Record);
        Assert.Contains(result.Issues, i => !i.IsError && i.Path == "$.observation" && i.Message.Contains("did you mean \"observations\"", StringComparison.Ordinal));
        Assert.Contains(result.Issues, i => i.IsError && i.Path == "$.observations");
    }

    [Fact]
    public void Minimal_document_reads_and_optional_nulls_are_absent()
    {
        var result = PatientJsonReader.Read("""{ "patient": { "id": null, "weight": null }, "events": [], "doses": [], "observations": [] }""");

        Assert.True(result.Succeeded);
        Assert.Equal(PatientRecord.Empty, result.Record);
    }

    [Fact]
    public void Items_are_sorted_by_instant_and_ties_keep_document_order()
    {
        var json = Doc(
            doses: """
                [ { "at": "2026-03-03T02:00:00Z", "status": "given" },
                  { "at": "2026-03-02T22:00:00-04:00", "status": "held", "note": "same instant as the first" },
                  { "at": "2026-03-02T14:00:00Z", "status": "not-given" } ]
                """,
            observations: """
                [ { "code": "b", "value": true, "at": "2026-03-03T05:00:00Z" },
                  { "code": "a", "value": 1, "unit": "1", "at": "2026-03-03T04:00:00Z" },
                  { "code": "c", "value": false, "at": "2026-03-03T05:00:00Z" },
                  { "code": "c", "value": false, "at": "2026-03-03T05:00:00Z" } ]
                """);

        var record = PatientJsonReader.Read(json).Record!;

        Assert.Equal([DoseStatus.NotGiven, DoseStatus.Given, DoseStatus.Held], record.Doses.Select(d => d.Status));
        Assert.Equal(TimeSpan.FromHours(-4), record.Doses[2].At.Offset);
        Assert.Equal(["a", "b", "c", "c"], record.Observations.Select(o => o.Code)); // duplicates kept
    }

    [Theory]
    [InlineData("2026-03-02T08:00:00Z", "2026-03-02T08:00:00.0000000+00:00")]
    [InlineData("2026-03-02T09:30:00+01:30", "2026-03-02T09:30:00.0000000+01:30")]
    [InlineData("2026-03-02T08:00:00-00:00", "2026-03-02T08:00:00.0000000+00:00")]
    [InlineData("2026-03-02T08:00:00.5Z", "2026-03-02T08:00:00.5000000+00:00")]
    [InlineData("2026-03-02T08:00:00.123456789Z", "2026-03-02T08:00:00.1234567+00:00")]
    [InlineData("2028-02-29T23:59:59+14:00", "2028-02-29T23:59:59.0000000+14:00")]
    public void Timestamps_keep_their_offset(string text, string expectedRoundTrip)
    {
        var json = Event($"\"type\": \"x\", \"at\": \"{text}\"");

        var record = PatientJsonReader.Read(json).Record!;

        Assert.Equal(expectedRoundTrip, record.Events[0].At.ToString("o"));
    }

    [Fact]
    public void Stream_and_file_read_like_a_string_and_tolerate_a_bom()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(Example)).ToArray();
        var path = Path.Combine(Path.GetTempPath(), $"iltwo-record-{Guid.NewGuid():N}.json");
        File.WriteAllBytes(path, bytes);
        try
        {
            var expected = PatientJsonReader.Read(Example).Record;
            using var stream = new MemoryStream(bytes);
            Assert.Equal(expected, PatientJsonReader.Read(stream).Record);
            Assert.Equal(expected, PatientJsonReader.ReadFile(path).Record);
            Assert.Equal(expected, PatientJsonReader.Read("\uFEFF" + Example).Record);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Invalid_utf8_is_an_error_not_an_exception()
    {
        var bytes = Encoding.UTF8.GetBytes(Doc(patient: """{ "id": "pX" }"""));
        bytes[Array.IndexOf(bytes, (byte)'X')] = 0xFF;

        var result = PatientJsonReader.Read(new MemoryStream(bytes));

        var issue = Assert.Single(result.Issues);
        Assert.True(issue.IsError);
        Assert.Contains("not valid UTF-8", issue.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unpaired_surrogate_in_a_string_argument_is_an_error()
    {
        var result = PatientJsonReader.Read(Doc(patient: "{ \"id\": \"p\uD800\" }"));

        Assert.Null(result.Record);
        Assert.Contains("surrogate", Assert.Single(result.Issues).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_file_is_an_issue_naming_the_file()
    {
        var path = Path.Combine(Path.GetTempPath(), $"iltwo-missing-{Guid.NewGuid():N}.json");

        var result = PatientJsonReader.ReadFile(path);

        var issue = Assert.Single(result.Issues);
        Assert.True(issue.IsError);
        Assert.Equal("", issue.Path);
        Assert.Contains(Path.GetFileName(path), issue.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Directory_instead_of_file_is_an_issue()
    {
        var result = PatientJsonReader.ReadFile(Path.GetTempPath());

        Assert.Equal("", Assert.Single(result.Issues).Path);
        Assert.Null(result.Record);
    }

    [Fact]
    public void Unreadable_stream_is_an_issue()
    {
        var stream = new MemoryStream(Encoding.UTF8.GetBytes(Example));
        stream.Dispose();

        var result = PatientJsonReader.Read(stream);

        Assert.Contains("could not read", Assert.Single(result.Issues).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Five_megabyte_document_reads()
    {
        var observations = new StringBuilder("[");
        int count = 0;
        while (observations.Length < 5 * 1024 * 1024)
        {
            if (count > 0)
            {
                observations.Append(',');
            }

            var at = new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero).AddMinutes(count);
            observations.Append($$"""{ "code": "8480-6", "value": {{60 + count % 80}}, "unit": "mm[Hg]", "at": "{{at:yyyy-MM-dd'T'HH:mm:ss'Z'}}" }""");
            count++;
        }

        var json = Doc(observations: observations.Append(']').ToString());
        Assert.True(Encoding.UTF8.GetByteCount(json) >= 5 * 1024 * 1024);

        var result = PatientJsonReader.Read(json);

        Assert.True(result.Succeeded, string.Join("\n", result.Issues.Take(5)));
        Assert.Equal(count, result.Record!.Observations.Length);
    }

    [Fact]
    public void Malformed_json_reports_a_one_based_position()
    {
        var result = PatientJsonReader.Read("{\n  \"events\": [,]\n}");

        var issue = Assert.Single(result.Issues);
        Assert.StartsWith("malformed JSON at line 2, byte 14", issue.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber", issue.Message, StringComparison.Ordinal);
    }
}

public sealed class TimestampLeniencyTests
{
    [Theory]
    [InlineData("2026-03-02T14:00Z", "2026-03-02T14:00:00+00:00")]
    [InlineData("2026-03-02T15:00+01:00", "2026-03-02T14:00:00+00:00")]
    public void A_time_without_seconds_but_with_an_offset_reads(string text, string expected)
    {
        var json = $$"""{ "patient": {}, "events": [], "doses": [ { "at": "{{text}}", "status": "given" } ], "observations": [] }""";

        var result = PatientJsonReader.Read(json);

        Assert.True(result.Succeeded, string.Join("; ", result.Issues));
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), result.Record!.Doses[0].At);
    }
}
