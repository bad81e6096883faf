using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using IlTwo.Runtime.Protocols;
using IlTwo.Runtime.Records;

namespace IlTwo.Runtime.Evaluation;

/// <summary>
/// A patient record bound to one protocol at one moment: values converted to canonical UCUM base units,
/// data after the moment dropped, each observation's values sorted by time. Rule conditions read only this.
/// Immutable once built, so any number of threads may evaluate over it.
/// </summary>
public sealed class PatientSnapshot
{
    /// <summary>The event type whose latest occurrence starts a treatment cycle (for "at most N doses per cycle").</summary>
    public const string CycleStartEvent = "cycle-start";

    private readonly PatientTimeline _timeline;
    private readonly double[] _recency;
    private int[]? _refused;
    private long _atTicks;
    private int[] _counts;
    private long[] _eventTicks;
    private long _firstGivenTicks;
    private long _lastGivenTicks;
    private bool _movable;

    /// <summary>The only series a past point's rules read (<see cref="ProtocolRules.PastPointObservations"/>): the others' counts stay 0. Null: all.</summary>
    private int[]? _only;

    /// <summary>The observations <see cref="PastPoint(DateTimeOffset, ReadOnlySpan{int})"/> was asked for (empty: all).</summary>
    private int[] _requested = [];

    /// <summary>The timeline's <see cref="PatientTimeline.Version"/> this snapshot was bound at (a moved snapshot must still see the same record).</summary>
    private int _version;

    private PatientSnapshot(PatientTimeline timeline, DateTimeOffset at, int[]? refused, bool pastPoint, int[]? only = null)
    {
        var protocol = timeline.Protocol;
        _timeline = timeline;
        _recency = timeline.RecencySeconds;
        Protocol = protocol;
        _refused = refused;
        ChartingGapsUnknown = pastPoint;
        _counts = new int[protocol.Observations.Length];
        _eventTicks = new long[protocol.Events.Length];
        _version = timeline.Version;
        _only = only;
        Bind(at, fresh: true);
    }

    /// <summary>
    /// Points this snapshot at <paramref name="at"/>, reusing its arrays (the course layer's scratch snapshot for earlier
    /// points, a pooled decision's snapshot for the next record). A moved snapshot (<paramref name="fresh"/> false: the
    /// timeline has not changed since) searches each series only on the side of its count the move went to, and not at
    /// all when no value lies between the two moments.
    /// </summary>
    private void Bind(DateTimeOffset at, bool fresh)
    {
        var protocol = Protocol;
        var timeline = _timeline;
        var from = _atTicks;
        At = at;
        _atTicks = at.UtcTicks;
        Weight = timeline.WeightGrams;

        // A series the record never charted (no store, or an empty one) has no value at any moment: nothing to search.
        var counts = _counts;
        var series = timeline.Series;
        if (_only is { } only)
        {
            foreach (var i in only)
            {
                counts[i] = series[i] is { Count: > 0 } store ? (fresh ? store.UpperBound(_atTicks) : store.UpperBoundFrom(_atTicks, counts[i], from)) : 0;
            }
        }
        else
        {
            for (var i = 0; i < counts.Length; i++)
            {
                counts[i] = series[i] is { Count: > 0 } store ? (fresh ? store.UpperBound(_atTicks) : store.UpperBoundFrom(_atTicks, counts[i], from)) : 0;
            }
        }

        var eventTicks = _eventTicks;
        Array.Fill(eventTicks, long.MinValue);
        var cycleStart = long.MinValue;
        if (timeline.EventsIndexed)
        {
            // Each event's time and kind worked out once by the timeline: no name compared per moment.
            var allTicks = timeline.EventTicks;
            var kinds = timeline.EventKinds;
            var cycleStarts = timeline.EventCycleStarts;
            for (var k = 0; k < allTicks.Length; k++)
            {
                var ticks = allTicks[k];
                if (ticks > _atTicks)
                {
                    continue;
                }

                if (cycleStarts[k])
                {
                    cycleStart = Math.Max(cycleStart, ticks);
                }

                if (kinds[k] >= 0)
                {
                    eventTicks[kinds[k]] = Math.Max(eventTicks[kinds[k]], ticks);
                }
            }
        }
        else
        {
            cycleStart = BindEventsByName(eventTicks);
        }

        BindDoses(timeline, cycleStart);
    }

