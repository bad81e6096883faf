using System.Collections.Immutable;
using System.Runtime.InteropServices;
using System.Text;
using IlTwo.Runtime.Protocols;
using IlTwo.Runtime.Records;
using IlTwo.Runtime.Units;

namespace IlTwo.Runtime.Evaluation;

/// <summary>
/// Turns rule truths into a dose decision: combines the rules, the schedule and the data's completeness, and
/// explains the result. Shared by compiled protocols and the interpreter. Thread-safe: what it keeps between calls
/// (a decision from a record binds into a timeline its thread keeps, see <see cref="DecisionScratch"/>) is per thread
/// and never outlives the call's record; no decision depends on an earlier one.
/// </summary>
/// <remarks>
/// <para>Precedence: discontinue &gt; hold &gt; give. Discontinue when a discontinue rule fired or the course is complete.
/// Hold when a hold rule fired, a rule could not be decided for lack of non-optional data, the record has data
/// errors, or the schedule does not allow a dose now. Otherwise give.</para>
/// <para>Held doses use their slot and are not made up: the dose number and the interval count held slots, and
/// <see cref="DoseDecision.DosesRemaining"/> = max doses per course − given − held. The course is complete (discontinue)
/// when the given doses reach the course maximum, or when given plus held slots do (no slot is left to give).</para>
/// <para>A rule that the protocol leaves unwritten (its truth slot untouched) reads as unknown, never as false.</para>
/// </remarks>
public static class ProtocolEvaluator
{
    private const int StackLimit = 256;

    /// <param name="readIssues">
    /// Optional issues from reading the record (e.g. FHIR). Only warnings with a <see cref="RecordIssue.Code"/> and
    /// <see cref="RecordIssue.At"/> are used, and only to explain data that is missing anyway: when an observation a rule
    /// needed has no usable value, the latest such note at or before <paramref name="at"/> (and newer than its latest
    /// value) is added to the <see cref="MissingData.Reason"/>. They never change the action.
    /// </param>
    /// <param name="timeZone">The time zone the decision's text writes times in (UTC when null). JSON times stay UTC.</param>
    public static DoseDecision Evaluate(
        ProtocolRules rules, PatientRecord record, DateTimeOffset at, DecisionLog? log = null, IReadOnlyList<RecordIssue>? readIssues = null,
        TimeZoneInfo? timeZone = null)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(record);
        // Bound into this thread's pooled timeline: the decision keeps nothing of it (values, not views).
        var scratch = DecisionScratch.Rent();
        DoseDecision decision;
        try
        {
            var pooled = scratch.Bind(rules.Info, record);
            var snapshot = PatientSnapshot.Create(pooled.Timeline, at, pooled.Now, out var issues);
            pooled.Now = snapshot;
            decision = Evaluate(rules, pooled.Timeline, snapshot, issues, readIssues, timeZone, pooled.Course);
        }
        finally
        {
            scratch.Return();
        }

