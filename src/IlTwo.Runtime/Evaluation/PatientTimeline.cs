using System.Buffers;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Numerics;
using System.Runtime.CompilerServices;
using IlTwo.Runtime.Protocols;
using IlTwo.Runtime.Records;
using IlTwo.Runtime.Units;

namespace IlTwo.Runtime.Evaluation;

/// <summary>
/// A patient record bound to one protocol for every moment at once: each observation's values converted to canonical
/// UCUM base units, checked (range, near-miss codes, disagreeing values at one instant, unit errors) and kept sorted by
/// time, with prefix sums over long series. A <see cref="PatientSnapshot"/> at any moment is a view over it (binary
/// search for the moment and for each window), so a decision costs the same whatever the length of the history.
/// </summary>
/// <remarks>
/// <para>For bedside feeds: <see cref="Append(RecordedObservation)"/>, <see cref="Append(RecordedDose)"/> and
/// <see cref="Append(RecordedEvent)"/> add to the record (in any time order: a value charted late is sorted in), and
/// <see cref="ProtocolEvaluator.Evaluate(ProtocolRules, PatientTimeline, DateTimeOffset, DecisionLog?, IReadOnlyList{RecordIssue}?, TimeZoneInfo?)"/>
/// decides again. The decision is the one a full evaluation of <see cref="ToRecord"/> gives (the appended entries in
/// append order): the same checks, the same data errors, the same holds.</para>
/// <para>Not thread-safe: one writer, and no decision while it changes. A snapshot taken from it is valid until the next change.</para>
/// </remarks>
public sealed class PatientTimeline
{
    /// <summary>Windows with more values than this are summed from prefix sums; shorter ones value by value (as before).</summary>
    internal const int DirectSumLimit = 64;

    private readonly Dictionary<string, int> _byCode;
    private readonly RecordChecks.Plan _checks;
    private readonly ConversionCache _conversions;
    /// <summary>Per observation, its series; null while it has no value (read as <see cref="SeriesStore.Empty"/>).</summary>
    private SeriesStore?[] _series;
    private ImmutableArray<RecordedObservation> _initial;
    private List<RecordedObservation>? _appended;
    private List<EntryIssue> _entryIssues = [];
    private List<Suspect> _suspects = [];
    private List<DisagreedGroup> _disagreed = [];
    private PatientRecord? _record;
    private readonly PastPointTruths _pastTruths = new();

    private PatientTimeline(ProtocolInfo protocol, PatientRecord record)
    {
        Protocol = protocol;
        _byCode = CodeIndex.For(protocol);
        _checks = RecordChecks.For(protocol);
        _conversions = ConversionCache.For(protocol);
        PatientId = record.PatientId;
        Events = record.Events;
        Doses = record.Doses;
        _initial = record.Observations;
        _series = NewStores(protocol);
        SetWeightCore(record.Weight);
        ReadAll();
    }

    public ProtocolInfo Protocol { get; }

    public string? PatientId { get; }

    public MeasuredValue? Weight { get; private set; }

    public ImmutableArray<RecordedEvent> Events { get; private set; }

    public ImmutableArray<RecordedDose> Doses { get; private set; }

    /// <summary>How many observation entries the record holds (good or refused), i.e. the next entry's index.</summary>
    public int ObservationCount => _initial.Length + (_appended?.Count ?? 0);

    /// <summary>Incremented on every change.</summary>
    public int Version { get; private set; }

    internal double WeightGrams { get; private set; } = double.NaN;

    internal RecordIssue? WeightIssue { get; private set; }

    internal RecordChecks.Plan Checks => _checks;

    internal SeriesStore Store(int observation) => _series[observation] ?? SeriesStore.Empty;

    internal List<EntryIssue> EntryIssues => _entryIssues;

    internal List<Suspect> Suspects => _suspects;

    internal List<DisagreedGroup> Disagreed => _disagreed;

