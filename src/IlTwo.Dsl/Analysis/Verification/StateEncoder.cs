using IlTwo.Dsl.Binding;
using IlTwo.Dsl.Syntax;
using IlTwo.Runtime.Protocols;
using static IlTwo.Dsl.Analysis.Verification.SmtTerm;

namespace IlTwo.Dsl.Analysis.Verification;

/// <summary>Which of the two compared versions a term describes.</summary>
internal enum Side
{
    Old,
    New,
}

/// <summary>
/// Encodes one patient state at one assessment, shared by two versions of a protocol, for the SMT solver. Each input is
/// three-valued (a known flag and a value): an observation has a latest value of some age (known in a version when that age
/// is within the version's recency window, so a changed <c>within</c> is part of the comparison), each aggregate a value and
/// a count of values in its window; weight, events and doses likewise. The facts that relate them (declared ranges,
/// <c>min &lt;= latest &lt;= max</c> in one window, <c>mean</c> between them, counts non-negative integers and growing with the
/// window, a shorter window's sum at most a longer one's for a non-negative quantity, weight positive) are asserted for
/// every state: they over-approximate the states a record can produce, so an empty difference is proven empty. A
/// The comparison's WitnessShape narrows the state to records of one value per time band, from which a concrete patient record
/// is built and checked by evaluating both versions.
/// </summary>
internal sealed class StateEncoder
{
    private readonly SmtSolver _solver;
    private readonly BoundProtocol _old;
    private readonly BoundProtocol _new;
    private readonly Dictionary<string, ObservationState> _observations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (SmtTerm True, SmtTerm False)> _opaque = new(StringComparer.Ordinal);
    private readonly Dictionary<string, EventState> _events = new(StringComparer.Ordinal);
    private readonly Dictionary<(Side, string), RuleTerms> _rules = [];
    private int _next;

    public StateEncoder(SmtSolver solver, BoundProtocol old, BoundProtocol @new)
    {
        _solver = solver;
        _old = old;
        _new = @new;
        Weight = Fresh("w", SmtSort.Real);
        WeightKnown = Fresh("wk", SmtSort.Bool);
        DosesGiven = Fresh("dg", SmtSort.Int);
        DosesHeld = Fresh("dh", SmtSort.Int);
        SinceLastDose = Fresh("tl", SmtSort.Real);
        SinceFirstDose = Fresh("tf", SmtSort.Real);
        _solver.Assert(Gt(Weight, Real(0)));
        _solver.Assert(Ge(DosesGiven, Int(0)));
        _solver.Assert(Ge(DosesHeld, Int(0)));
        _solver.Assert(Ge(SinceLastDose, Real(0)));
        _solver.Assert(Ge(SinceFirstDose, SinceLastDose));
        // Register every quantity first, so the facts relating windows of one observation see them all.
        foreach (var rule in old.Rules.Concat(@new.Rules))
        {
            Register(rule.Condition);
        }
        foreach (var o in _observations.Values)
        {
            AssertFacts(o);
        }
    }

    public SmtTerm Weight { get; }

    public SmtTerm WeightKnown { get; }

    public SmtTerm DosesGiven { get; }

    public SmtTerm DosesHeld { get; }

    public SmtTerm SinceLastDose { get; }

    public SmtTerm SinceFirstDose { get; }

    public bool ReadsWeight { get; private set; }

    public bool ReadsDoses { get; private set; }

    public IReadOnlyDictionary<string, ObservationState> Observations => _observations;

    public IReadOnlyDictionary<string, EventState> Events => _events;

    /// <summary>Conditions the encoder has no meaning for (kept as free yes/no/unknown inputs, so a proof stays sound).</summary>
    public int OpaqueCount => _opaque.Count;

    public BoundProtocol Protocol(Side side) => side == Side.Old ? _old : _new;

    private SmtTerm Fresh(string prefix, SmtSort sort)
    {
        var symbol = Symbol(prefix, _next++, sort);
        _solver.Declare(symbol);
        return symbol;
    }

    private SmtTerm Define(string prefix, SmtTerm value)
    {
        if (value == True || value == False)
        {
            return value;
        }

        var symbol = Fresh(prefix, value.Sort);
        _solver.Assert(Eq(symbol, value));
        return symbol;
    }

    // ------------------------------------------------------------ state variables

