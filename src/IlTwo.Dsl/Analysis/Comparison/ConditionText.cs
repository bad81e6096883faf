using System.Globalization;
using IlTwo.Dsl.Binding;
using IlTwo.Dsl.Syntax;
using IlTwo.Runtime.Protocols;
using IlTwo.Runtime.Units;

namespace IlTwo.Dsl.Analysis.Comparison;

/// <summary>
/// Renders bound conditions for a reader: a threshold compared with an observation is shown in the observation's declared
/// unit (<c>sbp &lt; 12 kPa</c> reads <c>sbp &lt; 90 mm[Hg]</c>), durations in hours, other numbers as written.
/// </summary>
public static class ConditionText
{
    private static readonly UcumUnit Kilograms = Ucum.Parse("kg");

    public static string Render(BoundExpression expression) => Render(expression, 0);

    /// <summary>The comparisons of a condition, in order (for pairing the comparisons of two versions of a rule).</summary>
    public static IReadOnlyList<BoundExpression> Atoms(BoundExpression expression)
    {
        var atoms = new List<BoundExpression>();
        void Walk(BoundExpression e)
        {
            switch (e)
            {
                case BoundBinary { Kind: BinaryOperator.And or BinaryOperator.Or } b:
                    Walk(b.Left);
                    Walk(b.Right);
                    break;
                case BoundNot n:
                    Walk(n.Operand);
                    break;
                default:
                    if (e.NodeKind switch
                    {
                        // every kind not matched above (no _: a new kind must be placed here or above)
                        BoundNodeKind.QuantityLiteral or BoundNodeKind.FlagLiteral or BoundNodeKind.ConstantReference or BoundNodeKind.ObservationValue or BoundNodeKind.Aggregate
                            or BoundNodeKind.Baseline or BoundNodeKind.Weight or BoundNodeKind.Doses or BoundNodeKind.TimeSince or BoundNodeKind.Binary
                            or BoundNodeKind.Not or BoundNodeKind.Negate or BoundNodeKind.IsFlag or BoundNodeKind.AtLeast or BoundNodeKind.Error => true,
                    })
                    {
                        atoms.Add(e);
                    }

                    break;
            }
        }
        Walk(expression);
        return atoms;
    }

    /// <summary>The and/or/not skeleton of a condition with its comparisons left out (two conditions with the same shape pair up atom by atom).</summary>
    public static string Shape(BoundExpression expression) => expression switch
    {
        BoundBinary { Kind: BinaryOperator.And or BinaryOperator.Or } b => $"({Shape(b.Left)} {b.Kind.Text()} {Shape(b.Right)})",
        BoundNot n => $"not {Shape(n.Operand)}",
        _ => expression.NodeKind switch
        {
            // every kind not matched above (no _: a new kind must be placed here or above)
            BoundNodeKind.QuantityLiteral or BoundNodeKind.FlagLiteral or BoundNodeKind.ConstantReference or BoundNodeKind.ObservationValue or BoundNodeKind.Aggregate
                or BoundNodeKind.Baseline or BoundNodeKind.Weight or BoundNodeKind.Doses or BoundNodeKind.TimeSince or BoundNodeKind.Binary
                or BoundNodeKind.Not or BoundNodeKind.Negate or BoundNodeKind.IsFlag or BoundNodeKind.AtLeast or BoundNodeKind.Error => "_",
        },
    };

    private static int Precedence(BinaryOperator kind) => kind switch
    {
        BinaryOperator.Or => 1,
        BinaryOperator.And => 2,
        _ when kind.IsComparison() => 4,
        BinaryOperator.Add or BinaryOperator.Subtract => 5,
        _ => 6,
    };

