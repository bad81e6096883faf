using IlTwo.Dsl.Analysis.Comparison;
using IlTwo.Dsl.Compilation;
using IlTwo.Dsl.Diagnostics;
using IlTwo.Dsl.Evaluation;
using IlTwo.Runtime.Evaluation;
using IlTwo.Runtime.Protocols;

namespace IlTwo.Dsl.Tests.Course;

/// <summary>
/// The criteria that act over the course (issue 10), on the test protocols next to this file: their scenarios (both
/// paths), what the decision says about a stop, an unresolved hold and a reassessment, and how diffs and claims judge
/// the course clauses.
/// </summary>
public sealed class CourseTests
{
    private static string PathOf(string name) => Path.Combine(TestProtocols.RepositoryRoot, "tests", "IlTwo.Dsl.Tests", "Course", name + ".il2");

    private static ProtocolCompilation Compile(string name) => TestProtocols.Compile(PathOf(name));

    public static TheoryData<string> Protocols() => ["course-base", "course-extension"];

    [Theory]
    [MemberData(nameof(Protocols))]
    public void Every_course_scenario_passes_compiled_and_interpreted(string name)
    {
        var compilation = Compile(name);
        Assert.False(compilation.HasErrors, string.Join("\n", compilation.Diagnostics));
        Assert.DoesNotContain(compilation.Diagnostics, d => d.Code == "IL0308");
        using var compiled = TestProtocols.Load(compilation);

        var interpreted = ScenarioRunner.Run(compilation, new ProtocolInterpreter(compilation));
        var emitted = ScenarioRunner.Run(compilation, compiled.Rules);

        Assert.NotEmpty(interpreted);
        Assert.All(interpreted, r => Assert.True(r.Passed, $"{r.Title}: {r.Message}"));
        Assert.All(emitted, r => Assert.True(r.Passed, $"{r.Title}: {r.Message}"));
        Assert.Equal(interpreted.Select(r => DoseDecisionJson.Serialize(r.Decision)), emitted.Select(r => DoseDecisionJson.Serialize(r.Decision)));
    }

    private static DoseDecision Decide(string scenario, string protocol = "course-base")
    {
        var compilation = Compile(protocol);
        var result = ScenarioRunner.Run(compilation, new ProtocolInterpreter(compilation)).Single(r => r.Title == scenario);
        return result.Decision;
    }

    [Fact]
    public void A_stale_positive_stops_the_course_from_when_it_was_charted_and_says_so()
    {
        var decision = Decide("a sustained VT charted 9 hours ago stops the course");

        Assert.Equal(DoseAction.Discontinue, decision.Action);
        var stop = Assert.IsType<CourseStop>(decision.Course.Stop);
        Assert.Equal(("vt", false, ScenarioRunner.Now.AddHours(-9)), (stop.RuleId, stop.ByRecord, stop.At));
        var seen = Assert.Single(stop.Values);
        Assert.Equal((true, ScenarioRunner.Now.AddHours(-9)), (seen.Flag, seen.At));
        var rule = decision.Rules[0];
        Assert.Equal("vt", rule.Id);
        Assert.StartsWith("IL-2 stopped for the course since", rule.Note);
        Assert.Contains("sustained-vt yes at 03:00", decision.Summary);
        Assert.DoesNotContain("Not recorded, optional (does not hold the dose): sustained-vt", decision.Summary);

        var json = DoseDecisionJson.Serialize(decision);
        Assert.Contains("\"course\":{\"stop\":{\"rule\":\"vt\",\"byRecord\":false,\"at\":\"2026-01-01T03:00:00Z\"", json);
    }

    [Fact]
    public void A_numeric_stop_at_an_earlier_slot_outlasts_normal_values_now()
    {
        var decision = Decide("a stop at an earlier dose slot stays after normalisation");

        var stop = Assert.IsType<CourseStop>(decision.Course.Stop);
        Assert.Equal(("three-relative", ScenarioRunner.Now.AddHours(-9)), (stop.RuleId, stop.At));
        Assert.Contains(stop.Values, v => v.Input == "sbp" && v.Value is 85);
    }

