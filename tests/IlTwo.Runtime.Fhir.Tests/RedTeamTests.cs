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
    };

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
}
