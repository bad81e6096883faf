using System.Collections.Immutable;
using IlTwo.Dsl.Analysis.Verification;
using IlTwo.Dsl.Binding;
using IlTwo.Runtime.Protocols;
using IlTwo.Runtime.Records;
using static IlTwo.Dsl.Analysis.Verification.SmtTerm;

namespace IlTwo.Dsl.Analysis.Comparison;

/// <summary>
/// Narrows the encoded state to records a patient chart can hold and this class can write: per observation, at most one
/// value in each time band (bands cut at every aggregate window and recency window, so each band is wholly inside or
/// outside each of them; a value sits at its band's middle); held doses the most recent slots, spaced by the longest
/// shortest interval. The model's values then become a concrete <see cref="PatientRecord"/>, one edit per quantity, which
/// the caller evaluates with both versions.
/// </summary>
internal sealed class WitnessShape
{
    private const double BeyondSeconds = 3600;

    private readonly SmtSolver _solver;
    private readonly StateEncoder _encoder;
    private readonly List<Bands> _bands = [];
    private readonly List<SmtTerm> _values = [];
    private readonly double _slotSeconds;
    private int _next;

    private sealed record Band(double AgeSeconds, SmtTerm Has, SmtTerm Value, SmtTerm? Step);

    private sealed record Bands(StateEncoder.ObservationState Observation, ImmutableArray<Band> Items, SmtTerm Calm);

    private readonly SmtTerm _dosesCalm;
    private readonly SmtTerm _weightCalm;
    private readonly Dictionary<string, SmtTerm> _eventCalm = new(StringComparer.Ordinal);

    public WitnessShape(SmtSolver solver, StateEncoder encoder)
    {
        _solver = solver;
        _encoder = encoder;
        var oldR = encoder.Protocol(Side.Old).Regimen;
        var newR = encoder.Protocol(Side.New).Regimen;
        _slotSeconds = Math.Max(3600, Math.Max(oldR.MinIntervalSeconds ?? 0, newR.MinIntervalSeconds ?? 0));
        foreach (var o in encoder.Observations.Values)
        {
            var cuts = o.Counts.Keys
                .Concat(new[] { o.OldSymbol?.RecencySeconds, o.NewSymbol?.RecencySeconds }.OfType<double>())
                .Where(w => w > 0).Distinct().Order().ToList();
            var items = ImmutableArray.CreateBuilder<Band>();
            var previous = 0.0;
            foreach (var cut in cuts.Append(double.PositiveInfinity))
            {
                var age = double.IsPositiveInfinity(cut) ? previous + BeyondSeconds : (previous + cut) / 2;
                var has = Fresh("h", SmtSort.Bool);
                var value = Fresh("v", o.IsYesNo ? SmtSort.Bool : SmtSort.Real);
                var step = o.IsYesNo ? null : Fresh("k", SmtSort.Int);
                items.Add(new Band(age, has, value, step));
                _values.Add(has);
                _values.Add(value);
                previous = cut;
            }
            var calm = Fresh("c", SmtSort.Bool);
            _values.Add(calm);
            _bands.Add(new Bands(o, items.ToImmutable(), calm));
        }
        _dosesCalm = Fresh("c", SmtSort.Bool);
        _weightCalm = Fresh("c", SmtSort.Bool);
        _values.AddRange([_dosesCalm, _weightCalm]);
        foreach (var e in encoder.Events.Values)
        {
            var calm = Fresh("c", SmtSort.Bool);
            _eventCalm[e.Symbol.Name] = calm;
            _values.Add(calm);
        }
        _values.AddRange([encoder.Weight, encoder.WeightKnown, encoder.DosesGiven, encoder.DosesHeld]);
        foreach (var e in encoder.Events.Values)
        {
            _values.Add(e.Known);
            _values.Add(e.Age);
        }
        foreach (var o in encoder.Observations.Values.Where(o => o.Baseline is not null))
        {
            _values.Add(o.Baseline!);
            _values.Add(o.BaselineKnown!);
        }
    }

