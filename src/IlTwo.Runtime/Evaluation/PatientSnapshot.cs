using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using IlTwo.Runtime.Protocols;
using IlTwo.Runtime.Records;
using IlTwo.Runtime.Units;

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

    private readonly ObservationSeries[] _series;
    private readonly long[] _eventTicks;
    private readonly long _firstGivenTicks;
    private readonly long _lastGivenTicks;

    private PatientSnapshot(
        ProtocolInfo protocol, DateTimeOffset at, ObservationSeries[] series, double weight, long[] eventTicks,
        int dosesGiven, int dosesHeld, int dosesGivenInCycle, long firstGivenTicks, long lastGivenTicks, long lastSlotTicks)
    {
        Protocol = protocol;
        At = at;
        _series = series;
        Weight = weight;
        _eventTicks = eventTicks;
        DosesGiven = dosesGiven;
        DosesHeld = dosesHeld;
        DosesGivenInCycle = dosesGivenInCycle;
        _firstGivenTicks = firstGivenTicks;
        _lastGivenTicks = lastGivenTicks;
        LastSlotTicks = lastSlotTicks;
    }

    public ProtocolInfo Protocol { get; }

    /// <summary>
    /// Set on a snapshot for an earlier assessment point of the course (<see cref="AsPastPoint"/>): a sum or count over a
    /// window the record does not cover there (no value of the observation at or before the window's start) is unknown,
    /// not a finding. A charting gap never makes a stop; other criteria at that point still count.
    /// </summary>
    public bool ChartingGapsUnknown { get; private init; }

    /// <summary>This snapshot as an earlier assessment point: see <see cref="ChartingGapsUnknown"/>.</summary>
    public PatientSnapshot AsPastPoint() =>
        new(Protocol, At, _series, Weight, _eventTicks, DosesGiven, DosesHeld, DosesGivenInCycle, _firstGivenTicks, _lastGivenTicks, LastSlotTicks)
        {
            ChartingGapsUnknown = true,
        };

    /// <summary>Whether the window of <paramref name="windowSeconds"/> before <see cref="At"/> starts before the first value of <paramref name="series"/>.</summary>
    private bool IsChartingGap(ObservationSeries series, double windowSeconds) =>
        ChartingGapsUnknown && (series.Count == 0 || series.Ticks[0] > At.UtcTicks - (long)(windowSeconds * TimeSpan.TicksPerSecond));

    public DateTimeOffset At { get; }

    /// <summary>The patient's weight in grams (the UCUM base unit of mass), NaN when the record has none.</summary>
    public double Weight { get; }

    public int DosesGiven { get; }

    public int DosesHeld { get; }

    /// <summary>Doses given since the latest <see cref="CycleStartEvent"/> (all doses when there is none).</summary>
    public int DosesGivenInCycle { get; }

    /// <summary>UTC ticks of the latest dose slot used (given or held), or <see cref="long.MinValue"/>.</summary>
    public long LastSlotTicks { get; }

    public DateTimeOffset? LastGivenDose => _lastGivenTicks == long.MinValue ? null : new DateTimeOffset(_lastGivenTicks, TimeSpan.Zero);

    public DateTimeOffset? FirstGivenDose => _firstGivenTicks == long.MinValue ? null : new DateTimeOffset(_firstGivenTicks, TimeSpan.Zero);

    public DateTimeOffset? EventTime(int eventIndex) =>
        (uint)eventIndex < (uint)_eventTicks.Length && _eventTicks[eventIndex] != long.MinValue ? new DateTimeOffset(_eventTicks[eventIndex], TimeSpan.Zero) : null;

    public ObservationSeries Series(int observation) => _series[observation];

    // ------------------------------------------------------------ what rule conditions read

    /// <summary>The latest value within the observation's recency window; NaN when there is none or it is too old.</summary>
    public double Latest(int observation)
    {
        var series = _series[observation];
        if (series.Count == 0)
        {
            return double.NaN;
        }

        var last = series.Count - 1;
        return AgeSeconds(series.Ticks[last]) <= series.RecencySeconds ? series.Values[last] : double.NaN;
    }

    public double Sum(int observation, double windowSeconds)
    {
        var series = _series[observation];
        var values = ValuesInWindow(series, windowSeconds);
        if (values.IsEmpty || IsChartingGap(series, windowSeconds))
        {
            return double.NaN;
        }

        var sum = 0.0;
        foreach (var value in values)
        {
            sum += value;
        }

        return sum;
    }

    public double Min(int observation, double windowSeconds) => Extreme(observation, windowSeconds, highest: false);

    public double Max(int observation, double windowSeconds) => Extreme(observation, windowSeconds, highest: true);

    private double Extreme(int observation, double windowSeconds, bool highest)
    {
        var values = ValuesInWindow(_series[observation], windowSeconds);
        if (values.IsEmpty)
        {
            return double.NaN;
        }

        var extreme = values[0];
        foreach (var value in values)
        {
            extreme = highest ? Math.Max(extreme, value) : Math.Min(extreme, value);
        }

        return extreme;
    }

    private ReadOnlySpan<double> ValuesInWindow(ObservationSeries series, double windowSeconds)
    {
        var first = FirstInWindow(series, windowSeconds);
        return series.Values.AsSpan(first, series.Count - first);
    }

    public double Mean(int observation, double windowSeconds)
    {
        var series = _series[observation];
        var first = FirstInWindow(series, windowSeconds);
        return first >= series.Count ? double.NaN : Sum(observation, windowSeconds) / (series.Count - first);
    }

    /// <summary>How many values fall in the window: known (0) even when there are none (unknown at a charting gap of a past point).</summary>
    public double Count(int observation, double windowSeconds)
    {
        var series = _series[observation];
        return IsChartingGap(series, windowSeconds) ? double.NaN : series.Count - FirstInWindow(series, windowSeconds);
    }

    /// <summary>The latest value in the window minus the earliest; NaN with fewer than two values.</summary>
    public double Change(int observation, double windowSeconds)
    {
        var series = _series[observation];
        var first = FirstInWindow(series, windowSeconds);
        return series.Count - first < 2 ? double.NaN : series.Values[series.Count - 1] - series.Values[first];
    }

    /// <summary>The latest value at or before the first given dose (or now, before any dose); NaN when there is none.</summary>
    public double Baseline(int observation)
    {
        var index = BaselineIndex(observation);
        return index < 0 ? double.NaN : _series[observation].Values[index];
    }

    public int BaselineIndex(int observation)
    {
        var series = _series[observation];
        var limit = _firstGivenTicks == long.MinValue ? long.MaxValue : _firstGivenTicks;
        for (var i = series.Count - 1; i >= 0; i--)
        {
            if (series.Ticks[i] <= limit)
            {
                return i;
            }
        }
        return -1;
    }

    public double TimeSinceEvent(int eventIndex) =>
        (uint)eventIndex < (uint)_eventTicks.Length && _eventTicks[eventIndex] != long.MinValue ? AgeSeconds(_eventTicks[eventIndex]) : double.NaN;

    public double TimeSinceLastDose() => _lastGivenTicks == long.MinValue ? double.NaN : AgeSeconds(_lastGivenTicks);

    public double TimeSinceFirstDose() => _firstGivenTicks == long.MinValue ? double.NaN : AgeSeconds(_firstGivenTicks);

    /// <summary>Index of the first value inside (at - window, at].</summary>
    public int FirstInWindow(ObservationSeries series, double windowSeconds)
    {
        var from = At.UtcTicks - (long)(windowSeconds * TimeSpan.TicksPerSecond);
        var index = Array.BinarySearch(series.Ticks, 0, series.Count, from + 1);
        if (index < 0)
        {
            index = ~index;
        }
        else
        {
            while (index > 0 && series.Ticks[index - 1] > from)
            {
                index--;
            }
        }

        return index;
    }

    public double AgeSeconds(long ticks) => (At.UtcTicks - ticks) / (double)TimeSpan.TicksPerSecond;

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
    public static SnapshotResult Create(ProtocolInfo protocol, PatientRecord record, DateTimeOffset at)
    {
        var issues = ImmutableArray.CreateBuilder<RecordIssue>();
        var byCode = CodeIndex.For(protocol);
        var checks = RecordChecks.For(protocol);
        var atTicks = at.UtcTicks;

        var points = new List<Point>[protocol.Observations.Length];
        for (var i = 0; i < points.Length; i++)
        {
            points[i] = [];
        }

        var conversions = new Dictionary<(int, string), Conversion?>();
        var suspects = new List<Suspect>();

        for (var r = 0; r < record.Observations.Length; r++)
        {
            var entry = record.Observations[r];
            if (entry.At.UtcTicks > atTicks)
            {
                continue;
            }

            var path = $"$.observations[{r}]";
            if (!byCode.TryGetValue(entry.Code, out var index))
            {
                var near = checks.NearMiss(entry.Code);
                if (near >= 0)
                {
                    var o = protocol.Observations[near];
                    suspects.Add(new Suspect(near, entry.At.UtcTicks, o.IsYesNo && entry.Flag == true, new RecordIssue(path + ".code",
                        $"the code '{entry.Code}' matches no observation of the protocol but nearly matches '{o.Name}': {o.Name} is unknown until the entry is corrected",
                        true)
                    { Code = o.Name, At = entry.At }));
                }
                continue;
            }
            var observation = protocol.Observations[index];
            if (observation.IsYesNo)
            {
                if (entry.Flag is not { } flag)
                {
                    issues.Add(new RecordIssue(path, $"'{observation.Name}' is a yes/no observation but the record has a number", true));
                    continue;
                }
                points[index].Add(new Point(entry.At.UtcTicks, flag ? 1 : 0, r, null, null));
                continue;
            }
            if (entry.Value is not { } value || entry.Unit is null)
            {
                issues.Add(new RecordIssue(path, $"'{observation.Name}' is measured in {observation.Unit} but the record has a yes/no value", true));
                continue;
            }
            if (!conversions.TryGetValue((index, entry.Unit), out var conversion))
            {
                conversion = ToCanonical(observation, entry.Unit, out var error);
                conversions[(index, entry.Unit)] = conversion;
                if (conversion is null)
                {
                    issues.Add(new RecordIssue(path + ".unit", error!, true));
                }
            }
            if (conversion is not { } c)
            {
                continue;
            }

            var declared = c.ToDeclared.Apply(value);
            if (c.Converted && observation.ReportedTo is { } precision)
            {
                declared = RecordChecks.Round(declared, precision);
            }

            if (!RecordChecks.InRange(observation, declared))
            {
                var seen = c.Converted
                    ? $"{RecordChecks.Quantity(value, entry.Unit)} (= {DecisionText.Join(DecisionText.Converted(declared), observation.Unit)})"
                    : RecordChecks.Quantity(value, entry.Unit);
                var why = double.IsFinite(declared)
                    ? $"is outside its plausible range {RecordChecks.RangeText(observation)}"
                    : "is not a finite number";
                suspects.Add(new Suspect(index, entry.At.UtcTicks, false, new RecordIssue(path + ".value",
                    $"{observation.Name} {seen} {why}: the value is not used", true)
                { Code = observation.Name, At = entry.At }));
                continue;
            }
            var canonical = c.Converted && observation.ReportedTo is not null
                ? declared * c.Declared.Factor + c.Declared.Offset
                : c.ToCanonical.Apply(value);
            points[index].Add(new Point(entry.At.UtcTicks, canonical, r, c.Converted ? value : null, c.Converted ? entry.Unit : null));
        }

        var sortedPoints = new List<Point>[points.Length];
        for (var i = 0; i < points.Length; i++)
        {
            // Stable by time: the record order breaks ties.
            sortedPoints[i] = points[i].OrderBy(p => p.Ticks).ThenBy(p => p.Source).ToList();
            RemoveDisagreements(protocol.Observations[i], sortedPoints[i], record, suspects);
        }

        var weight = double.NaN;
        if (record.Weight is { } w)
        {
            if (Ucum.TryParse(w.Unit, out var unit, out var error) && Ucum.TryParse("g", out var grams, out _) && Ucum.AreCommensurable(unit, grams))
            {
                weight = w.Value * unit.Factor;
                if (!(weight >= RecordChecks.MinWeightGrams && weight <= RecordChecks.MaxWeightGrams))
                {
                    issues.Add(new RecordIssue("$.patient.weight.value",
                        $"the patient weight {RecordChecks.Quantity(w.Value, w.Unit)} is outside the plausible range 20 kg to 350 kg (an institutional choice of the engine): the weight is not used",
                        true)
                    { Code = "weight" });
                    weight = double.NaN;
                }
            }
            else
            {
                issues.Add(new RecordIssue("$.patient.weight.unit", error ?? $"weight unit '{w.Unit}' is not a unit of mass", true));
            }
        }

        var eventTicks = new long[protocol.Events.Length];
        Array.Fill(eventTicks, long.MinValue);
        var cycleStart = long.MinValue;
        foreach (var e in record.Events)
        {
            var ticks = e.At.UtcTicks;
            if (ticks > atTicks)
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

        int given = 0, held = 0, givenInCycle = 0;
        long firstGiven = long.MinValue, lastGiven = long.MinValue, lastSlot = long.MinValue;
        foreach (var dose in record.Doses)
        {
            var ticks = dose.At.UtcTicks;
            if (ticks > atTicks)
            {
                continue;
            }

            if (dose.Status == DoseStatus.Given)
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
            else if (dose.Status == DoseStatus.Held)
            {
                held++;
                lastSlot = Math.Max(lastSlot, ticks);
            }
        }

        // A bad value is an error while a rule would still read it; after that it is history (a warning).
        var baselineLimit = firstGiven == long.MinValue ? long.MaxValue : firstGiven;
        var refused = new int[points.Length];
        foreach (var suspect in suspects)
        {
            var acts = suspect.ForCourse
                || (atTicks - suspect.Ticks) / (double)TimeSpan.TicksPerSecond <= checks.ActingSeconds[suspect.Observation]
                || (checks.ReadsBaseline[suspect.Observation] && suspect.Ticks <= baselineLimit && !HasLaterValue(sortedPoints[suspect.Observation], suspect.Ticks, baselineLimit));
            issues.Add(acts ? suspect.Issue : suspect.Issue with { IsError = false });
            if (acts)
            {
                refused[suspect.Observation]++;
            }
        }

        var series = new ObservationSeries[points.Length];
        for (var i = 0; i < points.Length; i++)
        {
            var sorted = sortedPoints[i];
            series[i] = new ObservationSeries(
                protocol.Observations[i],
                [.. sorted.Select(p => p.Ticks)],
                [.. sorted.Select(p => p.Value)],
                [.. sorted.Select(p => p.Source)])
            {
                Refused = refused[i],
                Charted = sorted.Any(p => p.ChartedUnit is not null) ? [.. sorted.Select(p => p.ChartedUnit is { } u ? new ChartedValue(p.ChartedValue!.Value, u) : (ChartedValue?)null)] : null,
            };
        }

        var snapshot = new PatientSnapshot(protocol, at, series, weight, eventTicks, given, held, givenInCycle, firstGiven, lastGiven, lastSlot);
        return new SnapshotResult(snapshot, issues.ToImmutable());
    }

    private readonly record struct Point(long Ticks, double Value, int Source, double? ChartedValue, string? ChartedUnit);

    /// <summary>A bad value: an error for <see cref="Observation"/> while it would be read (or for the course).</summary>
    private sealed record Suspect(int Observation, long Ticks, bool ForCourse, RecordIssue Issue);

    /// <summary>Whether a good value lies after <paramref name="ticks"/> and at or before <paramref name="limit"/>.</summary>
    private static bool HasLaterValue(List<Point> sorted, long ticks, long limit) =>
        sorted.Exists(p => p.Ticks > ticks && p.Ticks <= limit);

    /// <summary>
    /// Values of one observation at one instant that disagree: none of them is used, and they are a data error. Identical
    /// duplicates are kept (two identical readings are both real data points).
    /// </summary>
    private static void RemoveDisagreements(ObservationInfo observation, List<Point> sorted, PatientRecord record, List<Suspect> suspects)
    {
        for (var start = 0; start < sorted.Count;)
        {
            var end = start + 1;
            while (end < sorted.Count && sorted[end].Ticks == sorted[start].Ticks)
            {
                end++;
            }

            var disagree = false;
            for (var k = start + 1; k < end && !disagree; k++)
            {
                disagree = RecordChecks.Disagree(sorted[start].Value, sorted[k].Value);
            }

            if (!disagree)
            {
                start = end;
                continue;
            }
            var group = sorted.GetRange(start, end - start);
            var values = group.Select(p => $"{Charted(observation, record.Observations[p.Source])} ($.observations[{p.Source}])");
            var anyYes = observation.IsYesNo && group.Any(p => p.Value != 0);
            suspects.Add(new Suspect(observation.Index, sorted[start].Ticks, anyYes, new RecordIssue($"$.observations[{group[^1].Source}]",
                $"{observation.Name} has values at the same time that disagree: {string.Join(" and ", values)}: {observation.Name} is unknown at that time",
                true)
            { Code = observation.Name, At = record.Observations[group[0].Source].At }));
            sorted.RemoveRange(start, end - start);
        }
    }

    private static string Charted(ObservationInfo observation, RecordedObservation entry) =>
        entry.Flag is { } flag ? (flag ? "yes" : "no")
        : entry.Value is { } value ? RecordChecks.Quantity(value, entry.Unit)
        : observation.Name;

    private readonly record struct Conversion(UnitConversion ToDeclared, UnitConversion Declared, UnitConversion ToCanonical, bool Converted);

    private static Conversion? ToCanonical(ObservationInfo observation, string recordUnit, out string? error)
    {
        if (!Ucum.TryParse(recordUnit, out var from, out error))
        {
            return null;
        }

        if (observation.Unit is null || !Ucum.TryParse(observation.Unit, out var declared, out error))
        {
            error ??= $"'{observation.Name}' has no unit to convert to";
            return null;
        }
        if (!Ucum.TryGetConversion(from, declared, observation.MolarMass, out var toDeclared, out error))
        {
            error = $"'{observation.Name}' in {recordUnit} cannot be converted to {observation.Unit}: {error}";
            return null;
        }
        // record unit -> declared unit -> canonical base units, folded into one linear map.
        var canonical = new UnitConversion(toDeclared.Factor * declared.Factor, toDeclared.Offset * declared.Factor + declared.Offset);
        var converted = recordUnit != observation.Unit && toDeclared != UnitConversion.Identity;
        return new Conversion(toDeclared, new UnitConversion(declared.Factor, declared.Offset), canonical, converted);
    }

    /// <summary>Which observation a record code means: the observation's name or one of its LOINC codes. Cached per protocol.</summary>
    private static class CodeIndex
    {
        private static readonly ConditionalWeakTable<ProtocolInfo, Dictionary<string, int>> Cache = [];

        public static Dictionary<string, int> For(ProtocolInfo protocol) => Cache.GetValue(protocol, static p =>
        {
            var map = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var o in p.Observations)
            {
                map.TryAdd(o.Name, o.Index);
                foreach (var code in o.Codes)
                {
                    map.TryAdd(code, o.Index);
                }
            }
            return map;
        });
    }
}

