using System.Globalization;
using System.Text;
using IlTwo.Dsl.Binding;

using IlTwo.Dsl.Syntax;

namespace IlTwo.Dsl.Analysis;

/// <summary>
/// A canonical text for what a bound expression means: numbers in canonical units (round-trip), constants inlined,
/// observations by name, windows in seconds. Two expressions with the same key compute the same value from the same
/// patient state, however they were written (units, constants, layout).
/// </summary>
public static class BoundExpressionKey
{
    public static string Of(BoundExpression expression)
    {
        var builder = new StringBuilder();
        Write(expression, builder);
        return builder.ToString();
    }

    private static void Write(BoundExpression expression, StringBuilder b)
    {
        switch (expression)
        {
            case BoundQuantityLiteral l:
                b.Append(l.Value.ToString("R", CultureInfo.InvariantCulture));
                break;
            case BoundFlagLiteral f:
                b.Append(f.Value ? "yes" : "no");
                break;
            case BoundConstantReference c when c.Constant.Value is { } value:
                Write(value, b);
                break;
            case BoundObservationValue o:
                b.Append("latest(").Append(o.Observation.Name).Append(')');
                break;
            case BoundBaseline o:
                b.Append("baseline(").Append(o.Observation.Name).Append(')');
                break;
            case BoundAggregate a:
                b.Append(a.Kind.ToString().ToLowerInvariant()).Append('(').Append(a.Observation.Name).Append(',')
                    .Append(a.WindowSeconds.ToString("R", CultureInfo.InvariantCulture)).Append(')');
                break;
            case BoundWeight:
                b.Append("weight");
                break;
            case BoundDoses d:
                b.Append(d.Held ? "doses-held" : "doses-given");
                break;
            case BoundTimeSince t:
                b.Append("since(").Append(t.Kind switch { Syntax.TimeSinceKind.LastDose => "last-dose", Syntax.TimeSinceKind.FirstDose => "first-dose", _ => t.Event?.Name }).Append(')');
                break;
            case BoundNot n:
                b.Append("not(");
                Write(n.Operand, b);
                b.Append(')');
                break;
            case BoundNegate n:
                b.Append("neg(");
                Write(n.Operand, b);
                b.Append(')');
                break;
            case BoundIsFlag f:
                b.Append("is(");
                Write(f.Operand, b);
                b.Append(f.Expected ? ",yes)" : ",no)");
                break;
            case BoundBinary x:
                b.Append('(');
                Write(x.Left, b);
                b.Append(' ').Append(x.Kind.Text()).Append(' ');
                Write(x.Right, b);
                b.Append(')');
                break;
            case BoundAtLeast a:
                // What a count reads is its members' conditions in the protocol it runs in.
                b.Append("atleast(").Append(a.Count).Append(",[");
                foreach (var member in a.Members.IsDefault ? [] : a.Members)
                {
                    Write(member, b);
                    b.Append(';');
                }
                b.Append("])");
                break;
            default:
                _ = expression.NodeKind switch
                {
                    // every kind not matched above (no _: a new kind must be placed here or above)
                    BoundNodeKind.QuantityLiteral or BoundNodeKind.FlagLiteral or BoundNodeKind.ConstantReference or BoundNodeKind.ObservationValue or BoundNodeKind.Aggregate
                        or BoundNodeKind.Baseline or BoundNodeKind.Weight or BoundNodeKind.Doses or BoundNodeKind.TimeSince or BoundNodeKind.Binary
                        or BoundNodeKind.Not or BoundNodeKind.Negate or BoundNodeKind.IsFlag or BoundNodeKind.AtLeast or BoundNodeKind.Error => b.Append('?').Append(expression.GetType().Name),
                };
                break;
        }
    }
}
