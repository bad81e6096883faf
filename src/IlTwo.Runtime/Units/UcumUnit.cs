namespace IlTwo.Runtime.Units;

/// <summary>A parsed UCUM unit: value in base units (m, g, s, mol, K) = value * Factor + Offset.</summary>
public sealed class UcumUnit
{
    internal UcumUnit(string code, Dimension dimension, Ratio exactFactor, Ratio exactOffset)
    {
        Code = code;
        Dimension = dimension;
        ExactFactor = exactFactor;
        ExactOffset = exactOffset;
        Factor = exactFactor.ToDouble();
        Offset = exactOffset.ToDouble();
    }

    /// <summary>The code as written, e.g. "mm[Hg]".</summary>
    public string Code { get; }

    public Dimension Dimension { get; }

    /// <summary>Scale to canonical base units (g, not kg; mol kept as mol).</summary>
    public double Factor { get; }

    /// <summary>Non-zero only for the offset scales Cel and [degF].</summary>
    public double Offset { get; }

    public bool IsSpecial => Offset != 0;

    // Exact values so that conversion factors are rounded once, not twice.
    internal Ratio ExactFactor { get; }

    internal Ratio ExactOffset { get; }

    public override string ToString() => Code;
}