    private static string Render(BoundExpression expression, int parent)
    {
        switch (expression)
        {
            case BoundBinary b when b.Kind.IsComparison():
                {
                    var text = Comparison(b);
                    return parent > 4 ? $"({text})" : text;
                }
            case BoundBinary b:
                {
                    var p = Precedence(b.Kind);
                    var text = $"{Render(b.Left, p)} {b.Kind.Text()} {Render(b.Right, p + 1)}";
                    return p < parent ? $"({text})" : text;
                }
            case BoundNot n:
                return parent > 3 ? $"(not {Render(n.Operand, 3)})" : $"not {Render(n.Operand, 3)}";
            case BoundIsFlag f:
                return $"{Render(f.Operand, 7)} is {(f.Expected ? "yes" : "no")}";
            case BoundNegate n:
                return "-" + Render(n.Operand, 7);
            default:
                return expression.NodeKind switch
                {
                    // every kind not matched above (no _: a new kind must be placed here or above)
                    BoundNodeKind.QuantityLiteral or BoundNodeKind.FlagLiteral or BoundNodeKind.ConstantReference or BoundNodeKind.ObservationValue or BoundNodeKind.Aggregate
                        or BoundNodeKind.Baseline or BoundNodeKind.Weight or BoundNodeKind.Doses or BoundNodeKind.TimeSince or BoundNodeKind.Binary
                        or BoundNodeKind.Not or BoundNodeKind.Negate or BoundNodeKind.IsFlag or BoundNodeKind.AtLeast or BoundNodeKind.Error => Term(expression) ?? Literal(expression),
                };
        }
    }

    private static string Comparison(BoundBinary b)
    {
        if (Term(b.Left) is { } left && ConstantValue(b.Right) is { } right)
        {
            return $"{left} {b.Kind.Text()} {Value(right, UnitOf(b.Left))}";
        }

        if (Term(b.Right) is { } rhs && ConstantValue(b.Left) is { } lhs)
        {
            return $"{Value(lhs, UnitOf(b.Right))} {b.Kind.Text()} {rhs}";
        }

        return $"{Render(b.Left, 5)} {b.Kind.Text()} {Render(b.Right, 5)}";
    }

    private static double? ConstantValue(BoundExpression e) => ConditionSpace.ConstantValue(e);

    /// <summary>The name of a patient quantity as a reader writes it, or null.</summary>
    public static string? Term(BoundExpression expression) => expression switch
    {
        BoundObservationValue o => o.Observation.Name,
        BoundBaseline b => $"baseline({b.Observation.Name})",
        BoundAggregate a => $"{a.Kind.ToString().ToLowerInvariant()}({a.Observation.Name}, last {Hours(a.WindowSeconds)})",
        BoundWeight => "weight",
        BoundDoses d => d.Held ? "doses held" : "doses given",
        BoundTimeSince t => "time since " + t.Kind switch { Syntax.TimeSinceKind.LastDose => "last dose", Syntax.TimeSinceKind.FirstDose => "first dose", _ => t.Event?.Name },
        _ => expression.NodeKind switch
        {
            // every kind not matched above (no _: a new kind must be placed here or above)
            BoundNodeKind.QuantityLiteral or BoundNodeKind.FlagLiteral or BoundNodeKind.ConstantReference or BoundNodeKind.ObservationValue or BoundNodeKind.Aggregate
                or BoundNodeKind.Baseline or BoundNodeKind.Weight or BoundNodeKind.Doses or BoundNodeKind.TimeSince or BoundNodeKind.Binary
                or BoundNodeKind.Not or BoundNodeKind.Negate or BoundNodeKind.IsFlag or BoundNodeKind.AtLeast or BoundNodeKind.Error => null,
        },
    };

    private static string Literal(BoundExpression expression) => expression switch
    {
        BoundQuantityLiteral l => l.Unit is null ? Number(l.WrittenValue) : $"{Number(l.WrittenValue)} {l.Unit}",
        BoundFlagLiteral f => f.Value ? "yes" : "no",
        BoundConstantReference c => c.Constant.Name,
        _ => expression.NodeKind switch
        {
            // every kind not matched above (no _: a new kind must be placed here or above)
            BoundNodeKind.QuantityLiteral or BoundNodeKind.FlagLiteral or BoundNodeKind.ConstantReference or BoundNodeKind.ObservationValue or BoundNodeKind.Aggregate
                or BoundNodeKind.Baseline or BoundNodeKind.Weight or BoundNodeKind.Doses or BoundNodeKind.TimeSince or BoundNodeKind.Binary
                or BoundNodeKind.Not or BoundNodeKind.Negate or BoundNodeKind.IsFlag or BoundNodeKind.AtLeast or BoundNodeKind.Error => BoundExpressionPrinter.Print(expression),
        },
    };

