using System.Collections.Immutable;
using IlTwo.Runtime.Evaluation;
using IlTwo.Runtime.Protocols;
using IlTwo.Runtime.Records;
using static IlTwo.Runtime.Tests.Engine.Patient;

namespace IlTwo.Runtime.Tests.Engine;

public sealed class ProtocolEvaluatorTests
{
    private static RecordedObservation Sbp(double value, double hour = 5, string unit = "mm[Hg]") => RecordedObservation.Numeric("8480-6", Day2.AddHours(hour), value, unit);

    private static RecordedObservation Creatinine(double value, string unit = "mg/dL") => RecordedObservation.Numeric("2160-0", Day2.AddHours(4), value, unit);

    private static RecordedObservation Confused(bool value) => RecordedObservation.YesNo("confusion", Day2.AddHours(5), value);

    private static RecordedDose Given(double hourFromDay1) => new(Day1.AddHours(hourFromDay1), DoseStatus.Given);

    private static RecordedDose Held(double hourFromDay1) => new(Day1.AddHours(hourFromDay1), DoseStatus.Held);

    private static readonly Patient Normal = new();

    private static readonly Patient Naive = new Patient { Doses = [] };

    /// <summary>Named scenarios: a patient and the moment of the decision.</summary>
    internal static readonly ImmutableDictionary<string, (Patient Patient, DateTimeOffset At)> Scenarios = new Dictionary<string, (Patient, DateTimeOffset)>
    {
        ["normal"] = (Normal, CheckAt),
        ["sbp 84"] = (Normal.Replace("8480-6", Sbp(84)), CheckAt),
        ["sbp exactly 90"] = (Normal.Replace("8480-6", Sbp(90)), CheckAt),
        ["creatinine 3.5"] = (Normal.Replace("2160-0", Creatinine(3.5)), CheckAt),
        ["creatinine exactly 3"] = (Normal.Replace("2160-0", Creatinine(3)), CheckAt),
        ["creatinine 3.5 and sbp 84"] = (Normal.Replace("2160-0", Creatinine(3.5)).Replace("8480-6", Sbp(84)), CheckAt),
        ["everything fires"] = (Normal.Replace("2160-0", Creatinine(3.5)).Replace("8480-6", Sbp(84)).Replace("confusion", Confused(true)).Without("urine-output")
            .With(RecordedObservation.Numeric("urine-output", Day2.AddHours(5), 50, "mL")), CheckAt),
        ["confused"] = (Normal.Replace("confusion", Confused(true)), CheckAt),
        ["low urine"] = (Normal.Without("urine-output").With(RecordedObservation.Numeric("urine-output", Day2.AddHours(5), 250, "mL")), CheckAt),
        ["urine in L"] = (Normal.Without("urine-output").With(RecordedObservation.Numeric("urine-output", Day2.AddHours(5), 0.3, "L")), CheckAt),
        ["urine before window"] = (Normal.Without("urine-output").With(RecordedObservation.Numeric("urine-output", Day1.AddHours(21), 900, "mL")), CheckAt),
        ["no sbp"] = (Normal.Without("8480-6"), CheckAt),
        ["stale sbp"] = (Normal.Replace("8480-6", Sbp(120, hour: 1)), CheckAt),
        ["stale sbp 84 and fresh creatinine 3.5"] = (Normal.Replace("8480-6", Sbp(84, hour: 1)).Replace("2160-0", Creatinine(3.5)), CheckAt),
        ["no urine"] = (Normal.Without("urine-output"), CheckAt),
        ["no weight"] = (Normal with { Weight = null }, CheckAt),
        ["weight in g"] = (Normal with { Weight = new MeasuredValue(70000, "g") }, CheckAt),
        ["weight in L"] = (Normal with { Weight = new MeasuredValue(70, "L") }, CheckAt),
        ["no confusion (optional)"] = (Normal.Without("confusion"), CheckAt),
        ["no confusion and sbp 84"] = (Normal.Without("confusion").Replace("8480-6", Sbp(84)), CheckAt),
        ["sbp 84 after the check"] = (Normal.With(Sbp(84, hour: 6.5)), CheckAt),
        ["creatinine 4 after the check"] = (Normal.With(RecordedObservation.Numeric("2160-0", CheckAt.AddMinutes(1), 4, "mg/dL")), CheckAt),
        ["sbp in mg/dL"] = (Normal.Replace("8480-6", Sbp(84, unit: "mg/dL")), CheckAt),
        ["extra sbp in kg"] = (Normal.With(Sbp(200, hour: 4, unit: "kg")), CheckAt),
        ["sbp unknown unit"] = (Normal.Replace("8480-6", Sbp(84, unit: "mmHgX")), CheckAt),
        ["sbp 11.2 kPa"] = (Normal.Replace("8480-6", Sbp(11.2, unit: "kPa")), CheckAt),
        ["sbp 14.6 kPa"] = (Normal.Replace("8480-6", Sbp(14.6, unit: "kPa")), CheckAt),
        ["confusion as a number"] = (Normal.Replace("confusion", RecordedObservation.Numeric("confusion", Day2.AddHours(5), 1, "1")), CheckAt),
        ["creatinine 300 umol/L"] = (Normal.Replace("2160-0", Creatinine(300, "umol/L")), CheckAt),
        ["creatinine 250 umol/L"] = (Normal.Replace("2160-0", Creatinine(250, "umol/L")), CheckAt),
        ["too early"] = (Normal, Day2.AddHours(5.5)),
        ["exactly 8 h"] = (Normal, Day2.AddHours(6)),
        ["too early and sbp 84"] = (Normal.Replace("8480-6", Sbp(84)), Day2.AddHours(5.5)),
        ["after a held dose"] = (Normal with { Doses = [Given(14), Held(22)] }, CheckAt),
        ["just after a held dose"] = ((Normal with { Doses = [Given(14), Held(22)] }).ObservedBefore(Day1.AddHours(23)), Day1.AddHours(23)),
        ["not-given does not use a slot"] = ((Normal with { Doses = [Given(14), new RecordedDose(Day1.AddHours(22), DoseStatus.NotGiven)] }).ObservedBefore(Day1.AddHours(23)), Day1.AddHours(23)),
        ["a dose that may be running"] = (Normal with { Doses = Normal.Doses.Add(new RecordedDose(Day2.AddHours(5.5), DoseStatus.MayBeRunning) { SourceStatus = "in-progress", Source = "$.doses[2]" }) }, CheckAt),
        ["a stopped dose from the day before"] = (Normal with { Doses = [Given(14), new RecordedDose(Day1.AddHours(22), DoseStatus.MayBeRunning) { SourceStatus = "stopped" }] }, CheckAt),
        ["a dose given after the check"] = (Normal with { Doses = Normal.Doses.Add(new RecordedDose(CheckAt.AddMinutes(10), DoseStatus.Given)) }, CheckAt),
        ["a dose held after the check"] = (Normal with { Doses = Normal.Doses.Add(new RecordedDose(CheckAt.AddMinutes(10), DoseStatus.Held)) }, CheckAt),
        ["a dose recorded twice"] = (Normal with { Doses = Normal.Doses.Add(Normal.Doses[^1]) }, CheckAt),
        ["a dose recorded twice, out of order"] = (Normal with { Doses = Normal.Doses.Insert(0, Normal.Doses[^1]) }, CheckAt),
        ["a dose given and held at once"] = (Normal with { Doses = Normal.Doses.Add(Normal.Doses[^1] with { Status = DoseStatus.Held }) }, CheckAt),
        ["course complete"] = (Normal with { Doses = [Given(-26), Given(-18), Given(-10), Given(-2), Given(14), Given(22)] }, CheckAt),
        ["course complete with sbp 84"] = (Normal.Replace("8480-6", Sbp(84)) with { Doses = [Given(-26), Given(-18), Given(-10), Given(-2), Given(14), Given(22)] }, CheckAt),
        ["all slots used"] = (Normal with { Doses = [Given(-26), Given(-18), Held(-10), Given(-2), Given(14), Given(22)] }, CheckAt),
        ["first dose in window"] = ((Naive).ObservedBefore(Day1.AddHours(12)), Day1.AddHours(12)),
        ["first dose before window"] = ((Naive).ObservedBefore(Day1.AddHours(10)), Day1.AddHours(10)),
        ["first dose after window"] = ((Naive).ObservedBefore(Day2.AddHours(9)), Day2.AddHours(9)),
        ["first dose without til event"] = ((Naive with { Events = [] }).ObservedBefore(Day1.AddHours(12)), Day1.AddHours(12)),
        ["til event after the check"] = ((Naive with { Events = [new RecordedEvent("til-infusion", Day1.AddHours(13))] }).ObservedBefore(Day1.AddHours(12)), Day1.AddHours(12)),
        ["held first slot still in window"] = ((Naive with { Doses = [Held(11)] }).ObservedBefore(Day1.AddHours(19)), Day1.AddHours(19)),
        ["second dose after the til event"] = ((Naive with { Doses = [new RecordedDose(Day1.AddHours(12), DoseStatus.Given)] }).ObservedBefore(Day1.AddHours(20)), Day1.AddHours(20)),
        ["second dose without til event"] = ((Naive with { Events = [], Doses = [new RecordedDose(Day1.AddHours(12), DoseStatus.Given)] }).ObservedBefore(Day1.AddHours(20)), Day1.AddHours(20)),
    }.ToImmutableDictionary();