    /// <summary>The events' latest times by comparing names (a protocol with two events of one name); returns the latest cycle start.</summary>
    private long BindEventsByName(long[] eventTicks)
    {
        var protocol = Protocol;
        var cycleStart = long.MinValue;
        foreach (var e in _timeline.Events)
        {
            var ticks = e.At.UtcTicks;
            if (ticks > _atTicks)
            {
                continue;
            }

            if (e.Type == CycleStartEvent)
            {
                cycleStart = Math.Max(cycleStart, ticks);
            }

            for (var i = 0; i < protocol.Events.Length; i++)
            {
                if (protocol.Events[i].Name == e.Type)
                {
                    eventTicks[i] = Math.Max(eventTicks[i], ticks);
                }
            }
        }
        return cycleStart;
    }

    private void BindDoses(PatientTimeline timeline, long cycleStart)
    {
        int given = 0, held = 0, givenInCycle = 0;
        long firstGiven = long.MinValue, lastGiven = long.MinValue, lastSlot = long.MinValue;
        // Each dose's time and status read once by the timeline (the course moves a snapshot to every earlier slot).
        var doseTicks = timeline.DoseTicks;
        var statuses = timeline.DoseStatuses;
        for (var k = 0; k < doseTicks.Length; k++)
        {
            var ticks = doseTicks[k];
            if (ticks > _atTicks)
            {
                continue;
            }

            var status = statuses[k];
            if (status == DoseStatus.Given)
            {
                given++;
                if (ticks >= cycleStart)
                {
                    givenInCycle++;
                }

                firstGiven = firstGiven == long.MinValue ? ticks : Math.Min(firstGiven, ticks);
                lastGiven = Math.Max(lastGiven, ticks);
                lastSlot = Math.Max(lastSlot, ticks);
            }
            else if (status == DoseStatus.Held)
            {
                held++;
                lastSlot = Math.Max(lastSlot, ticks);
            }
        }
        DosesGiven = given;
        DosesHeld = held;
        DosesGivenInCycle = givenInCycle;
        _firstGivenTicks = firstGiven;
        _lastGivenTicks = lastGiven;
        LastSlotTicks = lastSlot;
    }

    private PatientSnapshot(PatientSnapshot other, bool pastPoint)
    {
        _timeline = other._timeline;
        _recency = other._recency;
        _version = other._version;
        Protocol = other.Protocol;
        At = other.At;
        _atTicks = other._atTicks;
        _counts = other._counts;
        _refused = other._refused;
        _eventTicks = other._eventTicks;
        _firstGivenTicks = other._firstGivenTicks;
        _lastGivenTicks = other._lastGivenTicks;
        Weight = other.Weight;
        DosesGiven = other.DosesGiven;
        DosesHeld = other.DosesHeld;
        DosesGivenInCycle = other.DosesGivenInCycle;
        LastSlotTicks = other.LastSlotTicks;
        ChartingGapsUnknown = pastPoint;
    }

    public ProtocolInfo Protocol { get; }

    /// <summary>The record this snapshot views, bound to the protocol for every moment.</summary>
    public PatientTimeline Timeline => _timeline;

    /// <summary>
    /// Set on a snapshot for an earlier assessment point of the course (<see cref="AsPastPoint"/>): a sum or count over a
    /// window the record does not cover there (no value of the observation at or before the window's start) is unknown,
    /// not a finding. A charting gap never makes a stop; other criteria at that point still count.
    /// </summary>
    public bool ChartingGapsUnknown { get; }

    /// <summary>This snapshot as an earlier assessment point: see <see cref="ChartingGapsUnknown"/>.</summary>
    public PatientSnapshot AsPastPoint() => new(this, pastPoint: true);

    /// <summary>The same record at an earlier moment, as an assessment point of the course (no issues are checked: the decision time's are the record's).</summary>
    internal PatientSnapshot PastPoint(DateTimeOffset at) => new(_timeline, at, null, pastPoint: true) { _movable = true, _version = _timeline.Version };