/// <summary>One observation's values up to the snapshot moment, oldest first, in canonical units.</summary>
public sealed class ObservationSeries(ObservationInfo observation, long[] ticks, double[] values, int[] sources)
{
    public ObservationInfo Observation { get; } = observation;

    public long[] Ticks { get; } = ticks;

    public double[] Values { get; } = values;

    /// <summary>Index of each value's entry in the record's observations (to show what was seen, as recorded).</summary>
    public int[] Sources { get; } = sources;

    public int Count => Ticks.Length;

    public double RecencySeconds => Observation.RecencySeconds;

    /// <summary>
    /// Per value, the value and unit as charted when it was converted from another unit (null entries for values charted
    /// in the declared unit); null when no value was converted.
    /// </summary>
    public ImmutableArray<ChartedValue?>? Charted { get; init; }

    /// <summary>How many record entries for this observation were refused as bad values (out of range, disagreeing, mistyped codes).</summary>
    public int Refused { get; init; }

    /// <summary>The value as charted at <paramref name="index"/>, when it was converted from another unit.</summary>
    public ChartedValue? ChartedAt(int index) => Charted is { } charted && (uint)index < (uint)charted.Length ? charted[index] : null;
}

/// <summary>A number as the record charted it, in the record's unit.</summary>
public readonly record struct ChartedValue(double Value, string Unit);

public sealed record SnapshotResult(PatientSnapshot Snapshot, ImmutableArray<RecordIssue> Issues)
{
    public bool HasErrors => Issues.Any(i => i.IsError);
}
