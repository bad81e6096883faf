using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text;
using IlTwo.Dsl.Syntax;
using IlTwo.Dsl.Text;

namespace IlTwo.Dsl.Tests.Infrastructure;

/// <summary>
/// Dumps our syntax tree as indented text: one line per node with its kind, its scalar values and its span as
/// <c>line:col-line:col</c> (one-based). Generic over the node records, so a new node kind shows up without changes here.
/// </summary>
public static class SyntaxDumper
{
    public static string Dump(SyntaxNode node, SourceText text)
    {
        var builder = new StringBuilder();
        Dump(node, text, builder, 0);
        return builder.ToString();
    }

    private static void Dump(SyntaxNode node, SourceText text, StringBuilder builder, int depth)
    {
        builder.Append(' ', depth * 2).Append(Kind(node));
        foreach (var property in node.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).OrderBy(p => p.MetadataToken))
        {
            if (property.Name is "Span" or "EqualityContract" || property.GetIndexParameters().Length > 0)
            {
                continue;
            }

            var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (type == typeof(TextSpan) || typeof(SyntaxNode).IsAssignableFrom(type) || (typeof(IEnumerable).IsAssignableFrom(type) && type != typeof(string)))
            {
                continue;
            }

            var value = property.GetValue(node);
            builder.Append(' ').Append(property.Name).Append('=').Append(Format(value));
        }
        builder.Append(" @").Append(Span(node.Span, text)).Append('\n');
        foreach (var child in node.Children)
        {
            Dump(child, text, builder, depth + 1);
        }
    }

    public static string Kind(SyntaxNode node)
    {
        var name = node.GetType().Name;
        return name.EndsWith("Syntax", StringComparison.Ordinal) ? name[..^"Syntax".Length] : name;
    }

    public static string Span(TextSpan span, SourceText text)
    {
        var start = text.GetLinePosition(span.Start);
        var end = text.GetLinePosition(span.End);
        return $"{start.Line + 1}:{start.Character + 1}-{end.Line + 1}:{end.Character + 1}";
    }

    private static string Format(object? value) => value switch
    {
        null => "null",
        string s => "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal) + "\"",
        bool b => b ? "true" : "false",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}

/// <summary>Prints an expression tree fully parenthesised in prefix form, to pin down precedence and associativity.</summary>
public static class ExpressionShape
{
    public static string Of(ExpressionSyntax expression) => expression switch
    {
        BinaryExpressionSyntax b => $"({b.Operator.Text()} {Of(b.Left)} {Of(b.Right)})",
        NotExpressionSyntax n => $"(not {Of(n.Operand)})",
        NegateExpressionSyntax n => $"(neg {Of(n.Operand)})",
        IsFlagExpressionSyntax i => $"(is{(i.Negated ? "-not" : "")} {Of(i.Operand)} {(i.Value ? "yes" : "no")})",
        ParenthesizedExpressionSyntax p => $"[{Of(p.Inner)}]",
        QuantityExpressionSyntax q => q.Quantity.Unit is null ? q.Quantity.NumberText : $"{q.Quantity.NumberText}{q.Quantity.Unit.Code}",
        FlagLiteralExpressionSyntax f => f.Value ? "yes" : "no",
        NameExpressionSyntax n => n.Name.Text,
        CallExpressionSyntax c => $"{c.Function.Text}({string.Join(", ", c.Arguments.Select(a => a switch
        {
            WindowArgumentSyntax w => $"last {w.Window}",
            ExpressionArgumentSyntax e => Of(e.Expression),
            _ => "?",
        }))})",
        WeightExpressionSyntax => "weight",
        DosesExpressionSyntax d => d.Held ? "doses-held" : "doses-given",
        TimeSinceExpressionSyntax t => t.Kind switch
        {
            TimeSinceKind.LastDose => "since-last-dose",
            TimeSinceKind.FirstDose => "since-first-dose",
            _ => $"since-{t.Event?.Text}",
        },
        ErrorExpressionSyntax => "<error>",
        _ => "?",
    };
}
