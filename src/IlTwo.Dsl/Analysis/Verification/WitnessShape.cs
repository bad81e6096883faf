using System.Collections.Immutable;
using IlTwo.Dsl.Analysis.Comparison;
using IlTwo.Dsl.Binding;
using IlTwo.Runtime.Protocols;
using IlTwo.Runtime.Records;
using static IlTwo.Dsl.Analysis.Verification.SmtTerm;

namespace IlTwo.Dsl.Analysis.Verification;

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

    private sealed record Bands(StateEncoder.ObservationState Observation, ImmutableArray<Band> Items);

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
            _bands.Add(new Bands(o, items.ToImmutable()));
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
    public void Assert(double? grid)
    {
        foreach (var (o, items) in _bands)
        {
            _solver.Assert(Eq(o.Present, Or(items.Select(b => b.Has))));
            _solver.Assert(Eq(o.Age, Chain(items, b => Real(b.AgeSeconds), Real(items[^1].AgeSeconds))));
            _solver.Assert(Eq(o.Latest, Chain(items, b => b.Value, items[^1].Value)));
            var unit = ConditionText.ObservationUnit(o.Symbol);
            foreach (var b in items)
            {
                if (o.IsYesNo)
                {
                    continue;
                }

                if (o.Range is { } range)
                {
                    _solver.Assert(And(Ge(b.Value, Real(range.Low)), Le(b.Value, Real(range.High))));
                }

                if (grid is { } g && unit.Unit is { } u)
                {
                    _solver.Assert(Eq(b.Value, Add(Mul(Real(u.Factor * g), ToReal(b.Step!)), Real(u.Offset))));
                }
                else if (grid is { } g2)
                {
                    _solver.Assert(Eq(b.Value, Mul(Real(g2), ToReal(b.Step!))));
                }
            }
            foreach (var (window, n) in o.Counts)
            {
                var inside = items.Where(b => b.AgeSeconds < window).ToList();
                _solver.Assert(Eq(n, Sum([.. inside.Select(b => Ite(b.Has, Int(1), Int(0)))], SmtSort.Int)));
                var some = Ge(n, Int(1));
                foreach (var ((kind, w), g) in o.Aggregates.Where(a => a.Key.Window == window))
                {
                    switch (kind)
                    {
                        case AggregateKind.Sum:
                            _solver.Assert(Implies(some, Eq(g, Sum([.. inside.Select(b => Ite(b.Has, b.Value, Real(0)))], SmtSort.Real))));
                            break;
                        case AggregateKind.Min or AggregateKind.Max:
                            foreach (var b in inside)
                            {
                                _solver.Assert(Implies(b.Has, kind == AggregateKind.Min ? Le(g, b.Value) : Ge(g, b.Value)));
                            }

                            _solver.Assert(Implies(some, Or(inside.Select(b => And(b.Has, Eq(g, b.Value))))));
                            break;
                        case AggregateKind.Mean:
                            _solver.Assert(Implies(some, Eq(Mul(g, ToReal(n)), Sum([.. inside.Select(b => Ite(b.Has, b.Value, Real(0)))], SmtSort.Real))));
                            break;
                        case AggregateKind.Change:
                            var reversed = inside.AsEnumerable().Reverse().ToList();
                            _solver.Assert(Implies(Ge(n, Int(2)), Eq(g, Sub(o.Latest, Chain(reversed, b => b.Value, Real(0))))));
                            break;
                        default:
                            break;
                    }
                }
            }
            if (o.Baseline is { } baseline && o.Range is { } br)
            {
                _solver.Assert(And(Ge(baseline, Real(br.Low)), Le(baseline, Real(br.High))));
            }
        }

        // Doses: within every cap of both versions, so the schedule does not decide.
        foreach (var r in new[] { _encoder.Protocol(Side.Old).Regimen, _encoder.Protocol(Side.New).Regimen })
        {
            if (r.MaxDosesPerCourse is { } course)
            {
                _solver.Assert(Lt(r.CourseCapCountsSlots ? Add(_encoder.DosesGiven, _encoder.DosesHeld) : _encoder.DosesGiven, Int(course)));
            }

            if (r.MaxDosesPerCycle is { } cycle)
            {
                _solver.Assert(Lt(_encoder.DosesGiven, Int(cycle)));
            }
        }
        _solver.Assert(Le(Add(_encoder.DosesGiven, _encoder.DosesHeld), Int(12)));
        _solver.Assert(Ge(_encoder.DosesGiven, Int(1)));
        _solver.Assert(Eq(_encoder.SinceLastDose, Mul(Real(_slotSeconds), ToReal(Add(_encoder.DosesHeld, Int(1))))));
        _solver.Assert(Eq(_encoder.SinceFirstDose, Mul(Real(_slotSeconds), ToReal(Add(_encoder.DosesHeld, _encoder.DosesGiven)))));
        var kg = ConditionText.UnitOf(new BoundWeight(null));
        _solver.Assert(And(Ge(_encoder.Weight, Real(kg.ToCanonical(20))), Le(_encoder.Weight, Real(kg.ToCanonical(300)))));
        if (grid is not null)
        {
            var wk = Fresh("k", SmtSort.Int);
            _solver.Assert(Eq(_encoder.Weight, Mul(Real(kg.ToCanonical(1)), ToReal(wk))));
        }
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
        if (_encoder.ReadsDoses)
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

        foreach (var (o, items) in _bands)
        {
            var symbol = o.Symbol;
            var codes = new HashSet<string>(StringComparer.Ordinal) { o.Name };
            foreach (var s in new[] { o.OldSymbol, o.NewSymbol }.OfType<ObservationSymbol>())
            {
                codes.UnionWith(s.LoincCodes);
            }

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

        if (_encoder.ReadsWeight)
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

        foreach (var e in _encoder.Events.Values)
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