    internal sealed class ObservationState(string name, int index)
    {
        public string Name { get; } = name;

        public int Index { get; } = index;

        public bool IsYesNo { get; init; }

        public (double Low, double High)? Range { get; init; }

        public required SmtTerm Present { get; init; }

        public required SmtTerm Age { get; init; }

        public required SmtTerm Latest { get; init; }

        public Dictionary<double, SmtTerm> Counts { get; } = [];

        public Dictionary<(AggregateKind Kind, double Window), SmtTerm> Aggregates { get; } = [];

        public SmtTerm? Baseline { get; set; }

        public SmtTerm? BaselineKnown { get; set; }

        public ObservationSymbol? OldSymbol { get; init; }

        public ObservationSymbol? NewSymbol { get; init; }

        public ObservationSymbol Symbol => NewSymbol ?? OldSymbol!;

        public bool NonNegative => Range is { Low: >= 0 };
    }

    internal sealed record EventState(EventSymbol Symbol, SmtTerm Known, SmtTerm Age);

    private ObservationState Observation(ObservationSymbol symbol)
    {
        if (_observations.TryGetValue(symbol.Name, out var state))
        {
            return state;
        }

        var oldSymbol = _old.FindObservation(symbol.Name);
        var newSymbol = _new.FindObservation(symbol.Name);
        var yesNo = symbol.IsYesNo;
        state = new ObservationState(symbol.Name, _observations.Count)
        {
            IsYesNo = yesNo,
            Range = SharedRange(oldSymbol?.Range ?? symbol.Range, newSymbol?.Range ?? symbol.Range, oldSymbol is not null && newSymbol is not null),
            Present = Fresh("p", SmtSort.Bool),
            Age = Fresh("a", SmtSort.Real),
            Latest = Fresh("x", yesNo ? SmtSort.Bool : SmtSort.Real),
            OldSymbol = oldSymbol,
            NewSymbol = newSymbol,
        };
        _observations[symbol.Name] = state;
        return state;
    }

    /// <summary>The wider of the two declared ranges (a narrower assumed range could hide a difference).</summary>
    private static (double Low, double High)? SharedRange((double Low, double High)? a, (double Low, double High)? b, bool both) =>
        !both ? a ?? b
        : a is { } x && b is { } y ? (Math.Min(x.Low, y.Low), Math.Max(x.High, y.High))
        : null;

    private SmtTerm Count(ObservationState o, double window)
    {
        if (!o.Counts.TryGetValue(window, out var n))
        {
            o.Counts[window] = n = Fresh("n", SmtSort.Int);
        }

        return n;
    }

    private SmtTerm Aggregate(ObservationState o, AggregateKind kind, double window)
    {
        Count(o, window);
        if (kind == AggregateKind.Count)
        {
            return ToReal(o.Counts[window]);
        }

        if (!o.Aggregates.TryGetValue((kind, window), out var g))
        {
            o.Aggregates[(kind, window)] = g = Fresh("g", SmtSort.Real);
        }

        return g;
    }

    private EventState Event(EventSymbol symbol)
    {
        if (!_events.TryGetValue(symbol.Name, out var state))
        {
            _events[symbol.Name] = state = new EventState(symbol, Fresh("ek", SmtSort.Bool), Fresh("et", SmtSort.Real));
            _solver.Assert(Ge(state.Age, Real(0)));
        }
        return state;
    }

    private void Register(BoundExpression expression)
    {
        switch (expression)
        {
            case BoundObservationValue v:
                Observation(v.Observation);
                break;
            case BoundAggregate a:
                Aggregate(Observation(a.Observation), a.Kind, a.WindowSeconds);
                break;
            case BoundBaseline b:
                var o = Observation(b.Observation);
                o.Baseline ??= Fresh("b", SmtSort.Real);
                o.BaselineKnown ??= Fresh("bk", SmtSort.Bool);
                break;
            case BoundWeight:
                ReadsWeight = true;
                break;
            case BoundDoses:
                ReadsDoses = true;
                break;
            case BoundTimeSince t:
                if (t.Event is { } e)
                {
                    Event(e);
                }
                else
                {
                    ReadsDoses = true;
                }

                break;
            case BoundBinary b:
                Register(b.Left);
                Register(b.Right);
                break;
            case BoundNot n:
                Register(n.Operand);
                break;
            case BoundNegate n:
                Register(n.Operand);
                break;
            case BoundIsFlag f:
                Register(f.Operand);
                break;
            case BoundAtLeast { Members.IsDefault: false } c:
                foreach (var m in c.Members)
                {
                    Register(m);
                }

                break;
            case BoundConstantReference { Constant.Value: { } value }:
                Register(value);
                break;
            default:
                break;
        }
    }

