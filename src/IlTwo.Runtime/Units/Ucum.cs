using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace IlTwo.Runtime.Units;

/// <summary>Entry point: parse UCUM codes, test commensurability and build conversions.</summary>
public static class Ucum
{
    // Only valid codes are cached, and only so many: arbitrary user input must not grow it without limit.
    private const int MaxCacheEntries = 10_000;

    private static readonly ConcurrentDictionary<string, UcumUnit> Cache = new(StringComparer.Ordinal);

    private static readonly string[] Common =
    [
        "mm[Hg]", "kPa", "mg/dL", "umol/L", "mmol/L", "meq/L", "mL/h", "mL/kg", "mL/kg/h", "mL", "L", "L/min",
        "mL/d", "L/d", "/min", "%", "[iU]/kg", "[iU]", "ug/kg/min", "kg", "g", "Cel", "[degF]", "K", "h", "min",
        "s", "d", "10*3/uL", "/uL", "10*9/L", "U/L", "ng/mL", "ng/L",
    ];

    // Also seeds the cache, so the common units are always shared instances.
    private static readonly UcumUnit[] CommonParsed = Common.Select(Parse).ToArray();

    /// <summary>Codes offered by editor completion.</summary>
    public static IReadOnlyList<string> CommonUnits { get; } = Array.AsReadOnly(Common);

    /// <summary>The unit atoms this implementation knows (metric ones also take prefixes).</summary>
    public static IReadOnlyList<string> SupportedAtoms { get; } = UcumTable.Atoms.Keys.ToArray();

    /// <summary>Parses a case-sensitive UCUM code. Never throws; <paramref name="error"/> is user-facing.</summary>
    public static bool TryParse(
        string code,
        [NotNullWhen(true)] out UcumUnit? unit,
        [NotNullWhen(false)] out string? error)
    {
        if (code is null)
        {
            unit = null;
            error = "empty unit code";
            return false;
        }

        if (Cache.TryGetValue(code, out unit))
        {
            error = null;
            return true;
        }

        if (!TryParseUncached(code, out unit, out error))
        {
            return false;
        }

        if (Cache.Count < MaxCacheEntries)
        {
            unit = Cache.GetOrAdd(code, unit);
        }

        return true;
    }

    /// <summary>For known-good constants and tests: throws <see cref="FormatException"/> on bad codes.</summary>
    public static UcumUnit Parse(string code) =>
        TryParse(code, out var unit, out var error) ? unit : throw new FormatException(error);

    /// <summary>The UCUM spelling of a common mistake (mmHg → mm[Hg], mEq/L → meq/L), or null.</summary>
    public static string? SuggestionFor(string code) =>
        code is null ? null : UcumSuggestions.For(code, c => UcumParser.TryParse(c, out _, out _));

    /// <summary>Same dimension, including the same arbitrary units by name.</summary>
    public static bool AreCommensurable(UcumUnit a, UcumUnit b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return a.Dimension == b.Dimension;
    }

    /// <summary>
    /// Conversion from one unit to another. Mass and amount of substance (mg/dL ↔ umol/L, mg ↔ mmol)
    /// convert only through <paramref name="molarMassGramsPerMole"/>; everything else needs equal dimensions.
    /// </summary>
    public static bool TryGetConversion(
        UcumUnit from,
        UcumUnit to,
        double? molarMassGramsPerMole,
        out UnitConversion conversion,
        [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        conversion = UnitConversion.Identity;
        error = null;

        if (from.Dimension == to.Dimension)
        {
            // to = (from * Ff + Of - Ot) / Ft, folded exactly.
            var factor = from.ExactFactor / to.ExactFactor;
            var offset = (from.ExactOffset - to.ExactOffset) / to.ExactFactor;
            conversion = new UnitConversion(factor.ToDouble(), offset.ToDouble());
            return true;
        }

        var difference = from.Dimension.Divide(to.Dimension);
        if (!from.Dimension.SameArbitraryUnits(to.Dimension))
        {
            error = $"cannot convert '{from.Code}' ({from.Dimension.Describe()}) to '{to.Code}' ({to.Dimension.Describe()}): "
                + "arbitrary units such as [iU] convert only to the same arbitrary unit";
            return false;
        }

        // Mass <-> amount: the dimensions differ by (g/mol)^k, e.g. k = 1 for mg/dL -> umol/L.
        var k = difference.MassExponent;
        if (k != 0 && difference == new Dimension(mass: k, amount: -k) && !from.IsSpecial && !to.IsSpecial)
        {
            if (molarMassGramsPerMole is not { } molarMass)
            {
                error = $"converting '{from.Code}' ({from.Dimension.Describe()}) to '{to.Code}' ({to.Dimension.Describe()}) "
                    + "needs a molar mass (g/mol) of the substance";
                return false;
            }

            if (!double.IsFinite(molarMass) || molarMass <= 0)
            {
                error = $"the molar mass must be a positive number of g/mol, got {molarMass}";
                return false;
            }

            var ratio = (from.ExactFactor / to.ExactFactor).ToDouble();
            conversion = new UnitConversion(ratio * Math.Pow(molarMass, -k), 0);
            return true;
        }

        error = $"cannot convert '{from.Code}' ({from.Dimension.Describe()}) to '{to.Code}' ({to.Dimension.Describe()}): "
            + "the units are not commensurable";
        return false;
    }

    /// <summary>
    /// A number written as decimal text in <paramref name="from"/>, expressed in <paramref name="to"/> of the same
    /// dimension: computed exactly and rounded once, so 0.08 L is exactly 80 mL (0.08 x 1000 in doubles need not be).
    /// Null when the text is not a plain decimal or the dimensions differ.
    /// </summary>
    public static double? ConvertExactly(string decimalText, UcumUnit from, UcumUnit to)
    {
        ArgumentNullException.ThrowIfNull(decimalText);
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        var digits = decimalText.StartsWith('-') ? decimalText[1..] : decimalText;
        if (from.Dimension != to.Dimension || digits.Length is 0 or > 40 || digits.Count(c => c == '.') > 1 || !digits.All(c => c is '.' || char.IsAsciiDigit(c)) || digits is ".")
        {
            return null;
        }

        var value = Ratio.Parse(decimalText);
        return ((value * from.ExactFactor + from.ExactOffset - to.ExactOffset) / to.ExactFactor).ToDouble();
    }

    /// <summary>Common units with the same dimension as <paramref name="unit"/>, for editor completion.</summary>
    public static IEnumerable<string> CommonUnitsCommensurableWith(UcumUnit unit)
    {
        ArgumentNullException.ThrowIfNull(unit);
        return CommonParsed.Where(u => AreCommensurable(u, unit)).Select(u => u.Code);
    }

    private static bool TryParseUncached(
        string code,
        [NotNullWhen(true)] out UcumUnit? unit,
        [NotNullWhen(false)] out string? error)
    {
        if (UcumParser.TryParse(code, out var result, out error))
        {
            unit = new UcumUnit(code, result.Dimension, result.Factor, result.Offset);
            return true;
        }

        // Hints matter most for unknown atoms (mmHg, mEq) and stray characters (µg, °C, spaces).
        var suggestion = SuggestionFor(code);
        if (suggestion is not null)
        {
            error += $" (UCUM writes {suggestion})";
        }

        unit = null;
        return false;
    }
}
