using IlTwo.Runtime.Evaluation;
using IlTwo.Runtime.Protocols;
using IlTwo.Runtime.Records;

namespace IlTwo.Runtime.Fhir.Tests;

/// <summary>Whole synthetic courses as FHIR bundles, read and replayed.</summary>
public sealed class CourseTests
{
    public static readonly DateTimeOffset Start = new(2026, 3, 2, 14, 0, 0, TimeSpan.Zero);

    internal static CourseBundle StableMonotherapy()
    {
        var bundle = new CourseBundle("stable-mono");
        bundle.Weight(Start.AddDays(-1), 70);
        for (var i = 0; i < 6; i++)
        {
            bundle.NormalFindings(Start.AddHours(8 * i), postTil: false);
            bundle.Dose(Start.AddHours(8 * i));
        }
        return bundle;
    }

    internal static CourseBundle Hypotension()
    {
        var bundle = new CourseBundle("hypotension");
        bundle.Weight(Start.AddDays(-1), 80);
        for (var i = 0; i < 6; i++)
        {
            // Dose 3: SBP 84 on phenylephrine 0.6 ug/kg/min; dose 4: recovered, phenylephrine weaned to 0.2.
            var (sbp, phenylephrine) = i switch { 2 => (84.0, (double?)0.6), 3 => (104.0, 0.2), _ => (118.0, null) };
            bundle.NormalFindings(Start.AddHours(8 * i), postTil: false, sbp, phenylephrine);
            bundle.Dose(Start.AddHours(8 * i), given: i != 2);
        }
        return bundle;
    }

    internal static readonly DateTimeOffset TilInfusion = Start.AddHours(-4);

    internal static CourseBundle PostTil()
    {
        var bundle = new CourseBundle("post-til");
        bundle.Weight(Start.AddDays(-2), 72);
        bundle.Procedure("til-infusion", TilInfusion);
        for (var i = 0; i < 8; i++)
        {
            bundle.NormalFindings(Start.AddHours(10 * i), postTil: true);
            bundle.Dose(Start.AddHours(10 * i));
        }
        return bundle;
    }

    private static (CourseSimulation Simulation, RecordReadResult Read) Replay(ProtocolRules rules, CourseBundle bundle, DateTimeOffset? to = null)
    {
        var read = FhirBundleReader.Read(bundle.Json, rules.Info, to);
        Assert.True(read.Succeeded, string.Join("\n", read.Issues));
        var simulation = CourseSimulator.Simulate(rules, read.Record!, new CourseOptions { To = to, ReadIssues = read.Issues });
        return (simulation, read);
    }

    [Fact]
    public void Stable_monotherapy_course_gives_every_dose()
    {
        var (simulation, read) = Replay(Protocols.Monotherapy, StableMonotherapy(), Start.AddHours(40));
        Assert.Empty(read.Issues);
        Assert.Equal(70, read.Record!.Weight!.Value.Value);
        Assert.Equal(Enumerable.Repeat(DoseAction.Give, 6), simulation.Steps.Select(s => s.Action));
        Assert.Equal([1, 2, 3, 4, 5, 6], simulation.Steps.Select(s => s.DoseNumber));
        Assert.Equal(Enumerable.Range(0, 6).Select(i => Start.AddHours(8 * i)), simulation.Steps.Select(s => s.At));
    }

    [Fact]
    public void Hypotension_on_phenylephrine_holds_one_dose_then_the_course_resumes()
    {
        var (simulation, _) = Replay(Protocols.Monotherapy, Hypotension(), Start.AddHours(40));
        Assert.Equal([DoseAction.Give, DoseAction.Give, DoseAction.Hold, DoseAction.Give, DoseAction.Give, DoseAction.Give], simulation.Steps.Select(s => s.Action));
        var held = simulation.Steps[2];
        Assert.Equal(["sbp-below-90", "phenylephrine-at-dosing"], held.Decision.Rules.Select(r => r.Id).Order().Reverse());
        var phenylephrine = held.Decision.Rules.Single(r => r.Id == "phenylephrine-at-dosing").Values.Single();
        Assert.Equal(0.6, phenylephrine.Value!.Value, 6);
        Assert.Equal("ug/kg/min", phenylephrine.Unit);
        Assert.True(held.UsesSlot);
        // The held slot is not made up: the course continues at the recorded times, numbering the slot.
        Assert.Equal(4, simulation.Steps[3].DoseNumber);
    }

    [Fact]
    public void Post_til_course_stops_after_six_doses()
    {
        var (simulation, read) = Replay(Protocols.PostTil, PostTil());
        Assert.Single(read.Record!.Events);
        Assert.Equal(Enumerable.Repeat(DoseAction.Give, 6).Append(DoseAction.Discontinue), simulation.Steps.Select(s => s.Action));
        var last = simulation.Steps[^1].Decision;
        Assert.Contains(last.Schedule, s => s.Code == ScheduleCodes.MaxDosesCourse);
        Assert.StartsWith("discontinued at dose 7", simulation.EndReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Default_start_is_the_first_recorded_dose_in_the_first_dose_window()
    {
        var read = FhirBundleReader.Read(PostTil().Json, Protocols.PostTil.Info);
        Assert.Equal(Start, CourseSimulator.DefaultStart(Protocols.PostTil.Info, read.Record!));
    }

    [Fact]
    public void Comparing_protocol_versions_lists_the_doses_decided_differently()
    {
        // Monotherapy allows 14 doses per cycle; after TIL the sixth dose ends the course.
        var mono = Replay(Protocols.Monotherapy, PostTil()).Simulation;
        var til = Replay(Protocols.PostTil, PostTil()).Simulation;
        var differences = CourseSimulator.Compare(til, mono);
        Assert.Equal(7, differences[0].DoseNumber);
        Assert.Equal(DoseAction.Discontinue, differences[0].First!.Action);
        Assert.Equal(DoseAction.Give, differences[0].Second!.Action);
    }
}
