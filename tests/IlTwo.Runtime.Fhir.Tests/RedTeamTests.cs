using Hl7.Fhir.Model;
using IlTwo.Runtime.Evaluation;
using IlTwo.Runtime.Records;
using static IlTwo.Runtime.Fhir.Tests.GivingBundle;

namespace IlTwo.Runtime.Fhir.Tests;

/// <summary>
/// Bundles from the red-team pass over the FHIR input: each is valid FHIR R4 (or close to what an EHR sends) that the
/// reader once read as normal data, so a dose that should have been held was given. Every case starts from a bundle that
/// gives, so the hold is the attack's doing.
/// </summary>
public sealed class RedTeamTests
{
    private static readonly Extension Modifier = new("http://example.org/fhir/StructureDefinition/not-verified", new FhirBoolean(true));


    private static T Find<T>(CourseBundle bundle, string idPrefix) where T : Resource =>
        bundle.Bundle.Entry.Select(e => e.Resource).OfType<T>().First(r => r.Id?.StartsWith(idPrefix, StringComparison.Ordinal) == true);

    private static Bundle.EntryComponent EntryOf(CourseBundle bundle, string idPrefix) =>
        bundle.Bundle.Entry.First(e => e.Resource?.Id?.StartsWith(idPrefix, StringComparison.Ordinal) == true);

    /// <summary>An attack on the giving bundle, the <see cref="RecordIssue.Kind"/> it must be reported with, and the resource the issue and the decision must name.</summary>
    private sealed record Attack(Action<CourseBundle> Apply, string Kind, string Names);