    /// <summary>The facts every record satisfies (see the class comment).</summary>
    private void AssertFacts(ObservationState o)
    {
        _solver.Assert(Ge(o.Age, Real(0)));
        if (!o.IsYesNo && o.Range is { } range)
        {
            _solver.Assert(InRange(o.Latest, range));
        }
        if (o.Baseline is { } baseline && o.Range is { } r && !o.IsYesNo)
        {
            _solver.Assert(InRange(baseline, r));
        }

        var windows = o.Counts.Keys.Order().ToList();
        for (var i = 0; i < windows.Count; i++)
        {
            var w = windows[i];
            var n = o.Counts[w];
            var some = Ge(n, Int(1));
            _solver.Assert(Ge(n, Int(0)));
            // A value in the window exactly when the latest value is in it.
            _solver.Assert(Eq(some, And(o.Present, Le(o.Age, Real(w)))));
            if (i + 1 < windows.Count)
            {
                _solver.Assert(Le(n, o.Counts[windows[i + 1]]));
            }

            if (o.IsYesNo)
            {
                continue;
            }

            var min = o.Aggregates.GetValueOrDefault((AggregateKind.Min, w));
            var max = o.Aggregates.GetValueOrDefault((AggregateKind.Max, w));
            var mean = o.Aggregates.GetValueOrDefault((AggregateKind.Mean, w));
            var sum = o.Aggregates.GetValueOrDefault((AggregateKind.Sum, w));
            var change = o.Aggregates.GetValueOrDefault((AggregateKind.Change, w));
            var facts = new List<SmtTerm>();
            foreach (var value in new[] { min, max, mean }.OfType<SmtTerm>())
            {
                if (o.Range is { } rr)
                {
                    facts.Add(InRange(value, rr));
                }
            }
            if (min is not null)
            {
                facts.Add(Le(min, o.Latest));
            }

            if (max is not null)
            {
                facts.Add(Ge(max, o.Latest));
            }

            if (mean is not null && min is not null)
            {
                facts.Add(Le(min, mean));
            }

            if (mean is not null && max is not null)
            {
                facts.Add(Le(mean, max));
            }

            if (sum is not null && o.NonNegative)
            {
                facts.Add(Ge(sum, o.Latest));
                if (max is not null)
                {
                    facts.Add(Ge(sum, max));
                }

                if (mean is not null)
                {
                    facts.Add(Ge(sum, mean));
                }
            }
            if (change is not null && o.Range is { } cr)
            {
                facts.Add(Le(change, Real(cr.High - cr.Low)));
                facts.Add(Ge(change, Real(cr.Low - cr.High)));
            }
            var single = Eq(n, Int(1));
            var equal = new[] { min, max, mean, sum }.OfType<SmtTerm>().Select(v => Eq(v, o.Latest)).ToList();
            _solver.Assert(Implies(some, And(facts)));
            if (equal.Count > 0)
            {
                _solver.Assert(Implies(single, And(equal)));
            }

            // A longer window holds every value of a shorter one.
            for (var j = i + 1; j < windows.Count; j++)
            {
                var w2 = windows[j];
                var longer = new List<SmtTerm>();
                if (min is not null && o.Aggregates.GetValueOrDefault((AggregateKind.Min, w2)) is { } min2)
                {
                    longer.Add(Le(min2, min));
                }

                if (max is not null && o.Aggregates.GetValueOrDefault((AggregateKind.Max, w2)) is { } max2)
                {
                    longer.Add(Ge(max2, max));
                }

                if (sum is not null && o.NonNegative && o.Aggregates.GetValueOrDefault((AggregateKind.Sum, w2)) is { } sum2)
                {
                    longer.Add(Le(sum, sum2));
                }

                if (longer.Count > 0)
                {
                    _solver.Assert(Implies(some, And(longer)));
                }
            }
        }
    }

