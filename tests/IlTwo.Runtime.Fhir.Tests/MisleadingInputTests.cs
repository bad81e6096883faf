using Hl7.Fhir.Model;
using IlTwo.Runtime.Evaluation;
using IlTwo.Runtime.Records;
using static IlTwo.Runtime.Fhir.Tests.GivingBundle;

namespace IlTwo.Runtime.Fhir.Tests;

/// <summary>
/// Bundles that once gave a dose that should not be given (issue 11): each is refused or counted safely, and the decision
/// says why. Every case starts from a bundle that gives, so the hold is the misleading input's doing.
/// </summary>
public sealed class MisleadingInputTests
{

    private static MedicationAdministration Administration(CourseBundle bundle, string id, DateTimeOffset at, MedicationAdministration.MedicationAdministrationStatusCodes? status, string text = "aldesleukin")
    {
        var m = new MedicationAdministration
        {
            Id = id,
            Status = status,
            Medication = new CodeableConcept { Text = text },
            Subject = bundle.Subject,
            Effective = new Period { Start = CourseBundle.Time(at) },
        };
        bundle.Add(m);
        return m;
    }

    [Fact]
    public void The_baseline_bundle_gives()
    {
        var (read, decision) = Decide(Giving());
        Assert.Empty(read.Issues);
        Assert.Equal(DoseAction.Give, decision!.Action);
        Assert.Equal(3, decision.DoseNumber);
    }

    // ------------------------------------------------------------ an observation status that is not a result status

