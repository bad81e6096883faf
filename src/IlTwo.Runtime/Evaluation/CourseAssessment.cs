using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using IlTwo.Runtime.Protocols;
using IlTwo.Runtime.Records;

namespace IlTwo.Runtime.Evaluation;

/// <summary>
/// What the course layer found besides the rules at the decision time: a permanent stop (by a rule at an earlier
/// assessment point, or by the record), holds still unresolved, and criteria whose persistence or correction was not
/// shown (held to reassess). Empty when the course adds nothing.
/// </summary>
public sealed record CourseFindings
{
    public static CourseFindings None { get; } = new();

    /// <summary>The course was stopped before (or at) the decision time; null when it was not.</summary>
    public CourseStop? Stop { get; init; }

    /// <summary>Hold rules with <c>until</c> whose latest trigger has not been resolved by a later value.</summary>
    public ImmutableArray<UnresolvedHold> Unresolved { get; init; } = [];

    /// <summary>Rules whose condition is true now but whose persistence or correction the data does not show: they hold.</summary>
    public ImmutableArray<Reassessment> Reassess { get; init; } = [];

    /// <summary>One plain line per finding (what a nurse reads).</summary>
    public ImmutableArray<string> Reasons { get; init; } = [];

    public bool IsEmpty => Stop is null && Unresolved.IsEmpty && Reassess.IsEmpty;
}

/// <summary>
/// The course is stopped: by rule <see cref="RuleId"/> met at <see cref="At"/> on <see cref="Values"/>, or by the
/// record (<see cref="ByRecord"/>: a <c>course-stop</c> event at <see cref="At"/>; no rule).
/// </summary>
public sealed record CourseStop(string? RuleId, string? Title, DateTimeOffset At, ImmutableArray<SeenValue> Values, bool ByRecord);

/// <summary>A hold rule triggered at <see cref="Since"/> (the latest charting time of the values it read, <see cref="Values"/>) and not resolved since.</summary>
public sealed record UnresolvedHold(string RuleId, string Title, DateTimeOffset Since, string Resolution, ImmutableArray<SeenValue> Values);

/// <summary>A rule whose condition is true but not shown persistent or corrected (<see cref="NotShown"/>): it holds, to reassess.</summary>
public sealed record Reassessment(string RuleId, string Title, RuleAction Action, string NotShown);

/// <summary>
/// Criteria that act over the course, evaluated statelessly over the record (the record is the history). See
/// docs/language.md, "Criteria over the course":
/// <list type="bullet">
/// <item>assessment points: the decision time, every recorded dose slot (given or held) before it, and the charting
/// time of every value of the yes/no observations a discontinue or <c>until</c> rule reads — each on the data recorded
/// up to then;</item>
/// <item>a discontinue rule TRUE (never unknown) and fully shown at a point stops the course from the earliest such point;</item>
/// <item>a hold rule with <c>until C</c> triggered at a point (trigger time = latest charting time of what it read) holds
/// until C is TRUE at an assessment on values charted after the latest trigger;</item>
/// <item><c>persistent for D</c> / <c>corrected when C</c> not shown: the rule holds with "reassess" instead of acting;</item>
/// <item>a <c>course-stop</c> event in the record stops the course.</item>
/// </list>
/// </summary>
public static class CourseAssessment
{
    /// <summary>The event type by which a record stops IL-2 for the course (reserved, like <c>cycle-start</c>).</summary>
    public const string CourseStopEvent = "course-stop";

    /// <summary>How many truths to evaluate for <paramref name="info"/>: one per rule plus the extra condition slots.</summary>
    public static int SlotCount(ProtocolInfo info) => Math.Max(info.Rules.Length, info.ConditionSlots);

    /// <summary>
    /// The slots (ascending) the course reads at an earlier assessment point, i.e. what
    /// <see cref="ProtocolRules.EvaluatePastPoint"/> must write: the rules that act over the course (discontinue, or with
    /// <c>until</c>), the rules with persistence or correction (their truth at each charting time in the window), and
    /// every extra condition (<c>until</c>, <c>corrected when</c>). Once per protocol.
    /// </summary>
    public static ImmutableArray<int> PastPointSlots(ProtocolInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        return PastPointSlotsOf.For(info);
    }

    /// <summary>
    /// Assesses the course. <paramref name="truths"/> are the decision-time truths; rules whose persistence or correction is
    /// not shown are set to <see cref="Truth.False"/> in it (their hold is reported in <see cref="CourseFindings.Reassess"/>).
    /// </summary>
    public static CourseFindings Assess(ProtocolRules rules, PatientRecord record, PatientSnapshot snapshot, Span<Truth> truths)
    {
        ArgumentNullException.ThrowIfNull(record);
        return Assess(rules, record.Events, record.Doses, snapshot, truths);
    }