    private static SmtTerm InRange(SmtTerm value, (double Low, double High) range) => And(Ge(value, Real(range.Low)), Le(value, Real(range.High)));

    // ------------------------------------------------------------ conditions

    /// <summary>The terms of one rule in one version: true, false, and "holds the dose" (true, or unknown for lack of required data).</summary>
    internal sealed record RuleTerms(SmtTerm True, SmtTerm False, SmtTerm Holds);

    public RuleTerms Rule(Side side, RuleSymbol rule)
    {
        if (_rules.TryGetValue((side, rule.Name), out var terms))
        {
            return terms;
        }

        var inputs = new List<(SmtTerm Available, bool Optional)>();
        var (t, f) = Flag(rule.Condition, side, inputs);
        var required = inputs.Where(i => !i.Optional).Select(i => Not(i.Available));
        // Unknown with every input available (cannot happen for encoded terms): the engine still holds, never a silent give.
        var missingHolds = Or(required.Append(And(inputs.Select(i => i.Available))));
        var tt = Define("rt", t);
        var ff = Define("rf", f);
        var holds = Define("rh", Or(tt, And(Not(tt), Not(ff), missingHolds)));
        terms = new RuleTerms(tt, ff, holds);
        _rules[(side, rule.Name)] = terms;
        return terms;
    }

    private static ObservationSymbol? Declared(Side side, ObservationState o) => side == Side.Old ? o.OldSymbol : o.NewSymbol;

    private static SmtTerm LatestKnown(Side side, ObservationState o)
    {
        var within = (Declared(side, o) ?? o.Symbol).RecencySeconds;
        return within is { } w ? And(o.Present, Le(o.Age, Real(w))) : False;
    }

    private static bool Optional(Side side, ObservationState o) => (Declared(side, o) ?? o.Symbol).IsOptional;

    private (SmtTerm True, SmtTerm False) Flag(BoundExpression e, Side side, List<(SmtTerm, bool)> inputs)
    {
        switch (e)
        {
            case BoundFlagLiteral l:
                return l.Value ? (True, False) : (False, True);
            case BoundConstantReference { Constant.Value: { } value } when value.Type == BoundType.YesNo:
                return Flag(value, side, inputs);
            case BoundNot n:
                {
                    var (t, f) = Flag(n.Operand, side, inputs);
                    return (f, t);
                }
            case BoundBinary { Kind: BinaryOperator.And } b:
                {
                    var (lt, lf) = Flag(b.Left, side, inputs);
                    var (rt, rf) = Flag(b.Right, side, inputs);
                    return (And(lt, rt), Or(lf, rf));
                }
            case BoundBinary { Kind: BinaryOperator.Or } b:
                {
                    var (lt, lf) = Flag(b.Left, side, inputs);
                    var (rt, rf) = Flag(b.Right, side, inputs);
                    return (Or(lt, rt), And(lf, rf));
                }
            case BoundIsFlag { Operand: BoundObservationValue v } f when v.Observation.IsYesNo:
                {
                    var o = Observation(v.Observation);
                    var known = LatestKnown(side, o);
                    inputs.Add((known, Optional(side, o)));
                    var value = f.Expected ? o.Latest : Not(o.Latest);
                    return (And(known, value), And(known, Not(value)));
                }
            case BoundBinary b when b.Kind.IsComparison() && Number(b.Left, side, inputs) is { } l && Number(b.Right, side, inputs) is { } r:
                {
                    var holds = b.Kind switch
                    {
                        BinaryOperator.Less => Lt(l.Value, r.Value),
                        BinaryOperator.LessOrEqual => Le(l.Value, r.Value),
                        BinaryOperator.Greater => Gt(l.Value, r.Value),
                        BinaryOperator.GreaterOrEqual => Ge(l.Value, r.Value),
                        BinaryOperator.Equal => Eq(l.Value, r.Value),
                        _ => Not(Eq(l.Value, r.Value)),
                    };
                    var known = And(l.Known, r.Known);
                    return (And(known, holds), And(known, Not(holds)));
                }
            case BoundAtLeast { Members.IsDefault: false } c:
                {
                    var members = c.Members.Select(m => Flag(m, side, inputs)).ToList();
                    var trues = Sum([.. members.Select(m => Ite(m.True, Int(1), Int(0)))], SmtSort.Int);
                    var possible = Sum([.. members.Select(m => Ite(m.False, Int(0), Int(1)))], SmtSort.Int);
                    return (Ge(trues, Int(c.Count)), Lt(possible, Int(c.Count)));
                }
            default:
                return Opaque(e);
        }
    }

