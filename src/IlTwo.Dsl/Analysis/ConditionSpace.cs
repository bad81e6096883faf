using System.Collections.Immutable;
using IlTwo.Dsl.Binding;
using IlTwo.Dsl.Syntax;
using IlTwo.Runtime.Protocols;

namespace IlTwo.Dsl.Analysis;

/// <summary>One quantity a condition reads (an observation's latest value, an aggregate, weight...), with the values it can take.</summary>
public sealed record AnalysisVariable(string Key, string Display, IntervalSet Domain, ObservationSymbol? Observation, BoundExpression? Term);

/// <summary>A conjunction of per-variable constraints: a region of the patient state space.</summary>
public sealed class Box
{
    private readonly ImmutableDictionary<string, IntervalSet> _constraints;

    private Box(ImmutableDictionary<string, IntervalSet> constraints) => _constraints = constraints;

    public static Box Everything { get; } = new(ImmutableDictionary<string, IntervalSet>.Empty);

    public IReadOnlyDictionary<string, IntervalSet> Constraints => _constraints;

    public static Box Constrain(string key, IntervalSet set) => new(ImmutableDictionary<string, IntervalSet>.Empty.Add(key, set));

    /// <summary>The intersection, or null when it is empty.</summary>
    public Box? Intersect(Box other, IReadOnlyDictionary<string, AnalysisVariable> variables)
    {
        var result = _constraints;
        foreach (var (key, set) in other._constraints)
        {
            var merged = result.TryGetValue(key, out var existing) ? existing.Intersect(set) : set;
            if (variables.TryGetValue(key, out var variable))
            {
                merged = merged.Intersect(variable.Domain);
            }

            if (merged.IsEmpty)
            {
                return null;
            }

            result = result.SetItem(key, merged);
        }
        return new Box(result);
    }
}

/// <summary>
/// Turns bound conditions into disjunctions of boxes over the observation space (with units normalised, since bound values
/// are canonical), so questions like "can this rule ever fire?" or "does A imply B?" are answered by emptiness.
/// Comparisons of a patient quantity with a constant are exact; anything else is an opaque yes/no variable, which keeps
/// every "never" answer sound. Missing data is not modelled: the analysis is about states where every value is known.
/// </summary>
public sealed class ConditionSpace
{
    /// <summary>More boxes than this and the analysis gives up (answers "cannot tell").</summary>
    public const int MaxBoxes = 4096;

    /// <summary>The start of the variable name of a condition the analysis cannot see into (<see cref="Opaque"/>).</summary>
    public const string OpaquePrefix = "opaque:";

    private readonly Dictionary<string, AnalysisVariable> _variables = new(StringComparer.Ordinal);
    private readonly IReadOnlyDictionary<string, (double Low, double High)?>? _ranges;

    public ConditionSpace()
    {
    }

    /// <summary>
    /// A space shared by several protocols (for comparing versions): <paramref name="ranges"/> gives, per observation name,
    /// the plausible range to assume (null: any value), so both versions see the same domains whichever registers a variable first.
    /// </summary>
    public ConditionSpace(IReadOnlyDictionary<string, (double Low, double High)?> ranges) => _ranges = ranges;

    public IReadOnlyDictionary<string, AnalysisVariable> Variables => _variables;

    /// <summary>The states where the condition is true, or null when too complex to tell.</summary>
    public IReadOnlyList<Box>? Satisfying(BoundExpression condition) => Dnf(condition, negated: false);

    /// <summary>The states where the condition is false (for known values), or null when too complex to tell.</summary>
    public IReadOnlyList<Box>? Falsifying(BoundExpression condition) => Dnf(condition, negated: true);

    /// <summary>The states where both regions hold, or null when too complex to tell.</summary>
    public IReadOnlyList<Box>? And(IReadOnlyList<Box>? left, IReadOnlyList<Box>? right)
    {
        if (left is null || right is null)
        {
            return null;
        }

        var result = new List<Box>();
        foreach (var a in left)
        {
            foreach (var b in right)
            {
                if (a.Intersect(b, _variables) is { } box)
                {
                    result.Add(box);
                }

                if (result.Count > MaxBoxes)
                {
                    return null;
                }
            }
        }
        return result;
    }

