using IlTwo.Runtime.Units;

namespace IlTwo.Dsl.Binding;

/// <summary>The type of a bound expression: a quantity of some dimension, yes/no, or an error (already reported).</summary>
public abstract record BoundType
{
    public static BoundType YesNo { get; } = new YesNoType();

    public static BoundType Error { get; } = new ErrorType();

    public static QuantityType Count { get; } = new(Dimension.Dimensionless);

    public static QuantityType Duration { get; } = new(Dimension.Time);

    public abstract string Describe();
}

public sealed record QuantityType(Dimension Dimension) : BoundType
{
    public bool IsDimensionless => Dimension.IsDimensionless;

    public override string Describe() => IsDimensionless ? "a plain number" : $"a {Dimension.Describe()}";
}

public sealed record YesNoType : BoundType
{
    public override string Describe() => "yes/no";
}

public sealed record ErrorType : BoundType
{
    public override string Describe() => "?";
}