    /// <summary>A condition without an encoding: a free input that is true, false or unknown, shared by both versions when it means the same.</summary>
    private (SmtTerm True, SmtTerm False) Opaque(BoundExpression e)
    {
        var key = BoundExpressionKey.Of(e);
        if (!_opaque.TryGetValue(key, out var pair))
        {
            pair = (Fresh("ot", SmtSort.Bool), Fresh("of", SmtSort.Bool));
            _solver.Assert(Not(And(pair.Item1, pair.Item2)));
            _opaque[key] = pair;
        }
        return pair;
    }

    private (SmtTerm Value, SmtTerm Known)? Number(BoundExpression e, Side side, List<(SmtTerm, bool)> inputs)
    {
        switch (e)
        {
            case BoundQuantityLiteral l:
                return (Real(l.Value), True);
            case BoundConstantReference c when ConditionSpace.ConstantValue(c) is { } v:
                return (Real(v), True);
            case BoundObservationValue { Observation.IsYesNo: false } v:
                {
                    var o = Observation(v.Observation);
                    var known = LatestKnown(side, o);
                    inputs.Add((known, Optional(side, o)));
                    return (o.Latest, known);
                }
            case BoundAggregate { Observation.IsYesNo: false } a:
                {
                    var o = Observation(a.Observation);
                    var value = Aggregate(o, a.Kind, a.WindowSeconds);
                    var n = o.Counts[a.WindowSeconds];
                    var known = a.Kind switch { AggregateKind.Count => True, AggregateKind.Change => Ge(n, Int(2)), _ => Ge(n, Int(1)) };
                    inputs.Add((known, Optional(side, o)));
                    return (value, known);
                }
            case BoundBaseline { Observation.IsYesNo: false } b:
                {
                    var o = Observation(b.Observation);
                    inputs.Add((o.BaselineKnown!, Optional(side, o)));
                    return (o.Baseline!, o.BaselineKnown!);
                }
            case BoundWeight:
                inputs.Add((WeightKnown, false));
                return (Weight, WeightKnown);
            case BoundDoses d:
                return (ToReal(d.Held ? DosesHeld : DosesGiven), True);
            case BoundTimeSince { Event: { } ev }:
                {
                    var state = Event(ev);
                    inputs.Add((state.Known, false));
                    return (state.Age, state.Known);
                }
            case BoundTimeSince t:
                {
                    var known = Ge(DosesGiven, Int(1));
                    inputs.Add((known, false));
                    return (t.Kind == TimeSinceKind.LastDose ? SinceLastDose : SinceFirstDose, known);
                }
            case BoundNegate n when Number(n.Operand, side, inputs) is { } x:
                return (Neg(x.Value), x.Known);
            case BoundBinary { Kind: BinaryOperator.Add or BinaryOperator.Subtract or BinaryOperator.Multiply or BinaryOperator.Divide } b
                when Number(b.Left, side, inputs) is { } l && Number(b.Right, side, inputs) is { } r:
                return b.Kind switch
                {
                    BinaryOperator.Add => (Add(l.Value, r.Value), And(l.Known, r.Known)),
                    BinaryOperator.Subtract => (Sub(l.Value, r.Value), And(l.Known, r.Known)),
                    BinaryOperator.Multiply => (Mul(l.Value, r.Value), And(l.Known, r.Known)),
                    _ => (Div(l.Value, r.Value), And(l.Known, r.Known, Not(Eq(r.Value, Real(0))))),
                };
            default:
                return null;
        }
    }

    // ------------------------------------------------------------ protocol-level regions

    /// <summary>The dose is not given because of a rule: one fires, or one cannot be decided for lack of required data.</summary>
    public SmtTerm Holds(Side side, IEnumerable<RuleSymbol> rules) => Or(rules.Select(r => Rule(side, r).Holds));

    /// <summary>One of these (discontinue) rules is true.</summary>
    public SmtTerm Fires(Side side, IEnumerable<RuleSymbol> rules) => Or(rules.Select(r => Rule(side, r).True));
}