    [Fact]
    public void An_unresolved_hold_names_its_trigger_and_its_resolution()
    {
        var decision = Decide("low saturation that held the last slot, not resolved since, holds");

        var hold = Assert.Single(decision.Course.Unresolved);
        Assert.Equal(("low-spo2", ScenarioRunner.Now.AddHours(-9), "spo2 > 90 %"), (hold.RuleId, hold.Since, hold.Resolution));
        Assert.Contains(hold.Values, v => v.Input == "spo2" && v.Value is 88);
        Assert.Contains("unresolved since 03:00; held until spo2 > 90 %", decision.Summary);
        Assert.Empty(Decide("low saturation resolved by a later value gives").Course.Unresolved);
    }

    [Fact]
    public void A_positive_that_aged_out_still_holds_until_resolved()
    {
        var decision = Decide("confusion that aged out of its window still holds");

        Assert.Equal(DoseAction.Hold, decision.Action);
        Assert.Equal("confused", Assert.Single(decision.Course.Unresolved).RuleId);
    }

    [Fact]
    public void An_uncorrected_stop_criterion_holds_to_reassess()
    {
        var decision = Decide("one uncorrected fast heart rate holds to reassess");

        Assert.Equal(DoseAction.Hold, decision.Action);
        var reassess = Assert.Single(decision.Course.Reassess);
        Assert.Equal(("tachycardia", RuleAction.Discontinue), (reassess.RuleId, reassess.Action));
        Assert.Contains("correction not shown", reassess.NotShown);
        Assert.Contains("persistence not shown (1 charted value in the last 2 h; needs at least 2)", reassess.NotShown);
        Assert.Equal(RuleAction.Hold, Assert.Single(decision.Rules).Action);
        Assert.Contains("reassess:", decision.Summary);
    }

