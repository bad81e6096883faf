namespace IlTwo.Runtime.Units;

/// <summary>A linear conversion <c>to = from * Factor + Offset</c> between two units.</summary>
public readonly record struct UnitConversion(double Factor, double Offset)
{
    public static UnitConversion Identity { get; } = new(1, 0);

    public double Apply(double value) => value * Factor + Offset;

    /// <summary>
    /// A charted value converted as the decimal number it was charted as, rounded once: 0.07 g/L is exactly 7 mg/dL,
    /// where 0.07 x 100 in doubles is 7.000000000000001 and would meet '&gt; 7 mg/dL'. Outside what a decimal holds
    /// (15 significant digits of the value and the factor), the double conversion.
    /// </summary>
    public double ApplyToCharted(double value)
    {
        if (Math.Abs(value) is > 1e-12 and < 1e12 && Math.Abs(Factor) is > 1e-12 and < 1e12 && Math.Abs(Offset) < 1e12)
        {
            return (double)(((decimal)value * (decimal)Factor) + (decimal)Offset);
        }

        return Apply(value);
    }
}