    /// <summary>
    /// Assesses the course of the snapshot's record, whose events and doses are <paramref name="events"/> and
    /// <paramref name="doses"/>; <paramref name="reuse"/> (a pooled decision's) is the context to assess in instead of a new one.
    /// </summary>
    internal static CourseFindings Assess(
        ProtocolRules rules, ImmutableArray<RecordedEvent> events, ImmutableArray<RecordedDose> doses, PatientSnapshot snapshot, Span<Truth> truths, Context? reuse = null)
    {
        var info = rules.Info;
        var at = snapshot.At;
        var context = reuse ?? new Context();
        context.Start(rules, doses, snapshot, truths);
        // Built only when the course finds something (most decisions: nothing).
        ImmutableArray<string>.Builder? reasons = null;

        // ---- decision time: persistence and correction
        ImmutableArray<Reassessment>.Builder? reassess = null;
        for (var i = 0; i < info.Rules.Length; i++)
        {
            var rule = info.Rules[i];
            if (truths[i] != Truth.True || (rule.PersistenceSeconds is null && rule.Correction is null))
            {
                continue;
            }

            if (context.NotShown(i, at) is { } notShown)
            {
                truths[i] = Truth.False;
                (reassess ??= ImmutableArray.CreateBuilder<Reassessment>()).Add(new Reassessment(rule.Id, rule.Title, rule.Action, notShown));
                (reasons ??= ImmutableArray.CreateBuilder<string>()).Add($"{rule.Id}: condition met but {notShown}; the dose is held to reassess");
            }
        }

        // ---- the record's own stop
        CourseStop? stop = null;
        foreach (var e in events)
        {
            if (e.Type == CourseStopEvent && e.At <= at && (stop is null || e.At < stop.At))
            {
                stop = new CourseStop(null, null, e.At.ToUniversalTime(), [], ByRecord: true);
            }
        }

        // ---- earlier assessment points
        var courseRules = context.CourseRules;
        ImmutableArray<UnresolvedHold>.Builder? unresolved = null;
        if (courseRules.Length > 0)
        {
            var points = context.PastPoints();
            CourseStop? ruleStop = null;
            Dictionary<int, (long Ticks, ImmutableArray<SeenValue> Values)>? triggers = null;
            foreach (var ticks in points)
            {
                var truthsAt = context.TruthsAt(ticks);
                if (!truthsAt.AsSpan(0, info.Rules.Length).Contains(Truth.True))
                {
                    // Most points: no rule true there, nothing to look at.
                    continue;
                }

                var t = new DateTimeOffset(ticks, TimeSpan.Zero);
                foreach (var i in courseRules)
                {
                    var rule = info.Rules[i];
                    if (truthsAt[i] != Truth.True)
                    {
                        continue;
                    }

                    if (rule.Action == RuleAction.Discontinue)
                    {
                        if (ruleStop is null && context.NotShown(i, t) is null)
                        {
                            var snap = context.SnapshotAt(t);
                            ruleStop = new CourseStop(rule.Id, rule.Title, t, [.. rule.Inputs.Select(input => ProtocolEvaluator.See(snap, input))], ByRecord: false);
                        }
                    }
                    else if (rule.Until is not null && context.NotShown(i, t) is null)
                    {
                        var snap = context.SnapshotAt(t);
                        var values = rule.Inputs.Select(input => ProtocolEvaluator.See(snap, input)).ToImmutableArray();
                        var trigger = values.Select(v => v.At).OfType<DateTimeOffset>().Select(v => v.UtcTicks).DefaultIfEmpty(t.UtcTicks).Max();
                        triggers ??= [];
                        if (!triggers.TryGetValue(i, out var existing) || trigger >= existing.Ticks)
                        {
                            triggers[i] = (trigger, values);
                        }
                    }
                }
            }
            if (ruleStop is not null && (stop is null || ruleStop.At < stop.At))
            {
                stop = ruleStop;
            }

            // ---- resolution of the latest trigger (a rule true now is firing anyway)
            foreach (var (i, trigger) in triggers is null ? [] : triggers.OrderBy(p => p.Key).ToArray())
            {
                var rule = info.Rules[i];
                if (truths[i] == Truth.True || rule.Until is not { } until)
                {
                    continue;
                }

                if (context.Resolved(until, trigger.Ticks))
                {
                    continue;
                }

                var since = new DateTimeOffset(trigger.Ticks, TimeSpan.Zero);
                (unresolved ??= ImmutableArray.CreateBuilder<UnresolvedHold>()).Add(new UnresolvedHold(rule.Id, rule.Title, since, until.Condition, trigger.Values));
                (reasons ??= ImmutableArray.CreateBuilder<string>()).Add($"{rule.Id}: unresolved since {DecisionText.Time(since, at)}; held until {until.Condition}");
            }
        }

        if (stop is not null)
        {
            (reasons ??= ImmutableArray.CreateBuilder<string>()).Insert(0, stop.ByRecord
                ? $"IL-2 stopped for the course by the record at {DecisionText.Time(stop.At, at)} ('{CourseStopEvent}' event)"
                : $"IL-2 stopped for the course at {DecisionText.Time(stop.At, at)} by {stop.RuleId}");
        }

        return stop is null && unresolved is null && reassess is null
            ? CourseFindings.None
            : new CourseFindings
            {
                Stop = stop,
                Unresolved = unresolved?.ToImmutable() ?? [],
                Reassess = reassess?.ToImmutable() ?? [],
                Reasons = reasons?.ToImmutable() ?? [],
            };
    }

