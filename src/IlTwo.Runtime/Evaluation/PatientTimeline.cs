using System.Buffers;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using IlTwo.Runtime.Protocols;
using IlTwo.Runtime.Records;

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

    /// <summary>A pooled timeline reads a record of at most this many entries in one pass (its series grow, but little).</summary>
    private const int SinglePassLimit = 512;

    private readonly BindingPlan _plan;
    private readonly RecordChecks.Plan _checks;
    private readonly SeriesStore?[] _series;
    private readonly List<EntryIssue> _entryIssues = [];
    private readonly List<Suspect> _suspects = [];
    private readonly List<DisagreedGroup> _disagreed = [];
    private readonly PastPointTruths _pastTruths;
    private ImmutableArray<RecordedObservation> _initial = [];
    private List<RecordedObservation>? _appended;
    private PatientRecord? _record;

    private PatientTimeline(ProtocolInfo protocol, bool pooled)
    {
        Protocol = protocol;
        _plan = BindingPlan.For(protocol);
        _checks = _plan.Checks;
        _series = new SeriesStore?[protocol.Observations.Length];
        _pastTruths = new PastPointTruths(pooled);
        IsPooled = pooled;
    }

    public ProtocolInfo Protocol { get; }

    public string? PatientId { get; private set; }

    public MeasuredValue? Weight { get; private set; }

    public ImmutableArray<RecordedEvent> Events
    {
        get;
        private set
        {
            field = value;
            IndexEvents();
        }
    } = [];

    private long[] _eventTicks = [];
    private int[] _eventKinds = [];
    private bool[] _eventCycleStarts = [];
    private long[] _doseTicks = [];
    private DoseStatus[] _doseStatuses = [];

    /// <summary>Per record event (in <see cref="Events"/> order): its time in UTC ticks.</summary>
    internal ReadOnlySpan<long> EventTicks => _eventTicks.AsSpan(0, Events.Length);

    /// <summary>Per record event: the protocol event it is (its index), or -1.</summary>
    internal ReadOnlySpan<int> EventKinds => _eventKinds.AsSpan(0, Events.Length);

    /// <summary>Per record event: whether it is a <c>cycle-start</c>.</summary>
    internal ReadOnlySpan<bool> EventCycleStarts => _eventCycleStarts.AsSpan(0, Events.Length);

    /// <summary>Whether <see cref="EventKinds"/> says all (no two protocol events share a name); else a snapshot compares names itself.</summary>
    internal bool EventsIndexed => _plan.EventNamesUnique;

    public ImmutableArray<RecordedDose> Doses
    {
        get;
        private set
        {
            field = value;
            IndexDoses();
        }
    } = [];

    /// <summary>Per dose (in <see cref="Doses"/> order): its time in UTC ticks.</summary>
    internal ReadOnlySpan<long> DoseTicks => _doseTicks.AsSpan(0, Doses.Length);

    /// <summary>Per dose: its status.</summary>
    internal ReadOnlySpan<DoseStatus> DoseStatuses => _doseStatuses.AsSpan(0, Doses.Length);

    /// <summary>How many observation entries the record holds (good or refused), i.e. the next entry's index.</summary>
    public int ObservationCount => _initial.Length + (_appended?.Count ?? 0);

    /// <summary>Incremented on every change.</summary>
    public int Version { get; private set; }

    internal double WeightGrams { get; private set; } = double.NaN;

    internal RecordIssue? WeightIssue { get; private set; }

    internal RecordChecks.Plan Checks => _checks;

    /// <summary>Each observation's recency window in seconds, by index.</summary>
    internal double[] RecencySeconds => _plan.RecencySeconds;

    /// <summary>
    /// A timeline the engine keeps for one thread and binds record after record to (<see cref="Rebind"/>), never handed
    /// out: its earlier points' truths are private to that thread (no lock), and nothing of it outlives a decision.
    /// </summary>
    internal bool IsPooled { get; }

    /// <summary>Observation <paramref name="observation"/>'s values (an empty store when the record has none).</summary>
    internal SeriesStore Store(int observation) => _series[observation] ?? SeriesStore.Empty;

    /// <summary>Every observation's store by index, null where the record never charted it (a snapshot's binding reads them all).</summary>
    internal ReadOnlySpan<SeriesStore?> Series => _series;

    internal List<EntryIssue> EntryIssues => _entryIssues;

    /// <summary>Whether a value of the protocol's observations or an event is charted after <paramref name="ticks"/> (UTC).</summary>
    internal bool ChartedAfter(long ticks)
    {
        foreach (var store in _series)
        {
            if (store is { Count: > 0 } && store.LastTicks > ticks)
            {
                return true;
            }
        }
        foreach (var t in EventTicks)
        {
            if (t > ticks)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// The earliest value of the protocol's observations or event charted after <paramref name="ticks"/>: what it is
    /// (<c>sbp</c>, <c>the 'til-infusion' event</c>), where it came from (an entry's source; null for an event) and when; null when none is.
    /// </summary>
    internal (string What, string? Where, long Ticks)? FirstChartedAfter(long ticks)
    {
        (string What, string? Where, long Ticks)? first = null;
        for (var i = 0; i < _series.Length; i++)
        {
            if (_series[i] is { Count: > 0 } store && store.LastTicks > ticks)
            {
                var k = store.UpperBound(ticks);
                if (first is null || store.Ticks[k] < first.Value.Ticks)
                {
                    var source = store.Sources[k];
                    first = (Protocol.Observations[i].Name, Path(source, Entry(source)), store.Ticks[k]);
                }
            }
        }
        var events = EventTicks;
        for (var e = 0; e < events.Length; e++)
        {
            if (events[e] > ticks && (first is null || events[e] < first.Value.Ticks))
            {
                first = ($"the '{Events[e].Type}' event", null, events[e]);
            }
        }
        return first;
    }


    internal List<Suspect> Suspects => _suspects;

    internal List<DisagreedGroup> Disagreed => _disagreed;

    /// <summary>The rules' truths at earlier assessment points, kept across decisions until the record changes at or before them.</summary>
    internal PastPointTruths PastTruths => _pastTruths;

    /// <summary>Binds <paramref name="record"/> to <paramref name="protocol"/>: reads, converts and checks every entry once.</summary>
    public static PatientTimeline Create(ProtocolInfo protocol, PatientRecord record)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        ArgumentNullException.ThrowIfNull(record);
        var timeline = new PatientTimeline(protocol, pooled: false);
        timeline.Bind(record);
        return timeline;
    }

    /// <summary>An empty timeline for <see cref="DecisionScratch"/>: bound to a record by <see cref="Rebind"/>.</summary>
    internal static PatientTimeline CreatePooled(ProtocolInfo protocol) => new(protocol, pooled: true);

    /// <summary>
    /// Binds another record, reusing this timeline's arrays (a pooled timeline: reset, not reallocated). Nothing of the
    /// previous record is left: every store is emptied, every issue and kept truth dropped.
    /// </summary>
    internal void Rebind(PatientRecord record)
    {
        Reset();
        _pastTruths.Clear();
        Bind(record);
        _record = record;
        Version++;
    }

    /// <summary>Lets go of the record bound last (a pooled timeline between decisions keeps no patient's entries alive).</summary>
    internal void Release()
    {
        _initial = [];
        _appended = null;
        Events = [];
        Doses = [];
        PatientId = null;
        Weight = null;
        _record = null;
        _entryIssues.Clear();
        _suspects.Clear();
        _disagreed.Clear();
        _pastTruths.Clear();
        Version++;
    }

    /// <summary>How many values the stores can hold without growing (what a pooled timeline keeps between records).</summary>
    internal int RetainedCapacity()
    {
        var capacity = 0;
        foreach (var store in _series)
        {
            capacity += store?.Capacity ?? 0;
        }
        return capacity;
    }

    /// <summary>The observation entry at <paramref name="index"/> (in record order, appended entries last).</summary>
    public RecordedObservation Entry(int index) => index < _initial.Length ? _initial[index] : _appended![index - _initial.Length];

    /// <summary>Adds an observation (at any time, before or after those already recorded). Costs O(log n) when it is the latest of its series.</summary>
    public void Append(RecordedObservation observation)
    {
        ArgumentNullException.ThrowIfNull(observation);
        (_appended ??= []).Add(observation);
        Read(ObservationCount - 1, observation, _plan.ObservationOf(observation.Code), bulk: false);
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

        Reset();
        _initial = [.. all];
        _appended = null;
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

    /// <summary>
    /// What a snapshot reads of each event, worked out once per change of <see cref="Events"/> instead of by two string
    /// comparisons per event and moment (the course moves a snapshot to each earlier point).
    /// </summary>
    private void IndexEvents()
    {
        var events = Events;
        if (events.IsDefault)
        {
            return;
        }

        // The arrays only grow (a pooled timeline binds record after record, and lets go of each between them).
        if (_eventTicks.Length < events.Length)
        {
            (_eventTicks, _eventKinds, _eventCycleStarts) = (new long[events.Length], new int[events.Length], new bool[events.Length]);
        }

        var names = Protocol.Events;
        for (var k = 0; k < events.Length; k++)
        {
            var e = events[k];
            _eventTicks[k] = e.At.UtcTicks;
            _eventCycleStarts[k] = e.Type == PatientSnapshot.CycleStartEvent;
            var kind = -1;
            for (var i = 0; i < names.Length; i++)
            {
                if (names[i].Name == e.Type)
                {
                    kind = i;
                    break;
                }
            }

            _eventKinds[k] = kind;
        }
    }

    private void IndexDoses()
    {
        var doses = Doses;
        if (doses.IsDefault)
        {
            return;
        }

        if (_doseTicks.Length < doses.Length)
        {
            (_doseTicks, _doseStatuses) = (new long[doses.Length], new DoseStatus[doses.Length]);
        }

        for (var k = 0; k < doses.Length; k++)
        {
            _doseTicks[k] = doses[k].At.UtcTicks;
            _doseStatuses[k] = doses[k].Status;
        }

        DosesShareAnInstant = ShareAnInstant(DoseTicks);
    }

    /// <summary>Whether two doses are recorded at the same instant (a bolus every 8 h: one dose sent twice, or given and held both).</summary>
    internal bool DosesShareAnInstant { get; private set; }

    private static bool ShareAnInstant(ReadOnlySpan<long> ticks)
    {
        var sorted = true;
        for (var k = 1; k < ticks.Length; k++)
        {
            if (ticks[k] == ticks[k - 1])
            {
                return true;
            }

            sorted &= ticks[k] > ticks[k - 1];
        }
        if (sorted)
        {
            return false;
        }

        // Doses appended or built out of order: look again in order.
        var copy = ticks.ToArray();
        Array.Sort(copy);
        for (var k = 1; k < copy.Length; k++)
        {
            if (copy[k] == copy[k - 1])
            {
                return true;
            }
        }
        return false;
    }

    private void Changed()
    {
        _record = null;
        Version++;
    }

    private void Bind(PatientRecord record)
    {
        PatientId = record.PatientId;
        Events = record.Events;
        Doses = record.Doses;
        _initial = record.Observations;
        _appended = null;
        SetWeightCore(record.Weight);
        ReadAll();
    }

    /// <summary>Empties every store (keeping its arrays) and every list of issues.</summary>
    private void Reset()
    {
        foreach (var store in _series)
        {
            store?.Reset();
        }

        _entryIssues.Clear();
        _suspects.Clear();
        _disagreed.Clear();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private SeriesStore StoreForWrite(int observation) => _series[observation] ?? NewStore(observation);

    private SeriesStore NewStore(int observation) => _series[observation] = new SeriesStore();

    /// <summary>
    /// Reads every entry of <see cref="_initial"/>. A new timeline reads in two passes: the first finds each entry's
    /// observation and counts them, so each series is allocated once at its size (not grown 4, 8, 16…); the second
    /// converts and checks. A pooled one (<see cref="IsPooled"/>) reads a short record in one: its series kept their
    /// arrays from the records before.
    /// </summary>
    private void ReadAll()
    {
        var entries = _initial;
        var count = entries.Length;
        var n = _series.Length;
        var plan = _plan;
        int[]? rented = null;
        var declared = GeneralReadOnly ? [] : plan.Declared;
        if (IsPooled && count <= SinglePassLimit)
        {
            ReadShort(entries, declared);
        }
        else
        {
            Span<int> perObservation = n <= 256 ? stackalloc int[n] : new int[n];
            Span<int> observationOf = count <= 512 ? stackalloc int[count] : (rented = ArrayPool<int>.Shared.Rent(count)).AsSpan(0, count);
            for (var r = 0; r < count; r++)
            {
                var index = plan.ObservationOf(entries[r].Code);
                observationOf[r] = index;
                if (index >= 0)
                {
                    perObservation[index]++;
                }
            }
            for (var i = 0; i < n; i++)
            {
                if (perObservation[i] > 0)
                {
                    StoreForWrite(i).Reserve(perObservation[i]);
                }
            }
            for (var r = 0; r < count; r++)
            {
                var entry = entries[r];
                if (!TryReadDeclared(r, entry, observationOf[r], declared))
                {
                    Read(r, entry, observationOf[r], bulk: true);
                }
            }
        }

        if (rented is not null)
        {
            ArrayPool<int>.Shared.Return(rented);
        }

        for (var i = 0; i < n; i++)
        {
            if (_series[i] is not { Count: > 0 } store)
            {
                continue;
            }

            if (!store.StrictlyIncreasing)
            {
                store.SortIfNeeded();
                RemoveDisagreements(i, store);
            }

            if (store.Count > DirectSumLimit)
            {
                store.RebuildPrefix();
            }
        }
    }

    /// <summary>
    /// A pooled timeline's read of a short record (at most <see cref="SinglePassLimit"/> entries) in one pass over the
    /// entries: its series kept their arrays from the records before. The codes are looked up first, in a loop of their
    /// own (each lookup is a chain of dependent loads, and with nothing between them the processor runs several at once).
    /// </summary>
    private void ReadShort(ImmutableArray<RecordedObservation> entries, DeclaredRead[] declared)
    {
        var count = entries.Length;
        var plan = _plan;
        Span<int> indices = stackalloc int[count];
        for (var r = 0; r < count; r++)
        {
            indices[r] = plan.ObservationOf(entries[r].Code);
        }

        for (var r = 0; r < count; r++)
        {
            var entry = entries[r];
            if (!TryReadDeclared(r, entry, indices[r], declared))
            {
                Read(r, entry, indices[r], bulk: true);
            }
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

        var unit = _plan.Weight(w.Unit);
        if (unit.Error is null)
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
            WeightIssue = new RecordIssue("$.patient.weight.unit", unit.Error, true);
        }
    }

    /// <summary>
    /// For tests: this thread binds every entry by the general path (<see cref="Read"/>), not by <see cref="TryReadDeclared"/>
    /// first, so the two can be compared on the same records.
    /// </summary>
    [ThreadStatic]
    internal static bool GeneralReadOnly;

    /// <summary>
    /// Bulk reading of the common entry (<see cref="DeclaredRead"/>: a flag of a yes/no observation, a plausible number in
    /// the declared unit) with everything it needs in one struct: no observation, unit cache or bounds to look up. The
    /// value stored is the one <see cref="Read"/> stores; false (nothing done) for any other entry, which
    /// <see cref="Read"/> then reads, checks and reports.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TryReadDeclared(int r, RecordedObservation entry, int index, DeclaredRead[] declared)
    {
        if ((uint)index >= (uint)declared.Length)
        {
            return false;
        }

        ref readonly var d = ref declared[index];
        double canonical;
        if (d.YesNo)
        {
            if (entry.Flag is not { } flag)
            {
                return false;
            }

            canonical = flag ? 1 : 0;
        }
        else if (d.Numeric && entry.Value is { } value && entry.Unit is { } unit && double.IsFinite(value) && value >= d.Low && value <= d.High && d.IsDeclaredUnit(unit))
        {
            canonical = value * d.Factor + d.Offset;
        }
        else
        {
            return false;
        }

        StoreForWrite(index).AddLast(entry.At.UtcTicks, canonical, r);
        return true;
    }

    /// <summary>
    /// Reads entry <paramref name="r"/>, whose code means observation <paramref name="index"/> (-1: none): a value into
    /// its series, or an issue or a suspect (a bad value). The good value is the hot path: every way an entry goes wrong
    /// is written in a method of its own, so this one stays small (no message building, no large locals to clear).
    /// </summary>
    private void Read(int r, RecordedObservation entry, int index, bool bulk)
    {
        if (index < 0)
        {
            ReadUnknownCode(r, entry);
            return;
        }

        var observation = _plan.Observations[index];
        var ticks = entry.At.UtcTicks;
        if (observation.IsYesNo)
        {
            if (entry.Flag is not { } flag)
            {
                MistypedEntry(r, entry, observation, ticks);
                return;
            }

            Put(index, ticks, flag ? 1 : 0, r, bulk);
            return;
        }
        if (entry.Value is not { } value || entry.Unit is not { } recordUnit)
        {
            MistypedEntry(r, entry, observation, ticks);
            return;
        }

        var c = _plan.Unit(index, recordUnit);
        if (!c.Ok)
        {
            UnitError(r, entry, index, ticks, c);
            return;
        }

        if (c.Converted)
        {
            ReadConverted(r, entry, index, observation, c, ticks, value, bulk);
            return;
        }

        if (!_plan.InRange(index, value))
        {
            OutOfRange(r, entry, index, observation, ticks, value, value, converted: false);
            return;
        }
        // Through the declared unit, as the protocol's thresholds are: 0.08 L charted meets '80 mL' exactly.
        Put(index, ticks, value * c.Declared.Factor + c.Declared.Offset, r, bulk);
    }

    /// <summary>A value charted in another unit than the declared one: converted as charted, rounded to the observation's precision, kept with its charted value.</summary>
    private void ReadConverted(int r, RecordedObservation entry, int index, ObservationInfo observation, UnitEntry c, long ticks, double value, bool bulk)
    {
        var declared = c.ToDeclared.ApplyToCharted(value);
        if (observation.ReportedTo is { } precision)
        {
            declared = RecordChecks.Round(declared, precision);
        }

        if (!_plan.InRange(index, declared))
        {
            OutOfRange(r, entry, index, observation, ticks, value, declared, converted: true);
            return;
        }

        var point = new Point(ticks, declared * c.Declared.Factor + c.Declared.Offset, r, new ChartedValue(value, c.Unit));
        if (bulk)
        {
            StoreForWrite(index).AddLast(point);
        }
        else
        {
            Add(index, point, bulk: false);
        }
    }

    /// <summary>A good value charted in the declared unit: last in its series while reading in bulk, sorted in when appended.</summary>
    private void Put(int index, long ticks, double canonical, int r, bool bulk)
    {
        if (bulk)
        {
            StoreForWrite(index).AddLast(ticks, canonical, r);
        }
        else
        {
            Add(index, new Point(ticks, canonical, r, null), bulk: false);
        }
    }

    /// <summary>A code that means no observation: a suspect when it nearly names one (a mistyped code must not be dropped silently).</summary>
    private void ReadUnknownCode(int r, RecordedObservation entry)
    {
        var near = _plan.NearMiss(entry.Code);
        if (near < 0)
        {
            return;
        }

        var o = Protocol.Observations[near];
        _suspects.Add(new Suspect(near, entry.At.UtcTicks, o.IsYesNo && entry.Flag == true, new RecordIssue(Path(r, entry, "code"),
            $"the code '{entry.Code}' matches no observation of the protocol but nearly matches '{o.Name}': {o.Name} is unknown until the entry is corrected",
            true)
        { Code = o.Name, At = entry.At }));
    }

    /// <summary>A number for a yes/no observation, or yes/no for a measured one.</summary>
    private void MistypedEntry(int r, RecordedObservation entry, ObservationInfo observation, long ticks)
    {
        var message = observation.IsYesNo
            ? $"'{observation.Name}' is a yes/no observation but the record has a number"
            : $"'{observation.Name}' is measured in {observation.Unit} but the record has a yes/no value";
        _entryIssues.Add(new EntryIssue(ticks, new RecordIssue(Path(r, entry), message, true), -1, null));
    }

    /// <summary>A unit that cannot be converted: reported once per observation and unit, for the first such entry at or before the moment.</summary>
    private void UnitError(int r, RecordedObservation entry, int index, long ticks, UnitEntry c) =>
        _entryIssues.Add(new EntryIssue(ticks, new RecordIssue(Path(r, entry, "unit"), c.Error!, true), index, c.Unit));

    /// <summary>A value outside the observation's plausible range (or not finite): a suspect, never used.</summary>
    private void OutOfRange(int r, RecordedObservation entry, int index, ObservationInfo observation, long ticks, double value, double declared, bool converted)
    {
        var unit = entry.Unit!;
        var seen = converted
            ? $"{RecordChecks.Quantity(value, unit)} (= {DecisionText.Join(DecisionText.Converted(declared), observation.Unit)})"
            : RecordChecks.Quantity(value, unit);
        var why = double.IsFinite(declared)
            ? $"is outside its plausible range {RecordChecks.RangeText(observation)}"
            : "is not a finite number";
        _suspects.Add(new Suspect(index, ticks, false, new RecordIssue(Path(r, entry, "value"),
            $"{observation.Name} {seen} {why}: the value is not used", true)
        { Code = observation.Name, At = entry.At }));
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
        var store = StoreForWrite(index);
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