    private static IReadOnlyList<Box>? Or(IReadOnlyList<Box>? left, IReadOnlyList<Box>? right) =>
        left is null || right is null || left.Count + right.Count > MaxBoxes ? null : [.. left, .. right];

    private static readonly IReadOnlyList<Box> True = [Box.Everything];
    private static readonly IReadOnlyList<Box> False = [];

    private IReadOnlyList<Box>? Dnf(BoundExpression expression, bool negated)
    {
        switch (expression)
        {
            case BoundFlagLiteral flag:
                return flag.Value != negated ? True : False;
            case BoundNot not:
                return Dnf(not.Operand, !negated);
            case BoundBinary { Kind: BinaryOperator.And } and:
                return negated ? Or(Dnf(and.Left, true), Dnf(and.Right, true)) : And(Dnf(and.Left, false), Dnf(and.Right, false));
            case BoundBinary { Kind: BinaryOperator.Or } or:
                return negated ? And(Dnf(or.Left, true), Dnf(or.Right, true)) : Or(Dnf(or.Left, false), Dnf(or.Right, false));
            case BoundIsFlag isFlag when Term(isFlag.Operand) is { } flagVariable:
                return Constrain(flagVariable, IntervalSet.Of(Interval.Point(isFlag.Expected != negated ? 1 : 0)));
            case BoundBinary comparison when comparison.Kind.IsComparison():
                return Comparison(comparison, negated);
            case BoundErrorExpression:
                return null;
            // Fewer than N of m true is at least m - N + 1 false: expanding that directly keeps the negation small.
            case BoundAtLeast count when negated && !count.Members.IsDefault
                && Expand(count with { Count = count.Members.Length - count.Count + 1, Members = [.. count.Members.Select(m => (BoundExpression)new BoundNot(m, null))] }) is { } complement:
                return Dnf(complement, negated: false);
            case BoundAtLeast count when Expand(count) is { } expanded:
                return Dnf(expanded, negated);
            default:
                return expression.NodeKind switch
                {
                    // every kind not matched above (no _: a new kind must be placed here or above)
                    BoundNodeKind.QuantityLiteral or BoundNodeKind.FlagLiteral or BoundNodeKind.ConstantReference or BoundNodeKind.ObservationValue or BoundNodeKind.Aggregate
                        or BoundNodeKind.Baseline or BoundNodeKind.Weight or BoundNodeKind.Doses or BoundNodeKind.TimeSince or BoundNodeKind.Binary
                        or BoundNodeKind.Not or BoundNodeKind.Negate or BoundNodeKind.IsFlag or BoundNodeKind.AtLeast or BoundNodeKind.Error => Opaque(expression, negated),
                };
        }
    }

    /// <summary>
    /// <c>at least N of GROUP</c> for known values: the disjunction, over every N members, of their conjunction (false for
    /// a group with fewer than N members); null (opaque) when that is too many terms to write out.
    /// </summary>
    private static BoundExpression? Expand(BoundAtLeast count)
    {
        if (count.Members.IsDefault)
        {
            return null;
        }

        var members = count.Members;
        if (count.Count > members.Length)
        {
            return new BoundFlagLiteral(false, null);
        }

        if (count.Count <= 0)
        {
            return new BoundFlagLiteral(true, null);
        }

        double combinations = 1;
        for (var i = 0; i < count.Count; i++)
        {
            combinations = combinations * (members.Length - i) / (i + 1);
        }

        if (combinations > 64)
        {
            return null;
        }

        BoundExpression? result = null;
        foreach (var subset in Subsets(members.Length, count.Count))
        {
            var conjunction = subset.Select(i => members[i]).Aggregate((l, r) => new BoundBinary(l, BinaryOperator.And, r, BoundType.YesNo, null));
            result = result is null ? conjunction : new BoundBinary(result, BinaryOperator.Or, conjunction, BoundType.YesNo, null);
        }
        return result ?? new BoundFlagLiteral(true, null);
    }

    private static IEnumerable<int[]> Subsets(int n, int k)
    {
        if (k == 0)
        {
            yield return [];
            yield break;
        }
        var indices = Enumerable.Range(0, k).ToArray();
        while (true)
        {
            yield return [.. indices];
            var i = k - 1;
            while (i >= 0 && indices[i] == n - k + i)
            {
                i--;
            }

            if (i < 0)
            {
                yield break;
            }

            indices[i]++;
            for (var j = i + 1; j < k; j++)
            {
                indices[j] = indices[j - 1] + 1;
            }
        }
    }