    /// <summary>An SBP of 84 charted half an hour before the dose under a status that is no result status: never dropped quietly.</summary>
    [Theory]
    [InlineData(null, "(none)")]
    [InlineData(ObservationStatus.Unknown, "unknown")]
    [InlineData(ObservationStatus.Registered, "registered")]
    public void A_value_under_a_missing_or_unknown_status_holds_naming_the_resource(ObservationStatus? status, string literal)
    {
        var bundle = Giving();
        var sbp = bundle.Quantity("sbp-84", At.AddMinutes(-30), CourseBundle.Loinc("8480-6", "Systolic blood pressure"), 84, "mm[Hg]");
        sbp.Status = status;

        var (read, decision) = Decide(bundle);

        var issue = Assert.Single(read.Issues, i => i.Kind == RecordIssueKinds.UnclearStatus);
        Assert.True(issue.Holds);
        Assert.Contains("sbp-84", issue.Path, StringComparison.Ordinal);
        Assert.Contains($"'{literal}'", issue.Message, StringComparison.Ordinal);
        Assert.Equal(DoseAction.Hold, decision!.Action);
        Assert.Contains($"'{literal}'", decision.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void A_registered_observation_without_a_value_is_no_result_and_holds_nothing()
    {
        var bundle = Giving();
        bundle.Add(new Observation { Id = "cr-ordered", Status = ObservationStatus.Registered, Code = CourseBundle.Loinc("2160-0", "Creatinine"), Subject = bundle.Subject, Effective = new FhirDateTime(CourseBundle.Time(At.AddMinutes(-30))) });

        var (read, decision) = Decide(bundle);

        Assert.DoesNotContain(read.Issues, i => i.Holds);
        Assert.Equal(DoseAction.Give, decision!.Action);
    }

    // ------------------------------------------------------------ a dose that may be running

    [Theory]
    [InlineData(MedicationAdministration.MedicationAdministrationStatusCodes.InProgress, "in-progress")]
    [InlineData(MedicationAdministration.MedicationAdministrationStatusCodes.OnHold, "on-hold")]
    [InlineData(MedicationAdministration.MedicationAdministrationStatusCodes.Stopped, "stopped")]
    [InlineData(MedicationAdministration.MedicationAdministrationStatusCodes.Unknown, "unknown")]
    [InlineData(null, "(none)")]
    public void An_administration_that_is_not_over_may_be_running_and_holds_naming_the_resource(MedicationAdministration.MedicationAdministrationStatusCodes? status, string literal)
    {
        var bundle = Giving();
        Administration(bundle, "running", At.AddMinutes(-10), status);
        var (read, decision) = Decide(bundle);
        Assert.True(read.Succeeded, string.Join("\n", read.Issues));
        var dose = Assert.Single(read.Record!.Doses, d => d.Status == DoseStatus.MayBeRunning);
        Assert.Equal(literal, dose.SourceStatus);
        Assert.Contains(read.Warnings, w => w.Kind == RecordIssueKinds.DoseMayBeRunning && w.Path.Contains("MedicationAdministration/running", StringComparison.Ordinal));

        Assert.Equal(DoseAction.Hold, decision!.Action);
        Assert.Null(decision.NextDoseAt);
        var finding = Assert.Single(decision.Schedule, s => s.Code == ScheduleCodes.DoseMayBeRunning);
        Assert.Contains($"status '{literal}'", finding.Message, StringComparison.Ordinal);
        Assert.Contains("MedicationAdministration/running", finding.Message, StringComparison.Ordinal);
        Assert.Contains("may be running", decision.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Completed_not_done_and_entered_in_error_keep_their_meanings()
    {
        var bundle = Giving();
        Administration(bundle, "error", At.AddMinutes(-10), MedicationAdministration.MedicationAdministrationStatusCodes.EnteredInError);
        var (read, decision) = Decide(bundle);
        Assert.Equal([DoseStatus.Given, DoseStatus.Given], read.Record!.Doses.Select(d => d.Status));
        Assert.Equal(["aldesleukin administration with status 'entered-in-error' is ignored"], read.Issues.Select(i => i.Message));
        Assert.Equal(DoseAction.Give, decision!.Action);

        var held = Giving();
        held.Dose(Start.AddHours(16), given: false);
        var (heldRead, heldDecision) = Decide(held, At.AddHours(1));
        Assert.Equal([DoseStatus.Given, DoseStatus.Given, DoseStatus.Held], heldRead.Record!.Doses.Select(d => d.Status));
        Assert.Contains(heldDecision!.Schedule, s => s.Code == ScheduleCodes.TooEarly);
    }

    // ------------------------------------------------------------ a dose after the decision time

    [Fact]
    public void A_dose_given_after_the_decision_time_is_reported_and_holds()
    {
        var bundle = Giving();
        bundle.Dose(At.AddMinutes(20));
        var (read, decision) = Decide(bundle);
        Assert.True(read.Succeeded);
        var warning = Assert.Single(read.Warnings, w => w.Kind == RecordIssueKinds.DoseAfterDecisionTime);
        Assert.Contains("after the decision time", warning.Message, StringComparison.Ordinal);
        Assert.Equal(DoseAction.Hold, decision!.Action);
        var finding = Assert.Single(decision.Schedule, s => s.Code == ScheduleCodes.DoseAfterDecisionTime);
        Assert.Contains("MedicationAdministration/dose-", finding.Message, StringComparison.Ordinal);
        Assert.Contains("treated as a dose that may be running", decision.Summary, StringComparison.Ordinal);
    }

    // ------------------------------------------------------------ the drug by brand, with strength, or looking like it

    [Theory]
    [InlineData("Proleukin")]
    [InlineData("PROLEUKIN 22 million IU vial")]
    [InlineData("aldesleukin 600,000 IU/kg IV")]
    [InlineData("Aldesleukin (Proleukin) infusion")]
    public void The_drug_by_brand_or_with_strength_text_is_a_dose(string text)
    {
        var bundle = Giving();
        // A third dose 2 h ago by another name: counted, so the next dose is too early.
        var m = Administration(bundle, "by-name", At.AddHours(-2), MedicationAdministration.MedicationAdministrationStatusCodes.Completed, text);
        m.Effective = new FhirDateTime(CourseBundle.Time(At.AddHours(-2)));
        var (read, decision) = Decide(bundle);
        Assert.Empty(read.Issues);
        Assert.Equal(3, read.Record!.Doses.Length);
        Assert.Equal(DoseAction.Hold, decision!.Action);
        Assert.Contains(decision.Schedule, s => s.Code == ScheduleCodes.TooEarly);
    }

    [Theory]
    [InlineData("Aldesleukine")]
    [InlineData("aldeslukin 600,000 IU/kg")]
    [InlineData("Interleukin-2 (recombinant)")]
    [InlineData("IL-2 high dose")]
    [InlineData("Proleukine")]
    public void A_medication_that_looks_like_the_drug_but_does_not_match_is_reported_and_holds(string text)
    {
        var bundle = Giving();
        var m = Administration(bundle, "lookalike", At.AddHours(-2), MedicationAdministration.MedicationAdministrationStatusCodes.Completed, text);
        m.Effective = new FhirDateTime(CourseBundle.Time(At.AddHours(-2)));
        var (read, decision) = Decide(bundle);
        Assert.Equal(2, read.Record!.Doses.Length);
        var warning = Assert.Single(read.Warnings);
        Assert.Equal(RecordIssueKinds.DrugLookalike, warning.Kind);
        Assert.Contains("looks like aldesleukin", warning.Message, StringComparison.Ordinal);
        Assert.Equal(DoseAction.Hold, decision!.Action);
        var finding = Assert.Single(decision.Schedule, s => s.Code == ScheduleCodes.UnclearRecord);
        Assert.Contains("MedicationAdministration/lookalike", finding.Message, StringComparison.Ordinal);
        Assert.Contains("looks like aldesleukin", decision.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Other_medications_are_not_doses_and_do_not_hold()
    {
        var bundle = Giving();
        foreach (var (id, text) in new[] { ("a", "Phenylephrine"), ("b", "Ondansetron 8 mg IV"), ("c", "Acetaminophen") })
        {
            var m = Administration(bundle, id, At.AddHours(-2), MedicationAdministration.MedicationAdministrationStatusCodes.Completed, text);
            m.Effective = new FhirDateTime(CourseBundle.Time(At.AddHours(-2)));
        }
        var (read, decision) = Decide(bundle);
        Assert.Empty(read.Issues);
        Assert.Equal(DoseAction.Give, decision!.Action);
    }

    [Fact]
    public void A_medication_reference_that_is_not_in_the_bundle_may_be_the_drug_and_holds()
    {
        var bundle = Giving();
        bundle.Add(new MedicationAdministration
        {
            Id = "external",
            Status = MedicationAdministration.MedicationAdministrationStatusCodes.Completed,
            Medication = new ResourceReference("Medication/somewhere"),
            Subject = bundle.Subject,
            Effective = new FhirDateTime(CourseBundle.Time(At.AddHours(-2))),
        });
        var (_, decision) = Decide(bundle);
        Assert.Equal(DoseAction.Hold, decision!.Action);
        Assert.Contains(decision.Schedule, s => s.Code == ScheduleCodes.UnclearRecord && s.Message.Contains("Medication/somewhere", StringComparison.Ordinal));
    }

    // ------------------------------------------------------------ data about another patient

    public static TheoryData<string, string> ForeignSubjects => new()
    {
        { "identifier", "given only by identifier" },
        { "missing", "has no subject" },
        { "other-server", "absolute URL on another server" },
        { "other-id", "'Patient/p-2' is not the bundle's patient" },
    };

    private static ResourceReference? Foreign(string kind) => kind switch
    {
        "identifier" => new ResourceReference { Identifier = new Identifier("urn:mrn", "12345") },
        "missing" => null,
        "other-server" => new ResourceReference("https://other.example.org/fhir/Patient/p-1"),
        _ => new ResourceReference("Patient/p-2"),
    };

    [Theory]
    [MemberData(nameof(ForeignSubjects))]
    public void An_observation_about_someone_else_is_refused_and_the_missing_value_names_it(string kind, string reason)
    {
        var bundle = new CourseBundle("p-1");
        bundle.Weight(Start.AddDays(-1), 70);
        bundle.Dose(Start);
        bundle.Dose(Start.AddHours(8));
        bundle.NormalFindings(At, postTil: false);
        // The only recent blood pressure is someone else's (the panel an hour before is removed).
        bundle.Bundle.Entry.RemoveAll(e => e.Resource is Observation { Id: { } id } && id.StartsWith("bp-", StringComparison.Ordinal));
        var theirs = bundle.Quantity("their-sbp", At.AddMinutes(-30), CourseBundle.Loinc("8480-6", "SBP"), 120, "mm[Hg]");
        theirs.Subject = Foreign(kind)!;
        var (read, decision) = Decide(bundle);
        Assert.True(read.Succeeded, string.Join("\n", read.Issues));
        Assert.DoesNotContain(read.Record!.Observations, o => o.Code == "sbp");
        var refused = Assert.Single(read.Warnings, w => w.Kind == RecordIssueKinds.SubjectNotPatient);
        Assert.Contains(reason, refused.Message, StringComparison.Ordinal);
        Assert.Equal(DoseAction.Hold, decision!.Action);
        var missing = Assert.Single(decision.Missing, m => m.Observation == "sbp");
        Assert.Contains("Observation/their-sbp", missing.Reason, StringComparison.Ordinal);
        Assert.Contains("refused", missing.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ForeignSubjects))]
    public void A_dose_about_an_unresolved_subject_is_refused_and_holds(string kind, string reason)
    {
        var bundle = Giving();
        var m = Administration(bundle, "whose", At.AddHours(-2), MedicationAdministration.MedicationAdministrationStatusCodes.Completed);
        m.Subject = Foreign(kind)!;
        var (read, decision) = Decide(bundle);
        Assert.Equal(2, read.Record!.Doses.Length);
        var refused = Assert.Single(read.Warnings, w => w.Kind == RecordIssueKinds.SubjectNotPatient);
        Assert.Contains(reason, refused.Message, StringComparison.Ordinal);
        Assert.Equal(DoseAction.Hold, decision!.Action);
        Assert.Contains(decision.Schedule, s => s.Code == ScheduleCodes.UnclearRecord && s.Message.Contains("MedicationAdministration/whose", StringComparison.Ordinal));
    }

    [Fact]
    public void A_bundle_without_a_patient_or_with_two_makes_no_record()
    {
        var none = Giving();
        none.Bundle.Entry.RemoveAt(0);
        var read = FhirBundleReader.Read(none.Json, Protocols.Monotherapy.Info, At);
        Assert.Null(read.Record);
        Assert.Contains(read.Errors, e => e.Kind == RecordIssueKinds.NoSinglePatient && e.Message.Contains("no Patient resource", StringComparison.Ordinal));

        var two = Giving();
        two.Add(new Patient { Id = "p-2" });
        read = FhirBundleReader.Read(two.Json, Protocols.Monotherapy.Info, At);
        Assert.Null(read.Record);
        Assert.Contains(read.Errors, e => e.Kind == RecordIssueKinds.NoSinglePatient);
    }

    // ------------------------------------------------------------ malformed bundles

    public static TheoryData<string, string, string> Malformed => new()
    {
        { """{ "resourceType": "Bundle", "type": "collection", "entry": [ { "fullUrl": 1, "resource": { "resourceType": "Patient", "id": "p" } } ] }""", "$.entry[0].fullUrl", RecordIssueKinds.WrongType },
        { """{ "resourceType": "Bundle", "type": "collection", "entry": [ { "fullUrl": "urn:uuid:1", "resource": [] } ] }""", "$.entry[0].resource", RecordIssueKinds.WrongType },
        { """{ "resourceType": "Bundle", "type": "collection", "entry": { "resource": {} } }""", "$.entry", RecordIssueKinds.WrongType },
        { """{ "resourceType": "Bundle", "entry": [ 3, { "resource": { "resourceType": 7 } } ] }""", "$.entry[0]", RecordIssueKinds.WrongType },
        { """{ "resourceType": 5 }""", "$.resourceType", RecordIssueKinds.WrongType },
        { """{ "resourceType": "Bundle", "type": "collection", "entry": [ { "fullUrl": "urn:uuid:1", "resource": { "resourceType": "Pat""", "$", RecordIssueKinds.MalformedJson },
        { new string('[', 5000) + new string(']', 5000), "$", RecordIssueKinds.MalformedJson },
        { """{ "resourceType": "Bundle", "entry": [ { "resource": { "resourceType": "Patient", "id": "p", "extension": """ + new string('[', 200) + new string(']', 200) + " } } ] }", "$", RecordIssueKinds.MalformedJson },
        { """{ "resourceType": "Bundle", "entry": [ { "fullUrl": "urn:uuid:1", "resource": { "resourceType": "Patient", "id": "p" } }, { "resource": { "resourceType": "MedicationAdministration", "status": "completed", "subject": { "reference": "urn:uuid:1" }, "medicationCodeableConcept": { "text": ["aldesleukin"] }, "effectiveDateTime": 17 } } ] }""", "Bundle.entry[1](MedicationAdministration)", RecordIssueKinds.WrongType },
        { """{ "resourceType": "Bundle", "entry": [ { "fullUrl": "urn:uuid:1", "resource": { "resourceType": "Patient", "id": "p" } }, { "resource": { "resourceType": "Observation", "status": "final", "subject": { "reference": "urn:uuid:1" }, "code": { "coding": { "system": "http://loinc.org", "code": "8480-6" } }, "effectiveDateTime": "2026-03-04T05:00:00Z", "valueQuantity": { "value": true, "code": "mm[Hg]" } } } ] }""", "Bundle.entry[1](Observation)", RecordIssueKinds.WrongType },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_bundles_are_located_errors_with_a_stable_kind(string json, string pathStart, string kind)
    {
        var read = FhirBundleReader.Read(json, Protocols.Monotherapy.Info, At);
        Assert.Null(read.Record);
        Assert.Contains(read.Errors, e => e.Kind == kind && e.Path.StartsWith(pathStart, StringComparison.Ordinal));
        Assert.Contains(read.Errors, RecordIssueKinds.IsMalformed);
    }
}