    /// <summary>The rules' truths at earlier assessment points, kept across decisions until the record changes at or before them.</summary>
    internal PastPointTruths PastTruths => _pastTruths;

    /// <summary>Binds <paramref name="record"/> to <paramref name="protocol"/>: reads, converts and checks every entry once.</summary>
    public static PatientTimeline Create(ProtocolInfo protocol, PatientRecord record)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        ArgumentNullException.ThrowIfNull(record);
        return new PatientTimeline(protocol, record);
    }

    /// <summary>The observation entry at <paramref name="index"/> (in record order, appended entries last).</summary>
    public RecordedObservation Entry(int index) => index < _initial.Length ? _initial[index] : _appended![index - _initial.Length];

    /// <summary>Adds an observation (at any time, before or after those already recorded). Costs O(log n) when it is the latest of its series.</summary>
    public void Append(RecordedObservation observation)
    {
        ArgumentNullException.ThrowIfNull(observation);
        (_appended ??= []).Add(observation);
        Read(ObservationCount - 1, observation, _byCode.TryGetValue(observation.Code, out var index) ? index : -1, bulk: false);
        _pastTruths.ChangedAt(observation.At.UtcTicks);
        Changed();
    }

    public void Append(RecordedDose dose)
    {
        ArgumentNullException.ThrowIfNull(dose);
        Doses = Doses.Add(dose);
        _pastTruths.ChangedAt(dose.At.UtcTicks);
        Changed();
    }

    public void Append(RecordedEvent recordedEvent)
    {
        ArgumentNullException.ThrowIfNull(recordedEvent);
        Events = Events.Add(recordedEvent);
        _pastTruths.ChangedAt(recordedEvent.At.UtcTicks);
        Changed();
    }

    public void SetWeight(MeasuredValue? weight)
    {
        SetWeightCore(weight);
        _pastTruths.Clear();
        Changed();
    }

    /// <summary>
    /// Replaces the observation entry at <paramref name="index"/> (a corrected reading): the entry keeps its place in the
    /// record. Corrections are rare, so this re-reads every entry (O(n)).
    /// </summary>
    public void Correct(int index, RecordedObservation replacement)
    {
        ArgumentNullException.ThrowIfNull(replacement);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, ObservationCount);
        var all = new List<RecordedObservation>(ObservationCount);
        for (var i = 0; i < ObservationCount; i++)
        {
            all.Add(i == index ? replacement : Entry(i));
        }

        _initial = [.. all];
        _appended = null;
        _series = NewStores(Protocol);
        _entryIssues = [];
        _suspects = [];
        _disagreed = [];
        ReadAll();
        _pastTruths.Clear();
        Changed();
    }

    /// <summary>The record this timeline holds: observations in record order (appended last), events and doses as appended.</summary>
    public PatientRecord ToRecord()
    {
        if (_record is null)
        {
            var observations = _appended is null ? _initial : _initial.AddRange(_appended);
            _record = new PatientRecord(PatientId, Weight, Events, Doses, observations);
        }
        return _record;
    }

    /// <summary>The record at <paramref name="at"/>: see <see cref="PatientSnapshot.Create(ProtocolInfo, PatientRecord, DateTimeOffset)"/>.</summary>
    public SnapshotResult Snapshot(DateTimeOffset at) => PatientSnapshot.Create(this, at);

    private void Changed()
    {
        _record = null;
        Version++;
    }

    private static SeriesStore?[] NewStores(ProtocolInfo protocol) => new SeriesStore?[protocol.Observations.Length];

    /// <summary>
    /// Reads every entry: a first pass finds each entry's observation and counts them, so each series is sized once
    /// (an upper bound: refused values are counted too), then a second reads them in record order.
    /// </summary>
    private void ReadAll()
    {
        var count = ObservationCount;
        var indices = ArrayPool<int>.Shared.Rent(count);
        Span<int> sizes = _series.Length <= 256 ? stackalloc int[_series.Length] : new int[_series.Length];
        sizes.Clear();
        for (var r = 0; r < count; r++)
        {
            var found = _byCode.TryGetValue(Entry(r).Code, out var index);
            indices[r] = found ? index : -1;
            if (found)
            {
                sizes[index]++;
            }
        }
        for (var i = 0; i < _series.Length; i++)
        {
            if (sizes[i] > 0)
            {
                (_series[i] = new SeriesStore()).Reserve(sizes[i]);
            }
        }
        for (var r = 0; r < count; r++)
        {
            Read(r, Entry(r), indices[r], bulk: true);
        }
        ArrayPool<int>.Shared.Return(indices);
        for (var i = 0; i < _series.Length; i++)
        {
            if (_series[i] is not { } store)
            {
                continue;
            }
            store.SortIfNeeded();
            RemoveDisagreements(i, store);
            store.RebuildPrefix();
        }
    }

    private void SetWeightCore(MeasuredValue? weight)
    {
        Weight = weight;
        WeightGrams = double.NaN;
        WeightIssue = null;
        if (weight is not { } w)
        {
            return;
        }

        if (Ucum.TryParse(w.Unit, out var unit, out var error) && Ucum.TryParse("g", out var grams, out _) && Ucum.AreCommensurable(unit, grams))
        {
            var value = w.Value * unit.Factor;
            if (!(value >= RecordChecks.MinWeightGrams && value <= RecordChecks.MaxWeightGrams))
            {
                WeightIssue = new RecordIssue("$.patient.weight.value",
                    $"the patient weight {RecordChecks.Quantity(w.Value, w.Unit)} is outside the plausible range 20 kg to 350 kg (an institutional choice of the engine): the weight is not used",
                    true)
                { Code = "weight" };
            }
            else
            {
                WeightGrams = value;
            }
        }
        else
        {
            WeightIssue = new RecordIssue("$.patient.weight.unit", error ?? $"weight unit '{w.Unit}' is not a unit of mass", true);
        }
    }

    /// <summary>
    /// Reads entry <paramref name="r"/> (of observation <paramref name="index"/>, or -1 when its code names none): a value
    /// into its series, or an issue or a suspect (a bad value).
    /// </summary>
    private void Read(int r, RecordedObservation entry, int index, bool bulk)
    {
        var ticks = entry.At.UtcTicks;
        if (index < 0)
        {
            var near = _checks.NearMiss(entry.Code);
            if (near >= 0)
            {
                var o = Protocol.Observations[near];
                _suspects.Add(new Suspect(near, ticks, o.IsYesNo && entry.Flag == true, new RecordIssue(Path(r, entry, "code"),
                    $"the code '{entry.Code}' matches no observation of the protocol but nearly matches '{o.Name}': {o.Name} is unknown until the entry is corrected",
                    true)
                { Code = o.Name, At = entry.At }));
            }
            return;
        }
        var observation = Protocol.Observations[index];
        if (observation.IsYesNo)
        {
            if (entry.Flag is not { } flag)
            {
                _entryIssues.Add(new EntryIssue(ticks, new RecordIssue(Path(r, entry), $"'{observation.Name}' is a yes/no observation but the record has a number", true), -1, null));
                return;
            }
            Add(index, new Point(ticks, flag ? 1 : 0, r, null), bulk);
            return;
        }
        if (entry.Value is not { } value || entry.Unit is null)
        {
            _entryIssues.Add(new EntryIssue(ticks, new RecordIssue(Path(r, entry), $"'{observation.Name}' is measured in {observation.Unit} but the record has a yes/no value", true), -1, null));
            return;
        }
        var (conversion, error) = _conversions.Get(index, entry.Unit);
        if (conversion is not { } c)
        {
            // Reported once per observation and unit: for the first such entry at or before the moment.
            _entryIssues.Add(new EntryIssue(ticks, new RecordIssue(Path(r, entry, "unit"), error!, true), index, entry.Unit));
            return;
        }

        var declared = c.Converted ? c.ToDeclared.ApplyToCharted(value) : value;
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
            _suspects.Add(new Suspect(index, ticks, false, new RecordIssue(Path(r, entry, "value"),
                $"{observation.Name} {seen} {why}: the value is not used", true)
            { Code = observation.Name, At = entry.At }));
            return;
        }
        // Through the declared unit, as the protocol's thresholds are: 0.08 L charted meets '80 mL' exactly.
        var canonical = declared * c.Declared.Factor + c.Declared.Offset;
        Add(index, new Point(ticks, canonical, r, c.Converted ? new ChartedValue(value, entry.Unit) : null), bulk);
    }

    /// <summary>
    /// Where entry <paramref name="r"/> is in the source: the reader's <see cref="RecordedObservation.Source"/> (the
    /// element as the file has it, not its place in the time-sorted record), else its index in the record.
    /// </summary>
    private static string Path(int r, RecordedObservation entry) => entry.Source ?? $"$.observations[{r}]";

    /// <summary>
    /// The <paramref name="element"/> of entry <paramref name="r"/>: below a JSON path (<c>$.observations[2].unit</c>); a
    /// source of another kind (a FHIR entry, whose elements have other names) is named as it is.
    /// </summary>
    private static string Path(int r, RecordedObservation entry, string element) =>
        entry.Source is { } source && !source.StartsWith('$') ? source : $"{Path(r, entry)}.{element}";

    private void Add(int index, Point point, bool bulk)
    {
        var store = _series[index] ??= new SeriesStore();
        if (bulk)
        {
            store.AddLast(point);
            return;
        }
        // A value at an instant whose values already disagree joins them (they stay unknown).
        foreach (var group in _disagreed)
        {
            if (group.Observation == index && group.Ticks == point.Ticks)
            {
                group.Add(point);
                return;
            }
        }
        var position = store.UpperBound(point.Ticks);
        var start = position;
        while (start > 0 && store.Ticks[start - 1] == point.Ticks)
        {
            start--;
        }
        // A group agrees when every value agrees with its first (in record order): the new value is the latest entry.
        if (start < position && RecordChecks.Disagree(store.Values[start], point.Value))
        {
            var group = new DisagreedGroup(index, point.Ticks);
            for (var k = start; k < position; k++)
            {
                group.Add(store.PointAt(k));
            }
            group.Add(point);
            store.RemoveRange(start, position - start);
            _disagreed.Add(group);
            return;
        }
        store.Insert(position, point);
    }

    /// <summary>
    /// Values of one observation at one instant that disagree: none of them is used, and they are a data error. Identical
    /// duplicates are kept (two identical readings are both real data points).
    /// </summary>
    private void RemoveDisagreements(int observation, SeriesStore store)
    {
        for (var start = 0; start < store.Count;)
        {
            var end = start + 1;
            while (end < store.Count && store.Ticks[end] == store.Ticks[start])
            {
                end++;
            }

            var disagree = false;
            for (var k = start + 1; k < end && !disagree; k++)
            {
                disagree = RecordChecks.Disagree(store.Values[start], store.Values[k]);
            }

            if (!disagree)
            {
                start = end;
                continue;
            }
            var group = new DisagreedGroup(observation, store.Ticks[start]);
            for (var k = start; k < end; k++)
            {
                group.Add(store.PointAt(k));
            }
            _disagreed.Add(group);
            store.RemoveRange(start, end - start);
        }
    }

    /// <summary>The suspect for a group of disagreeing values (built once per change of the group).</summary>
    internal Suspect SuspectFor(DisagreedGroup group)
    {
        if (group.Suspect is { } built)
        {
            return built;
        }

        var observation = Protocol.Observations[group.Observation];
        var points = group.Points;
        var values = points.Select(p => $"{Charted(observation, Entry(p.Source))} ({Path(p.Source, Entry(p.Source))})");
        var anyYes = observation.IsYesNo && points.Any(p => p.Value != 0);
        return group.Suspect = new Suspect(observation.Index, group.Ticks, anyYes, new RecordIssue(Path(points[^1].Source, Entry(points[^1].Source)),
            $"{observation.Name} has values at the same time that disagree: {string.Join(" and ", values)}: {observation.Name} is unknown at that time",
            true)
        { Code = observation.Name, At = Entry(points[0].Source).At });
    }

    private static string Charted(ObservationInfo observation, RecordedObservation entry) =>
        entry.Flag is { } flag ? (flag ? "yes" : "no")
        : entry.Value is { } value ? RecordChecks.Quantity(value, entry.Unit)
        : observation.Name;

    /// <summary>Record unit to declared unit, and declared unit to canonical base units (kept apart: see the caller).</summary>
    private readonly record struct Conversion(UnitConversion ToDeclared, UnitConversion Declared, bool Converted);

    private static Conversion? ConversionFrom(ObservationInfo observation, string recordUnit, out string? error)
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
        var converted = recordUnit != observation.Unit && toDeclared != UnitConversion.Identity;
        return new Conversion(toDeclared, new UnitConversion(declared.Factor, declared.Offset), converted);
    }

    /// <summary>
    /// Each observation's conversion from a record unit, parsed once per protocol (at most <see cref="Limit"/> units are
    /// kept, so a record full of invented units cannot grow it without bound). The observation's own unit, the common
    /// case, is resolved when the cache is built and found without a lookup.
    /// </summary>
    private sealed class ConversionCache
    {
        private const int Limit = 4096;

        private static readonly ConditionalWeakTable<ProtocolInfo, ConversionCache> Cache = [];

        private readonly ProtocolInfo _protocol;
        private readonly ConcurrentDictionary<(int, string), (Conversion?, string?)> _map = new();
        private readonly (Conversion? Conversion, string? Error)[] _declared;

        private ConversionCache(ProtocolInfo protocol)
        {
            _protocol = protocol;
            _declared = new (Conversion?, string?)[protocol.Observations.Length];
            for (var i = 0; i < _declared.Length; i++)
            {
                if (protocol.Observations[i].Unit is { } unit)
                {
                    _declared[i] = Compute(protocol.Observations[i], unit);
                }
            }
        }

        /// <summary>The cache for <paramref name="protocol"/>: looked up once per timeline.</summary>
        public static ConversionCache For(ProtocolInfo protocol) => Cache.GetValue(protocol, static p => new ConversionCache(p));

        public (Conversion? Conversion, string? Error) Get(int observation, string unit)
        {
            if (string.Equals(unit, _protocol.Observations[observation].Unit, StringComparison.Ordinal))
            {
                return _declared[observation];
            }
            if (_map.TryGetValue((observation, unit), out var found))
            {
                return found;
            }

            var result = Compute(_protocol.Observations[observation], unit);
            if (_map.Count < Limit)
            {
                _map.TryAdd((observation, unit), result);
            }

            return result;
        }

        private static (Conversion?, string?) Compute(ObservationInfo observation, string unit)
        {
            var conversion = ConversionFrom(observation, unit, out var error);
            return (conversion, conversion is null ? error : null);
        }
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

/// <summary>One good value: time, canonical value, index of its record entry, and the value as charted when converted.</summary>
internal readonly record struct Point(long Ticks, double Value, int Source, ChartedValue? Charted);

/// <summary>A bad value: an error for <see cref="Observation"/> while it would be read (or for the course).</summary>
internal sealed record Suspect(int Observation, long Ticks, bool ForCourse, RecordIssue Issue);

/// <summary>
/// An issue about one entry: a value of the wrong kind, or a unit that cannot be converted (<see cref="Observation"/> and
/// <see cref="Unit"/> set: reported once per observation and unit).
/// </summary>
internal readonly record struct EntryIssue(long Ticks, RecordIssue Issue, int Observation, string? Unit);

/// <summary>Values of one observation at one instant that disagree, in record order.</summary>
internal sealed class DisagreedGroup(int observation, long ticks)
{
    public int Observation { get; } = observation;

    public long Ticks { get; } = ticks;

    public List<Point> Points { get; } = [];

    public Suspect? Suspect { get; set; }

    public void Add(Point point)
    {
        Points.Add(point);
        Suspect = null;
    }
}

/// <summary>
/// One observation's good values, sorted by time then record order, with prefix sums and min/max segment trees once the
/// series is longer than <see cref="PatientTimeline.DirectSumLimit"/> (so a sum over any window is two lookups, and its
/// min or max O(log n)).
/// </summary>
internal sealed class SeriesStore
{
    private bool _sorted = true;

    /// <summary>Segment trees over the values (node i covers nodes 2i and 2i+1; leaf k at <c>_leaves + k</c>); null while the series is short.</summary>
    private double[]? _lowest;

    private double[]? _highest;

    /// <summary>The trees' number of leaves: a power of two, at least <see cref="Count"/>.</summary>
    private int _leaves;

    /// <summary>The series of an observation without values: shared, never changed (a timeline gives each observation its own store at its first value).</summary>
    public static SeriesStore Empty { get; } = new();

    public long[] Ticks { get; private set; } = [];

    public double[] Values { get; private set; } = [];

    public int[] Sources { get; private set; } = [];

    /// <summary>Per value, the value as charted when converted from another unit; null until one is.</summary>
    public ChartedValue?[]? Charted { get; private set; }

    /// <summary>
    /// <c>Prefix[k] + PrefixError[k]</c> = the sum of the first k values, compensated (a double-double: the rounding error
    /// of each addition is kept, so a long series does not lose the small values of a window to the size of its total);
    /// null while the series is short.
    /// </summary>
    public double[]? Prefix { get; private set; }

    /// <summary>The rounding error of <see cref="Prefix"/>, per prefix.</summary>
    public double[]? PrefixError { get; private set; }

    /// <summary>The sum of values <paramref name="first"/> to <paramref name="end"/> (exclusive) from the prefix sums, within an ulp or so of the exact sum.</summary>
    public double PrefixSum(int first, int end)
    {
        var (hi, lo) = (Prefix!, PrefixError!);
        var difference = hi[end] - hi[first];
        // TwoSum: the rounding error of the difference of the leading parts.
        var back = difference - hi[end];
        var error = (hi[end] - (difference - back)) + (-hi[first] - back);
        return difference + (error + (lo[end] - lo[first]));
    }

    public int Count { get; private set; }

    public long LastTicks => Count == 0 ? long.MinValue : Ticks[Count - 1];

    public Point PointAt(int k) => new(Ticks[k], Values[k], Sources[k], Charted?[k]);

    /// <summary>The number of values at or before <paramref name="ticks"/>.</summary>
    public int UpperBound(long ticks)
    {
        if (Count == 0 || Ticks[Count - 1] <= ticks)
        {
            return Count;
        }

        int lo = 0, hi = Count;
        while (lo < hi)
        {
            var mid = (int)((uint)(lo + hi) >> 1);
            if (Ticks[mid] <= ticks)
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

    /// <summary>Room for <paramref name="capacity"/> values in all, allocated once (before a bulk reading).</summary>
    public void Reserve(int capacity)
    {
        if (capacity > Ticks.Length)
        {
            Ticks = Grow(Ticks, capacity);
            Values = Grow(Values, capacity);
            Sources = Grow(Sources, capacity);
            if (Charted is not null)
            {
                Charted = Grow(Charted, capacity);
            }
        }
    }

    /// <summary>Bulk reading: appended in record order, sorted once at the end.</summary>
    public void AddLast(Point point)
    {
        if (Count > 0 && point.Ticks < Ticks[Count - 1])
        {
            _sorted = false;
        }

        EnsureCapacity(Count + 1);
        Set(Count, point);
        Count++;
    }

    public void SortIfNeeded()
    {
        if (_sorted)
        {
            return;
        }
        // Stable by time: the record order (Source, increasing in reading order) breaks ties.
        var points = new Point[Count];
        for (var k = 0; k < Count; k++)
        {
            points[k] = PointAt(k);
        }

        Array.Sort(points, static (a, b) => a.Ticks != b.Ticks ? a.Ticks.CompareTo(b.Ticks) : a.Source.CompareTo(b.Source));
        for (var k = 0; k < Count; k++)
        {
            Set(k, points[k]);
        }

        _sorted = true;
    }

    public void Insert(int position, Point point)
    {
        EnsureCapacity(Count + 1);
        var tail = Count - position;
        if (tail > 0)
        {
            Array.Copy(Ticks, position, Ticks, position + 1, tail);
            Array.Copy(Values, position, Values, position + 1, tail);
            Array.Copy(Sources, position, Sources, position + 1, tail);
            if (Charted is not null)
            {
                Array.Copy(Charted, position, Charted, position + 1, tail);
            }
        }
        Set(position, point);
        Count++;
        UpdatePrefix(position);
        UpdateExtremes(position, appended: position == Count - 1);
    }

    public void RemoveRange(int start, int length)
    {
        var tail = Count - start - length;
        Array.Copy(Ticks, start + length, Ticks, start, tail);
        Array.Copy(Values, start + length, Values, start, tail);
        Array.Copy(Sources, start + length, Sources, start, tail);
        if (Charted is not null)
        {
            Array.Copy(Charted, start + length, Charted, start, tail);
            Array.Clear(Charted, Count - length, length);
        }
        Count -= length;
        UpdatePrefix(start);
        UpdateExtremes(start, appended: false);
    }

    public void RebuildPrefix()
    {
        Prefix = null;
        PrefixError = null;
        UpdatePrefix(0);
        _lowest = null;
        _highest = null;
        UpdateExtremes(0, appended: false);
    }

    /// <summary>Recomputes the prefix sums from <paramref name="position"/> (O(1) for a value appended last).</summary>
    private void UpdatePrefix(int position)
    {
        if (Count <= PatientTimeline.DirectSumLimit)
        {
            Prefix = null;
            PrefixError = null;
            return;
        }
        if (Prefix is null || PrefixError is null || Prefix.Length < Count + 1)
        {
            var size = Math.Max(Ticks.Length, Count) + 1;
            var grown = new double[size];
            var grownError = new double[size];
            if (Prefix is not null && PrefixError is not null)
            {
                Array.Copy(Prefix, grown, Math.Min(Prefix.Length, position + 1));
                Array.Copy(PrefixError, grownError, Math.Min(PrefixError.Length, position + 1));
            }
            else
            {
                position = 0;
            }

            Prefix = grown;
            PrefixError = grownError;
        }
        var (prefix, errors) = (Prefix, PrefixError);
        var sum = prefix[position];
        var error = errors[position];
        for (var k = position; k < Count; k++)
        {
            // TwoSum (Knuth): next + e is exactly sum + value.
            var value = Values[k];
            var next = sum + value;
            var back = next - sum;
            error += (sum - (next - back)) + (value - back);
            sum = next;
            prefix[k + 1] = sum;
            errors[k + 1] = error;
        }
    }

    /// <summary>
    /// The smallest (<paramref name="highest"/> false) or largest value of <paramref name="first"/> to
    /// <paramref name="end"/> (exclusive, a non-empty range) from the segment trees: O(log n). The same value as a scan
    /// (min and max are exact, and <see cref="Math.Min(double, double)"/> orders -0 below 0 whatever the order).
    /// </summary>
    public double TreeExtreme(int first, int end, bool highest)
    {
        var tree = (highest ? _highest : _lowest)!;
        var extreme = highest ? double.NegativeInfinity : double.PositiveInfinity;
        for (int l = first + _leaves, r = end + _leaves; l < r; l >>= 1, r >>= 1)
        {
            if ((l & 1) != 0)
            {
                extreme = highest ? Math.Max(extreme, tree[l++]) : Math.Min(extreme, tree[l++]);
            }
            if ((r & 1) != 0)
            {
                extreme = highest ? Math.Max(extreme, tree[--r]) : Math.Min(extreme, tree[--r]);
            }
        }
        return extreme;
    }

    /// <summary>Whether <see cref="TreeExtreme"/> may be asked (the series is longer than <see cref="PatientTimeline.DirectSumLimit"/>).</summary>
    public bool HasExtremes => _lowest is not null;

    /// <summary>
    /// Brings the min and max segment trees up to date from <paramref name="position"/>: O(log n) for a value
    /// <paramref name="appended"/> last, a rebuild from the position otherwise (as the prefix sums). Leaves past the end
    /// always hold the identities (+∞ for the min, −∞ for the max), never reached by a query within the series.
    /// </summary>
    private void UpdateExtremes(int position, bool appended)
    {
        if (Count <= PatientTimeline.DirectSumLimit)
        {
            _lowest = null;
            _highest = null;
            _leaves = 0;
            return;
        }
        if (_lowest is null || _highest is null || _leaves < Count)
        {
            _leaves = (int)BitOperations.RoundUpToPowerOf2((uint)Count);
            _lowest = new double[2 * _leaves];
            _highest = new double[2 * _leaves];
            (position, appended) = (0, false);
        }
        var (lowest, highest, leaves) = (_lowest, _highest, _leaves);
        if (appended)
        {
            var i = leaves + position;
            lowest[i] = highest[i] = Values[position];
            for (i >>= 1; i >= 1; i >>= 1)
            {
                lowest[i] = Math.Min(lowest[2 * i], lowest[2 * i + 1]);
                highest[i] = Math.Max(highest[2 * i], highest[2 * i + 1]);
            }
            return;
        }
        for (var k = position; k < leaves; k++)
        {
            lowest[leaves + k] = k < Count ? Values[k] : double.PositiveInfinity;
            highest[leaves + k] = k < Count ? Values[k] : double.NegativeInfinity;
        }
        for (int lo = (leaves + position) >> 1, hi = (2 * leaves - 1) >> 1; lo >= 1; lo >>= 1, hi >>= 1)
        {
            for (var i = lo; i <= hi; i++)
            {
                lowest[i] = Math.Min(lowest[2 * i], lowest[2 * i + 1]);
                highest[i] = Math.Max(highest[2 * i], highest[2 * i + 1]);
            }
        }
    }

    private void Set(int k, Point point)
    {
        Ticks[k] = point.Ticks;
        Values[k] = point.Value;
        Sources[k] = point.Source;
        if (point.Charted is not null || Charted is not null)
        {
            Charted ??= new ChartedValue?[Ticks.Length];
            Charted[k] = point.Charted;
        }
    }

    private void EnsureCapacity(int capacity)
    {
        if (Ticks.Length >= capacity)
        {
            return;
        }

        var size = Math.Max(4, Math.Max(capacity, Ticks.Length * 2));
        Ticks = Grow(Ticks, size);
        Values = Grow(Values, size);
        Sources = Grow(Sources, size);
        if (Charted is not null)
        {
            Charted = Grow(Charted, size);
        }
    }

    private T[] Grow<T>(T[] items, int size)
    {
        var grown = new T[size];
        Array.Copy(items, grown, Count);
        return grown;
    }
}
