using System.Collections.Immutable;
using IlTwo.Dsl.Syntax;
using IlTwo.Runtime.Protocols;

namespace IlTwo.Dsl.Binding;

/// <summary>
/// A bound, typed expression. Every number is folded into canonical UCUM base units at bind time
/// (mm[Hg] → Pa, mL → m3, h → s), so the emitter and interpreter compare plain doubles.
/// </summary>
public abstract record BoundExpression(BoundType Type, SyntaxNode? Syntax)
{
    /// <summary>Which kind of node this is: switch on it (without <c>_</c>) so that a new kind breaks the build where it must be handled.</summary>
    public abstract BoundNodeKind NodeKind { get; }
}

/// <summary>
/// One value per bound expression record. Switches over bound expressions end in an exhaustive switch on this kind
/// instead of <c>_</c>: adding a value makes every such switch fail to compile (CS8509) until the new kind is handled.
/// </summary>
public enum BoundNodeKind
{
    QuantityLiteral,
    FlagLiteral,
    ConstantReference,
    ObservationValue,
    Aggregate,
    Baseline,
    Weight,
    Doses,
    TimeSince,
    Binary,
    Not,
    Negate,
    IsFlag,
    AtLeast,
    Error,
}

/// <summary>A number in canonical units; <see cref="Unit"/> is the code as written (null for a bare number).</summary>
public sealed record BoundQuantityLiteral(double Value, string? Unit, double WrittenValue, QuantityType QuantityType, SyntaxNode? Syntax)
    : BoundExpression(QuantityType, Syntax)
{
    public override BoundNodeKind NodeKind => BoundNodeKind.QuantityLiteral;

    /// <summary>A number written without a unit (not a folded product of quantities).</summary>
    public bool IsBareNumber => Unit is null && QuantityType.IsDimensionless;
}

public sealed record BoundFlagLiteral(bool Value, SyntaxNode? Syntax) : BoundExpression(BoundType.YesNo, Syntax)
{
    public override BoundNodeKind NodeKind => BoundNodeKind.FlagLiteral;
}

public sealed record BoundConstantReference(ConstantSymbol Constant, SyntaxNode? Syntax) : BoundExpression(Constant.Type, Syntax)
{
    public override BoundNodeKind NodeKind => BoundNodeKind.ConstantReference;
}

/// <summary>The latest value of an observation within its recency window.</summary>
public sealed record BoundObservationValue(ObservationSymbol Observation, SyntaxNode? Syntax) : BoundExpression(Observation.Type, Syntax)
{
    public override BoundNodeKind NodeKind => BoundNodeKind.ObservationValue;
}

/// <summary>An aggregate over the values in <c>last N</c>.</summary>
public sealed record BoundAggregate(AggregateKind Kind, ObservationSymbol Observation, double WindowSeconds, string WindowText, BoundType ResultType, SyntaxNode? Syntax)
    : BoundExpression(ResultType, Syntax)
{
    public override BoundNodeKind NodeKind => BoundNodeKind.Aggregate;
}

/// <summary>The latest value before the first dose.</summary>
public sealed record BoundBaseline(ObservationSymbol Observation, SyntaxNode? Syntax) : BoundExpression(Observation.Type, Syntax)
{
    public override BoundNodeKind NodeKind => BoundNodeKind.Baseline;
}

public sealed record BoundWeight(SyntaxNode? Syntax) : BoundExpression(new QuantityType(Runtime.Units.Dimension.Mass), Syntax)
{
    public override BoundNodeKind NodeKind => BoundNodeKind.Weight;
}

public sealed record BoundDoses(bool Held, SyntaxNode? Syntax) : BoundExpression(BoundType.Count, Syntax)
{
    public override BoundNodeKind NodeKind => BoundNodeKind.Doses;
}

public sealed record BoundTimeSince(TimeSinceKind Kind, EventSymbol? Event, SyntaxNode? Syntax) : BoundExpression(BoundType.Duration, Syntax)
{
    public override BoundNodeKind NodeKind => BoundNodeKind.TimeSince;
}

public sealed record BoundBinary(BoundExpression Left, BinaryOperator Kind, BoundExpression Right, BoundType ResultType, SyntaxNode? Syntax)
    : BoundExpression(ResultType, Syntax)
{
    public override BoundNodeKind NodeKind => BoundNodeKind.Binary;
}

public sealed record BoundNot(BoundExpression Operand, SyntaxNode? Syntax) : BoundExpression(BoundType.YesNo, Syntax)
{
    public override BoundNodeKind NodeKind => BoundNodeKind.Not;
}

public sealed record BoundNegate(BoundExpression Operand, SyntaxNode? Syntax) : BoundExpression(Operand.Type, Syntax)
{
    public override BoundNodeKind NodeKind => BoundNodeKind.Negate;
}

/// <summary><c>x is yes</c> / <c>x is not no</c>: true when the flag equals <see cref="Expected"/>.</summary>
public sealed record BoundIsFlag(BoundExpression Operand, bool Expected, SyntaxNode? Syntax) : BoundExpression(BoundType.YesNo, Syntax)
{
    public override BoundNodeKind NodeKind => BoundNodeKind.IsFlag;
}

/// <summary>
/// <c>at least 3 of relative</c>: how many rules of the group have a true <c>when</c> at this assessment, three-valued
/// (true when at least <see cref="Count"/> are true, false when true + unknown &lt; Count, else unknown). The members are
/// the effective protocol's rules listing the group (so an extension's rules count too).
/// </summary>
public sealed record BoundAtLeast(int Count, string Group, SyntaxNode? Syntax) : BoundExpression(BoundType.YesNo, Syntax)
{
    public override BoundNodeKind NodeKind => BoundNodeKind.AtLeast;

    /// <summary>
    /// The <c>when</c> of each member rule of the effective protocol, in rule order (resolved once every rule is bound);
    /// default (unresolved) only where the binder reported an error (a count that reads itself).
    /// </summary>
    public ImmutableArray<BoundExpression> Members { get; init; }
}

/// <summary>Stands for an expression that failed to bind; its error is already reported.</summary>
public sealed record BoundErrorExpression(SyntaxNode? Syntax) : BoundExpression(BoundType.Error, Syntax)
{
    public override BoundNodeKind NodeKind => BoundNodeKind.Error;
}