    private static readonly Dictionary<string, Attack> Holding = new()
    {
        // FHIR R4 (Extensibility, modifierExtension): a resource with a modifier the reader does not understand must not be
        // processed as normal. The normal blood pressure an hour before the dose is the one that may not mean what it says.
        ["modifier-extension on the blood pressure"] = new(b => Find<Observation>(b, "bp-").ModifierExtension.Add(Modifier), FhirIssueKinds.ModifierExtension, "Observation/bp-"),
        ["modifier-extension on a component"] = new(b => Find<Observation>(b, "bp-").Component[0].ModifierExtension.Add(Modifier), FhirIssueKinds.ModifierExtension, "Observation/bp-"),
        ["modifier-extension on the entry"] = new(b => EntryOf(b, "bp-").ModifierExtension.Add(Modifier), FhirIssueKinds.ModifierExtension, "Observation/bp-"),
        ["implicitRules on the blood pressure"] = new(b => Find<Observation>(b, "bp-").ImplicitRules = "http://example.org/rules", FhirIssueKinds.ModifierExtension, "Observation/bp-"),
        ["modifier-extension on a dose"] = new(b => Find<MedicationAdministration>(b, "dose-").ModifierExtension.Add(Modifier), FhirIssueKinds.ModifierExtension, "MedicationAdministration/dose-"),
        ["modifier-extension on a dose's dosage"] = new(b => Find<MedicationAdministration>(b, "dose-").Dosage = new MedicationAdministration.DosageComponent { ModifierExtension = [Modifier] }, FhirIssueKinds.ModifierExtension, "MedicationAdministration/dose-"),
        ["modifier-extension in a dose's contained Medication"] = new(b => Find<MedicationAdministration>(b, "dose-").Contained.Add(new Medication { Id = "m", ModifierExtension = [Modifier] }), FhirIssueKinds.ModifierExtension, "MedicationAdministration/dose-"),
        ["modifier-extension on the Patient"] = new(b => Find<Patient>(b, "p-1").ModifierExtension.Add(Modifier), FhirIssueKinds.ModifierExtension, "Patient/p-1"),
        ["implicitRules on the Bundle"] = new(b => b.Bundle.ImplicitRules = "http://example.org/rules", FhirIssueKinds.ModifierExtension, "Bundle"),

        // A coding with a LOINC code the protocol declares under another system (or none) is not LOINC, but neither can it
        // be dropped quietly: SBP 84 half an hour before the dose, under a mistyped system, was ignored for the normal 118.
        ["LOINC code under 'http://loinc.org/'"] = new(b => Sbp84(b, new Coding("http://loinc.org/", "8480-6")), FhirIssueKinds.UnclearCode, "Observation/sbp-84"),
        ["LOINC code under 'https://loinc.org'"] = new(b => Sbp84(b, new Coding("https://loinc.org", "8480-6")), FhirIssueKinds.UnclearCode, "Observation/sbp-84"),
        ["LOINC code under LOINC's OID"] = new(b => Sbp84(b, new Coding("urn:oid:2.16.840.1.113883.6.1", "8480-6")), FhirIssueKinds.UnclearCode, "Observation/sbp-84"),
        ["LOINC code without a system"] = new(b => Sbp84(b, new Coding(null, "8480-6")), FhirIssueKinds.UnclearCode, "Observation/sbp-84"),
        // Codings that name different observations: the first one won (heart rate 84 /min, not an SBP of 84).
        ["LOINC codings for heart rate and SBP"] = new(b => Sbp84(b, new Coding(FhirCodes.Loinc, "8867-4"), new Coding(FhirCodes.Loinc, "8480-6")), FhirIssueKinds.UnclearCode, "Observation/sbp-84"),
        ["LOINC heart rate with the text 'sbp'"] = new(b => Sbp84(b, new Coding(FhirCodes.Loinc, "8867-4")).Code.Text = "sbp", FhirIssueKinds.UnclearCode, "Observation/sbp-84"),
        ["a procedure named as two events"] = new(b =>
        {
            b.Procedure("cycle-start", Start.AddHours(9));
            Find<Procedure>(b, "proc-").Code!.Coding.Add(new Coding("http://example.org/local", "cs", "course-stop"));
        }, FhirIssueKinds.UnclearCode, "Procedure/proc-"),
        ["a component whose codings disagree"] = new(b => Find<Observation>(b, "bp-").Component[0].Code.Coding.Add(new Coding(FhirCodes.Loinc, "8867-4")), FhirIssueKinds.UnclearCode, "Observation/bp-"),

        // The same resource (type and id) twice with different content (a version history, a retraction sent beside the
        // original): which one is true cannot be told; the retracted platelet count was read as final.
        ["the platelets twice, once entered-in-error"] = new(b => b.Add(Retracted(Find<Observation>(b, "plt-"))), FhirIssueKinds.DuplicateResource, "Observation/plt-"),
        ["a dose twice, once in-progress"] = new(b => b.Add(Running(Find<MedicationAdministration>(b, "dose-"))), FhirIssueKinds.DuplicateResource, "MedicationAdministration/dose-"),

        // A bundle that says it is not the whole record: a later value or dose may be in what is missing.
        ["a searchset with a next page"] = new(b => b.Bundle.Link.Add(new Bundle.LinkComponent { Relation = "next", Url = "https://ehr.example.org/fhir/Observation?patient=p-1&page=2" }), FhirIssueKinds.IncompleteBundle, "Bundle.link[0]"),
        ["a searchset whose total exceeds its entries"] = new(b => (b.Bundle.Type, b.Bundle.Total) = (Bundle.BundleType.Searchset, 40), FhirIssueKinds.IncompleteBundle, "Bundle.total"),
        ["an OperationOutcome saying the results are incomplete"] = new(b => b.Add(Outcome(OperationOutcome.IssueSeverity.Warning, OperationOutcome.IssueType.Incomplete)), FhirIssueKinds.IncompleteBundle, "OperationOutcome/outcome"),
        ["an OperationOutcome with an error"] = new(b => b.Add(Outcome(OperationOutcome.IssueSeverity.Error, OperationOutcome.IssueType.Exception)), FhirIssueKinds.IncompleteBundle, "OperationOutcome/outcome"),
        ["a deleted entry in a history"] = new(b => b.Bundle.Entry.Add(new Bundle.EntryComponent { Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.DELETE, Url = "Observation/plt-9" } }), FhirIssueKinds.IncompleteBundle, "Bundle.entry[22]"),
        ["the platelets' entry deleting them"] = new(b => EntryOf(b, "plt-").Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.DELETE, Url = "Observation/plt-8" }, FhirIssueKinds.IncompleteBundle, "Observation/plt-"),
        ["the platelets' entry answered 404"] = new(b => EntryOf(b, "plt-").Response = new Bundle.ResponseComponent { Status = "404 Not Found" }, FhirIssueKinds.IncompleteBundle, "Observation/plt-"),

        // An administration whose medication is given only by a code that is not declared for the drug: it may be the drug.
        ["an administration coded only by an undeclared RxNorm code"] = new(b => b.Add(new MedicationAdministration
        {
            Id = "code-only",
            Status = MedicationAdministration.MedicationAdministrationStatusCodes.Completed,
            Medication = new CodeableConcept("http://www.nlm.nih.gov/research/umls/rxnorm", "105586"),
            Subject = b.Subject,
            Effective = new FhirDateTime(CourseBundle.Time(At.AddHours(-2))),
        }), RecordIssueKinds.DrugLookalike, "MedicationAdministration/code-only"),

        // A Patient linked to another Patient resource (merged, replaced, see also): some of this patient's data (a dose) may
        // be under the other one.
        ["a Patient replaced by another"] = new(b => Find<Patient>(b, "p-1").Link.Add(new Patient.LinkComponent { Other = new ResourceReference("Patient/p-2"), Type = Patient.LinkType.ReplacedBy }), FhirIssueKinds.IncompleteBundle, "Patient/p-1"),
        ["a Patient that replaces another"] = new(b => Find<Patient>(b, "p-1").Link.Add(new Patient.LinkComponent { Other = new ResourceReference("Patient/p-0"), Type = Patient.LinkType.Replaces }), FhirIssueKinds.IncompleteBundle, "Patient/p-1"),

        // A preliminary SBP of 118 last updated after the final 84 of the same reading: which is current cannot be told
        // (the preliminary won on its timestamp).
        ["a preliminary updated after the final"] = new(b =>
        {
            var final = Sbp84(b, new Coding(FhirCodes.Loinc, FhirCodes.Systolic));
            final.Meta = new Meta { LastUpdated = At.AddMinutes(-20) };
            var preliminary = b.Quantity("sbp-118", At.AddMinutes(-30), CourseBundle.Loinc(FhirCodes.Systolic, "SBP"), 118, "mm[Hg]", ObservationStatus.Preliminary);
            preliminary.Meta = new Meta { LastUpdated = At.AddMinutes(-10) };
        }, RecordIssueKinds.UnclearStatus, "Observation/sbp-"),
        // A final SBP of 84 with a timestamp and an amended 120 without one: that the amendment came later cannot be checked.
        ["an amendment without a timestamp beside a timestamped final"] = new(b =>
        {
            Sbp84(b, new Coding(FhirCodes.Loinc, FhirCodes.Systolic)).Meta = new Meta { LastUpdated = At.AddMinutes(-20) };
            b.Quantity("sbp-120", At.AddMinutes(-30), CourseBundle.Loinc(FhirCodes.Systolic, "SBP"), 120, "mm[Hg]", ObservationStatus.Amended);
        }, RecordIssueKinds.UnclearStatus, "Observation/sbp-"),

        // An SBP known only to the day of the decision may be newer than the 118 an hour before: it may be the latest.
        ["an SBP known only to the day"] = new(b => Sbp84(b, new Coding(FhirCodes.Loinc, FhirCodes.Systolic)).Effective = new FhirDateTime("2026-03-03"), FhirIssueKinds.UnclearTime, "Observation/sbp-84"),

        // Where the reader does not read: an SBP of 84 as a DiagnosticReport's contained result, or in a Bundle inside the
        // bundle, was skipped without a word, and the normal 118 before it used.
        ["an SBP contained in a DiagnosticReport"] = new(b => Inside(b, sbp => new DiagnosticReport
        {
            Id = "report",
            Status = DiagnosticReport.DiagnosticReportStatus.Final,
            Code = new CodeableConcept(FhirCodes.Loinc, "85354-9"),
            Subject = new ResourceReference("Patient/p-1"),
            Contained = [sbp],
            Result = [new ResourceReference("#" + sbp.Id)],
        }), FhirIssueKinds.UnreadResource, "DiagnosticReport/report"),
        ["an SBP in a Bundle inside the bundle"] = new(b => Inside(b, sbp => new Bundle
        {
            Id = "inner",
            Type = Bundle.BundleType.Collection,
            Entry = [new Bundle.EntryComponent { FullUrl = "urn:uuid:2f6f1d8e-0000-4000-8000-0000000000a1", Resource = sbp }],
        }), FhirIssueKinds.UnreadResource, "Bundle/inner"),
    };

    private static Observation Retracted(Observation original)
    {
        var copy = (Observation)original.DeepCopy();
        copy.Status = ObservationStatus.EnteredInError;
        return copy;
    }

    private static MedicationAdministration Running(MedicationAdministration original)
    {
        var copy = (MedicationAdministration)original.DeepCopy();
        copy.Status = MedicationAdministration.MedicationAdministrationStatusCodes.InProgress;
        return copy;
    }

    private static OperationOutcome Outcome(OperationOutcome.IssueSeverity severity, OperationOutcome.IssueType code) => new()
    {
        Id = "outcome",
        Issue = [new OperationOutcome.IssueComponent { Severity = severity, Code = code, Diagnostics = "search results truncated at 20" }],
    };

    /// <summary>An SBP of 84 half an hour before the dose (holds when read), coded as given; its unit fits the heart rate too.</summary>
    private static Observation Sbp84(CourseBundle bundle, params Coding[] codings)
    {
        var o = bundle.Quantity("sbp-84", At.AddMinutes(-30), new CodeableConcept { Coding = [.. codings] }, 84, "mm[Hg]");
        if (codings.Any(c => c.Code == "8867-4"))
        {
            o.Value = FhirBundleWriter.Quantity(84, "/min");
        }

        return o;
    }

    /// <summary>The SBP of 84 half an hour before the dose, moved from its own entry into the resource <paramref name="wrap"/> makes.</summary>
    private static void Inside(CourseBundle bundle, Func<Observation, Resource> wrap)
    {
        var sbp = Sbp84(bundle, new Coding(FhirCodes.Loinc, FhirCodes.Systolic));
        bundle.Bundle.Entry.RemoveAll(e => ReferenceEquals(e.Resource, sbp));
        bundle.Add(wrap(sbp));
    }

    public static TheoryData<string> HoldingAttacks => [.. Holding.Keys];

    [Fact]
    public void The_baseline_bundle_gives()
    {
        var (read, decision) = Decide(Giving());
        Assert.Empty(read.Issues);
        Assert.Equal(DoseAction.Give, decision!.Action);
    }

    [Theory]
    [MemberData(nameof(HoldingAttacks))]
    public void An_input_the_reader_cannot_vouch_for_holds_naming_the_resource(string attack)
    {
        var (apply, kind, names) = Holding[attack];
        var bundle = Giving();
        apply(bundle);

        var (read, decision) = Decide(bundle);

        Assert.True(read.Succeeded, string.Join("\n", read.Issues));
        var issue = Assert.Single(read.Issues, i => i.Kind == kind);
        Assert.True(issue.Holds, issue.ToString());
        Assert.Contains(names, issue.Path, StringComparison.Ordinal);
        Assert.Equal(DoseAction.Hold, decision!.Action);
        Assert.Contains(decision.Schedule, s => s.Code == ScheduleCodes.UnclearRecord && s.Message.Contains(names, StringComparison.Ordinal));
    }

    /// <summary>
    /// The older blood pressure panel 55284-4 (Synthea, many EHRs) and the vital signs panel carry the same systolic and
    /// diastolic components as 85354-9; only 85354-9's were read, so an SBP of 84 in them was dropped silently.
    /// </summary>
    [Theory]
    [InlineData("55284-4")]
    [InlineData("85353-1")]
    public void The_components_of_any_panel_are_read(string panel)
    {
        var bundle = Giving();
        bundle.Add(new Observation
        {
            Id = "panel",
            Status = ObservationStatus.Final,
            Code = new CodeableConcept(FhirCodes.Loinc, panel),
            Subject = bundle.Subject,
            Effective = new FhirDateTime(CourseBundle.Time(At.AddMinutes(-30))),
            Component =
            [
                new Observation.ComponentComponent { Code = new CodeableConcept(FhirCodes.Loinc, FhirCodes.Systolic), Value = FhirBundleWriter.Quantity(84, "mm[Hg]") },
                new Observation.ComponentComponent { Code = new CodeableConcept(FhirCodes.Loinc, FhirCodes.Diastolic), Value = FhirBundleWriter.Quantity(50, "mm[Hg]") },
            ],
        });

        var (read, decision) = Decide(bundle);

        Assert.Empty(read.Issues);
        Assert.Contains(read.Record!.Observations, o => o.Code == "sbp" && o.Value == 84 && o.Source == "Bundle.entry[22](Observation/panel).component[0]");
        Assert.Equal(DoseAction.Hold, decision!.Action);
        Assert.Contains(decision.Rules, r => r.Id == "sbp-below-90");
    }

    [Fact]
    public void An_identical_copy_of_a_resource_is_read_once()
    {
        var bundle = Giving();
        bundle.Add(Find<MedicationAdministration>(bundle, "dose-").DeepCopy());

        var (read, decision) = Decide(bundle);

        Assert.Equal(2, read.Record!.Doses.Length);
        var warning = Assert.Single(read.Issues);
        Assert.False(warning.Holds);
        Assert.Equal(FhirIssueKinds.DuplicateResource, warning.Kind);
        Assert.Equal(DoseAction.Give, decision!.Action);
    }

    // ------------------------------------------------------------ yes/no values that say both

    public static TheoryData<string> BothYesAndNo => ["snomed no, text yes", "snomed no and snomed yes", "snomed no, display yes"];

    [Theory]
    [MemberData(nameof(BothYesAndNo))]
    public void A_yes_no_value_that_says_both_is_an_error(string how)
    {
        var bundle = Giving();
        var no = new Coding(FhirCodes.Snomed, FhirCodes.SnomedNo);
        Find<Observation>(bundle, "confusion-").Value = how switch
        {
            "snomed no, text yes" => new CodeableConcept { Coding = [no], Text = "Yes" },
            "snomed no and snomed yes" => new CodeableConcept { Coding = [no, new Coding(FhirCodes.Snomed, FhirCodes.SnomedYes)] },
            _ => new CodeableConcept { Coding = [new Coding(FhirCodes.Snomed, FhirCodes.SnomedNo, "Yes")] },
        };

        var read = FhirBundleReader.Read(bundle.Json, Protocols.Monotherapy.Info, At);

        Assert.Null(read.Record);
        var error = Assert.Single(read.Errors);
        Assert.Contains("Observation/confusion-", error.Path, StringComparison.Ordinal);
        Assert.Contains("both yes and no", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A yes/no finding whose interpretation says the opposite: "no" confusion flagged abnormal was read as no.</summary>
    [Theory]
    [InlineData(false, "A")]
    [InlineData(false, "POS")]
    [InlineData(true, "N")]
    [InlineData(true, "NEG")]
    public void A_yes_no_value_its_interpretation_contradicts_is_an_error(bool yes, string code)
    {
        var bundle = Giving();
        var confusion = Find<Observation>(bundle, "confusion-");
        confusion.Value = new FhirBoolean(yes);
        confusion.Interpretation = [new CodeableConcept(FhirCodes.Interpretation, code)];

        var read = FhirBundleReader.Read(bundle.Json, Protocols.Monotherapy.Info, At);

        Assert.Null(read.Record);
        var error = Assert.Single(read.Errors);
        Assert.Contains("Observation/confusion-", error.Path, StringComparison.Ordinal);
        Assert.EndsWith(".interpretation", error.Path, StringComparison.Ordinal);
        Assert.Contains($"interpreted as '{code}'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false, "N")]
    [InlineData(true, "A")]
    public void A_yes_no_value_its_interpretation_agrees_with_is_read(bool yes, string code)
    {
        var bundle = Giving();
        var confusion = Find<Observation>(bundle, "confusion-");
        confusion.Value = new FhirBoolean(yes);
        confusion.Interpretation = [new CodeableConcept(FhirCodes.Interpretation, code)];

        var (read, decision) = Decide(bundle);

        Assert.Empty(read.Errors);
        Assert.Equal(yes ? DoseAction.Hold : DoseAction.Give, decision!.Action);
    }

    // ------------------------------------------------------------ a subject that resolves, with something saying otherwise

    public static TheoryData<string, string> Contradicted => new()
    {
        { "type", "type is 'Group'" },
        { "identifier", "identifier 'urn:mrn|OTHER-7'" },
        { "focus", "focus 'Patient/donor-7'" },
    };

    /// <summary>
    /// The blood pressure's subject resolves to the patient, but its reference's type or identifier says it is another,
    /// or its focus (FHIR: "when it is not the patient of record") is someone else: refused, so the SBP is missing.
    /// </summary>
    [Theory]
    [MemberData(nameof(Contradicted))]
    public void A_subject_contradicted_by_its_type_identifier_or_focus_is_refused(string how, string reason)
    {
        var bundle = Giving();
        var bp = Find<Observation>(bundle, "bp-");
        switch (how)
        {
            case "type":
                bp.Subject!.Type = "Group";
                break;
            case "identifier":
                bp.Subject!.Identifier = new Identifier("urn:mrn", "OTHER-7");
                break;
            default:
                bp.Focus.Add(new ResourceReference("Patient/donor-7"));
                break;
        }

        var (read, decision) = Decide(bundle);

        Assert.True(read.Succeeded, string.Join("\n", read.Issues));
        Assert.DoesNotContain(read.Record!.Observations, o => o.Code == "sbp");
        var refused = Assert.Single(read.Warnings, w => w.Kind == RecordIssueKinds.SubjectNotPatient);
        Assert.Contains(reason, refused.Message, StringComparison.Ordinal);
        Assert.Equal(DoseAction.Hold, decision!.Action);
        Assert.Contains(decision.Missing, m => m.Observation == "sbp" && m.Reason.Contains("Observation/bp-", StringComparison.Ordinal));
    }

    [Fact]
    public void A_subject_identifier_the_patient_has_and_a_focus_on_the_patient_are_read()
    {
        var bundle = Giving();
        Find<Patient>(bundle, "p-1").Identifier.Add(new Identifier("urn:mrn", "12345"));
        var bp = Find<Observation>(bundle, "bp-");
        bp.Subject!.Identifier = new Identifier("urn:mrn", "12345");
        bp.Subject.Type = "Patient";
        bp.Focus.Add(new ResourceReference(bundle.PatientUrl));

        var (read, decision) = Decide(bundle);

        Assert.Empty(read.Issues);
        Assert.Equal(DoseAction.Give, decision!.Action);
    }

    // ------------------------------------------------------------ amendments in any order

    /// <summary>
    /// An amended or corrected result supersedes the final one it amends, whatever the bundle order: with no
    /// <c>meta.lastUpdated</c>, the final SBP of 120 written after the amended 84 used to win on bundle order.
    /// </summary>
    [Theory]
    [InlineData(ObservationStatus.Amended, false)]
    [InlineData(ObservationStatus.Corrected, false)]
    [InlineData(ObservationStatus.Corrected, true)]
    public void An_amendment_supersedes_the_final_result_whatever_the_order(ObservationStatus amendment, bool identifier)
    {
        var bundle = Giving();
        var amended = Sbp84(bundle, new Coding(FhirCodes.Loinc, FhirCodes.Systolic));
        amended.Status = amendment;
        var final = bundle.Quantity("sbp-120", At.AddMinutes(-30), CourseBundle.Loinc(FhirCodes.Systolic, "SBP"), 120, "mm[Hg]");
        if (identifier)
        {
            amended.Identifier.Add(new Identifier("urn:lab", "r-1"));
            final.Identifier.Add(new Identifier("urn:lab", "r-1"));
            final.Effective = new FhirDateTime(CourseBundle.Time(At.AddMinutes(-31)));
        }

        var (read, decision) = Decide(bundle);

        Assert.True(read.Succeeded, string.Join("\n", read.Issues));
        Assert.DoesNotContain(read.Record!.Observations, o => o.Code == "sbp" && o.Value == 120);
        Assert.Contains(read.Warnings, w => w.Path.Contains("Observation/sbp-120", StringComparison.Ordinal) && w.Message.Contains("superseded", StringComparison.Ordinal));
        Assert.Equal(DoseAction.Hold, decision!.Action);
        Assert.Contains(decision.Rules, r => r.Id == "sbp-below-90");
    }

    // ------------------------------------------------------------ a unit whose text and code disagree

    /// <summary>
    /// <c>unit</c> is the unit as displayed, <c>code</c> the coded form; when the display is itself a UCUM unit that is not
    /// the code's (creatinine 2.6 shown in mg/dL, coded umol/L), one of them is wrong: the code used to win silently.
    /// </summary>
    [Theory]
    [InlineData("mg/dL", "umol/L", false)]
    [InlineData("g", "kg", false)]
    [InlineData("/h", "/min", false)]
    [InlineData("umol/L", "umol/L", true)]
    [InlineData("mmHg", "mm[Hg]", true)]
    [InlineData("10^3/uL", "10*3/uL", true)]
    public void A_unit_text_that_is_another_UCUM_unit_than_its_code_is_an_error(string unit, string code, bool read)
    {
        var bundle = Giving();
        var cr = Find<Observation>(bundle, "cr-");
        cr.Value = new Quantity { Value = 2.6m, Unit = unit, System = FhirCodes.Ucum, Code = code };
        if (code == "mm[Hg]")
        {
            cr.Code = CourseBundle.Loinc(FhirCodes.Systolic, "SBP");
            cr.Value = new Quantity { Value = 118, Unit = unit, System = FhirCodes.Ucum, Code = code };
        }
        else if (code == "10*3/uL")
        {
            cr.Code = CourseBundle.Loinc("777-3", "Platelets");
            cr.Value = new Quantity { Value = 210, Unit = unit, System = FhirCodes.Ucum, Code = code };
        }
        else if (code != "umol/L")
        {
            cr.Code = code == "kg" ? CourseBundle.Loinc(FhirCodes.BodyWeight, "Body weight") : CourseBundle.Loinc("8867-4", "Heart rate");
        }

        var result = FhirBundleReader.Read(bundle.Json, Protocols.Monotherapy.Info, At);

        if (read)
        {
            Assert.True(result.Succeeded, string.Join("\n", result.Issues));
            return;
        }
        Assert.Null(result.Record);
        var error = Assert.Single(result.Errors);
        Assert.Contains("Observation/cr-", error.Path, StringComparison.Ordinal);
        Assert.Contains($"'{unit}'", error.Message, StringComparison.Ordinal);
        Assert.Contains($"'{code}'", error.Message, StringComparison.Ordinal);
    }
}