    private SmtTerm Fresh(string prefix, SmtSort sort)
    {
        var symbol = Symbol("s" + prefix, _next++, sort);
        _solver.Declare(symbol);
        return symbol;
    }

    /// <summary>
    /// Asserts the shape (inside the caller's push). <paramref name="grid"/>: numeric values are multiples of this many
    /// display units (1 gives round numbers), or null for any value.
    /// </summary>
    public void Assert(double? grid, PatientRecord normal, DateTimeOffset at, int? maxChanges)
    {
        var changed = new List<SmtTerm>();
        foreach (var (o, items, calm) in _bands)
        {
            changed.Add(Not(calm));
            // Unchanged: exactly the normal patient's values of this observation (or absent, when it has none).
            var series = NormalSeries(o, normal, at);
            _solver.Assert(Implies(calm, series is null ? False : NormalFacts(o, series)));
            var shaped = new List<SmtTerm>();
            var unit = ConditionText.ObservationUnit(o.Symbol);
            shaped.Add(Eq(o.Present, Or(items.Select(b => b.Has))));
            shaped.Add(Eq(o.Age, Chain(items, b => Real(b.AgeSeconds), Real(items[^1].AgeSeconds))));
            shaped.Add(Eq(o.Latest, Chain(items, b => b.Value, items[^1].Value)));
            // A value older than every window never decides anything now, but earlier dose slots would see it.
            shaped.Add(Not(items[^1].Has));
            foreach (var b in items)
            {
                if (o.IsYesNo)
                {
                    continue;
                }

                if (o.Range is { } range)
                {
                    shaped.Add(And(Ge(b.Value, Real(range.Low)), Le(b.Value, Real(range.High))));
                }

                if (grid is { } g && unit.Unit is { } u)
                {
                    shaped.Add(Eq(b.Value, Add(Mul(Real(u.Factor * g), ToReal(b.Step!)), Real(u.Offset))));
                }
                else if (grid is { } g2)
                {
                    shaped.Add(Eq(b.Value, Mul(Real(g2), ToReal(b.Step!))));
                }
            }
            foreach (var (window, n) in o.Counts)
            {
                var inside = items.Where(b => b.AgeSeconds < window).ToList();
                shaped.Add(Eq(n, Sum([.. inside.Select(b => Ite(b.Has, Int(1), Int(0)))], SmtSort.Int)));
                var some = Ge(n, Int(1));
                foreach (var ((kind, w), g) in o.Aggregates.Where(a => a.Key.Window == window))
                {
                    switch (kind)
                    {
                        case AggregateKind.Sum:
                            shaped.Add(Implies(some, Eq(g, Sum([.. inside.Select(b => Ite(b.Has, b.Value, Real(0)))], SmtSort.Real))));
                            break;
                        case AggregateKind.Min or AggregateKind.Max:
                            foreach (var b in inside)
                            {
                                shaped.Add(Implies(b.Has, kind == AggregateKind.Min ? Le(g, b.Value) : Ge(g, b.Value)));
                            }

                            shaped.Add(Implies(some, Or(inside.Select(b => And(b.Has, Eq(g, b.Value))))));
                            break;
                        case AggregateKind.Mean:
                            shaped.Add(Implies(some, Eq(Mul(g, ToReal(n)), Sum([.. inside.Select(b => Ite(b.Has, b.Value, Real(0)))], SmtSort.Real))));
                            break;
                        case AggregateKind.Change:
                            var reversed = inside.AsEnumerable().Reverse().ToList();
                            shaped.Add(Implies(Ge(n, Int(2)), Eq(g, Sub(o.Latest, Chain(reversed, b => b.Value, Real(0))))));
                            break;
                        default:
                            break;
                    }
                }
            }
            if (o.Baseline is { } baseline && o.Range is { } br)
            {
                shaped.Add(And(Ge(baseline, Real(br.Low)), Le(baseline, Real(br.High))));
            }
            _solver.Assert(Implies(Not(calm), And(shaped)));
        }

        // Doses: the normal patient's, or slots laid out here within every cap of both versions, so the schedule does not decide.
        var dosesCalm = _dosesCalm;
        changed.Add(Not(dosesCalm));
        var given = normal.Doses.Where(d => d.Status == DoseStatus.Given && d.At <= at).Select(d => (at - d.At).TotalSeconds).ToList();
        var heldCount = normal.Doses.Count(d => d.Status == DoseStatus.Held && d.At <= at);
        _solver.Assert(Implies(dosesCalm, And(
            Eq(_encoder.DosesGiven, Int(given.Count)), Eq(_encoder.DosesHeld, Int(heldCount)),
            given.Count == 0 ? True : And(Eq(_encoder.SinceLastDose, Real(given.Min())), Eq(_encoder.SinceFirstDose, Real(given.Max()))))));
        var layout = new List<SmtTerm>();
        foreach (var r in new[] { _encoder.Protocol(Side.Old).Regimen, _encoder.Protocol(Side.New).Regimen })
        {
            if (r.MaxDosesPerCourse is { } course)
            {
                layout.Add(Lt(r.CourseCapCountsSlots ? Add(_encoder.DosesGiven, _encoder.DosesHeld) : _encoder.DosesGiven, Int(course)));
            }

            if (r.MaxDosesPerCycle is { } cycle)
            {
                layout.Add(Lt(_encoder.DosesGiven, Int(cycle)));
            }
        }
        layout.Add(Le(Add(_encoder.DosesGiven, _encoder.DosesHeld), Int(12)));
        layout.Add(Ge(_encoder.DosesGiven, Int(1)));
        layout.Add(Eq(_encoder.SinceLastDose, Mul(Real(_slotSeconds), ToReal(Add(_encoder.DosesHeld, Int(1))))));
        layout.Add(Eq(_encoder.SinceFirstDose, Mul(Real(_slotSeconds), ToReal(Add(_encoder.DosesHeld, _encoder.DosesGiven)))));
        _solver.Assert(Implies(Not(dosesCalm), And(layout)));

        var kg = ConditionText.UnitOf(new BoundWeight(null));
        changed.Add(Not(_weightCalm));
        _solver.Assert(Implies(_weightCalm, normal.Weight is { Unit: "kg" } normalWeight
            ? And(_encoder.WeightKnown, Eq(_encoder.Weight, Real(kg.ToCanonical(normalWeight.Value))))
            : normal.Weight is null ? Not(_encoder.WeightKnown) : False));
        _solver.Assert(Implies(Not(_weightCalm), And(Ge(_encoder.Weight, Real(kg.ToCanonical(20))), Le(_encoder.Weight, Real(kg.ToCanonical(300))))));
        if (grid is not null)
        {
            var wk = Fresh("k", SmtSort.Int);
            _solver.Assert(Implies(Not(_weightCalm), Eq(_encoder.Weight, Mul(Real(kg.ToCanonical(1)), ToReal(wk)))));
        }

        foreach (var e in _encoder.Events.Values)
        {
            var calm = _eventCalm[e.Symbol.Name];
            changed.Add(Not(calm));
            var recorded = normal.Events.Where(x => x.Type == e.Symbol.Name && x.At <= at).Select(x => (at - x.At).TotalSeconds).ToList();
            _solver.Assert(Implies(calm, recorded.Count == 0 ? Not(e.Known) : And(e.Known, Eq(e.Age, Real(recorded.Min())))));
        }

        if (maxChanges is { } max)
        {
            _solver.Assert(Le(Sum([.. changed.Select(c => Ite(c, Int(1), Int(0)))], SmtSort.Int), Int(max)));
        }
    }