    /// <summary>
    /// <see cref="PastPoint(DateTimeOffset)"/> for evaluating rules that read only <paramref name="observations"/> (empty:
    /// any): the other series are never looked up, and read as having no value. Never handed out.
    /// </summary>
    internal PatientSnapshot PastPoint(DateTimeOffset at, ReadOnlySpan<int> observations)
    {
        if (observations.IsEmpty)
        {
            return PastPoint(at);
        }

        var only = new List<int>(observations.Length);
        foreach (var i in observations)
        {
            if ((uint)i < (uint)Protocol.Observations.Length && !only.Contains(i))
            {
                only.Add(i);
            }
        }
        return new(_timeline, at, null, pastPoint: true, [.. only]) { _movable = true, _version = _timeline.Version, _requested = observations.ToArray() };
    }

    /// <summary>Whether this past-point snapshot was made for rules reading <paramref name="observations"/> (so it can be moved for them).</summary>
    internal bool BoundFor(ReadOnlySpan<int> observations) => observations.SequenceEqual(_requested);

    /// <summary>
    /// Moves a snapshot made by <see cref="PastPoint(DateTimeOffset)"/> to another earlier moment without allocating. Only for a snapshot
    /// the course layer owns and never hands out: one that escaped would change under its holder.
    /// </summary>
    internal void MovePastPoint(DateTimeOffset at)
    {
        if (!_movable)
        {
            throw new InvalidOperationException("only a past-point snapshot can be moved");
        }

        Rebind(at);
    }

    /// <summary>Binds this (movable or pooled) snapshot at <paramref name="at"/>: moved when the timeline is as it was, bound afresh when it changed.</summary>
    private void Rebind(DateTimeOffset at)
    {
        var version = _timeline.Version;
        Bind(at, fresh: version != _version);
        _version = version;
    }

    /// <summary>Whether the window of <paramref name="windowSeconds"/> before <see cref="At"/> starts before the first value of the series in <paramref name="store"/>.</summary>
    private bool IsChartingGap(SeriesStore store, int count, double windowSeconds) =>
        ChartingGapsUnknown && (count == 0 || store.Ticks[0] > _atTicks - (long)(windowSeconds * TimeSpan.TicksPerSecond));

    public DateTimeOffset At { get; private set; }

    /// <summary>The patient's weight in grams (the UCUM base unit of mass), NaN when the record has none.</summary>
    public double Weight { get; private set; }

    public int DosesGiven { get; private set; }

    public int DosesHeld { get; private set; }

    /// <summary>Doses given since the latest <see cref="CycleStartEvent"/> (all doses when there is none).</summary>
    public int DosesGivenInCycle { get; private set; }

    /// <summary>UTC ticks of the latest dose slot used (given or held), or <see cref="long.MinValue"/>.</summary>
    public long LastSlotTicks { get; private set; }

    public DateTimeOffset? LastGivenDose => _lastGivenTicks == long.MinValue ? null : new DateTimeOffset(_lastGivenTicks, TimeSpan.Zero);

    public DateTimeOffset? FirstGivenDose => _firstGivenTicks == long.MinValue ? null : new DateTimeOffset(_firstGivenTicks, TimeSpan.Zero);

    public DateTimeOffset? EventTime(int eventIndex) =>
        (uint)eventIndex < (uint)_eventTicks.Length && _eventTicks[eventIndex] != long.MinValue ? new DateTimeOffset(_eventTicks[eventIndex], TimeSpan.Zero) : null;

    /// <summary>How many values of observation <paramref name="observation"/> are at or before the moment.</summary>
    internal int CountOf(int observation) => _counts[observation];

    public ObservationSeries Series(int observation) =>
        new(Protocol.Observations[observation], _timeline.Store(observation), _counts[observation], _refused is null ? 0 : _refused[observation]);

    // ------------------------------------------------------------ what rule conditions read

    /// <summary>The latest value within the observation's recency window; NaN when there is none or it is too old.</summary>
    /// <remarks>Inlined into the generated rules, which read each latest value into a local before the conditions.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Latest(int observation)
    {
        var count = _counts[observation];
        if (count == 0)
        {
            return double.NaN;
        }

        var store = _timeline.Store(observation);
        var last = count - 1;
        return AgeSeconds(store.Ticks[last]) <= _recency[observation] ? store.Values[last] : double.NaN;
    }