    /// <summary>
    /// Truths at earlier moments, kept in the timeline across decisions (see <see cref="PastPointTruths"/>), and a
    /// snapshot moved from point to point instead of one built per point.
    /// </summary>
    /// <remarks>
    /// A pooled decision keeps one context per thread and protocol (<see cref="DecisionScratch"/>): <see cref="Start"/>
    /// sets it up for the next decision, keeping its arrays and its past-point snapshots while the timeline is the same.
    /// </remarks>
    internal sealed class Context
    {
        private readonly List<long> _points = new(0);
        private ProtocolRules _rules = null!;
        private ProtocolInfo _info = null!;
        private PastPointTruths _kept = null!;
        private ImmutableArray<RecordedDose> _doses = [];
        private PatientSnapshot _now = null!;
        private Truth[] _nowTruths = [];
        private PatientSnapshot? _evaluating;
        private PatientSnapshot? _seeing;
        private int[] _yesNo = [];

        /// <summary>The rules that act over the course's earlier points (discontinue, or with <c>until</c>), in rule order; none: no earlier point is assessed.</summary>
        public int[] CourseRules { get; private set; } = [];

        /// <summary>Sets the context up for a decision at <paramref name="snapshot"/>'s moment with the decision-time <paramref name="truths"/> (copied).</summary>
        public void Start(ProtocolRules rules, ImmutableArray<RecordedDose> doses, PatientSnapshot snapshot, ReadOnlySpan<Truth> truths)
        {
            _rules = rules;
            if (!ReferenceEquals(_info, rules.Info))
            {
                _info = rules.Info;
                CourseRules = CourseRulesOf.For(_info);
                _yesNo = CourseYesNo.For(_info);
            }

            _kept = snapshot.Timeline.PastTruths;
            _doses = doses;
            _now = snapshot;
            if (_nowTruths.Length != truths.Length)
            {
                _nowTruths = new Truth[truths.Length];
            }

            truths.CopyTo(_nowTruths);
            if (_evaluating is not null && !ReferenceEquals(_evaluating.Timeline, snapshot.Timeline))
            {
                _evaluating = null;
            }

            if (_seeing is not null && !ReferenceEquals(_seeing.Timeline, snapshot.Timeline))
            {
                _seeing = null;
            }
        }

        /// <summary>
        /// Lets go of the decision's rules and record between decisions; with <paramref name="forgetTimeline"/> also of the
        /// timeline and its snapshots (a caller's timeline, which a thread's context must not keep alive).
        /// </summary>
        public void Release(bool forgetTimeline)
        {
            _rules = null!;
            _doses = [];
            if (forgetTimeline)
            {
                _now = null!;
                _kept = null!;
                _evaluating = null;
                _seeing = null;
            }
        }

        /// <summary>
        /// The record at <paramref name="t"/>, as an earlier point: valid until the next call (one snapshot moved from
        /// point to point), so read what it shows before asking for another point.
        /// </summary>
        public PatientSnapshot SnapshotAt(DateTimeOffset t)
        {
            if (t.UtcTicks == _now.At.UtcTicks)
            {
                return _now;
            }

            if (_seeing is null)
            {
                _seeing = _now.PastPoint(t);
            }
            else
            {
                _seeing.MovePastPoint(t);
            }

            return _seeing;
        }