    private IReadOnlyList<Box> Comparison(BoundBinary comparison, bool negated)
    {
        var kind = negated ? comparison.Kind.Negate() : comparison.Kind;
        if (Term(comparison.Left) is { } leftVariable && ConstantValue(comparison.Right) is { } rightValue)
        {
            return Constrain(leftVariable, Solve(kind, rightValue));
        }

        if (Term(comparison.Right) is { } rightVariable && ConstantValue(comparison.Left) is { } leftValue)
        {
            return Constrain(rightVariable, Solve(kind.Mirror(), leftValue));
        }

        if (ConstantValue(comparison.Left) is { } a && ConstantValue(comparison.Right) is { } b)
        {
            return Holds(kind, a, b) ? True : False;
        }

        return Opaque(comparison, negated);
    }

    private static bool Holds(BinaryOperator kind, double a, double b) => kind switch
    {
        BinaryOperator.Less => a < b,
        BinaryOperator.LessOrEqual => a <= b,
        BinaryOperator.Greater => a > b,
        BinaryOperator.GreaterOrEqual => a >= b,
        BinaryOperator.Equal => Runtime.Evaluation.Logic.NearlyEqual(a, b),
        _ => !Runtime.Evaluation.Logic.NearlyEqual(a, b),
    };

    /// <summary>The values of x for which "x kind c" holds.</summary>
    private static IntervalSet Solve(BinaryOperator kind, double c) => kind switch
    {
        BinaryOperator.Less => IntervalSet.Of(new Interval(double.NegativeInfinity, false, c, false)),
        BinaryOperator.LessOrEqual => IntervalSet.Of(new Interval(double.NegativeInfinity, false, c, true)),
        BinaryOperator.Greater => IntervalSet.Of(new Interval(c, false, double.PositiveInfinity, false)),
        BinaryOperator.GreaterOrEqual => IntervalSet.Of(new Interval(c, true, double.PositiveInfinity, false)),
        BinaryOperator.Equal => IntervalSet.Of(Interval.Point(c)),
        _ => IntervalSet.Of(new Interval(double.NegativeInfinity, false, c, false), new Interval(c, false, double.PositiveInfinity, false)),
    };

    private static IReadOnlyList<Box> Constrain(AnalysisVariable variable, IntervalSet set)
    {
        var within = set.Intersect(variable.Domain);
        return within.IsEmpty ? False : [Box.Constrain(variable.Key, within)];
    }

    /// <summary>A condition the analysis cannot see into: a free yes/no variable named by its structure.</summary>
    private IReadOnlyList<Box> Opaque(BoundExpression expression, bool negated)
    {
        // Keyed by meaning (canonical values, constants inlined), not by spelling: two protocols that share an opaque
        // condition share its variable, and a changed constant inside it makes a different variable.
        var key = OpaquePrefix + BoundExpressionKey.Of(expression);
        var variable = Variable(key, BoundExpressionPrinter.Print(expression), IntervalSet.Of(Interval.Point(0), Interval.Point(1)), null, expression);
        return Constrain(variable, IntervalSet.Of(Interval.Point(negated ? 0 : 1)));
    }

