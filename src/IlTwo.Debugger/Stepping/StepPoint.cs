using IlTwo.Dsl.Binding;
using IlTwo.Dsl.Text;

namespace IlTwo.Debugger.Stepping;

public enum StepKind
{
    /// <summary>The start of a scenario: its patient laid out, no rule evaluated yet.</summary>
    Scenario,

    /// <summary>A rule about to be evaluated (its value is shown: the interpreter has no side effects).</summary>
    Rule,

    /// <summary>A part of a rule's condition: the whole <c>when</c>, a side of <c>and</c>/<c>or</c>, a comparison.</summary>
    Condition,
}

/// <summary>
/// A place the debugger can stop at. <see cref="Depth"/> is the stack depth: 0 scenario, 1 rule, 2 and more the
/// condition and its parts; <see cref="Parent"/> the enclosing place (the stack below it).
/// </summary>
public sealed record StepPoint(StepKind Kind, int Scenario, int Rule, BoundExpression? Node, int Depth, SourceText Source, TextSpan Span, StepPoint? Parent)
{
    public LinePosition Start => Source.GetLinePosition(Span.Start);

    public LinePosition End => Source.GetLinePosition(Span.End);

    public IEnumerable<StepPoint> Stack
    {
        get
        {
            for (var p = this; p is not null; p = p.Parent)
            {
                yield return p;
            }
        }
    }
}
