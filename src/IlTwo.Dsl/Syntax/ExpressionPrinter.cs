using System.Text;

namespace IlTwo.Dsl.Syntax;

/// <summary>Prints an expression in its one canonical layout (single spaces, only the parentheses the reader wrote).</summary>
public static class ExpressionPrinter
{
    public static string Print(ExpressionSyntax expression)
    {
        var builder = new StringBuilder();
        Print(expression, builder);
        return builder.ToString();
    }

    public static string Print(QuantitySyntax quantity) => quantity.Unit is null ? quantity.NumberText : $"{quantity.NumberText} {quantity.Unit.Code}";

    private static void Print(ExpressionSyntax expression, StringBuilder builder)
    {
        switch (expression)
        {
            case BinaryExpressionSyntax b:
                Print(b.Left, builder);
                builder.Append(' ').Append(b.Operator.Text()).Append(' ');
                Print(b.Right, builder);
                break;
            case NotExpressionSyntax n:
                builder.Append("not ");
                Print(n.Operand, builder);
                break;
            case NegateExpressionSyntax n:
                builder.Append('-');
                Print(n.Operand, builder);
                break;
            case IsFlagExpressionSyntax i:
                Print(i.Operand, builder);
                builder.Append(i.Negated ? " is not " : " is ").Append(i.Value ? "yes" : "no");
                break;
            case ParenthesizedExpressionSyntax p:
                builder.Append('(');
                Print(p.Inner, builder);
                builder.Append(')');
                break;
            case QuantityExpressionSyntax q:
                builder.Append(Print(q.Quantity));
                break;
            case FlagLiteralExpressionSyntax f:
                builder.Append(f.Value ? "yes" : "no");
                break;
            case NameExpressionSyntax n:
                builder.Append(n.Name.Text);
                break;
            case CallExpressionSyntax c:
                builder.Append(c.Function.Text).Append('(');
                for (var i = 0; i < c.Arguments.Length; i++)
                {
                    if (i > 0)
                    {
                        builder.Append(", ");
                    }

                    switch (c.Arguments[i])
                    {
                        case WindowArgumentSyntax w:
                            builder.Append("last ").Append(Print(w.Window));
                            break;
                        case ExpressionArgumentSyntax e:
                            Print(e.Expression, builder);
                            break;
                    }
                }
                builder.Append(')');
                break;
            case WeightExpressionSyntax:
                builder.Append("weight");
                break;
            case DosesExpressionSyntax d:
                builder.Append(d.Held ? "doses held" : "doses given");
                break;
            case TimeSinceExpressionSyntax t:
                builder.Append("time since ").Append(t.Kind switch
                {
                    TimeSinceKind.LastDose => "last dose",
                    TimeSinceKind.FirstDose => "first dose",
                    _ => t.Event?.Text ?? "",
                });
                break;
            case AtLeastExpressionSyntax a:
                builder.Append("at least ").Append(a.Count.NumberText).Append(" of ").Append(a.Group.Text);
                break;
            default:
                builder.Append('?');
                break;
        }
    }
}
