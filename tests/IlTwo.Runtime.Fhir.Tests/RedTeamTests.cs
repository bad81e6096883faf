using Hl7.Fhir.Model;
using IlTwo.Runtime.Evaluation;
using IlTwo.Runtime.Records;

namespace IlTwo.Runtime.Fhir.Tests;

/// <summary>
/// Bundles from the red-team pass over the FHIR input: each is valid FHIR R4 (or close to what an EHR sends) that the
/// reader once read as normal data, so a dose that should have been held was given. Every case starts from a bundle that
/// gives, so the hold is the attack's doing.
/// </summary>
public sealed class RedTeamTests
{
    private static readonly DateTimeOffset Start = CourseTests.Start;

    /// <summary>The decision time: dose 3 of a stable course, 8 h after dose 2, with normal findings an hour before.</summary>
    private static readonly DateTimeOffset At = Start.AddHours(16);

    private static readonly Extension Modifier = new("http://example.org/fhir/StructureDefinition/not-verified", new FhirBoolean(true));

    private static CourseBundle Giving()
    {
        var bundle = new CourseBundle("p-1");
        bundle.Weight(Start.AddDays(-1), 70);
        bundle.Dose(Start);
        bundle.Dose(Start.AddHours(8));
        bundle.NormalFindings(At, postTil: false);
        return bundle;
    }

    private static (RecordReadResult Read, DoseDecision? Decision) Decide(CourseBundle bundle)
    {
        var read = FhirBundleReader.Read(bundle.Json, Protocols.Monotherapy.Info, At);
        return (read, read.Record is null ? null : ProtocolEvaluator.Evaluate(Protocols.Monotherapy, read.Record, At, null, read.Issues));
    }

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
        ["a component whose codings disagree"] = new(b => Find<Observation>(b, "bp-").Component[0].Code.Coding.Add(new Coding(FhirCodes.Loinc, "8867-4")), FhirIssueKinds.UnclearCode, "Observation/bp-"),
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
}