    /// <summary>The variable for a patient quantity, or null when the expression is not one.</summary>
    private AnalysisVariable? Term(BoundExpression expression)
    {
        switch (expression)
        {
            case BoundObservationValue o:
                return Variable("latest:" + o.Observation.Name, o.Observation.Name, DomainOf(o.Observation), o.Observation, o);
            case BoundBaseline b:
                return Variable("baseline:" + b.Observation.Name, $"baseline({b.Observation.Name})", DomainOf(b.Observation), b.Observation, b);
            case BoundAggregate a:
                var display = $"{a.Kind.ToString().ToLowerInvariant()}({a.Observation.Name}, last {a.WindowText})";
                return Variable($"{a.Kind}:{a.Observation.Name}:{a.WindowSeconds}", display, AggregateDomain(a), a.Observation, a);
            case BoundWeight w:
                return Variable("weight", "weight", IntervalSet.Of(new Interval(0, false, double.PositiveInfinity, false)), null, w);
            case BoundDoses d:
                return Variable(d.Held ? "doses-held" : "doses-given", d.Held ? "doses held" : "doses given", NonNegative, null, d);
            case BoundTimeSince t:
                var name = t.Kind switch { Syntax.TimeSinceKind.LastDose => "last dose", Syntax.TimeSinceKind.FirstDose => "first dose", _ => t.Event!.Name };
                return Variable("since:" + name, "time since " + name, NonNegative, null, t);
            default:
                return expression.NodeKind switch
                {
                    // every kind not matched above (no _: a new kind must be placed here or above)
                    BoundNodeKind.QuantityLiteral or BoundNodeKind.FlagLiteral or BoundNodeKind.ConstantReference or BoundNodeKind.ObservationValue or BoundNodeKind.Aggregate
                        or BoundNodeKind.Baseline or BoundNodeKind.Weight or BoundNodeKind.Doses or BoundNodeKind.TimeSince or BoundNodeKind.Binary
                        or BoundNodeKind.Not or BoundNodeKind.Negate or BoundNodeKind.IsFlag or BoundNodeKind.AtLeast or BoundNodeKind.Error => null,
                };
        }
    }

    private static readonly IntervalSet NonNegative = IntervalSet.Of(new Interval(0, true, double.PositiveInfinity, false));

    private (double Low, double High)? RangeOf(ObservationSymbol observation) =>
        _ranges is not null && _ranges.TryGetValue(observation.Name, out var range) ? range : observation.Range;

    private IntervalSet DomainOf(ObservationSymbol observation) =>
        observation.IsYesNo ? IntervalSet.Of(Interval.Point(0), Interval.Point(1))
        : RangeOf(observation) is { } range ? IntervalSet.Of(new Interval(range.Low, true, range.High, true))
        : IntervalSet.All;

    private IntervalSet AggregateDomain(BoundAggregate aggregate) => aggregate.Kind switch
    {
        AggregateKind.Count => NonNegative,
        AggregateKind.Sum => RangeOf(aggregate.Observation) is { Low: >= 0 } ? NonNegative : IntervalSet.All,
        AggregateKind.Change => RangeOf(aggregate.Observation) is { } r ? IntervalSet.Of(new Interval(r.Low - r.High, true, r.High - r.Low, true)) : IntervalSet.All,
        _ => DomainOf(aggregate.Observation),
    };

    private AnalysisVariable Variable(string key, string display, IntervalSet domain, ObservationSymbol? observation, BoundExpression? term)
    {
        if (!_variables.TryGetValue(key, out var variable))
        {
            _variables[key] = variable = new AnalysisVariable(key, display, domain, observation, term);
        }

        return variable;
    }

    /// <summary>The value of an expression that does not depend on the patient, or null.</summary>
    public static double? ConstantValue(BoundExpression expression) => expression switch
    {
        BoundQuantityLiteral l => l.Value,
        BoundConstantReference c when c.Constant.Value is { } v => ConstantValue(v),
        BoundNegate n => -ConstantValue(n.Operand),
        BoundBinary { Kind: BinaryOperator.Multiply } b => ConstantValue(b.Left) * ConstantValue(b.Right),
        BoundBinary { Kind: BinaryOperator.Divide } b => ConstantValue(b.Right) is { } d and not 0 ? ConstantValue(b.Left) / d : null,
        BoundBinary { Kind: BinaryOperator.Add } b => ConstantValue(b.Left) + ConstantValue(b.Right),
        BoundBinary { Kind: BinaryOperator.Subtract } b => ConstantValue(b.Left) - ConstantValue(b.Right),
        _ => expression.NodeKind switch
        {
            // every kind not matched above (no _: a new kind must be placed here or above)
            BoundNodeKind.QuantityLiteral or BoundNodeKind.FlagLiteral or BoundNodeKind.ConstantReference or BoundNodeKind.ObservationValue or BoundNodeKind.Aggregate
                or BoundNodeKind.Baseline or BoundNodeKind.Weight or BoundNodeKind.Doses or BoundNodeKind.TimeSince or BoundNodeKind.Binary
                or BoundNodeKind.Not or BoundNodeKind.Negate or BoundNodeKind.IsFlag or BoundNodeKind.AtLeast or BoundNodeKind.Error => null,
        },
    };
}