    /// <summary>The normal patient's values of the observation as (age, canonical value), newest first; null when its units cannot be read here.</summary>
    private static List<(double Age, double Value)>? NormalSeries(StateEncoder.ObservationState o, PatientRecord normal, DateTimeOffset at)
    {
        var codes = Codes(o);
        var unit = ConditionText.ObservationUnit(o.Symbol);
        var result = new List<(double Age, double Value)>();
        foreach (var r in normal.Observations.Where(x => codes.Contains(x.Code) && x.At <= at))
        {
            if (o.IsYesNo)
            {
                if (r.Flag is not { } flag)
                {
                    return null;
                }

                result.Add(((at - r.At).TotalSeconds, flag ? 1 : 0));
            }
            else
            {
                if (r.Value is not { } value || r.Unit != o.Symbol.Unit?.Code)
                {
                    return null;
                }

                result.Add(((at - r.At).TotalSeconds, unit.ToCanonical(value)));
            }
        }
        return [.. result.OrderBy(x => x.Age)];
    }

    /// <summary>What the encoder's variables are for the normal patient's values of one observation.</summary>
    private static SmtTerm NormalFacts(StateEncoder.ObservationState o, List<(double Age, double Value)> series)
    {
        var facts = new List<SmtTerm>();
        if (series.Count == 0)
        {
            facts.Add(Not(o.Present));
        }
        else
        {
            facts.Add(o.Present);
            facts.Add(Eq(o.Age, Real(series[0].Age)));
            facts.Add(o.IsYesNo ? (series[0].Value != 0 ? o.Latest : Not(o.Latest)) : Eq(o.Latest, Real(series[0].Value)));
        }
        foreach (var (window, n) in o.Counts)
        {
            var inside = series.Where(x => x.Age <= window).Select(x => x.Value).ToList();
            facts.Add(Eq(n, Int(inside.Count)));
            if (inside.Count == 0)
            {
                continue;
            }

            foreach (var ((kind, w), g) in o.Aggregates.Where(a => a.Key.Window == window))
            {
                double? value = kind switch
                {
                    AggregateKind.Sum => inside.Sum(),
                    AggregateKind.Min => inside.Min(),
                    AggregateKind.Max => inside.Max(),
                    AggregateKind.Mean => inside.Average(),
                    AggregateKind.Change when inside.Count >= 2 => inside[0] - inside[^1],
                    _ => null,
                };
                if (value is { } v)
                {
                    facts.Add(Eq(g, Real(v)));
                }
            }
        }
        if (o.Baseline is not null)
        {
            // The normal patient's baseline is not modelled: a baseline rule makes the observation a change.
            facts.Add(False);
        }
        return And(facts);
    }