        log?.Write(decision, record);
        return decision;
    }

    /// <summary>
    /// The decision at <paramref name="at"/> over a timeline (e.g. one a bedside feed appends to): the same decision as
    /// <see cref="Evaluate(ProtocolRules, PatientRecord, DateTimeOffset, DecisionLog?, IReadOnlyList{RecordIssue}?, TimeZoneInfo?)"/>
    /// over <see cref="PatientTimeline.ToRecord"/>, without reading the record again.
    /// </summary>
    public static DoseDecision Evaluate(
        ProtocolRules rules, PatientTimeline timeline, DateTimeOffset at, DecisionLog? log = null, IReadOnlyList<RecordIssue>? readIssues = null,
        TimeZoneInfo? timeZone = null) => Evaluate(rules, timeline, at, log, readIssues, timeZone, asOf: false);

    /// <summary>
    /// The decision at <paramref name="at"/> as of that moment: data charted later is history not reached yet, not data
    /// that runs ahead of the clock (see <see cref="DoseRecordChecks"/>). For a replay of the record (<see cref="CourseSimulator"/>).
    /// </summary>
    internal static DoseDecision Evaluate(
        ProtocolRules rules, PatientTimeline timeline, DateTimeOffset at, DecisionLog? log, IReadOnlyList<RecordIssue>? readIssues,
        TimeZoneInfo? timeZone, bool asOf)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(timeline);
        if (!ReferenceEquals(timeline.Protocol, rules.Info))
        {
            throw new ArgumentException("the timeline is bound to another protocol than the rules'", nameof(timeline));
        }

        var snapshot = PatientSnapshot.Create(timeline, at, null, out var issues);
        var scratch = DecisionScratch.Rent();
        DoseDecision decision;
        try
        {
            decision = Evaluate(rules, timeline, snapshot, issues, readIssues, timeZone, scratch.Course, asOf);
        }
        finally
        {
            scratch.Return();
        }

        log?.Write(decision, timeline.ToRecord());
        return decision;
    }

    /// <summary>
    /// The action at <paramref name="at"/> over a timeline, with the explanation left until it is asked for
    /// (<see cref="DoseVerdict.Explain"/>): the same action as
    /// <see cref="Evaluate(ProtocolRules, PatientTimeline, DateTimeOffset, DecisionLog?, IReadOnlyList{RecordIssue}?, TimeZoneInfo?)"/>
    /// by the same rules, course and schedule, without writing a word of text.
    /// </summary>
    public static DoseVerdict Decide(ProtocolRules rules, PatientTimeline timeline, DateTimeOffset at, IReadOnlyList<RecordIssue>? readIssues = null)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(timeline);
        if (!ReferenceEquals(timeline.Protocol, rules.Info))
        {
            throw new ArgumentException("the timeline is bound to another protocol than the rules'", nameof(timeline));
        }

        var snapshot = PatientSnapshot.Create(timeline, at, null, out var issues);
        var scratch = DecisionScratch.Rent();
        DoseAction action;
        try
        {
            action = ActionOf(rules, timeline, snapshot, issues, readIssues, scratch.Course);
        }
        finally
        {
            scratch.Return();
        }

        return new DoseVerdict(rules, timeline, at, readIssues, action, snapshot.DosesGiven + snapshot.DosesHeld + 1);
    }

    /// <summary>
    /// The action at <paramref name="at"/> for a record, with the explanation left until it is asked for: the same
    /// action as <see cref="Evaluate(ProtocolRules, PatientRecord, DateTimeOffset, DecisionLog?, IReadOnlyList{RecordIssue}?, TimeZoneInfo?)"/>
    /// (the same data checks, rules, course and schedule). The record is bound into a timeline this thread keeps and
    /// binds the next record into (reset, not reallocated), so a one-shot decision allocates little more than its
    /// verdict. Thread-safe: each thread binds into its own, and the verdict keeps the record, not the timeline, so
    /// <see cref="DoseVerdict.Explain"/> binds it again (always the verdict's record, whatever was decided since).
    /// </summary>
    public static DoseVerdict Decide(ProtocolRules rules, PatientRecord record, DateTimeOffset at, IReadOnlyList<RecordIssue>? readIssues = null)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(record);
        var scratch = DecisionScratch.Rent();
        try
        {
            var pooled = scratch.Bind(rules.Info, record);
            var snapshot = PatientSnapshot.Create(pooled.Timeline, at, pooled.Now, out var issues);
            pooled.Now = snapshot;
            var action = ActionOf(rules, pooled.Timeline, snapshot, issues, readIssues, pooled.Course);
            return new DoseVerdict(rules, record, at, readIssues, action, snapshot.DosesGiven + snapshot.DosesHeld + 1);
        }
        finally
        {
            scratch.Return();
        }
    }

    /// <summary>The rules, the course and the action at the snapshot's moment (see <see cref="ActionOf(ProtocolInfo, PatientSnapshot, ImmutableArray{RecordIssue}, ReadOnlySpan{Truth}, PatientTimeline, IReadOnlyList{RecordIssue}?, CourseFindings)"/>).</summary>
    private static DoseAction ActionOf(
        ProtocolRules rules, PatientTimeline timeline, PatientSnapshot snapshot, ImmutableArray<RecordIssue> issues, IReadOnlyList<RecordIssue>? readIssues,
        CourseAssessment.Context? course)
    {
        var info = rules.Info;
        var n = CourseAssessment.SlotCount(info);
        Span<Truth> truths = n <= StackLimit ? stackalloc Truth[n] : new Truth[n];
        truths.Fill(Truth.Unknown);
        rules.EvaluateRules(snapshot, truths);
        var findings = CourseAssessment.Assess(rules, timeline.Events, timeline.Doses, snapshot, truths, course);
        return ActionOf(info, snapshot, issues, truths[..info.Rules.Length], timeline, readIssues, findings);
    }

    /// <summary>The action <see cref="Decide(ProtocolInfo, PatientSnapshot, ImmutableArray{RecordIssue}, ReadOnlySpan{Truth}, IReadOnlyList{RecordIssue}?, ImmutableArray{ScheduleFinding}, CourseFindings)"/> reaches, by the same tests in the same order, without its text.</summary>
    private static DoseAction ActionOf(
        ProtocolInfo info, PatientSnapshot snapshot, ImmutableArray<RecordIssue> issues, ReadOnlySpan<Truth> truths, PatientTimeline timeline,
        IReadOnlyList<RecordIssue>? readIssues, CourseFindings course)
    {
        var regimen = info.Regimen;
        var given = snapshot.DosesGiven;
        var held = snapshot.DosesHeld;

        // ---- discontinue: a course stop, a discontinue rule, a complete course
        if (course.Stop is not null)
        {
            return DoseAction.Discontinue;
        }

        var hold = false;
        for (var i = 0; i < info.Rules.Length; i++)
        {
            if (truths[i] == Truth.True)
            {
                if (info.Rules[i].Action == RuleAction.Discontinue)
                {
                    return DoseAction.Discontinue;
                }

                hold = true;
            }
        }
        if (regimen.MaxDosesPerCourse is { } maxCourse
            && (given >= maxCourse || (regimen.CourseCap == CourseCapKind.DoseSlots && given + held >= maxCourse)))
        {
            return DoseAction.Discontinue;
        }

        // ---- hold: a hold rule (now or over the course), a data error, the schedule, missing data
        hold = hold || !course.Unresolved.IsEmpty || !course.Reassess.IsEmpty || HasErrors(issues)
            || ScheduleHolds(regimen, snapshot, given) || DoseRecordChecks.Holds(timeline, snapshot.At, readIssues, asOf: false);
        if (hold)
        {
            return DoseAction.Hold;
        }

        for (var i = 0; i < info.Rules.Length; i++)
        {
            if (truths[i] is Truth.True or Truth.False || DecidedByCourse(course, info.Rules[i].Id))
            {
                continue;
            }
            // An undecided rule holds unless every input it lacks is optional (none named: it holds).
            var named = false;
            foreach (var input in info.Rules[i].Inputs)
            {
                if (Lacks(snapshot, input, out var optional))
                {
                    named = true;
                    if (!optional)
                    {
                        return DoseAction.Hold;
                    }
                }
            }
            if (!named)
            {
                return DoseAction.Hold;
            }
        }
        return DoseAction.Give;
    }

    private static bool DecidedByCourse(CourseFindings course, string ruleId)
    {
        if (course.Stop?.RuleId == ruleId)
        {
            return true;
        }

        foreach (var unresolved in course.Unresolved)
        {
            if (unresolved.RuleId == ruleId)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Whether the schedule holds the dose now (the tests of <see cref="Decide(ProtocolInfo, PatientSnapshot, ImmutableArray{RecordIssue}, ReadOnlySpan{Truth}, IReadOnlyList{RecordIssue}?, ImmutableArray{ScheduleFinding}, CourseFindings)"/>' schedule).</summary>
    private static bool ScheduleHolds(RegimenInfo regimen, PatientSnapshot snapshot, int given)
    {
        var at = snapshot.At;
        if (regimen.MaxDosesPerCycle is { } maxCycle && snapshot.DosesGivenInCycle >= maxCycle)
        {
            return true;
        }

        if (snapshot.LastSlotTicks != long.MinValue && regimen.MinIntervalSeconds > 0
            && at < new DateTimeOffset(snapshot.LastSlotTicks, TimeSpan.Zero).AddSeconds(regimen.MinIntervalSeconds))
        {
            return true;
        }

        if (regimen.FirstDose is { } window)
        {
            // The course follows the event (a TIL infusion): without it no dose, first or later, can be placed.
            if (snapshot.EventTime(window.EventIndex) is not { } start)
            {
                return true;
            }

            return given == 0 && (at < start.AddSeconds(window.EarliestSeconds) || at > start.AddSeconds(window.LatestSeconds));
        }
        return false;
    }

    /// <summary>Whether an input has no usable value (<see cref="Check"/> would name it), and whether it is optional.</summary>
    private static bool Lacks(PatientSnapshot snapshot, RuleInputInfo input, out bool optional)
    {
        optional = false;
        switch (input.Kind)
        {
            case InputKind.Latest:
                {
                    var series = snapshot.Series(input.Index);
                    optional = series.Observation.IsOptional;
                    return series.Count == 0 || snapshot.AgeSeconds(series.Ticks[series.Count - 1]) > series.RecencySeconds;
                }
            case InputKind.Aggregate:
                {
                    var kind = input.Aggregate ?? AggregateKind.Count;
                    if (kind == AggregateKind.Count)
                    {
                        return false;
                    }

                    var series = snapshot.Series(input.Index);
                    optional = series.Observation.IsOptional;
                    var count = series.Count - snapshot.FirstInWindow(series, input.WindowSeconds);
                    return count == 0 || (kind == AggregateKind.Change && count < 2);
                }
            case InputKind.Baseline:
                optional = snapshot.Series(input.Index).Observation.IsOptional;
                return snapshot.BaselineIndex(input.Index) < 0;
            case InputKind.Weight:
                return double.IsNaN(snapshot.Weight);
            case InputKind.TimeSinceEvent:
                return snapshot.EventTime(input.Index) is null;
            case InputKind.TimeSinceLastDose:
            case InputKind.TimeSinceFirstDose:
                return snapshot.FirstGivenDose is null;
            default:
                return false;
        }
    }

    private static bool HasErrors(ImmutableArray<RecordIssue> issues)
    {
        foreach (var issue in issues)
        {
            if (issue.IsError)
            {
                return true;
            }
        }
        return false;
    }

    private static DoseDecision Evaluate(
        ProtocolRules rules, PatientTimeline timeline, PatientSnapshot snapshot, ImmutableArray<RecordIssue> issues, IReadOnlyList<RecordIssue>? readIssues,
        TimeZoneInfo? timeZone, CourseAssessment.Context? context, bool asOf = false)
    {
        var info = rules.Info;
        var at = snapshot.At;

        var n = CourseAssessment.SlotCount(info);
        Span<Truth> truths = n <= StackLimit ? stackalloc Truth[n] : new Truth[n];
        // Unknown, not False, is what a slot the protocol forgets to write must read as.
        truths.Fill(Truth.Unknown);
        rules.EvaluateRules(snapshot, truths);
        using (DecisionText.InZone(timeZone))
        {
            // The criteria that act over the course (earlier dose slots, resolution, persistence, correction): see CourseAssessment.
            var course = CourseAssessment.Assess(rules, timeline.Events, timeline.Doses, snapshot, truths, context);
            return Decide(info, snapshot, issues, truths[..info.Rules.Length], readIssues, DoseRecordChecks.Findings(timeline, at, readIssues, asOf), course);
        }
    }

    private static DoseDecision Decide(
        ProtocolInfo info, PatientSnapshot snapshot, ImmutableArray<RecordIssue> issues, ReadOnlySpan<Truth> truths, IReadOnlyList<RecordIssue>? readIssues,
        ImmutableArray<ScheduleFinding> recordFindings, CourseFindings course)
    {
        var at = snapshot.At;
        var regimen = info.Regimen;
        var doseNumber = snapshot.DosesGiven + snapshot.DosesHeld + 1;

        // ---- rules
        // Built only when something is added (most decisions fire one rule or none, and have no schedule finding).
        ImmutableArray<FiredRule>.Builder? discontinueRules = null;
        ImmutableArray<FiredRule>.Builder? holdRules = null;
        var missing = new List<MissingBuilder>();
        // Rules share inputs: each input's reason (times and ages in words) is worked out once per decision.
        Dictionary<InputKey, Unavailable?>? checks = null;
        for (var i = 0; i < info.Rules.Length; i++)
        {
            var rule = info.Rules[i];
            var truth = truths[i];
            if (truth == Truth.True)
            {
                var firedRule = new FiredRule(
                    rule.Id, rule.Title, rule.Action, rule.Condition, rule.Citations.IsDefault ? [] : rule.Citations, rule.DefinedIn,
                    SeeAll(snapshot, rule.Inputs));
                (rule.Action == RuleAction.Discontinue
                    ? discontinueRules ??= ImmutableArray.CreateBuilder<FiredRule>()
                    : holdRules ??= ImmutableArray.CreateBuilder<FiredRule>()).Add(firedRule);
            }
            else if (truth != Truth.False)
            {
                AddMissing(missing, snapshot, rule, checks ??= []);
            }
        }
        CourseRules(info, snapshot, course, ref discontinueRules, ref holdRules, missing);
        var fired = Concat(discontinueRules, holdRules);
        if (readIssues is { Count: > 0 })
        {
            AddAbsenceNotes(missing, snapshot, readIssues);
        }

        var missingData = missing.Count == 0 ? [] : missing.Select(m => m.Build()).ToImmutableArray();

        // ---- schedule
        ImmutableArray<ScheduleFinding>.Builder? schedule = null;
        // Built at the first finding (most decisions have none).
        void Schedule(ScheduleFinding finding) => (schedule ??= ImmutableArray.CreateBuilder<ScheduleFinding>()).Add(finding);

        var courseComplete = false;
        var scheduleHold = false;
        var scheduleBlocksNext = false;
        DateTimeOffset? scheduleNext = null;
        int? remaining = null;
        var given = snapshot.DosesGiven;
        var held = snapshot.DosesHeld;

        if (regimen.MaxDosesPerCourse is { } maxCourse)
        {
            // `at most N doses per course` counts doses given; `at most N dose slots per course` counts held slots too.
            var slots = regimen.CourseCap == CourseCapKind.DoseSlots;
            remaining = Math.Max(0, maxCourse - given - (slots ? held : 0));
            if (given >= maxCourse)
            {
                courseComplete = true;
                Schedule(new ScheduleFinding(ScheduleCodes.MaxDosesCourse, $"course complete: {given} of {maxCourse} doses given"));
            }
            else if (slots && given + held >= maxCourse)
            {
                courseComplete = true;
                Schedule(new ScheduleFinding(ScheduleCodes.MaxDosesCourse,
                    $"course complete: all {maxCourse} dose slots used ({given} given, {held} held; held doses are not made up)"));
            }
        }

        if (regimen.MaxDosesPerCycle is { } maxCycle && snapshot.DosesGivenInCycle >= maxCycle)
        {
            scheduleHold = true;
            scheduleBlocksNext = true;
            Schedule(new ScheduleFinding(ScheduleCodes.MaxDosesCycle,
                $"cycle limit reached: {snapshot.DosesGivenInCycle} of {maxCycle} doses given in this cycle; a new cycle needs a '{PatientSnapshot.CycleStartEvent}' event"));
        }

        if (snapshot.LastSlotTicks != long.MinValue && regimen.MinIntervalSeconds > 0)
        {
            var lastSlot = new DateTimeOffset(snapshot.LastSlotTicks, TimeSpan.Zero);
            var next = lastSlot.AddSeconds(regimen.MinIntervalSeconds);
            if (at < next)
            {
                scheduleHold = true;
                scheduleNext = Later(scheduleNext, next);
                var kind = snapshot.LastGivenDose is { } lastGiven && lastGiven.UtcTicks == snapshot.LastSlotTicks ? "given" : "held";
                Schedule(new ScheduleFinding(ScheduleCodes.TooEarly,
                    $"too early: the last dose slot ({kind}) was at {DecisionText.Time(lastSlot, at)} and doses are at least "
                    + $"{DecisionText.Hours(regimen.MinIntervalSeconds)} h apart; next dose not before {DecisionText.Time(next, at)}"));
            }
        }

        if (regimen.FirstDose is { } window && (given == 0 || snapshot.EventTime(window.EventIndex) is null))
        {
            var eventTime = snapshot.EventTime(window.EventIndex);
            var range = $"{DecisionText.Hours(window.EarliestSeconds)} h to {DecisionText.Hours(window.LatestSeconds)} h after the '{window.Event}' event";
            if (eventTime is not { } start)
            {
                scheduleHold = true;
                scheduleBlocksNext = true;
                Schedule(new ScheduleFinding(ScheduleCodes.NoFirstDoseEvent, given == 0
                    ? $"no '{window.Event}' event recorded; the first dose must be {range}"
                    : $"no '{window.Event}' event recorded, but {given} dose(s) given: the course follows it (the first dose {range}), so the record is incomplete"));
            }
            else
            {
                var earliest = start.AddSeconds(window.EarliestSeconds);
                var latest = start.AddSeconds(window.LatestSeconds);
                if (at < earliest)
                {
                    scheduleHold = true;
                    scheduleNext = Later(scheduleNext, earliest);
                    Schedule(new ScheduleFinding(ScheduleCodes.BeforeFirstDoseWindow,
                        $"before the first-dose window: the first dose must be {range} (at {DecisionText.Time(start, at)}); not before {DecisionText.Time(earliest, at)}"));
                }
                else if (at > latest)
                {
                    scheduleHold = true;
                    scheduleBlocksNext = true;
                    Schedule(new ScheduleFinding(ScheduleCodes.AfterFirstDoseWindow,
                        $"after the first-dose window: the first dose must be {range} (at {DecisionText.Time(start, at)}); the window closed at {DecisionText.Time(latest, at)}; contact the prescriber"));
                }
            }
        }

        // Doses the record cannot vouch for (may be running, after the decision time) and reader notes that hold: see RecordChecks.
        if (recordFindings.Length > 0)
        {
            foreach (var finding in recordFindings)
            {
                Schedule(finding);
            }

            scheduleHold = true;
            scheduleBlocksNext = true;
        }

        // ---- combine
        var dataErrors = Errors(issues);
        var missingHolds = false;
        foreach (var m in missingData)
        {
            missingHolds |= !m.Optional;
        }

        var action =
            courseComplete || discontinueRules is { Count: > 0 } ? DoseAction.Discontinue
            : holdRules is { Count: > 0 } || missingHolds || dataErrors.Length > 0 || scheduleHold ? DoseAction.Hold
            : DoseAction.Give;

        var nextSlot = at.AddSeconds(regimen.MinIntervalSeconds);
        DateTimeOffset? nextDoseAt = action switch
        {
            DoseAction.Give => at,
            DoseAction.Hold when scheduleBlocksNext => null,
            DoseAction.Hold => scheduleNext ?? nextSlot,
            _ => null,
        };

        var findings = schedule?.ToImmutable() ?? [];
        return new DoseDecision
        {
            Action = action,
            At = at,
            DoseNumber = doseNumber,
            Rules = fired,
            Missing = missingData,
            Schedule = findings,
            DataErrors = dataErrors,
            NextDoseAt = nextDoseAt,
            DosesGiven = given,
            DosesRemaining = remaining,
            ProtocolId = info.Id,
            ProtocolVersion = info.Version,
            SourceHash = info.SourceHash,
            Summary = Summarize(action, at, doseNumber, fired, missingData, findings, dataErrors, nextSlot),
            Course = course,
        };
    }

    /// <summary>
    /// The course layer's findings as fired rules: a permanent stop (its rule, at the time and values it was met; or the
    /// record's stop), unresolved holds, and the holds of criteria not shown persistent or corrected. Each carries a note.
    /// </summary>
    private static void CourseRules(
        ProtocolInfo info, PatientSnapshot snapshot, CourseFindings course, ref ImmutableArray<FiredRule>.Builder? discontinueRulesOrNull,
        ref ImmutableArray<FiredRule>.Builder? holdRulesOrNull, List<MissingBuilder> missing)
    {
        if (course.IsEmpty)
        {
            return;
        }

        var discontinueRules = discontinueRulesOrNull ??= ImmutableArray.CreateBuilder<FiredRule>();
        var holdRules = holdRulesOrNull ??= ImmutableArray.CreateBuilder<FiredRule>();
        // A rule the course decides (a stop, an unresolved hold) is not "not recorded" for lack of a fresh value.
        var decided = new HashSet<string>(course.Unresolved.Select(u => u.RuleId), StringComparer.Ordinal);
        if (course.Stop?.RuleId is { } stopped)
        {
            decided.Add(stopped);
        }

        foreach (var entry in missing)
        {
            entry.Rules.RemoveAll(decided.Contains);
        }

        missing.RemoveAll(m => m.Rules.Count == 0);
        var at = snapshot.At;
        RuleInfo? Find(string id) => info.Rules.FirstOrDefault(r => r.Id == id);
        FiredRule Fired(RuleInfo rule, RuleAction action, ImmutableArray<SeenValue> values, string note) =>
            new(rule.Id, rule.Title, action, rule.Condition, rule.Citations.IsDefault ? [] : rule.Citations, rule.DefinedIn, values) { Note = note };

        if (course.Stop is { } stop)
        {
            if (stop.ByRecord)
            {
                discontinueRules.Insert(0, new FiredRule(CourseAssessment.CourseStopEvent, "IL-2 stopped for the course by the record", RuleAction.Discontinue,
                    $"a '{CourseAssessment.CourseStopEvent}' event", [], info.Id, [])
                { Note = $"stopped by the record at {DecisionText.Time(stop.At, at)}" });
            }
            else if (stop.RuleId is { } id && Find(id) is { } rule)
            {
                var existing = discontinueRules.ToList().FindIndex(r => r.Id == id);
                if (existing >= 0)
                {
                    discontinueRules.RemoveAt(existing);
                }

                discontinueRules.Insert(0, Fired(rule, RuleAction.Discontinue, stop.Values, $"IL-2 stopped for the course since {DecisionText.Time(stop.At, at)}"));
            }
        }
        foreach (var hold in course.Unresolved)
        {
            if (Find(hold.RuleId) is { } rule && !holdRules.Any(r => r.Id == rule.Id))
            {
                holdRules.Add(Fired(rule, RuleAction.Hold, hold.Values, $"unresolved since {DecisionText.Time(hold.Since, at)}; held until {hold.Resolution}"));
            }
        }
        foreach (var reassess in course.Reassess)
        {
            // A rule that has stopped the course is not also reassessed now: the stop stands, listed once.
            if (reassess.RuleId != course.Stop?.RuleId && Find(reassess.RuleId) is { } rule)
            {
                holdRules.Add(Fired(rule, RuleAction.Hold, [.. rule.Inputs.Select(input => See(snapshot, input))], $"reassess: {reassess.NotShown}"));
            }
        }
    }

    private static DateTimeOffset Later(DateTimeOffset? a, DateTimeOffset b) => a is { } x && x > b ? x : b;

    /// <summary>The discontinue rules, then the hold rules (either list null when none was added).</summary>
    private static ImmutableArray<FiredRule> Concat(ImmutableArray<FiredRule>.Builder? discontinueRules, ImmutableArray<FiredRule>.Builder? holdRules)
    {
        var (first, second) = (discontinueRules?.Count ?? 0, holdRules?.Count ?? 0);
        if (first + second == 0)
        {
            return [];
        }

        var all = new FiredRule[first + second];
        discontinueRules?.CopyTo(all, 0);
        holdRules?.CopyTo(all, first);
        return ImmutableCollectionsMarshal.AsImmutableArray(all);
    }

    /// <summary>The issues that are errors, in order.</summary>
    private static ImmutableArray<RecordIssue> Errors(ImmutableArray<RecordIssue> issues)
    {
        var count = 0;
        foreach (var issue in issues)
        {
            count += issue.IsError ? 1 : 0;
        }

        if (count == 0)
        {
            return [];
        }

        var errors = new RecordIssue[count];
        var k = 0;
        foreach (var issue in issues)
        {
            if (issue.IsError)
            {
                errors[k++] = issue;
            }
        }
        return ImmutableCollectionsMarshal.AsImmutableArray(errors);
    }

    /// <summary>What each input read (<see cref="See"/>), in input order.</summary>
    private static ImmutableArray<SeenValue> SeeAll(PatientSnapshot snapshot, ImmutableArray<RuleInputInfo> inputs)
    {
        if (inputs.Length == 0)
        {
            return [];
        }

        var values = new SeenValue[inputs.Length];
        for (var k = 0; k < values.Length; k++)
        {
            values[k] = See(snapshot, inputs[k]);
        }
        return ImmutableCollectionsMarshal.AsImmutableArray(values);
    }

    // ------------------------------------------------------------ values seen

    /// <summary>What an input read, in the declared unit. A stale latest value reads as no value (that is what the rule saw).</summary>
    internal static SeenValue See(PatientSnapshot snapshot, RuleInputInfo input)
    {
        switch (input.Kind)
        {
            case InputKind.Latest:
                {
                    var series = snapshot.Series(input.Index);
                    var observation = series.Observation;
                    if (series.Count == 0 || double.IsNaN(snapshot.Latest(input.Index)))
                    {
                        return new SeenValue(input.Text, null, observation.IsYesNo ? null : observation.Unit, null, null, null);
                    }

                    var last = series.Count - 1;
                    return Point(input.Text, observation, series.Values[last], series.Ticks[last], series.ChartedAt(last));
                }
            case InputKind.Baseline:
                {
                    var series = snapshot.Series(input.Index);
                    var index = snapshot.BaselineIndex(input.Index);
                    return index < 0
                        ? new SeenValue(input.Text, null, series.Observation.IsYesNo ? null : series.Observation.Unit, null, null, null)
                        : Point(input.Text, series.Observation, series.Values[index], series.Ticks[index], series.ChartedAt(index));
                }
            case InputKind.Aggregate:
                return SeeAggregate(snapshot, input);
            case InputKind.Weight:
                return new SeenValue(input.Text, double.IsNaN(snapshot.Weight) ? null : snapshot.Weight / 1000, "kg", null, null, null);
            case InputKind.DosesGiven:
                return new SeenValue(input.Text, snapshot.DosesGiven, null, null, null, null);
            case InputKind.DosesHeld:
                return new SeenValue(input.Text, snapshot.DosesHeld, null, null, null, null);
            case InputKind.TimeSinceEvent:
                return Since(input.Text, snapshot.EventTime(input.Index), snapshot.At);
            case InputKind.TimeSinceLastDose:
                return Since(input.Text, snapshot.LastGivenDose, snapshot.At);
            case InputKind.TimeSinceFirstDose:
                return Since(input.Text, snapshot.FirstGivenDose, snapshot.At);
            default:
                return new SeenValue(input.Text, null, null, null, null, null);
        }
    }

    private static SeenValue Since(string text, DateTimeOffset? time, DateTimeOffset at) =>
        time is { } t ? new SeenValue(text, (at - t).TotalHours, "h", null, t, null) : new SeenValue(text, null, "h", null, null, null);

    private static SeenValue Point(string text, ObservationInfo observation, double canonical, long ticks, ChartedValue? charted)
    {
        var time = new DateTimeOffset(ticks, TimeSpan.Zero);
        if (observation.IsYesNo)
        {
            return new SeenValue(text, null, null, canonical != 0, time, null);
        }

        return new SeenValue(text, ToDeclared(observation, canonical, 1, false), observation.Unit, null, time, null, charted?.Value, charted?.Unit);
    }

    private static SeenValue SeeAggregate(PatientSnapshot snapshot, RuleInputInfo input)
    {
        var series = snapshot.Series(input.Index);
        var observation = series.Observation;
        var first = snapshot.FirstInWindow(series, input.WindowSeconds);
        var count = series.Count - first;
        DateTimeOffset? latest = count > 0 ? new DateTimeOffset(series.Ticks[series.Count - 1], TimeSpan.Zero) : null;
        var unit = observation.IsYesNo ? null : observation.Unit;
        var kind = input.Aggregate ?? AggregateKind.Count;
        var value = kind switch
        {
            AggregateKind.Sum => snapshot.Sum(input.Index, input.WindowSeconds),
            AggregateKind.Min => snapshot.Min(input.Index, input.WindowSeconds),
            AggregateKind.Max => snapshot.Max(input.Index, input.WindowSeconds),
            AggregateKind.Mean => snapshot.Mean(input.Index, input.WindowSeconds),
            AggregateKind.Change => snapshot.Change(input.Index, input.WindowSeconds),
            _ => snapshot.Count(input.Index, input.WindowSeconds),
        };
        if (kind == AggregateKind.Count)
        {
            return new SeenValue(input.Text, count, null, null, latest, count);
        }

        if (double.IsNaN(value))
        {
            return new SeenValue(input.Text, null, unit, null, latest, count);
        }

        double? declared = observation.IsYesNo ? value : kind switch
        {
            // A sum of n values carries n offsets; a difference carries none.
            AggregateKind.Sum => ToDeclared(observation, value, count, false),
            AggregateKind.Change => ToDeclared(observation, value, 1, true),
            _ => ToDeclared(observation, value, 1, false),
        };
        return new SeenValue(input.Text, declared, unit, null, latest, count);
    }

    /// <summary>declared = (canonical − offsets) / factor; null when the declared unit does not parse (never shown raw).</summary>
    private static double? ToDeclared(ObservationInfo observation, double canonical, int offsets, bool difference)
    {
        if (observation.Unit is null || !Ucum.TryParse(observation.Unit, out var unit, out _))
        {
            return null;
        }

        var offset = difference ? 0 : unit.Offset * offsets;
        return (canonical - offset) / unit.Factor;
    }

    // ------------------------------------------------------------ missing data

    private sealed class MissingBuilder(string observation, string title, bool optional)
    {
        public string Observation { get; } = observation;
        public List<string> Reasons { get; } = [];
        public List<string> Rules { get; } = [];
        public bool Stale { get; set; }

        public MissingData Build() => new(Observation, title, string.Join("; ", Reasons), optional, [.. Rules], Stale);
    }

    /// <summary>Explains missing observations with the reader's notes about them (e.g. FHIR dataAbsentReason).</summary>
    private static void AddAbsenceNotes(List<MissingBuilder> missing, PatientSnapshot snapshot, IReadOnlyList<RecordIssue> readIssues)
    {
        foreach (var entry in missing)
        {
            var observation = snapshot.Protocol.Observations.FirstOrDefault(o => o.Name == entry.Observation);
            if (observation is null)
            {
                continue;
            }

            var series = snapshot.Series(observation.Index);
            var latestValue = series.Count == 0 ? long.MinValue : series.Ticks[series.Count - 1];
            RecordIssue? note = null;
            foreach (var issue in readIssues)
            {
                if (issue.IsError || issue.Code is not { } code || issue.At is not { } when)
                {
                    continue;
                }

                if (code != observation.Name && !observation.Codes.Contains(code))
                {
                    continue;
                }

                if (when.UtcTicks > snapshot.At.UtcTicks || when.UtcTicks <= latestValue)
                {
                    continue;
                }

                if (note is null || when > note.At!.Value)
                {
                    note = issue;
                }
            }
            if (note is not null && !entry.Reasons.Contains(note.Message))
            {
                entry.Reasons.Add(note.Message);
            }
        }
    }

    private readonly record struct Unavailable(string Key, string Title, string Reason, bool Optional, bool Stale = false);

    private static void AddMissing(List<MissingBuilder> missing, PatientSnapshot snapshot, RuleInfo rule, Dictionary<InputKey, Unavailable?> checks)
    {
        var found = new List<Unavailable>();
        foreach (var input in rule.Inputs)
        {
            var key = new InputKey(input.Kind, input.Index, input.Aggregate, input.WindowSeconds, input.Kind == InputKind.TimeSinceEvent ? input.Text : null);
            if (!checks.TryGetValue(key, out var unavailable))
            {
                checks[key] = unavailable = Check(snapshot, input);
            }
            if (unavailable is { } u)
            {
                found.Add(u);
            }
        }
        if (found.Count == 0)
        {
            // Unknown without a missing input we can name (e.g. a protocol bug): still never a silent give.
            found.Add(new Unavailable(rule.Id, rule.Title, "the condition could not be decided from the available data", false));
        }
        foreach (var u in found)
        {
            var entry = missing.Find(m => m.Observation == u.Key);
            if (entry is null)
            {
                entry = new MissingBuilder(u.Key, u.Title, u.Optional);
                missing.Add(entry);
            }
            if (!entry.Reasons.Contains(u.Reason))
            {
                entry.Reasons.Add(u.Reason);
            }

            entry.Stale |= u.Stale;
            if (!entry.Rules.Contains(rule.Id))
            {
                entry.Rules.Add(rule.Id);
            }
        }
    }

    /// <summary>What <see cref="Check"/> reads of an input: two inputs with the same key are unavailable for the same reason.</summary>
    private readonly record struct InputKey(InputKind Kind, int Index, AggregateKind? Aggregate, double WindowSeconds, string? EventText);

    /// <summary>Why an input has no usable value, or null when it has one.</summary>
    private static Unavailable? Check(PatientSnapshot snapshot, RuleInputInfo input)
    {
        switch (input.Kind)
        {
            case InputKind.Latest:
                {
                    var series = snapshot.Series(input.Index);
                    var o = series.Observation;
                    if (series.Count == 0)
                    {
                        return new Unavailable(o.Name, Title(o), NoValue(series), o.IsOptional, Stale: series.Refused > 0);
                    }

                    var last = series.Count - 1;
                    var age = snapshot.AgeSeconds(series.Ticks[last]);
                    return age <= series.RecencySeconds
                        ? null
                        : new Unavailable(o.Name, Title(o), Stale(snapshot, series, last, age), o.IsOptional, Stale: true);
                }
            case InputKind.Aggregate:
                {
                    var kind = input.Aggregate ?? AggregateKind.Count;
                    if (kind == AggregateKind.Count)
                    {
                        return null;
                    }

                    var series = snapshot.Series(input.Index);
                    var o = series.Observation;
                    var count = series.Count - snapshot.FirstInWindow(series, input.WindowSeconds);
                    var window = DecisionText.Hours(input.WindowSeconds);
                    if (count == 0)
                    {
                        var reason = series.Refused > 0 ? $"no usable values in the last {window} h (a recorded value was refused, see the data errors)" : $"no values in the last {window} h";
                        if (series.Count > 0)
                        {
                            reason += $"; {LatestBefore(snapshot, series)}";
                        }

                        return new Unavailable(o.Name, Title(o), reason, o.IsOptional, Stale: series.Count > 0);
                    }
                    if (kind == AggregateKind.Change && count < 2)
                    {
                        return new Unavailable(o.Name, Title(o), $"only 1 value in the last {window} h; a change needs at least 2", o.IsOptional);
                    }

                    return null;
                }
            case InputKind.Baseline:
                {
                    var series = snapshot.Series(input.Index);
                    var o = series.Observation;
                    if (snapshot.BaselineIndex(input.Index) >= 0)
                    {
                        return null;
                    }

                    return new Unavailable(o.Name, Title(o), series.Count == 0 ? NoValue(series) : "no baseline value at or before the first dose", o.IsOptional);
                }
            case InputKind.Weight:
                return double.IsNaN(snapshot.Weight) ? new Unavailable("weight", "the patient's weight", "no usable patient weight", false) : null;
            case InputKind.TimeSinceEvent:
                {
                    if (snapshot.EventTime(input.Index) is not null)
                    {
                        return null;
                    }

                    var e = (uint)input.Index < (uint)snapshot.Protocol.Events.Length ? snapshot.Protocol.Events[input.Index] : null;
                    var name = e?.Name ?? input.Text;
                    return new Unavailable(name, e?.Title ?? name, $"no {name} event", false);
                }
            case InputKind.TimeSinceLastDose:
            case InputKind.TimeSinceFirstDose:
                return snapshot.FirstGivenDose is null ? new Unavailable("dose", "given dose", "no dose given yet", false) : null;
            default:
                return null;
        }
    }

    private static string NoValue(ObservationSeries series) =>
        series.Refused > 0 ? "no usable value (a recorded value was refused, see the data errors)" : "no value recorded";

    private static string Title(ObservationInfo o) => string.IsNullOrWhiteSpace(o.Title) ? o.Name : o.Title;

    /// <summary>
    /// A value too old to count, as charted: "charted yes at 03:00 (9 h ago); must be within 4 h" — never "not recorded",
    /// and an age that does not contradict its window ("4 h 1 min old; must be within 4 h").
    /// </summary>
    private static string Stale(PatientSnapshot snapshot, ObservationSeries series, int index, double age)
    {
        var o = series.Observation;
        var time = DecisionText.Time(new DateTimeOffset(series.Ticks[index], TimeSpan.Zero), snapshot.At);
        var window = DecisionText.Age(series.RecencySeconds);
        if (o.IsYesNo)
        {
            return $"charted {(series.Values[index] != 0 ? "yes" : "no")} at {time} ({DecisionText.Age(age)} ago); must be within {window}";
        }

        var value = ToDeclared(o, series.Values[index], 1, false) is { } declared
            ? SeenText(declared, o.Unit, series.ChartedAt(index))
            : "a value";
        return $"latest value {value} at {time} is {DecisionText.Age(age)} old; must be within {window}";
    }

    /// <summary>"latest 150 mL at 21:00 (9 h ago)": a value recorded before a window, so the window is not read as "never charted".</summary>
    private static string LatestBefore(PatientSnapshot snapshot, ObservationSeries series)
    {
        var last = series.Count - 1;
        var o = series.Observation;
        var time = DecisionText.Time(new DateTimeOffset(series.Ticks[last], TimeSpan.Zero), snapshot.At);
        var value = o.IsYesNo ? (series.Values[last] != 0 ? "yes" : "no")
            : ToDeclared(o, series.Values[last], 1, false) is { } declared ? SeenText(declared, o.Unit, series.ChartedAt(last)) : "a value";
        return $"latest {value} at {time} ({DecisionText.Age(snapshot.AgeSeconds(series.Ticks[last]))} ago)";
    }

    /// <summary>"84 mmHg", or as charted with the conversion: "11.99 kPa = 89.93 mmHg".</summary>
    private static string SeenText(double declared, string? unit, ChartedValue? charted) =>
        charted is { } c
            ? $"{DecisionText.Quantity(c.Value, c.Unit)} = {DecisionText.Join(DecisionText.Converted(declared), unit)}"
            : DecisionText.Quantity(declared, unit);

    // ------------------------------------------------------------ summary

    /// <summary>
    /// One sentence per reason, the one that decides the action first: a complete course ("Course complete: 6 of 6 doses
    /// given."), then discontinue rules, hold rules, the schedule, data errors and missing data; optional data last.
    /// </summary>
    private static string Summarize(
        DoseAction action, DateTimeOffset at, int dose, ImmutableArray<FiredRule> rules, ImmutableArray<MissingData> missing,
        ImmutableArray<ScheduleFinding> schedule, ImmutableArray<RecordIssue> errors, DateTimeOffset nextSlot)
    {
        // Written into this thread's builder, sentence after sentence (one space between), so the summary is the only
        // string made for the common decision; the sentences are those of the list joined before.
        var text = DecisionText.Rent();
        if (action == DoseAction.Give)
        {
            text.Append("Give dose ").Append(dose).Append(": no hold or discontinue criterion met; next check ");
            DecisionText.AppendTime(text, nextSlot, at);
            text.Append('.');
        }

        // A finished course is not a dose to discontinue: it says so first.
        foreach (var finding in schedule)
        {
            if (finding.Code == ScheduleCodes.MaxDosesCourse)
            {
                var start = Separate(text);
                var message = finding.Message;
                if (message.Length > 0)
                {
                    text.Append(char.ToUpperInvariant(message[0])).Append(message, 1, message.Length - 1);
                }

                DecisionText.EndSentence(text, start);
            }
        }

        foreach (var rule in rules)
        {
            RuleSentence(text, rule, dose, at);
        }

        foreach (var finding in schedule)
        {
            if (finding.Code != ScheduleCodes.MaxDosesCourse)
            {
                var start = Separate(text);
                text.Append("Hold dose ").Append(dose).Append(": ").Append(finding.Message);
                DecisionText.EndSentence(text, start);
            }
        }

        foreach (var error in errors)
        {
            var where = error.Path.Length > 0 ? $" ({error.Path}{(error.At is { } charted ? ", charted " + DecisionText.Time(charted, at) : "")})" : "";
            Separate(text);
            text.Append(DecisionText.Sentence($"Hold dose {dose}: data error — {error.Message}{where}"));
        }

        foreach (var m in missing)
        {
            if (!m.Optional)
            {
                Separate(text);
                text.Append(DecisionText.Sentence($"Hold dose {dose}: missing data — {Needs(m)}: {m.Reason}"));
            }
        }

        // A value too old to count (or refused) is named with its value and age, never as "not recorded".
        foreach (var m in missing)
        {
            if (m.Optional && m.Stale)
            {
                Separate(text);
                text.Append(DecisionText.Sentence($"Optional, not counted (does not hold the dose): {m.Observation} {m.Reason}"));
            }
        }

        // Absent optional data (no vasopressor running, no finding to chart) is no reason: the summary leaves it out;
        // the decision's Missing list keeps it for the detail view.

        return DecisionText.Return(text);
    }

    /// <summary>Starts a sentence: a space after the one before; returns where it starts.</summary>
    private static int Separate(StringBuilder text)
    {
        if (text.Length > 0)
        {
            text.Append(' ');
        }

        return text.Length;
    }

    /// <summary>"oliguria needs the patient's weight", "sbp-low and map-low need systolic blood pressure".</summary>
    private static string Needs(MissingData m) => m.Rules.Length switch
    {
        0 => m.Title,
        1 => $"{m.Rules[0]} needs {m.Title}",
        _ => $"{string.Join(", ", m.Rules.Take(m.Rules.Length - 1))} and {m.Rules[^1]} need {m.Title}",
    };

    private static void RuleSentence(StringBuilder text, FiredRule rule, int dose, DateTimeOffset at)
    {
        var start = Separate(text);
        text.Append(DecisionText.Word(rule.Action)).Append(" dose ").Append(dose).Append(": ").Append(rule.Title.AsSpan().TrimEnd(". "));
        for (var k = 0; k < rule.Values.Length; k++)
        {
            text.Append(k == 0 ? " — " : ", ");
            ValueText(text, rule.Values[k], at);
        }

        var citations = 0;
        foreach (var citation in rule.Citations)
        {
            if (HasText(citation))
            {
                text.Append(citations++ == 0 ? " (" : "; ");
                CitationText(text, citation);
            }
        }

        if (citations > 0)
        {
            text.Append(')');
        }

        if (rule.Note is { Length: > 0 } note)
        {
            text.Append(" — ").Append(note);
        }

        DecisionText.EndSentence(text, start);
    }

    /// <summary>"sbp 84 mmHg at 05:00", "urine-output 150 mL latest at 05:00 (2 values)", "confusion yes at 05:00".</summary>
    private static void ValueText(StringBuilder text, SeenValue value, DateTimeOffset at)
    {
        text.Append(value.Input).Append(' ');
        if (value.Flag is { } flag)
        {
            text.Append(flag ? "yes" : "no");
        }
        else if (value.Value is { } number)
        {
            if (value.ChartedUnit is { } u && value.ChartedValue is { } c)
            {
                // SeenText: "11.99 kPa = 89.93 mmHg".
                DecisionText.AppendQuantity(text, c, u);
                text.Append(" = ").Append(DecisionText.Join(DecisionText.Converted(number), value.Unit));
            }
            else
            {
                DecisionText.AppendQuantity(text, number, value.Unit);
            }
        }
        else
        {
            text.Append("not available");
        }

        if (value.At is { } time)
        {
            text.Append(value.Count is { } ? " latest at " : " at ");
            DecisionText.AppendTime(text, time, at);
        }

        if (value.Count is { } count)
        {
            text.Append(" (").Append(count).Append(count == 1 ? " value)" : " values)");
        }
    }

    /// <summary>Whether <see cref="CitationText"/> writes anything for <paramref name="citation"/>.</summary>
    private static bool HasText(CitationInfo citation) =>
        !string.IsNullOrWhiteSpace(citation.Reference) || !string.IsNullOrWhiteSpace(citation.Locator) || citation.Unverified;

    /// <summary>"proleukin-pi, Table 2", "ref; unverified", "unverified".</summary>
    private static void CitationText(StringBuilder text, CitationInfo citation)
    {
        var reference = !string.IsNullOrWhiteSpace(citation.Reference);
        var locator = !string.IsNullOrWhiteSpace(citation.Locator);
        if (reference)
        {
            text.Append(citation.Reference);
        }

        if (locator)
        {
            text.Append(reference ? ", " : "").Append(citation.Locator);
        }

        if (citation.Unverified)
        {
            text.Append(reference || locator ? "; unverified" : "unverified");
        }
    }
}
