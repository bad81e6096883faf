using System.Globalization;
using System.Text;

namespace IlTwo.Runtime.Units;

/// <summary>
/// Exponents of the base quantities length (m), mass (g), time (s), amount of substance (mol)
/// and temperature (K), plus arbitrary units tracked by atom name.
/// </summary>
/// <remarks>
/// Unlike UCUM's canonical form, mol is its own base quantity (never 6.022e23 counts), so umol/L
/// and /uL stay apart; arbitrary units ([iU], [arb'U]) never cancel into "1", so [iU]/kg differs
/// from /kg and from [arb'U]/kg.
/// </remarks>
public readonly record struct Dimension
{
    // Sorted by name, no zero exponents; null means none.
    private readonly KeyValuePair<string, int>[]? _arbitrary;

    public Dimension(int length = 0, int mass = 0, int time = 0, int amount = 0, int temperature = 0)
    {
        LengthExponent = length;
        MassExponent = mass;
        TimeExponent = time;
        AmountExponent = amount;
        TemperatureExponent = temperature;
    }

    private Dimension(int length, int mass, int time, int amount, int temperature, KeyValuePair<string, int>[]? arbitrary)
        : this(length, mass, time, amount, temperature)
    {
        // Kept by name: a dose in [iU] must never compare equal to a plain count.
        _arbitrary = arbitrary is { Length: > 0 } ? arbitrary : null;
    }

    public int LengthExponent { get; init; }

    public int MassExponent { get; init; }

    public int TimeExponent { get; init; }

    /// <summary>Amount of substance (mol, eq, osm, kat, U).</summary>
    public int AmountExponent { get; init; }

    public int TemperatureExponent { get; init; }

    /// <summary>Arbitrary units by canonical atom name (e.g. "[iU]") with their exponents, sorted by name.</summary>
    public IReadOnlyList<KeyValuePair<string, int>> ArbitraryUnits => _arbitrary ?? [];

    public bool HasArbitraryUnits => _arbitrary is not null;

    public bool IsDimensionless => IsBaseDimensionless && _arbitrary is null;

    private bool IsBaseDimensionless => LengthExponent == 0 && MassExponent == 0 && TimeExponent == 0 && AmountExponent == 0 && TemperatureExponent == 0;

    public static Dimension Dimensionless { get; }

    public static Dimension Length { get; } = new(length: 1);

    public static Dimension Mass { get; } = new(mass: 1);

    public static Dimension Time { get; } = new(time: 1);

    public static Dimension Amount { get; } = new(amount: 1);

    public static Dimension Temperature { get; } = new(temperature: 1);

    public static Dimension Volume { get; } = new(length: 3);

    public static Dimension Pressure { get; } = new(length: -1, mass: 1, time: -2);

    public static Dimension MassConcentration { get; } = new(length: -3, mass: 1);

    public static Dimension SubstanceConcentration { get; } = new(length: -3, amount: 1);

    public static Dimension NumberConcentration { get; } = new(length: -3);

    public static Dimension VolumeRate { get; } = new(length: 3, time: -1);

    /// <summary>Per time, e.g. /min (heart rate) or ug/kg/min (mass cancels).</summary>
    public static Dimension Rate { get; } = new(time: -1);

    public static Dimension VolumePerMass { get; } = new(length: 3, mass: -1);

    /// <summary>A single arbitrary unit such as [iU], with no base quantities.</summary>
    public static Dimension Arbitrary(string atomName) =>
        new(0, 0, 0, 0, 0, [new KeyValuePair<string, int>(atomName, 1)]);

    public Dimension Multiply(Dimension other) => new(
        LengthExponent + other.LengthExponent,
        MassExponent + other.MassExponent,
        TimeExponent + other.TimeExponent,
        AmountExponent + other.AmountExponent,
        TemperatureExponent + other.TemperatureExponent,
        CombineArbitrary(_arbitrary, other._arbitrary, 1));

    public Dimension Divide(Dimension other) => Multiply(other.Pow(-1));

    public Dimension Pow(int exponent) => new(
        LengthExponent * exponent,
        MassExponent * exponent,
        TimeExponent * exponent,
        AmountExponent * exponent,
        TemperatureExponent * exponent,
        exponent == 0 ? null : _arbitrary?.Select(p => new KeyValuePair<string, int>(p.Key, p.Value * exponent)).ToArray());

    internal bool SameArbitraryUnits(Dimension other) => ArbitraryEquals(_arbitrary, other._arbitrary);

    private static readonly Dictionary<Dimension, string> Names = new()
    {
        [Dimensionless] = "fraction",
        [new(length: 1)] = "length",
        [new(length: 2)] = "area",
        [new(length: 3)] = "volume",
        [new(mass: 1)] = "mass",
        [new(time: 1)] = "time",
        [new(amount: 1)] = "amount of substance",
        [new(temperature: 1)] = "temperature",
        [new(time: -1)] = "rate (per time)",
        [new(mass: -1)] = "per mass",
        [new(length: -3)] = "number concentration",
        [new(length: -3, mass: 1)] = "mass concentration",
        [new(length: -3, amount: 1)] = "substance concentration",
        [new(amount: 1, mass: -1)] = "substance content (per mass)",
        [new(length: -1, mass: 1, time: -2)] = "pressure",
        [new(length: 3, time: -1)] = "volume rate",
        [new(length: 3, mass: -1)] = "volume per mass",
        [new(length: 3, mass: -1, time: -1)] = "volume rate per mass",
        [new(mass: 1, time: -1)] = "mass rate",
        [new(amount: 1, time: -1)] = "catalytic activity",
        [new(length: -3, amount: 1, time: -1)] = "catalytic activity concentration",
        [new(length: 1, time: -1)] = "velocity",
        [new(length: 1, mass: 1, time: -2)] = "force",
        [new(length: 2, mass: 1, time: -2)] = "energy",
        [new(length: 2, mass: 1, time: -3)] = "power",
        [new(length: -2, mass: 1)] = "mass per area",
    };

    /// <summary>Human words where known ("pressure", "mass concentration"), else the exponent form ("L-3.M").</summary>
    public string Describe()
    {
        if (_arbitrary is null)
        {
            return Names.TryGetValue(this, out var name) ? name : ExponentForm();
        }

        if (IsBaseDimensionless && _arbitrary is [{ Value: 1 } single])
        {
            return $"arbitrary units ({single.Key})";
        }

        return ExponentForm();
    }

    /// <summary>Exponent form such as "L-3.M" or "[iU].M-1"; "1" when dimensionless.</summary>
    public string ExponentForm()
    {
        var sb = new StringBuilder();
        Append(sb, "L", LengthExponent);
        Append(sb, "M", MassExponent);
        Append(sb, "T", TimeExponent);
        Append(sb, "N", AmountExponent);
        Append(sb, "Θ", TemperatureExponent);
        foreach (var (name, exponent) in ArbitraryUnits)
        {
            Append(sb, name, exponent);
        }

        return sb.Length == 0 ? "1" : sb.ToString();
    }

    public override string ToString() => ExponentForm();

    public bool Equals(Dimension other) =>
        LengthExponent == other.LengthExponent
        && MassExponent == other.MassExponent
        && TimeExponent == other.TimeExponent
        && AmountExponent == other.AmountExponent
        && TemperatureExponent == other.TemperatureExponent
        && ArbitraryEquals(_arbitrary, other._arbitrary);

    public override int GetHashCode()
    {
        var hash = HashCode.Combine(LengthExponent, MassExponent, TimeExponent, AmountExponent, TemperatureExponent);
        foreach (var (name, exponent) in ArbitraryUnits)
        {
            hash = HashCode.Combine(hash, StringComparer.Ordinal.GetHashCode(name), exponent);
        }

        return hash;
    }

    private static void Append(StringBuilder sb, string symbol, int exponent)
    {
        if (exponent == 0)
        {
            return;
        }

        if (sb.Length > 0)
        {
            sb.Append('.');
        }

        sb.Append(symbol);
        if (exponent != 1)
        {
            sb.Append(exponent.ToString(CultureInfo.InvariantCulture));
        }
    }

    private static bool ArbitraryEquals(KeyValuePair<string, int>[]? a, KeyValuePair<string, int>[]? b)
    {
        if (a is null || b is null)
        {
            return a is null && b is null;
        }

        return a.AsSpan().SequenceEqual(b);
    }

    private static KeyValuePair<string, int>[]? CombineArbitrary(
        KeyValuePair<string, int>[]? a, KeyValuePair<string, int>[]? b, int sign)
    {
        if (b is null)
        {
            return a;
        }

        var sums = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var (name, exponent) in a ?? [])
        {
            sums[name] = exponent;
        }

        foreach (var (name, exponent) in b)
        {
            sums[name] = sums.GetValueOrDefault(name) + (sign * exponent);
        }

        return sums.Where(p => p.Value != 0).ToArray();
    }
}