    /// <summary>How a value of this term is shown: its unit, or null for a count, yes/no or time (time is in h).</summary>
    public static ValueUnit UnitOf(BoundExpression term) => term switch
    {
        BoundObservationValue o => ObservationUnit(o.Observation),
        BoundBaseline b => ObservationUnit(b.Observation),
        BoundAggregate { Kind: AggregateKind.Count } => ValueUnit.Count,
        BoundAggregate a => ObservationUnit(a.Observation),
        BoundWeight => new ValueUnit(Kilograms),
        BoundTimeSince => ValueUnit.Hours,
        _ => term.NodeKind switch
        {
            // every kind not matched above (no _: a new kind must be placed here or above)
            BoundNodeKind.QuantityLiteral or BoundNodeKind.FlagLiteral or BoundNodeKind.ConstantReference or BoundNodeKind.ObservationValue or BoundNodeKind.Aggregate
                or BoundNodeKind.Baseline or BoundNodeKind.Weight or BoundNodeKind.Doses or BoundNodeKind.TimeSince or BoundNodeKind.Binary
                or BoundNodeKind.Not or BoundNodeKind.Negate or BoundNodeKind.IsFlag or BoundNodeKind.AtLeast or BoundNodeKind.Error => ValueUnit.Count,
        },
    };

    public static ValueUnit ObservationUnit(ObservationSymbol observation) =>
        observation.IsYesNo ? ValueUnit.Flag : observation.Unit is { } unit ? new ValueUnit(unit) : ValueUnit.Count;

    /// <summary>A canonical value shown in a unit: <c>90 mm[Hg]</c>, <c>yes</c>, <c>8 h</c>.</summary>
    public static string Value(double canonical, ValueUnit unit) => unit.Kind switch
    {
        ValueUnitKind.Flag => canonical >= 0.5 ? "yes" : "no",
        ValueUnitKind.Hours => Hours(canonical),
        ValueUnitKind.Unit => $"{Number(unit.FromCanonical(canonical))} {unit.Unit!.Code}",
        _ => Number(canonical),
    };

    public static string Hours(double seconds) => seconds % 3600 == 0 || seconds >= 3600 ? $"{Number(seconds / 3600)} h" : $"{Number(seconds / 60)} min";

    /// <summary>A number with at most 4 significant decimals, without trailing zeros or exponent noise.</summary>
    public static string Number(double value)
    {
        if (double.IsInfinity(value) || double.IsNaN(value))
        {
            return value.ToString(CultureInfo.InvariantCulture);
        }

        var rounded = Math.Round(value, 4);
        if (rounded != 0 && Math.Abs(rounded) < 0.001)
        {
            return value.ToString("G4", CultureInfo.InvariantCulture);
        }

        var text = rounded.ToString("0.####", CultureInfo.InvariantCulture);
        return text == "-0" ? "0" : text;
    }
}

public enum ValueUnitKind
{
    Count,
    Flag,
    Hours,
    Unit,
}

/// <summary>The unit a value is shown in.</summary>
public sealed record ValueUnit(ValueUnitKind Kind, UcumUnit? Unit)
{
    public ValueUnit(UcumUnit unit)
        : this(ValueUnitKind.Unit, unit)
    {
    }

    public static ValueUnit Count { get; } = new(ValueUnitKind.Count, null);

    public static ValueUnit Flag { get; } = new(ValueUnitKind.Flag, null);

    public static ValueUnit Hours { get; } = new(ValueUnitKind.Hours, null);

    public double FromCanonical(double canonical) => Unit is null ? canonical : (canonical - Unit.Offset) / Unit.Factor;

    public double ToCanonical(double value) => Unit is null ? value : value * Unit.Factor + Unit.Offset;
}