        public Truth[] TruthsAt(DateTimeOffset t) => TruthsAt(t.UtcTicks);

        public Truth[] TruthsAt(long ticks)
        {
            if (ticks == _now.At.UtcTicks)
            {
                return _nowTruths;
            }

            if (_kept.TryGet(_rules, ticks, out var kept))
            {
                return kept;
            }
            // At an earlier point a sum or count over a window the record does not cover is unknown (a charting gap is
            // not a finding): the rule reading it cannot make a stop, and a count's other members still count.
            var t = new DateTimeOffset(ticks, TimeSpan.Zero);
            var observations = _rules.PastPointObservations;
            if (_evaluating is null || !_evaluating.BoundFor(observations))
            {
                // Bound to the series the rules read at a past point only (all of them when the rules do not say).
                _evaluating = _now.PastPoint(t, observations);
            }
            else
            {
                _evaluating.MovePastPoint(t);
            }

            var truths = _kept.NewTruths(SlotCount(_info));
            _rules.EvaluatePastPoint(_evaluating, truths);
            _kept.Add(_rules, ticks, truths);
            return truths;
        }

        /// <summary>Dose slots before the decision and charting times of the yes/no values course rules read, oldest first, once each.</summary>
        public List<long> PastPoints()
        {
            var atTicks = _now.At.UtcTicks;
            var ticks = _points;
            ticks.Clear();
            ticks.EnsureCapacity(_doses.Length + 4);
            var timeline = _now.Timeline;
            if (_doses == timeline.Doses)
            {
                var doseTicks = timeline.DoseTicks;
                var statuses = timeline.DoseStatuses;
                for (var k = 0; k < doseTicks.Length; k++)
                {
                    if (statuses[k] is DoseStatus.Given or DoseStatus.Held && doseTicks[k] < atTicks)
                    {
                        ticks.Add(doseTicks[k]);
                    }
                }
            }
            else
            {
                foreach (var dose in _doses)
                {
                    if (dose.Status is DoseStatus.Given or DoseStatus.Held && dose.At.UtcTicks < atTicks)
                    {
                        ticks.Add(dose.At.UtcTicks);
                    }
                }
            }
            var sorted = true;
            foreach (var index in _yesNo)
            {
                var store = timeline.Store(index);
                var all = store.Ticks;
                var count = _now.CountOf(index);
                for (var k = 0; k < count && all[k] < atTicks; k++)
                {
                    sorted &= ticks.Count == 0 || ticks[^1] <= all[k];
                    ticks.Add(all[k]);
                }
            }
            for (var k = 1; sorted && k < ticks.Count; k++)
            {
                sorted = ticks[k - 1] <= ticks[k];
            }

            if (!sorted)
            {
                ticks.Sort();
            }
            var distinct = 0;
            for (var k = 0; k < ticks.Count; k++)
            {
                if (k == 0 || ticks[k] != ticks[distinct - 1])
                {
                    ticks[distinct++] = ticks[k];
                }
            }
            ticks.RemoveRange(distinct, ticks.Count - distinct);
            return ticks;
        }

        /// <summary>What of rule <paramref name="index"/>'s persistence or correction the data does not show at <paramref name="t"/> (its condition being true there), or null when all is shown.</summary>
        public string? NotShown(int index, DateTimeOffset t)
        {
            var rule = _info.Rules[index];
            List<string>? missing = null;
            if (rule.Correction is { } correction)
            {
                var truth = Slot(TruthsAt(t), correction.Slot);
                if (truth != Truth.True)
                {
                    (missing ??= []).Add($"correction not shown ({correction.Condition} is {(truth == Truth.False ? "false" : "unknown")})");
                }
            }
            if (rule.PersistenceSeconds is { } seconds)
            {
                var window = DecisionText.Hours(seconds);
                var from = t.UtcTicks - (long)(seconds * TimeSpan.TicksPerSecond);
                var times = new SortedSet<long>();
                foreach (var input in rule.Inputs)
                {
                    if (input.Kind is not (InputKind.Latest or InputKind.Aggregate or InputKind.Baseline) || (uint)input.Index >= (uint)_info.Observations.Length)
                    {
                        continue;
                    }

                    // The decision time's series, read up to t: the same values as the snapshot at t.
                    var series = _now.Series(input.Index);
                    var ticks = series.Ticks;
                    var end = series.CountAtOrBefore(t.UtcTicks);
                    for (var k = series.CountAtOrBefore(from); k < end; k++)
                    {
                        times.Add(ticks[k]);
                    }
                }
                if (times.Count < 2)
                {
                    (missing ??= []).Add($"persistence not shown ({times.Count} charted value{(times.Count == 1 ? "" : "s")} in the last {window} h; needs at least 2)");
                }
                else
                {
                    var failed = times.FirstOrDefault(time => TruthsAt(new DateTimeOffset(time, TimeSpan.Zero))[index] != Truth.True, long.MinValue);
                    if (failed != long.MinValue)
                    {
                        (missing ??= []).Add($"persistence over {window} h not shown (not met at {DecisionText.Time(new DateTimeOffset(failed, TimeSpan.Zero), _now.At)})");
                    }
                }
            }
            return missing is null ? null : string.Join("; ", missing);
        }

