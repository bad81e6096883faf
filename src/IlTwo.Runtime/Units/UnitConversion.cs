namespace IlTwo.Runtime.Units;

/// <summary>A linear conversion <c>to = from * Factor + Offset</c> between two units.</summary>
public readonly record struct UnitConversion(double Factor, double Offset)
{
    public static UnitConversion Identity { get; } = new(1, 0);

    public double Apply(double value) => value * Factor + Offset;
}
