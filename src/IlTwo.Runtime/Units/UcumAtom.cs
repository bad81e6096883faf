namespace IlTwo.Runtime.Units;

/// <summary>One UCUM unit atom, already reduced to our base units (m, g, s, mol, K).</summary>
/// <param name="Code">Case-sensitive UCUM code.</param>
/// <param name="Factor">Value of one atom in base units.</param>
/// <param name="Offset">Added after scaling; non-zero only for the special units Cel and [degF].</param>
/// <param name="IsMetric">Whether metric prefixes may be applied.</param>
internal sealed record UcumAtom(string Code, string Name, Ratio Factor, Dimension Dimension, bool IsMetric, Ratio Offset)
{
    public bool IsSpecial => !Offset.IsZero;
}

/// <summary>The UCUM subset we support, transcribed from ucum-essence.xml (version 2.1).</summary>
internal static class UcumTable
{
    private static readonly Dimension Pressure = Dimension.Pressure;

    // Pa = N/m2 = kg/(m.s2) = 1000 g.m-1.s-2.
    private static readonly Ratio Pascal = Ratio.FromInteger(1000);

    public static IReadOnlyDictionary<string, UcumAtom> Atoms { get; } = Build(
    [
        // Base units (mol is a base unit here, not a count: see Dimension).
        Atom("m", "meter", "1", Dimension.Length, metric: true),
        Atom("g", "gram", "1", Dimension.Mass, metric: true),
        Atom("s", "second", "1", Dimension.Time, metric: true),
        Atom("mol", "mole", "1", Dimension.Amount, metric: true),
        Atom("K", "kelvin", "1", Dimension.Temperature, metric: true),

        // Special (offset) temperature scales: K = Cel + 273.15; K = ([degF] + 459.67) * 5/9.
        new UcumAtom("Cel", "degree Celsius", Ratio.One, Dimension.Temperature, true, Ratio.Parse("273.15")),
        new UcumAtom("[degF]", "degree Fahrenheit", Ratio.Of(5, 9), Dimension.Temperature, false,
            Ratio.Parse("459.67") * Ratio.Of(5, 9)),

        // Time: UCUM's mo and a are the mean Julian month and year.
        Atom("min", "minute", "60", Dimension.Time),
        Atom("h", "hour", "3600", Dimension.Time),
        Atom("d", "day", "86400", Dimension.Time),
        Atom("wk", "week", "604800", Dimension.Time),
        Atom("a_j", "mean Julian year", "31557600", Dimension.Time),
        Atom("a", "year", "31557600", Dimension.Time),
        Atom("mo_j", "mean Julian month", "2629800", Dimension.Time),
        Atom("mo", "month", "2629800", Dimension.Time),
        Atom("Hz", "hertz", "1", Dimension.Rate, metric: true),

        // Volume: L and l are both valid UCUM (dm3).
        Atom("L", "liter", "0.001", Dimension.Volume, metric: true),
        Atom("l", "liter", "0.001", Dimension.Volume, metric: true),

        // Pressure. mm[Hg] is the prefix m on the metric atom m[Hg] (133.322 kPa).
        new UcumAtom("Pa", "pascal", Pascal, Pressure, true, Ratio.Zero),
        new UcumAtom("bar", "bar", Ratio.PowerOfTen(5) * Pascal, Pressure, true, Ratio.Zero),
        new UcumAtom("atm", "standard atmosphere", Ratio.FromInteger(101325) * Pascal, Pressure, false, Ratio.Zero),
        new UcumAtom("m[Hg]", "meter of mercury column", Ratio.Parse("133322") * Pascal, Pressure, true, Ratio.Zero),
        new UcumAtom("m[H2O]", "meter of water column", Ratio.Parse("9806.65") * Pascal, Pressure, true, Ratio.Zero),

        // Mechanics, for completeness of pressure-related codes.
        Atom("N", "newton", "1000", new Dimension(length: 1, mass: 1, time: -2), metric: true),
        Atom("J", "joule", "1000", new Dimension(length: 2, mass: 1, time: -2), metric: true),
        Atom("W", "watt", "1000", new Dimension(length: 2, mass: 1, time: -3), metric: true),

        // Mass.
        Atom("t", "tonne", "1000000", Dimension.Mass, metric: true),
        Atom("[lb_av]", "pound", "453.59237", Dimension.Mass),
        Atom("[oz_av]", "ounce", "28.349523125", Dimension.Mass),

        // Length.
        Atom("[in_i]", "inch", "0.0254", Dimension.Length),
        Atom("[ft_i]", "foot", "0.3048", Dimension.Length),

        // Amount of substance: eq and osm are 1 mol in UCUM; U = umol/min; kat = mol/s.
        Atom("eq", "equivalents", "1", Dimension.Amount, metric: true),
        Atom("osm", "osmole", "1", Dimension.Amount, metric: true),
        new UcumAtom("U", "enzyme unit", Ratio.Of(1, 60_000_000), new Dimension(amount: 1, time: -1), true, Ratio.Zero),
        Atom("kat", "katal", "1", new Dimension(amount: 1, time: -1), metric: true),

        // Arbitrary units: tracked by name. [IU] is defined in UCUM as 1 [iU].
        new UcumAtom("[iU]", "international unit", Ratio.One, Dimension.Arbitrary("[iU]"), true, Ratio.Zero),
        new UcumAtom("[IU]", "international unit", Ratio.One, Dimension.Arbitrary("[iU]"), true, Ratio.Zero),
        new UcumAtom("[arb'U]", "arbitrary unit", Ratio.One, Dimension.Arbitrary("[arb'U]"), true, Ratio.Zero),

        // Dimensionless numbers.
        Atom("%", "percent", "0.01", Dimension.Dimensionless),
        Atom("[ppth]", "parts per thousand", "0.001", Dimension.Dimensionless),
        Atom("[ppm]", "parts per million", "0.000001", Dimension.Dimensionless),
        Atom("10*", "the number ten for arbitrary powers", "10", Dimension.Dimensionless),
        Atom("10^", "the number ten for arbitrary powers", "10", Dimension.Dimensionless),
    ]);

    /// <summary>Metric prefixes; "da" is the only two-letter one.</summary>
    public static IReadOnlyDictionary<string, int> Prefixes { get; } = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["Y"] = 24,
        ["Z"] = 21,
        ["E"] = 18,
        ["P"] = 15,
        ["T"] = 12,
        ["G"] = 9,
        ["M"] = 6,
        ["k"] = 3,
        ["h"] = 2,
        ["da"] = 1,
        ["d"] = -1,
        ["c"] = -2,
        ["m"] = -3,
        ["u"] = -6,
        ["n"] = -9,
        ["p"] = -12,
        ["f"] = -15,
        ["a"] = -18,
        ["z"] = -21,
        ["y"] = -24,
    };

    private static UcumAtom Atom(string code, string name, string factor, Dimension dimension, bool metric = false) =>
        new(code, name, Ratio.Parse(factor), dimension, metric, Ratio.Zero);

    private static Dictionary<string, UcumAtom> Build(UcumAtom[] atoms) =>
        atoms.ToDictionary(a => a.Code, StringComparer.Ordinal);
}