    private static HashSet<string> Codes(StateEncoder.ObservationState o)
    {
        var codes = new HashSet<string>(StringComparer.Ordinal) { o.Name };
        foreach (var s in new[] { o.OldSymbol, o.NewSymbol }.OfType<ObservationSymbol>())
        {
            codes.UnionWith(s.LoincCodes);
        }
        return codes;
    }

    private static SmtTerm Chain(IReadOnlyList<Band> items, Func<Band, SmtTerm> value, SmtTerm otherwise)
    {
        var result = otherwise;
        for (var i = items.Count - 1; i >= 0; i--)
        {
            result = Ite(items[i].Has, value(items[i]), result);
        }
        return result;
    }

    /// <summary>One change to a normal patient's record, shown as a witness value.</summary>
    public sealed record Edit(WitnessValue Value, Func<PatientRecord, PatientRecord> Apply);

    /// <summary>The model's record, as edits of a normal patient's record (after a sat answer with the shape asserted).</summary>
    public ImmutableArray<Edit> Read(DateTimeOffset at, PatientRecord normal)
    {
        var model = _solver.Values(_values);
        bool Bool(SmtTerm t) => model.TryGetValue(t.Text, out var v) && v == "true";
        double Number(SmtTerm t) => model.TryGetValue(t.Text, out var v) && ParseNumber(v) is { } d ? d : 0;

        var edits = ImmutableArray.CreateBuilder<Edit>();
        var given = (int)Math.Round(Number(_encoder.DosesGiven));
        var held = (int)Math.Round(Number(_encoder.DosesHeld));
        var doses = normal.Doses;
        if (_encoder.ReadsDoses && !Bool(_dosesCalm))
        {
            var slots = new List<RecordedDose>();
            for (var i = 1; i <= given + held; i++)
            {
                slots.Add(new RecordedDose(at.AddSeconds(-_slotSeconds * i), i <= held ? DoseStatus.Held : DoseStatus.Given));
            }
            doses = [.. slots.OrderBy(d => d.At)];
            var rebuilt = doses;
            edits.Add(new(new WitnessValue("doses", $"{given} given, {held} held"), r => r with { Doses = rebuilt }));
        }
        var firstDose = doses.Where(d => d.Status == DoseStatus.Given).Select(d => (DateTimeOffset?)d.At).Min();

        foreach (var (o, items, calm) in _bands)
        {
            if (Bool(calm))
            {
                continue;
            }

            var symbol = o.Symbol;
            var codes = Codes(o);

            var unit = ConditionText.ObservationUnit(symbol);
            var values = new List<RecordedObservation>();
            var shown = new List<(string Text, double? Age)>();
            foreach (var b in items.Where(b => Bool(b.Has)))
            {
                var time = at.AddSeconds(-b.AgeSeconds);
                if (o.IsYesNo)
                {
                    var yes = Bool(b.Value);
                    values.Add(RecordedObservation.YesNo(o.Name, time, yes));
                    shown.Add((yes ? "yes" : "no", b.AgeSeconds));
                }
                else
                {
                    var canonical = Number(b.Value);
                    values.Add(RecordedObservation.Numeric(o.Name, time, unit.FromCanonical(canonical), symbol.Unit!.Code));
                    shown.Add((ConditionText.Value(canonical, unit), b.AgeSeconds));
                }
            }
            if (o.Baseline is { } baseline && Bool(o.BaselineKnown!) && firstDose is { } first && !o.IsYesNo)
            {
                var canonical = Number(baseline);
                values.Add(RecordedObservation.Numeric(o.Name, first.AddMinutes(-30), unit.FromCanonical(canonical), symbol.Unit!.Code));
                shown.Add(($"{ConditionText.Value(canonical, unit)} before the first dose", null));
            }
            var recent = items[0].AgeSeconds;
            var text = shown.Count == 0 ? "not charted"
                : shown is [{ Age: { } only } one] && only == recent ? one.Text
                : string.Join(", ", shown.Select(s => s.Age is { } age ? $"{s.Text} {ConditionText.Hours(age)} ago" : s.Text));
            var recorded = values.ToImmutableArray();
            edits.Add(new(new WitnessValue(o.Name, text), r => r with { Observations = [.. r.Observations.Where(x => !codes.Contains(x.Code)), .. recorded] }));
        }

        if (_encoder.ReadsWeight && !Bool(_weightCalm))
        {
            var kgUnit = ConditionText.UnitOf(new BoundWeight(null));
            if (Bool(_encoder.WeightKnown))
            {
                var canonical = Number(_encoder.Weight);
                var kg = kgUnit.FromCanonical(canonical);
                edits.Add(new(new WitnessValue("weight", ConditionText.Value(canonical, kgUnit)), r => r with { Weight = new MeasuredValue(kg, "kg") }));
            }
            else
            {
                edits.Add(new(new WitnessValue("weight", "not recorded"), r => r with { Weight = null }));
            }
        }

        foreach (var e in _encoder.Events.Values.Where(e => !Bool(_eventCalm[e.Symbol.Name])))
        {
            var name = e.Symbol.Name;
            if (Bool(e.Known))
            {
                var ago = Number(e.Age);
                var recorded = new RecordedEvent(name, at.AddSeconds(-ago));
                edits.Add(new(new WitnessValue("time since " + name, ConditionText.Hours(ago)), r => r with { Events = [.. r.Events.Where(x => x.Type != name), recorded] }));
            }
            else
            {
                edits.Add(new(new WitnessValue("time since " + name, "no event"), r => r with { Events = [.. r.Events.Where(x => x.Type != name)] }));
            }
        }
        return edits.ToImmutable();
    }
}