    public double Sum(int observation, double windowSeconds)
    {
        var store = _timeline.Store(observation);
        var count = _counts[observation];
        var first = FirstInWindow(store, count, windowSeconds);
        if (first >= count || IsChartingGap(store, count, windowSeconds))
        {
            return double.NaN;
        }

        return SumRange(store, first, count);
    }

    /// <summary>Value by value for a short window (as always); from the compensated prefix sums for a long one (O(1) after the binary searches).</summary>
    private static double SumRange(SeriesStore store, int first, int end)
    {
        if (end - first > PatientTimeline.DirectSumLimit && store.Prefix is not null)
        {
            return store.PrefixSum(first, end);
        }

        var sum = 0.0;
        var values = store.Values;
        for (var k = first; k < end; k++)
        {
            sum += values[k];
        }

        return sum;
    }

    public double Min(int observation, double windowSeconds) => Extreme(observation, windowSeconds, highest: false);

    public double Max(int observation, double windowSeconds) => Extreme(observation, windowSeconds, highest: true);

    private double Extreme(int observation, double windowSeconds, bool highest)
    {
        var store = _timeline.Store(observation);
        var count = _counts[observation];
        var first = FirstInWindow(store, count, windowSeconds);
        if (first >= count)
        {
            return double.NaN;
        }

        if (count - first > PatientTimeline.DirectSumLimit)
        {
            // A long window: O(log n) from the series' min/max tree (the same value the scan below finds).
            return store.TreeExtreme(first, count, highest);
        }

        var values = store.Values;
        var extreme = values[first];
        for (var k = first; k < count; k++)
        {
            extreme = highest ? Math.Max(extreme, values[k]) : Math.Min(extreme, values[k]);
        }

        return extreme;
    }

    public double Mean(int observation, double windowSeconds)
    {
        var store = _timeline.Store(observation);
        var count = _counts[observation];
        var first = FirstInWindow(store, count, windowSeconds);
        return first >= count ? double.NaN : Sum(observation, windowSeconds) / (count - first);
    }

    /// <summary>How many values fall in the window: known (0) even when there are none (unknown at a charting gap of a past point).</summary>
    public double Count(int observation, double windowSeconds)
    {
        var store = _timeline.Store(observation);
        var count = _counts[observation];
        return IsChartingGap(store, count, windowSeconds) ? double.NaN : count - FirstInWindow(store, count, windowSeconds);
    }

    /// <summary>The latest value in the window minus the earliest; NaN with fewer than two values.</summary>
    public double Change(int observation, double windowSeconds)
    {
        var store = _timeline.Store(observation);
        var count = _counts[observation];
        var first = FirstInWindow(store, count, windowSeconds);
        return count - first < 2 ? double.NaN : store.Values[count - 1] - store.Values[first];
    }

    /// <summary>The latest value at or before the first given dose (or now, before any dose); NaN when there is none.</summary>
    public double Baseline(int observation)
    {
        var index = BaselineIndex(observation);
        return index < 0 ? double.NaN : _timeline.Store(observation).Values[index];
    }

    public int BaselineIndex(int observation)
    {
        var count = _counts[observation];
        if (_firstGivenTicks == long.MinValue)
        {
            return count - 1;
        }

        return Math.Min(count, _timeline.Store(observation).UpperBound(_firstGivenTicks)) - 1;
    }

    public double TimeSinceEvent(int eventIndex) =>
        (uint)eventIndex < (uint)_eventTicks.Length && _eventTicks[eventIndex] != long.MinValue ? AgeSeconds(_eventTicks[eventIndex]) : double.NaN;

    public double TimeSinceLastDose() => _lastGivenTicks == long.MinValue ? double.NaN : AgeSeconds(_lastGivenTicks);

    public double TimeSinceFirstDose() => _firstGivenTicks == long.MinValue ? double.NaN : AgeSeconds(_firstGivenTicks);