    private static DoseDecision Decide(string scenario, DecisionLog? log = null)
    {
        var (patient, at) = Scenarios[scenario];
        return ProtocolEvaluator.Evaluate(TestProtocol.Instance, patient.Build(), at, log);
    }

    [Fact]
    public void A_dose_that_may_be_running_or_is_after_the_check_is_named_and_no_next_time_is_given()
    {
        var decision = Decide("a dose that may be running");
        Assert.Null(decision.NextDoseAt);
        Assert.Contains("Hold dose 3: a dose at 05:30 has status 'in-progress' ($.doses[2]): it may be running, paused or partly given", decision.Summary, StringComparison.Ordinal);
        decision = Decide("a dose given after the check");
        Assert.Null(decision.NextDoseAt);
        Assert.Contains("Hold dose 3: a dose is recorded as given at 06:10, after the decision time", decision.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void A_value_charted_after_the_check_is_named_and_no_next_time_is_given()
    {
        var decision = Decide("sbp 84 after the check");
        Assert.Null(decision.NextDoseAt);
        Assert.Contains("sbp is charted at 06:30 ($.observations[", decision.Summary, StringComparison.Ordinal);
        Assert.Contains("after the decision time; the clocks disagree or a time was written in the wrong zone", decision.Summary, StringComparison.Ordinal);
        decision = Decide("til event after the check");
        Assert.Contains("the 'til-infusion' event is charted at", decision.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Doses_at_one_instant_are_named_and_no_next_time_is_given()
    {
        var decision = Decide("a dose given and held at once");
        Assert.Null(decision.NextDoseAt);
        Assert.Contains("2 doses are recorded at 2026-03-02 22:00: given ($.doses[1]) and held ($.doses[2]); whether one dose was given or more", decision.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void A_replay_decides_as_of_each_moment_without_holding_for_what_it_charts_later()
    {
        // The simulator's own steps see the record's later values as history to come; a consumer's decision does not.
        var (patient, at) = Scenarios["sbp 84 after the check"];
        var timeline = PatientTimeline.Create(TestProtocol.Instance.Info, patient.Build());
        Assert.Equal(DoseAction.Hold, ProtocolEvaluator.Evaluate(TestProtocol.Instance, timeline, at).Action);
        Assert.Equal(DoseAction.Give, ProtocolEvaluator.Evaluate(TestProtocol.Instance, timeline, at, null, null, null, asOf: true).Action);
    }

    private static string Ids<T>(IEnumerable<T> items, Func<T, string> id) => string.Join(",", items.Select(id));

    public static TheoryData<string, DoseAction, string, string, string> Outcomes() => new()
    {
        // scenario, action, fired rule ids (in order), missing observations ("!" = optional), schedule codes
        { "normal", DoseAction.Give, "", "", "" },
        { "sbp 84", DoseAction.Hold, "sbp-low", "", "" },
        { "sbp exactly 90", DoseAction.Give, "", "", "" },
        { "creatinine 3.5", DoseAction.Discontinue, "creatinine-high", "", "" },
        { "creatinine exactly 3", DoseAction.Discontinue, "creatinine-high", "", "" },
        { "creatinine 3.5 and sbp 84", DoseAction.Discontinue, "creatinine-high,sbp-low", "", "" },
        { "everything fires", DoseAction.Discontinue, "creatinine-high,sbp-low,oliguria,confusion", "", "" },
        { "confused", DoseAction.Hold, "confusion", "", "" },
        { "low urine", DoseAction.Hold, "oliguria", "", "" },
        { "urine in L", DoseAction.Give, "", "", "" },
        { "urine before window", DoseAction.Hold, "", "urine-output", "" },
        { "no sbp", DoseAction.Hold, "", "sbp", "" },
        { "stale sbp", DoseAction.Hold, "", "sbp", "" },
        { "stale sbp 84 and fresh creatinine 3.5", DoseAction.Discontinue, "creatinine-high", "sbp", "" },
        { "no urine", DoseAction.Hold, "", "urine-output", "" },
        { "no weight", DoseAction.Hold, "", "weight", "" },
        { "weight in g", DoseAction.Give, "", "", "" },
        { "weight in L", DoseAction.Hold, "", "weight", "" },
        { "no confusion (optional)", DoseAction.Give, "", "!confusion", "" },
        { "no confusion and sbp 84", DoseAction.Hold, "sbp-low", "!confusion", "" },
        // Charted after the decision time: a clock that disagrees or a time in the wrong zone, never read as "not yet".
        { "sbp 84 after the check", DoseAction.Hold, "", "", "charted-after-decision-time" },
        { "creatinine 4 after the check", DoseAction.Hold, "", "", "charted-after-decision-time" },
        { "sbp in mg/dL", DoseAction.Hold, "", "sbp", "" },
        { "extra sbp in kg", DoseAction.Hold, "", "", "" },
        { "sbp unknown unit", DoseAction.Hold, "", "sbp", "" },
        { "sbp 11.2 kPa", DoseAction.Hold, "sbp-low", "", "" },
        { "sbp 14.6 kPa", DoseAction.Give, "", "", "" },
        { "confusion as a number", DoseAction.Hold, "", "!confusion", "" },
        { "creatinine 300 umol/L", DoseAction.Discontinue, "creatinine-high", "", "" },
        { "creatinine 250 umol/L", DoseAction.Give, "", "", "" },
        { "too early", DoseAction.Hold, "", "", "too-early" },
        { "exactly 8 h", DoseAction.Give, "", "", "" },
        { "too early and sbp 84", DoseAction.Hold, "sbp-low", "", "too-early" },
        { "after a held dose", DoseAction.Give, "", "", "" },
        { "just after a held dose", DoseAction.Hold, "", "", "too-early" },
        { "not-given does not use a slot", DoseAction.Give, "", "", "" },
        { "a dose that may be running", DoseAction.Hold, "", "", "dose-may-be-running" },
        { "a stopped dose from the day before", DoseAction.Hold, "", "", "dose-may-be-running" },
        { "a dose given after the check", DoseAction.Hold, "", "", "dose-after-decision-time" },
        { "a dose held after the check", DoseAction.Give, "", "", "" },
        // One bolus at a time: two doses at one instant say neither how many were given nor which.
        { "a dose recorded twice", DoseAction.Hold, "", "", "doses-at-same-time" },
        { "a dose recorded twice, out of order", DoseAction.Hold, "", "", "doses-at-same-time" },
        { "a dose given and held at once", DoseAction.Hold, "", "", "doses-at-same-time" },
        { "course complete", DoseAction.Discontinue, "", "", "max-doses-course" },
        { "course complete with sbp 84", DoseAction.Discontinue, "sbp-low", "", "max-doses-course" },
        // `at most 6 doses per course` counts doses given: a held slot does not use up the course (see Slot_caps for dose slots).
        { "all slots used", DoseAction.Give, "", "", "" },
        { "first dose in window", DoseAction.Give, "", "", "" },
        { "first dose before window", DoseAction.Hold, "", "", "before-first-dose-window" },
        { "first dose after window", DoseAction.Hold, "", "", "after-first-dose-window" },
        { "first dose without til event", DoseAction.Hold, "", "", "no-first-dose-event" },
        { "til event after the check", DoseAction.Hold, "", "", "no-first-dose-event,charted-after-decision-time" },
        { "held first slot still in window", DoseAction.Give, "", "", "" },
        // The course follows the event: a record with doses but no event cannot place them (a procedure search that came back empty).
        { "second dose after the til event", DoseAction.Give, "", "", "" },
        { "second dose without til event", DoseAction.Hold, "", "", "no-first-dose-event" },
    };

    [Theory]
    [MemberData(nameof(Outcomes))]
    public void Decides(string scenario, DoseAction action, string rules, string missing, string schedule)
    {
        var decision = Decide(scenario);

        Assert.Equal(action, decision.Action);
        Assert.Equal(rules, Ids(decision.Rules, r => r.Id));
        Assert.Equal(missing, Ids(decision.Missing, m => (m.Optional ? "!" : "") + m.Observation));
        Assert.Equal(schedule, Ids(decision.Schedule, s => s.Code));
        Assert.Equal("test-protocol", decision.ProtocolId);
        Assert.Equal("1.2.0", decision.ProtocolVersion);
        Assert.Equal("abc123", decision.SourceHash);
        Assert.False(string.IsNullOrWhiteSpace(decision.Summary));
    }

    [Fact]
    public void Every_scenario_has_an_expected_outcome()
    {
        var covered = Outcomes().Select(row => (string)row[0]).ToHashSet();
        Assert.Equal("", string.Join(",", Scenarios.Keys.Where(k => !covered.Contains(k))));
    }

    /// <summary>The safety invariant, over every scenario: Give only with nothing that could hold.</summary>
    [Theory]
    [MemberData(nameof(Outcomes))]
    public void Never_gives_with_a_reason_to_hold(string scenario, DoseAction action, string rules, string missing, string schedule)
    {
        _ = (action, rules, missing, schedule);
        var d = Decide(scenario);
        var reasons = d.Rules.Length + d.Missing.Count(m => !m.Optional) + d.DataErrors.Length + d.Schedule.Length;
        Assert.Equal(d.Action == DoseAction.Give, reasons == 0);
        Assert.Equal(d.Action == DoseAction.Give, d.Summary.StartsWith($"Give dose {d.DoseNumber}:", StringComparison.Ordinal));
        if (d.Action == DoseAction.Discontinue)
        {
            Assert.Null(d.NextDoseAt);
        }

        if (d.Action == DoseAction.Give)
        {
            Assert.Equal(d.At, d.NextDoseAt);
        }
    }

    public static TheoryData<string, string?> NextDoses() => new()
    {
        { "normal", "2026-03-03T06:00:00Z" },
        { "sbp 84", "2026-03-03T14:00:00Z" }, // next slot: the held dose is not made up
        { "no sbp", "2026-03-03T14:00:00Z" },
        { "creatinine 3.5", null },
        { "too early", "2026-03-03T06:00:00Z" },
        { "too early and sbp 84", "2026-03-03T06:00:00Z" },
        { "just after a held dose", "2026-03-03T06:00:00Z" },
        { "course complete", null },
        { "first dose before window", "2026-03-02T11:00:00Z" },
        { "first dose after window", null },
        { "first dose without til event", null },
        { "sbp in mg/dL", "2026-03-03T14:00:00Z" },
    };

    [Theory]
    [MemberData(nameof(NextDoses))]
    public void Next_dose(string scenario, string? expected)
    {
        var decision = Decide(scenario);
        Assert.Equal(expected is null ? null : DateTimeOffset.Parse(expected), decision.NextDoseAt);
    }

    public static TheoryData<string, int, int, int?> Counts() => new()
    {
        // scenario, dose number, doses given, doses remaining
        { "normal", 3, 2, 4 },
        { "after a held dose", 3, 1, 5 },
        { "not-given does not use a slot", 2, 1, 5 },
        { "course complete", 7, 6, 0 },
        { "all slots used", 7, 5, 1 },
        { "first dose in window", 1, 0, 6 },
        { "held first slot still in window", 2, 0, 6 },
    };

    /// <summary>The test protocol with <c>at most 6 dose slots per course</c>: held slots count toward the cap.</summary>
    private sealed class SlotCapped : ProtocolRules
    {
        public override ProtocolInfo Info { get; } = TestProtocol.Description with
        {
            Regimen = TestProtocol.Description.Regimen with { CourseCap = CourseCapKind.DoseSlots },
        };

        public override void EvaluateRules(PatientSnapshot snapshot, Span<Truth> results) => TestProtocol.Instance.EvaluateRules(snapshot, results);
    }

    [Theory]
    [InlineData("all slots used", DoseAction.Discontinue, 0)]
    [InlineData("after a held dose", DoseAction.Give, 4)]
    [InlineData("course complete", DoseAction.Discontinue, 0)]
    public void Slot_caps_count_held_slots(string scenario, DoseAction action, int remaining)
    {
        var (patient, at) = Scenarios[scenario];
        var decision = ProtocolEvaluator.Evaluate(new SlotCapped(), patient.Build(), at);
        Assert.Equal((action, remaining), (decision.Action, decision.DosesRemaining));
        if (action == DoseAction.Discontinue)
        {
            Assert.Equal(ScheduleCodes.MaxDosesCourse, Assert.Single(decision.Schedule).Code);
        }
    }

    [Theory]
    [MemberData(nameof(Counts))]
    public void Dose_counts(string scenario, int doseNumber, int given, int? remaining)
    {
        var decision = Decide(scenario);
        Assert.Equal((doseNumber, given, remaining), (decision.DoseNumber, decision.DosesGiven, decision.DosesRemaining));
    }

    [Fact]
    public void Hold_reports_the_values_seen()
    {
        var decision = Decide("sbp 84");

        var rule = Assert.Single(decision.Rules);
        Assert.Equal(("sbp-low", "Systolic BP below 90 mm[Hg]", RuleAction.Hold, "sbp < 90 mm[Hg]", "test-protocol"),
            (rule.Id, rule.Title, rule.Action, rule.Condition, rule.DefinedIn));
        Assert.Equal("proleukin-pi", Assert.Single(rule.Citations).Reference);
        var seen = Assert.Single(rule.Values);
        Assert.Equal("sbp", seen.Input);
        Assert.Equal(84, seen.Value!.Value, 9);
        Assert.Equal("mm[Hg]", seen.Unit);
        Assert.Equal(Day2.AddHours(5), seen.At);
        Assert.Null(seen.Flag);
        Assert.Null(seen.Count);
    }

    [Fact]
    public void Aggregate_and_weight_values_are_in_declared_units()
    {
        var rule = Assert.Single(Decide("low urine").Rules);

        Assert.Equal(2, rule.Values.Length);
        var sum = rule.Values[0];
        Assert.Equal(("sum(urine-output, last 8 h)", "mL", 1, Day2.AddHours(5)), (sum.Input, sum.Unit, sum.Count, sum.At));
        Assert.Equal(250, sum.Value!.Value, 9);
        var weight = rule.Values[1];
        Assert.Equal(("weight", "kg"), (weight.Input, weight.Unit));
        Assert.Equal(70, weight.Value!.Value, 9);
    }

    [Fact]
    public void Yes_no_values_are_reported_as_flags()
    {
        var seen = Assert.Single(Assert.Single(Decide("confused").Rules).Values);
        Assert.Equal((true, (double?)null, (string?)null), (seen.Flag, seen.Value, seen.Unit));
    }

    [Fact]
    public void Converted_values_are_shown_in_the_declared_unit()
    {
        var seen = Assert.Single(Assert.Single(Decide("creatinine 300 umol/L").Rules).Values);
        Assert.Equal("mg/dL", seen.Unit);
        Assert.Equal(300 * 113.12 / 1e4, seen.Value!.Value, 9); // 3.3936 mg/dL

        var kpa = Assert.Single(Assert.Single(Decide("sbp 11.2 kPa").Rules).Values);
        Assert.Equal(84.00714, kpa.Value!.Value, 5); // 11.2 kPa
    }

    public static TheoryData<string, string, string, string> MissingReasons() => new()
    {
        { "no sbp", "sbp", "no value recorded", "sbp-low" },
        { "stale sbp", "sbp", "latest value 120 mmHg at 01:00 is 5 h old; must be within 4 h", "sbp-low" },
        { "no urine", "urine-output", "no values in the last 8 h", "oliguria" },
        { "urine before window", "urine-output", "no values in the last 8 h; latest 900 mL at 2026-03-02 21:00 (9 h ago)", "oliguria" },
        { "no weight", "weight", "no usable patient weight", "oliguria" },
        { "no confusion (optional)", "confusion", "no value recorded", "confusion" },
        { "sbp unknown unit", "sbp", "no value recorded", "sbp-low" },
    };

    [Theory]
    [MemberData(nameof(MissingReasons))]
    public void Missing_data_names_the_reason_and_rules(string scenario, string observation, string reason, string rules)
    {
        var missing = Assert.Single(Decide(scenario).Missing);
        Assert.Equal((observation, reason, rules), (missing.Observation, missing.Reason, string.Join(",", missing.Rules)));
    }

    [Fact]
    public void Missing_entries_merge_per_observation()
    {
        var protocol = new TwoSbpRules();
        var decision = ProtocolEvaluator.Evaluate(protocol, Normal.Without("8480-6").Build(), CheckAt);

        var missing = Assert.Single(decision.Missing);
        Assert.Equal(("sbp", "systolic blood pressure", false), (missing.Observation, missing.Title, missing.Optional));
        Assert.Equal(["sbp-low", "sbp-very-low"], missing.Rules.ToArray());
        Assert.Equal(DoseAction.Hold, decision.Action);
    }

    [Fact]
    public void Time_since_event_and_dose_inputs()
    {
        var protocol = new TimeRules();
        var seen = ProtocolEvaluator.Evaluate(protocol, Normal.Build(), CheckAt);
        var rule = Assert.Single(seen.Rules);
        Assert.Equal([("time since til-infusion", 22.0, "h"), ("time since last dose", 8.0, "h"), ("doses given", 2.0, (string?)null)],
            rule.Values.Select(v => (v.Input, v.Value!.Value, v.Unit)));
        Assert.Equal(Day1.AddHours(8), rule.Values[0].At);

        var none = ProtocolEvaluator.Evaluate(protocol, (Normal with { Events = [], Doses = [] }).Build(), CheckAt);
        Assert.Equal(DoseAction.Hold, none.Action);
        Assert.Equal([("til-infusion", "no til-infusion event"), ("dose", "no dose given yet")], none.Missing.Select(m => (m.Observation, m.Reason)));
    }

    [Fact]
    public void Data_errors_hold_and_are_reported()
    {
        var decision = Decide("extra sbp in kg");

        Assert.Equal(DoseAction.Hold, decision.Action);
        var error = Assert.Single(decision.DataErrors);
        Assert.True(error.IsError);
        Assert.Contains("sbp", error.Message, StringComparison.Ordinal);
        Assert.Contains("Hold dose 3: data error", decision.Summary, StringComparison.Ordinal);
        Assert.Equal(Day2.AddHours(14), decision.NextDoseAt);
    }

    [Fact]
    public void Unwritten_rule_results_read_as_unknown()
    {
        var decision = ProtocolEvaluator.Evaluate(new SilentProtocol(3), Normal.Build(), CheckAt);
        Assert.Equal(DoseAction.Hold, decision.Action);
        Assert.Equal(["r0", "r1", "r2"], decision.Missing.Select(m => m.Observation));
        Assert.All(decision.Missing, m => Assert.False(m.Optional));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(256)]
    [InlineData(257)]
    [InlineData(2000)]
    public void Any_number_of_rules(int count)
    {
        var decision = ProtocolEvaluator.Evaluate(new SilentProtocol(count) { WriteFalse = true }, Normal.Build(), CheckAt);
        Assert.Equal(DoseAction.Give, decision.Action);
    }

    [Fact]
    public void Fired_rules_keep_a_stable_order()
    {
        var first = Decide("everything fires");
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(first.Rules.Select(r => r.Id), Decide("everything fires").Rules.Select(r => r.Id));
        }

        Assert.Equal([RuleAction.Discontinue, RuleAction.Hold, RuleAction.Hold, RuleAction.Hold], first.Rules.Select(r => r.Action));
    }

    public static TheoryData<string, string> Summaries() => new()
    {
        { "sbp 84", "Hold dose 3: Systolic BP below 90 mm[Hg] — sbp 84 mmHg at 05:00 (proleukin-pi, Table 2, cardiac: withhold for SBP decrease to <90 mmHg)." },
        { "normal", "Give dose 3: no hold or discontinue criterion met; next check 14:00." },
        { "stale sbp", "Hold dose 3: missing data — sbp-low needs systolic blood pressure: latest value 120 mmHg at 01:00 is 5 h old; must be within 4 h." },
        { "creatinine 300 umol/L", "Discontinue dose 3: Creatinine at or above 3 mg/dL — creatinine 300 µmol/L = 3.394 mg/dL at 04:00 (proleukin-pi, Table 2, renal; unverified)." },
        { "low urine", "Hold dose 3: Urine output below 4 mL/kg over 8 h — sum(urine-output, last 8 h) 250 mL latest at 05:00 (1 value), weight 70 kg." },
        { "confused", "Hold dose 3: Confusion — confusion yes at 05:00." },
        { "course complete", "Course complete: 6 of 6 doses given." },
        { "too early", "Hold dose 3: too early: the last dose slot (given) was at 2026-03-02 22:00 and doses are at least 8 h apart; next dose not before 06:00." },
        { "no confusion (optional)", "Give dose 3: no hold or discontinue criterion met; next check 14:00." },
        { "first dose after window", "Hold dose 1: after the first-dose window: the first dose must be 3 h to 24 h after the 'til-infusion' event (at 2026-03-02 08:00); the window closed at 08:00; contact the prescriber." },
    };

    [Theory]
    [MemberData(nameof(Summaries))]
    public void Summary_text(string scenario, string expected) => Assert.Equal(expected, Decide(scenario).Summary);

    [Fact]
    public void Summary_lists_every_reason()
    {
        var summary = Decide("everything fires").Summary;
        Assert.StartsWith("Discontinue dose 3: Creatinine at or above 3 mg/dL — creatinine 3.5 mg/dL at 04:00", summary, StringComparison.Ordinal);
        Assert.Contains("Hold dose 3: Systolic BP below 90 mm[Hg] — sbp 84 mmHg at 05:00", summary, StringComparison.Ordinal);
        Assert.Contains("Hold dose 3: Urine output below 4 mL/kg over 8 h", summary, StringComparison.Ordinal);
        Assert.Contains("Hold dose 3: Confusion — confusion yes at 05:00.", summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Decisions_are_safe_to_compute_concurrently()
    {
        var names = Scenarios.Keys.Order(StringComparer.Ordinal).ToArray();
        var inputs = names.Select(n => (Record: Scenarios[n].Patient.Build(), Scenarios[n].At)).ToArray();
        var expected = inputs.Select(i => DoseDecisionJson.Serialize(ProtocolEvaluator.Evaluate(TestProtocol.Instance, i.Record, i.At))).ToArray();
        var log = new DecisionLog(TextWriter.Null);
        var failures = 0;

        var threads = Enumerable.Range(0, 8).Select(t => new Thread(() =>
        {
            for (var i = 0; i < 1000; i++)
            {
                var k = (i * 7 + t) % inputs.Length;
                var json = DoseDecisionJson.Serialize(ProtocolEvaluator.Evaluate(TestProtocol.Instance, inputs[k].Record, inputs[k].At, log));
                if (json != expected[k])
                {
                    Interlocked.Increment(ref failures);
                }
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        Assert.Equal(0, failures);
    }

    private sealed class TwoSbpRules : ProtocolRules
    {
        public override ProtocolInfo Info { get; } = TestProtocol.Description with
        {
            Rules =
            [
                TestProtocol.Description.Rules[0],
                TestProtocol.Description.Rules[0] with { Index = 1, Id = "sbp-very-low", Title = "SBP below 80", Condition = "sbp < 80 mm[Hg]" },
            ],
        };

        public override void EvaluateRules(PatientSnapshot snapshot, Span<Truth> results)
        {
            results[0] = Logic.Less(snapshot.Latest(TestProtocol.Sbp), 90 * 133.322387415);
            results[1] = Logic.Less(snapshot.Latest(TestProtocol.Sbp), 80 * 133.322387415);
        }
    }

    private sealed class TimeRules : ProtocolRules
    {
        public override ProtocolInfo Info { get; } = TestProtocol.Description with
        {
            Rules =
            [
                new RuleInfo
                {
                    Index = 0, Id = "late", Title = "Late", Action = RuleAction.Hold, DefinedIn = "t",
                    Condition = "time since til-infusion > 1 h and time since last dose >= 8 h and doses given >= 0",
                    Inputs =
                    [
                        new RuleInputInfo { Kind = InputKind.TimeSinceEvent, Index = 0, Text = "time since til-infusion" },
                        new RuleInputInfo { Kind = InputKind.TimeSinceLastDose, Text = "time since last dose" },
                        new RuleInputInfo { Kind = InputKind.DosesGiven, Text = "doses given" },
                    ],
                },
            ],
        };

        public override void EvaluateRules(PatientSnapshot snapshot, Span<Truth> results) =>
            results[0] = Logic.And(Logic.And(
                Logic.Greater(snapshot.TimeSinceEvent(0), 3600),
                Logic.GreaterOrEqual(snapshot.TimeSinceLastDose(), 8 * 3600)),
                Logic.GreaterOrEqual(snapshot.DosesGiven, 0));
    }
}