        /// <summary>Whether <paramref name="until"/> is true at an assessment on values charted after <paramref name="triggerTicks"/>.</summary>
        public bool Resolved(ExtraConditionInfo until, long triggerTicks)
        {
            var atTicks = _now.At.UtcTicks;
            var times = new SortedSet<long> { atTicks };
            foreach (var input in until.Inputs)
            {
                if (input.Kind is not (InputKind.Latest or InputKind.Aggregate or InputKind.Baseline) || (uint)input.Index >= (uint)_info.Observations.Length)
                {
                    continue;
                }

                var series = _now.Series(input.Index);
                var ticks = series.Ticks;
                var end = series.CountAtOrBefore(atTicks);
                for (var k = series.CountAtOrBefore(triggerTicks); k < end; k++)
                {
                    times.Add(ticks[k]);
                }
            }
            foreach (var time in times)
            {
                if (time <= triggerTicks)
                {
                    continue;
                }

                var t = new DateTimeOffset(time, TimeSpan.Zero);
                if (Slot(TruthsAt(t), until.Slot) != Truth.True)
                {
                    continue;
                }
                // Every timed value the resolution read must be newer than the trigger.
                var snapshot = SnapshotAt(t);
                if (until.Inputs.Select(input => ProtocolEvaluator.See(snapshot, input).At).OfType<DateTimeOffset>().All(v => v.UtcTicks > triggerTicks))
                {
                    return true;
                }
            }
            return false;
        }

        private static Truth Slot(Truth[] truths, int slot) => (uint)slot < (uint)truths.Length ? truths[slot] : Truth.Unknown;
    }

    /// <summary>The rules that act over the course's earlier points (a discontinue rule or an <c>until</c>), in rule order. Once per protocol.</summary>
    private static class CourseRulesOf
    {
        private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<ProtocolInfo, int[]> Cache = [];

        public static int[] For(ProtocolInfo info) => Cache.GetValue(info, static info =>
            [.. Enumerable.Range(0, info.Rules.Length).Where(i => info.Rules[i].Action == RuleAction.Discontinue || info.Rules[i].Until is not null)]);
    }

    private static class PastPointSlotsOf
    {
        private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<ProtocolInfo, StrongBox<ImmutableArray<int>>> Cache = [];

        public static ImmutableArray<int> For(ProtocolInfo info) => Cache.GetValue(info, static info =>
        {
            var slots = new SortedSet<int>();
            foreach (var rule in info.Rules)
            {
                if (rule.Action == RuleAction.Discontinue || rule.Until is not null || rule.PersistenceSeconds is not null || rule.Correction is not null)
                {
                    slots.Add(rule.Index);
                }

                if (rule.Until is { } until)
                {
                    slots.Add(until.Slot);
                }

                if (rule.Correction is { } correction)
                {
                    slots.Add(correction.Slot);
                }
            }
            return new StrongBox<ImmutableArray<int>>([.. slots]);
        }).Value;
    }

    /// <summary>The yes/no observations a discontinue or <c>until</c> rule reads: their charting times are assessment points. Once per protocol.</summary>
    private static class CourseYesNo
    {
        private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<ProtocolInfo, int[]> Cache = [];

        public static int[] For(ProtocolInfo info) => Cache.GetValue(info, static info =>
        {
            var yesNo = new SortedSet<int>();
            foreach (var rule in info.Rules.Where(r => r.Action == RuleAction.Discontinue || r.Until is not null))
            {
                foreach (var input in rule.Inputs)
                {
                    if (input.Kind is InputKind.Latest or InputKind.Aggregate or InputKind.Baseline
                        && (uint)input.Index < (uint)info.Observations.Length && info.Observations[input.Index].IsYesNo)
                    {
                        yesNo.Add(input.Index);
                    }
                }
            }
            return [.. yesNo];
        });
    }
}