    /// <summary>Index of the first value inside (at - window, at].</summary>
    public int FirstInWindow(ObservationSeries series, double windowSeconds) => FirstInWindow(series.Store, series.Count, windowSeconds);

    private int FirstInWindow(SeriesStore store, int count, double windowSeconds)
    {
        var from = _atTicks - (long)(windowSeconds * TimeSpan.TicksPerSecond);
        // The first index whose time is after `from`: binary search over [0, count).
        var ticks = store.Ticks;
        int lo = 0, hi = count;
        while (lo < hi)
        {
            var mid = (int)((uint)(lo + hi) >> 1);
            if (ticks[mid] <= from)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        return lo;
    }

    public double AgeSeconds(long ticks) => (_atTicks - ticks) / (double)TimeSpan.TicksPerSecond;

    // ------------------------------------------------------------ building

    /// <summary>
    /// Binds a record to a protocol at a moment. Values whose unit cannot be converted to the declared unit,
    /// and yes/no values on numeric observations (or the reverse), are rejected as issues — never compared raw.
    /// Codes the protocol does not declare are ignored, unless they nearly name an observation.
    /// </summary>
    /// <remarks>
    /// Bad values never count as normal (see docs/patient-json.md, "How the engine checks values"): a value outside the
    /// observation's declared <c>range</c> (or not finite), an entry whose code nearly names an observation
    /// (<c>Sustained-VT</c>, <c>sustained_vt</c>), and two values of one observation at the same instant that disagree are
    /// left out of the series and are data errors for that observation while a rule would still read them (its
    /// <c>within</c> or the longest aggregate window over it; for a baseline, until a later baseline value replaces it);
    /// a mistyped yes/no entry charted yes acts for the whole course. A patient weight outside 20 kg to 350 kg is a data
    /// error. A value converted from another unit is rounded to the observation's <c>reported to</c> precision first.
    /// </remarks>
    public static SnapshotResult Create(ProtocolInfo protocol, PatientRecord record, DateTimeOffset at) =>
        Create(PatientTimeline.Create(protocol, record), at);

    /// <summary>The record of <paramref name="timeline"/> at <paramref name="at"/>: see <see cref="Create(ProtocolInfo, PatientRecord, DateTimeOffset)"/>.</summary>
    public static SnapshotResult Create(PatientTimeline timeline, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(timeline);
        var snapshot = Create(timeline, at, null, out var issues);
        return new SnapshotResult(snapshot, issues);
    }

    /// <summary>
    /// The snapshot of <paramref name="timeline"/> at <paramref name="at"/> and its issues; <paramref name="reuse"/> (a
    /// snapshot a pooled decision owns over the same timeline, never handed out) is bound again instead of a new one.
    /// </summary>
    internal static PatientSnapshot Create(PatientTimeline timeline, DateTimeOffset at, PatientSnapshot? reuse, out ImmutableArray<RecordIssue> issues)
    {
        var protocol = timeline.Protocol;
        var atTicks = at.UtcTicks;
        PatientSnapshot snapshot;
        if (reuse is not null && ReferenceEquals(reuse._timeline, timeline) && !reuse.ChartingGapsUnknown)
        {
            reuse._refused = null;
            reuse.Rebind(at);
            snapshot = reuse;
        }
        else
        {
            snapshot = new PatientSnapshot(timeline, at, null, pastPoint: false);
        }

        if (timeline.EntryIssues.Count == 0 && timeline.WeightIssue is null && timeline.Suspects.Count == 0 && timeline.Disagreed.Count == 0)
        {
            // A clean record (the common case): nothing to check at any moment.
            issues = [];
            return snapshot;
        }

        var found = ImmutableArray.CreateBuilder<RecordIssue>();

        HashSet<(int, string)>? reportedUnits = null;
        foreach (var entry in timeline.EntryIssues)
        {
            if (entry.Ticks > atTicks)
            {
                continue;
            }

            if (entry.Unit is { } unit && !(reportedUnits ??= []).Add((entry.Observation, unit)))
            {
                continue;
            }

            found.Add(entry.Issue);
        }
        if (timeline.WeightIssue is { } weightIssue)
        {
            found.Add(weightIssue);
        }

        // Suspects first need the first given dose (a baseline reads up to it): the snapshot without refusals has it.
        var suspects = Suspects(timeline, atTicks);
        if (suspects.Count > 0)
        {
            var checks = timeline.Checks;
            int[]? refused = null;
            // A bad value is an error while a rule would still read it; after that it is history (a warning).
            var baselineLimit = Math.Min(snapshot._firstGivenTicks == long.MinValue ? long.MaxValue : snapshot._firstGivenTicks, atTicks);
            foreach (var suspect in suspects)
            {
                var acts = suspect.ForCourse
                    || (atTicks - suspect.Ticks) / (double)TimeSpan.TicksPerSecond <= checks.ActingSeconds[suspect.Observation]
                    || (checks.ReadsBaseline[suspect.Observation] && suspect.Ticks <= baselineLimit
                        && !HasLaterValue(timeline.Store(suspect.Observation), suspect.Ticks, baselineLimit));
                found.Add(acts ? suspect.Issue : suspect.Issue with { IsError = false });
                if (acts)
                {
                    refused ??= new int[protocol.Observations.Length];
                    refused[suspect.Observation]++;
                }
            }
            // Only the refusals differ from the snapshot already bound (they are not read while binding).
            snapshot._refused = refused;
        }

        issues = found.ToImmutable();
        return snapshot;
    }

    /// <summary>The bad values at or before the moment: entries in record order, then disagreeing values by observation and time.</summary>
    private static List<Suspect> Suspects(PatientTimeline timeline, long atTicks)
    {
        var suspects = new List<Suspect>();
        foreach (var suspect in timeline.Suspects)
        {
            if (suspect.Ticks <= atTicks)
            {
                suspects.Add(suspect);
            }
        }
        if (timeline.Disagreed.Count > 0)
        {
            var groups = timeline.Disagreed.Where(g => g.Ticks <= atTicks).OrderBy(g => g.Observation).ThenBy(g => g.Ticks);
            suspects.AddRange(groups.Select(timeline.SuspectFor));
        }
        return suspects;
    }

    /// <summary>Whether a good value lies after <paramref name="ticks"/> and at or before <paramref name="limit"/>.</summary>
    private static bool HasLaterValue(SeriesStore store, long ticks, long limit) =>
        store.UpperBound(limit) > store.UpperBound(ticks);
}

/// <summary>One observation's values up to the snapshot moment, oldest first, in canonical units: a view over its timeline.</summary>
public readonly struct ObservationSeries
{
    private readonly int _count;

    internal ObservationSeries(ObservationInfo observation, SeriesStore store, int count, int refused)
    {
        Observation = observation;
        Store = store;
        _count = count;
        Refused = refused;
    }

    public ObservationInfo Observation { get; }

    internal SeriesStore Store { get; }

    public ReadOnlySpan<long> Ticks => Store.Ticks.AsSpan(0, _count);

    public ReadOnlySpan<double> Values => Store.Values.AsSpan(0, _count);

    /// <summary>Index of each value's entry in the record's observations (to show what was seen, as recorded).</summary>
    public ReadOnlySpan<int> Sources => Store.Sources.AsSpan(0, _count);

    public int Count => _count;

    public double RecencySeconds => Observation.RecencySeconds;

    /// <summary>How many record entries for this observation were refused as bad values (out of range, disagreeing, mistyped codes).</summary>
    public int Refused { get; }

    /// <summary>The value as charted at <paramref name="index"/>, when it was converted from another unit.</summary>
    public ChartedValue? ChartedAt(int index) => Store.Charted is { } charted && (uint)index < (uint)_count ? charted[index] : null;

    /// <summary>The number of values at or before <paramref name="ticks"/> (binary search).</summary>
    public int CountAtOrBefore(long ticks) => Math.Min(_count, Store.UpperBound(ticks));
}

/// <summary>A number as the record charted it, in the record's unit.</summary>
public readonly record struct ChartedValue(double Value, string Unit);

public sealed record SnapshotResult(PatientSnapshot Snapshot, ImmutableArray<RecordIssue> Issues)
{
    public bool HasErrors => Issues.Any(i => i.IsError);
}
