using System.Collections.Immutable;
using IlTwo.Dsl.Text;

namespace IlTwo.Dsl.Syntax;

/// <summary>Base of our immutable syntax nodes. Every node knows its span in the source text.</summary>
public abstract record SyntaxNode(TextSpan Span)
{
    /// <summary>Direct children, in source order (used by tree walks: outline, folding, find-node-at-position).</summary>
    public abstract IEnumerable<SyntaxNode> Children { get; }

    public IEnumerable<SyntaxNode> DescendantsAndSelf()
    {
        var stack = new Stack<SyntaxNode>();
        stack.Push(this);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            yield return node;
            foreach (var child in node.Children.Reverse())
            {
                stack.Push(child);
            }
        }
    }

    protected static IEnumerable<SyntaxNode> Nodes(params SyntaxNode?[] nodes) => nodes.OfType<SyntaxNode>();
}

/// <summary>A name as written (an observation, rule id, reference, event...). Missing names have empty text.</summary>
public sealed record NameSyntax(string Text, TextSpan Span) : SyntaxNode(Span)
{
    public bool IsMissing => Text.Length == 0;

    public override IEnumerable<SyntaxNode> Children => [];

    public override string ToString() => Text;
}

/// <summary>A quoted string; <see cref="Value"/> has its escapes resolved.</summary>
public sealed record StringLiteralSyntax(string Value, TextSpan Span) : SyntaxNode(Span)
{
    public override IEnumerable<SyntaxNode> Children => [];
}

/// <summary>A UCUM unit code as written after a number (<c>mm[Hg]</c>, <c>mg/dL</c>, <c>h</c>).</summary>
public sealed record UnitSyntax(string Code, TextSpan Span) : SyntaxNode(Span)
{
    public override IEnumerable<SyntaxNode> Children => [];
}

/// <summary>A number with an optional unit: <c>90 mm[Hg]</c>, <c>8 h</c>, <c>2</c>.</summary>
public sealed record QuantitySyntax(double Value, string NumberText, TextSpan NumberSpan, UnitSyntax? Unit, TextSpan Span) : SyntaxNode(Span)
{
    public override IEnumerable<SyntaxNode> Children => Nodes(Unit);

    public override string ToString() => Unit is null ? NumberText : $"{NumberText} {Unit.Code}";
}

/// <summary>The root: every declaration of one .il2 file, in order.</summary>
public sealed record ProtocolFileSyntax(ImmutableArray<DeclarationSyntax> Declarations, TextSpan Span) : SyntaxNode(Span)
{
    public override IEnumerable<SyntaxNode> Children => Declarations;

    public IEnumerable<T> OfKind<T>() where T : DeclarationSyntax => Declarations.OfType<T>();
}