    [Fact]
    public void A_rule_that_stopped_the_course_is_listed_once_not_also_reassessed()
    {
        var decision = Decide("a tachycardia stop at an earlier dose slot is not reassessed by a fast rate now");

        Assert.Equal(DoseAction.Discontinue, decision.Action);
        Assert.Equal("tachycardia", Assert.IsType<CourseStop>(decision.Course.Stop).RuleId);
        var rule = Assert.Single(decision.Rules, r => r.Id == "tachycardia");
        Assert.Equal(RuleAction.Discontinue, rule.Action);
        Assert.StartsWith("IL-2 stopped for the course since", rule.Note);
        Assert.DoesNotContain("reassess:", decision.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void The_record_can_stop_the_course()
    {
        var decision = Decide("a course stop in the record is honoured");

        Assert.Equal(DoseAction.Discontinue, decision.Action);
        Assert.True(decision.Course.Stop!.ByRecord);
        Assert.Contains("stopped by the record at", decision.Summary);
    }

    [Fact]
    public void Course_caps_count_doses_given_unless_they_say_dose_slots()
    {
        Assert.Equal(DoseAction.Give, Decide("held slots do not count toward the six doses").Action);
        var slots = Decide("held slots count toward the six slots here", "course-extension");
        Assert.Equal(DoseAction.Discontinue, slots.Action);
        Assert.Equal(ScheduleCodes.MaxDosesCourse, Assert.Single(slots.Schedule).Code);
        Assert.Equal(CourseCapKind.DoseSlots, Compile("course-extension").Protocol.Regimen.CourseCapCountsSlots ? CourseCapKind.DoseSlots : CourseCapKind.DosesGiven);
    }

    // ------------------------------------------------------------ diff and claims

    private static ProtocolDiff DiffAgainstBase(Func<string, string> edit)
    {
        var text = File.ReadAllText(PathOf("course-base"));
        var edited = edit(text);
        Assert.NotEqual(text, edited);
        var old = TestProtocols.CompileText(text, "course-base.il2");
        var @new = TestProtocols.CompileText(edited, "course-base.il2");
        Assert.False(@new.HasErrors, string.Join("\n", @new.Diagnostics));
        return ProtocolComparer.Compare(old, @new);
    }

    [Fact]
    public void Removing_until_is_less_conservative_and_adding_it_more()
    {
        var removed = DiffAgainstBase(t => t.Replace("  until spo2 > 90 %\n", ""));
        Assert.Equal(SafetyVerdict.LessConservative, removed.Overall);
        Assert.Contains(removed.Changes, c => c.Area == ChangeArea.Course && c.Subject == "low-spo2" && c.Verdict == SafetyVerdict.LessConservative);

        var added = DiffAgainstBase(t => t.Replace("  group relative\n  cite test-source \"relative\"\n}\n\nhold rule platelets-low",
            "  group relative\n  until creatinine < 2 mg/dL\n  cite test-source \"relative\"\n}\n\nhold rule platelets-low"));
        Assert.Equal(SafetyVerdict.MoreConservative, added.Overall);
    }

    [Fact]
    public void A_correction_or_longer_persistence_on_a_stop_is_less_conservative()
    {
        // A single patient state cannot show persistence: the region analysis cannot tell, the clause is judged less conservative.
        var longer = DiffAgainstBase(t => t.Replace("persistent for 2 h", "persistent for 4 h"));
        Assert.DoesNotContain(longer.Overall, new[] { SafetyVerdict.MoreConservative, SafetyVerdict.Neutral });
        Assert.Contains(longer.Changes, c => c.Area == ChangeArea.Course && c.Subject == "tachycardia" && c.Verdict == SafetyVerdict.LessConservative);

        var uncorrected = DiffAgainstBase(t => t.Replace("  corrected when temperature < 38.1 Cel and sbp >= 90 mm[Hg]\n", ""));
        Assert.Contains(uncorrected.Changes, c => c.Area == ChangeArea.Course && c.Subject == "tachycardia" && c.Verdict == SafetyVerdict.MoreConservative);
        var immediate = DiffAgainstBase(t => t.Replace("  corrected when temperature < 38.1 Cel and sbp >= 90 mm[Hg]\n", "").Replace("  persistent for 2 h\n", ""));
        Assert.Equal(SafetyVerdict.MoreConservative, immediate.Overall);
    }

    [Fact]
    public void A_count_over_a_group_is_analysed_through_its_members()
    {
        // A stricter member makes the count fire in more situations; the claim check sees it through the group.
        var stricter = DiffAgainstBase(t => t.Replace("when platelets < 50 10*3/uL", "when platelets < 60 10*3/uL"));
        Assert.Equal(SafetyVerdict.MoreConservative, stricter.Overall);
        var laxer = DiffAgainstBase(t => t.Replace("when at least 3 of relative", "when at least 4 of relative"));
        Assert.Equal(SafetyVerdict.LessConservative, laxer.Overall);
    }

    [Fact]
    public void Overriding_an_observation_shows_as_a_tightening_and_the_claim_holds()
    {
        var extension = Compile("course-extension");
        Assert.DoesNotContain(extension.Diagnostics, d => d.Descriptor == DiagnosticCatalog.ClaimRefuted || d.Descriptor == DiagnosticCatalog.ClaimUndecided);
        var sbp = extension.Protocol.FindObservation("sbp")!;
        Assert.Equal((2 * 3600.0, "course-extension"), (sbp.RecencySeconds, sbp.ProtocolId));
        Assert.False(extension.Protocol.FindObservation("sustained-vt")!.IsOptional);

        var diff = ProtocolComparer.Compare(Compile("course-base"), extension);
        Assert.Contains(diff.Changes, c => c.Area == ChangeArea.Observation && c.Subject == "sbp" && c.Verdict == SafetyVerdict.MoreConservative);
        Assert.Contains(diff.Changes, c => c.Area == ChangeArea.Observation && c.Subject == "sustained-vt" && c.Verdict == SafetyVerdict.MoreConservative);
        Assert.Contains(diff.Changes, c => c.Area == ChangeArea.Regimen && c.Subject == "course cap counts" && c.Verdict == SafetyVerdict.MoreConservative);

        // The reverse direction loosens: the claim that the base is more conservative than the extension must fail.
        var reverse = ProtocolComparer.Compare(extension, Compile("course-base"));
        Assert.Equal(SafetyVerdict.LessConservative, reverse.Overall);
    }
}
