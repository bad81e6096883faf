using System.Collections.Immutable;
using IlTwo.Dsl.Text;

namespace IlTwo.Dsl.Syntax;

public abstract record ExpressionSyntax(TextSpan Span) : SyntaxNode(Span);

public enum BinaryOperator
{
    Multiply,
    Divide,
    Add,
    Subtract,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    Equal,
    NotEqual,
    And,
    Or,
}

public static class BinaryOperatorFacts
{
    public static bool IsComparison(this BinaryOperator op) => op is >= BinaryOperator.Less and <= BinaryOperator.NotEqual;

    public static bool IsLogical(this BinaryOperator op) => op is BinaryOperator.And or BinaryOperator.Or;

    public static string Text(this BinaryOperator op) => op switch
    {
        BinaryOperator.Multiply => "x",
        BinaryOperator.Divide => "/",
        BinaryOperator.Add => "+",
        BinaryOperator.Subtract => "-",
        BinaryOperator.Less => "<",
        BinaryOperator.LessOrEqual => "<=",
        BinaryOperator.Greater => ">",
        BinaryOperator.GreaterOrEqual => ">=",
        BinaryOperator.Equal => "=",
        BinaryOperator.NotEqual => "!=",
        BinaryOperator.And => "and",
        BinaryOperator.Or => "or",
        _ => "?",
    };

    /// <summary>The comparison that holds when operands are swapped (a &lt; b ⇔ b &gt; a).</summary>
    public static BinaryOperator Mirror(this BinaryOperator kind) => kind switch
    {
        BinaryOperator.Less => BinaryOperator.Greater,
        BinaryOperator.LessOrEqual => BinaryOperator.GreaterOrEqual,
        BinaryOperator.Greater => BinaryOperator.Less,
        BinaryOperator.GreaterOrEqual => BinaryOperator.LessOrEqual,
        _ => kind,
    };

    /// <summary>The comparison that holds exactly when this one does not (for known values).</summary>
    public static BinaryOperator Negate(this BinaryOperator kind) => kind switch
    {
        BinaryOperator.Less => BinaryOperator.GreaterOrEqual,
        BinaryOperator.LessOrEqual => BinaryOperator.Greater,
        BinaryOperator.Greater => BinaryOperator.LessOrEqual,
        BinaryOperator.GreaterOrEqual => BinaryOperator.Less,
        BinaryOperator.Equal => BinaryOperator.NotEqual,
        BinaryOperator.NotEqual => BinaryOperator.Equal,
        _ => kind,
    };

    /// <summary>Binding strength, higher binds tighter (mirrors the grammar) — the formatter uses it to keep needed parentheses.</summary>
    public static int Precedence(this BinaryOperator op) => op switch
    {
        BinaryOperator.Multiply or BinaryOperator.Divide => 6,
        BinaryOperator.Add or BinaryOperator.Subtract => 5,
        BinaryOperator.Or => 1,
        BinaryOperator.And => 2,
        _ => 4,
    };
}

public sealed record BinaryExpressionSyntax(ExpressionSyntax Left, BinaryOperator Operator, TextSpan OperatorSpan, ExpressionSyntax Right, TextSpan Span) : ExpressionSyntax(Span)
{
    public override IEnumerable<SyntaxNode> Children => [Left, Right];
}

public sealed record NotExpressionSyntax(ExpressionSyntax Operand, TextSpan Span) : ExpressionSyntax(Span)
{
    public override IEnumerable<SyntaxNode> Children => [Operand];
}

public sealed record NegateExpressionSyntax(ExpressionSyntax Operand, TextSpan Span) : ExpressionSyntax(Span)
{
    public override IEnumerable<SyntaxNode> Children => [Operand];
}

/// <summary><c>confusion is yes</c>, <c>confusion is not yes</c>.</summary>
public sealed record IsFlagExpressionSyntax(ExpressionSyntax Operand, bool Negated, bool Value, TextSpan Span) : ExpressionSyntax(Span)
{
    public override IEnumerable<SyntaxNode> Children => [Operand];
}

public sealed record ParenthesizedExpressionSyntax(ExpressionSyntax Inner, TextSpan Span) : ExpressionSyntax(Span)
{
    public override IEnumerable<SyntaxNode> Children => [Inner];
}

public sealed record QuantityExpressionSyntax(QuantitySyntax Quantity) : ExpressionSyntax(Quantity.Span)
{
    public override IEnumerable<SyntaxNode> Children => [Quantity];
}

public sealed record FlagLiteralExpressionSyntax(bool Value, TextSpan Span) : ExpressionSyntax(Span)
{
    public override IEnumerable<SyntaxNode> Children => [];
}

/// <summary>A reference to an observation (its latest valid value) or a constant.</summary>
public sealed record NameExpressionSyntax(NameSyntax Name) : ExpressionSyntax(Name.Span)
{
    public override IEnumerable<SyntaxNode> Children => [Name];
}

/// <summary><c>sum(urine-output, last 8 h)</c>, <c>baseline(creatinine)</c>.</summary>
public sealed record CallExpressionSyntax(NameSyntax Function, ImmutableArray<ArgumentSyntax> Arguments, TextSpan OpenParenSpan, TextSpan Span) : ExpressionSyntax(Span)
{
    public override IEnumerable<SyntaxNode> Children => Nodes(Function).Concat(Arguments);
}

public abstract record ArgumentSyntax(TextSpan Span) : SyntaxNode(Span);

public sealed record ExpressionArgumentSyntax(ExpressionSyntax Expression) : ArgumentSyntax(Expression.Span)
{
    public override IEnumerable<SyntaxNode> Children => [Expression];
}

/// <summary><c>last 8 h</c>: the time window of an aggregate.</summary>
public sealed record WindowArgumentSyntax(QuantitySyntax Window, TextSpan Span) : ArgumentSyntax(Span)
{
    public override IEnumerable<SyntaxNode> Children => [Window];
}

/// <summary>The patient's weight from the record.</summary>
public sealed record WeightExpressionSyntax(TextSpan Span) : ExpressionSyntax(Span)
{
    public override IEnumerable<SyntaxNode> Children => [];
}

/// <summary><c>doses given</c> / <c>doses held</c> so far in the course.</summary>
public sealed record DosesExpressionSyntax(bool Held, TextSpan Span) : ExpressionSyntax(Span)
{
    public override IEnumerable<SyntaxNode> Children => [];
}

public enum TimeSinceKind
{
    Event,
    LastDose,
    FirstDose,
}

/// <summary><c>time since til-infusion</c>, <c>time since last dose</c>.</summary>
public sealed record TimeSinceExpressionSyntax(TimeSinceKind Kind, NameSyntax? Event, TextSpan Span) : ExpressionSyntax(Span)
{
    public override IEnumerable<SyntaxNode> Children => Nodes(Event);
}

/// <summary><c>at least 3 of relative</c>: true when at least <see cref="Count"/> rules of the group fire at this assessment.</summary>
public sealed record AtLeastExpressionSyntax(QuantitySyntax Count, NameSyntax Group, TextSpan Span) : ExpressionSyntax(Span)
{
    public override IEnumerable<SyntaxNode> Children => [Count, Group];
}

/// <summary>Stands where the parser could not build an expression; the error is already reported.</summary>
public sealed record ErrorExpressionSyntax(TextSpan Span) : ExpressionSyntax(Span)
{
    public override IEnumerable<SyntaxNode> Children => [];
}
