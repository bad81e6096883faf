using IlTwo.Runtime.Units;

namespace IlTwo.Runtime.Tests.Units;

public sealed class UcumParseTests
{
    [Theory]
    [InlineData("m", 1.0)]
    [InlineData("km", 1000.0)]
    [InlineData("g", 1.0)]
    [InlineData("kg", 1000.0)]
    [InlineData("mg", 1e-3)]
    [InlineData("ug", 1e-6)]
    [InlineData("s", 1.0)]
    [InlineData("min", 60.0)]
    [InlineData("h", 3600.0)]
    [InlineData("d", 86400.0)]
    [InlineData("wk", 604800.0)]
    [InlineData("mo", 2629800.0)] // mean Julian month, 30.4375 d
    [InlineData("a", 31557600.0)] // Julian year, 365.25 d
    [InlineData("L", 1e-3)]
    [InlineData("l", 1e-3)]
    [InlineData("mL", 1e-6)]
    [InlineData("dL", 1e-4)]
    [InlineData("uL", 1e-9)]
    [InlineData("mol", 1.0)]
    [InlineData("umol", 1e-6)]
    [InlineData("meq", 1e-3)]
    [InlineData("Pa", 1000.0)] // g.m-1.s-2
    [InlineData("kPa", 1e6)]
    [InlineData("bar", 1e8)]
    [InlineData("mm[Hg]", 133322.0)] // 133.322 Pa
    [InlineData("cm[H2O]", 98066.5)] // 98.0665 Pa
    [InlineData("U", 1e-6 / 60)]
    [InlineData("kat", 1.0)]
    [InlineData("%", 0.01)]
    [InlineData("[ppm]", 1e-6)]
    [InlineData("10*3", 1000.0)]
    [InlineData("10^3", 1000.0)]
    [InlineData("10*-3", 0.001)]
    [InlineData("1000", 1000.0)]
    [InlineData("1", 1.0)]
    [InlineData("[iU]", 1.0)]
    [InlineData("k[iU]", 1000.0)]
    [InlineData("[IU]", 1.0)]
    [InlineData("m2", 1.0)]
    [InlineData("cm2", 1e-4)]
    [InlineData("s-1", 1.0)]
    [InlineData("/min", 1.0 / 60)]
    [InlineData("/min{beats}", 1.0 / 60)]
    [InlineData("{beats}/min", 1.0 / 60)]
    [InlineData("{cells}", 1.0)]
    [InlineData("mL/kg/h", 1e-9 / 3600)]
    [InlineData("mL/(kg.h)", 1e-9 / 3600)]
    [InlineData("ug/kg/min", 1e-9 / 60)]
    [InlineData("10*3/uL", 1e12)]
    [InlineData("10*9/L", 1e12)]
    [InlineData("/uL", 1e9)]
    [InlineData("K", 1.0)]
    [InlineData("Cel", 1.0)]
    [InlineData("[degF]", 5.0 / 9)]
    public void Factor_is_the_value_in_base_units(string code, double factor)
    {
        var unit = Ucum.Parse(code);

        Assert.Equal(code, unit.Code);
        AssertRelative(factor, unit.Factor);
    }

    [Theory]
    [InlineData("Cel", 273.15)]
    [InlineData("Cel{oral}", 273.15)]
    [InlineData("[degF]", 459.67 * 5 / 9)]
    [InlineData("K", 0.0)]
    [InlineData("mm[Hg]", 0.0)]
    public void Only_Celsius_and_Fahrenheit_have_offsets(string code, double offset)
    {
        var unit = Ucum.Parse(code);

        Assert.Equal(offset, unit.Offset, 1e-9);
        Assert.Equal(offset != 0, unit.IsSpecial);
    }

    [Theory]
    [InlineData("mm[Hg]", "pressure")]
    [InlineData("kPa", "pressure")]
    [InlineData("mg/dL", "mass concentration")]
    [InlineData("ng/mL", "mass concentration")]
    [InlineData("umol/L", "substance concentration")]
    [InlineData("meq/L", "substance concentration")]
    [InlineData("mL/h", "volume rate")]
    [InlineData("L/min", "volume rate")]
    [InlineData("h", "time")]
    [InlineData("/min", "rate (per time)")]
    [InlineData("ug/kg/min", "rate (per time)")]
    [InlineData("mL/kg", "volume per mass")]
    [InlineData("mL/kg/h", "volume rate per mass")]
    [InlineData("kg", "mass")]
    [InlineData("mL", "volume")]
    [InlineData("%", "fraction")]
    [InlineData("10*3", "fraction")]
    [InlineData("Cel", "temperature")]
    [InlineData("[degF]", "temperature")]
    [InlineData("/uL", "number concentration")]
    [InlineData("10*9/L", "number concentration")]
    [InlineData("U/L", "catalytic activity concentration")]
    [InlineData("[iU]", "arbitrary units ([iU])")]
    [InlineData("[iU]/kg", "M-1.[iU]")]
    [InlineData("g2/L3", "L-9.M2")]
    [InlineData("m.s-3", "L.T-3")]
    public void Describe_uses_words_where_known(string code, string description) =>
        Assert.Equal(description, Ucum.Parse(code).Dimension.Describe());

    [Theory]
    [InlineData("%")]
    [InlineData("1")]
    [InlineData("10*3")]
    [InlineData("{beats}")]
    [InlineData("[ppm]")]
    [InlineData("mg/kg")]
    public void Dimensionless_units(string code) => Assert.True(Ucum.Parse(code).Dimension.IsDimensionless);

    [Theory]
    [InlineData("[iU]")] // tracked by name, so not a plain number
    [InlineData("/min")]
    [InlineData("umol/L")]
    public void Not_dimensionless(string code) => Assert.False(Ucum.Parse(code).Dimension.IsDimensionless);

    [Fact]
    public void Dimension_statics_match_parsed_units()
    {
        Assert.Equal(Dimension.Time, Ucum.Parse("h").Dimension);
        Assert.Equal(Dimension.Pressure, Ucum.Parse("mm[Hg]").Dimension);
        Assert.Equal(Dimension.MassConcentration, Ucum.Parse("mg/dL").Dimension);
        Assert.Equal(Dimension.SubstanceConcentration, Ucum.Parse("mmol/L").Dimension);
        Assert.Equal(Dimension.NumberConcentration, Ucum.Parse("10*9/L").Dimension);
        Assert.Equal(Dimension.VolumeRate, Ucum.Parse("mL/h").Dimension);
        Assert.Equal(Dimension.Rate, Ucum.Parse("/min").Dimension);
        Assert.Equal(Dimension.VolumePerMass, Ucum.Parse("mL/kg").Dimension);
        Assert.Equal(Dimension.Temperature, Ucum.Parse("Cel").Dimension);
        Assert.Equal(Dimension.Amount, Ucum.Parse("meq").Dimension);
        Assert.Equal(Dimension.Dimensionless, Ucum.Parse("%").Dimension);
        Assert.Equal(Dimension.Arbitrary("[iU]").Divide(Dimension.Mass), Ucum.Parse("[iU]/kg").Dimension);
    }

    [Fact]
    public void Arbitrary_units_cancel_only_against_themselves()
    {
        var perKg = Ucum.Parse("[iU]/kg").Dimension;
        var cancelled = perKg.Divide(Ucum.Parse("[iU]").Dimension);

        Assert.Equal(Dimension.Mass.Pow(-1), cancelled);
        Assert.False(cancelled.HasArbitraryUnits);
        Assert.Equal(perKg.GetHashCode(), Ucum.Parse("[IU]/g").Dimension.GetHashCode());
    }

    [Theory]
    [InlineData("mL", "ML")] // milliliter vs megaliter
    [InlineData("mg", "Mg")]
    [InlineData("ms", "Ms")]
    public void Codes_are_case_sensitive(string lower, string upper) =>
        Assert.Equal(1e9, Ucum.Parse(upper).Factor / Ucum.Parse(lower).Factor, 1e-3);

    [Fact]
    public void Percent_is_dimensionless_one_hundredth()
    {
        var percent = Ucum.Parse("%");

        Assert.True(percent.Dimension.IsDimensionless);
        Assert.Equal(0.01, percent.Factor);
    }

    [Fact]
    public void Division_is_left_to_right_and_a_leading_slash_inverts()
    {
        Assert.Equal(Ucum.Parse("mL/(kg.h)").Factor, Ucum.Parse("mL/kg/h").Factor);
        Assert.NotEqual(Ucum.Parse("mL/(kg/h)").Dimension, Ucum.Parse("mL/kg/h").Dimension);
        Assert.Equal(Ucum.Parse("min-1").Factor, Ucum.Parse("/min").Factor);
        Assert.Equal(Ucum.Parse("min-1").Dimension, Ucum.Parse("/min").Dimension);
    }

    [Theory]
    [InlineData("", "empty unit code")]
    [InlineData("   ", "empty unit code")]
    [InlineData("mg//dL", "expected a unit after '/' at position 4 in 'mg//dL'")]
    [InlineData("mg/", "expected a unit after '/' at end of 'mg/'")]
    [InlineData("kg^", "unknown unit atom 'kg^' in 'kg^'")]
    [InlineData("kg^2", "UCUM writes exponents as plain digits")]
    [InlineData("mmHg", "unknown unit atom 'mmHg' in 'mmHg' (UCUM writes mm[Hg])")]
    [InlineData("mEq/L", "unknown unit atom 'mEq' in 'mEq/L' (UCUM writes meq/L)")]
    [InlineData("mg / dL", "unexpected space at position 3")]
    [InlineData("µg", "invalid character 'µ' at position 1 in 'µg' (UCUM codes are plain ASCII; micro is 'u') (UCUM writes ug)")]
    [InlineData("MG", "unknown unit atom 'MG'")]
    [InlineData("kmin", "prefix 'k' cannot be used with the non-metric unit 'min' in 'kmin'")]
    [InlineData("k%", "prefix 'k' cannot be used with the non-metric unit '%'")]
    [InlineData("(mL/h", "missing ')' for '(' at position 1 in '(mL/h'")]
    [InlineData("mL)", "unmatched ')' at position 3 in 'mL)'")]
    [InlineData("[iU", "missing ']' for '['")]
    [InlineData("/min{beats", "missing '}' for '{'")]
    [InlineData("m-", "exponent sign without digits")]
    [InlineData("-1", "exponent '-1' without a unit")]
    [InlineData("m999", "exponent '999' is out of range")]
    [InlineData("m/0", "division by zero")]
    [InlineData("0", "factor of '0' is out of range")]
    [InlineData("Ym99", "out of range")]
    [InlineData("Cel/h", "'Cel' is a special unit with an offset and cannot be combined")]
    [InlineData("/Cel", "'Cel' is a special unit")]
    [InlineData("Cel2", "'Cel' is a special unit")]
    [InlineData("[degF].10*3", "'[degF]' is a special unit")]
    [InlineData("mm[hg]", "unknown unit atom 'mm[hg]'")] // UCUM codes are case-sensitive
    public void Invalid_codes_give_clean_errors(string code, string expectedFragment)
    {
        Assert.False(Ucum.TryParse(code, out var unit, out var error));
        Assert.Null(unit);
        Assert.Contains(expectedFragment, error, StringComparison.Ordinal);

        var thrown = Assert.Throws<FormatException>(() => Ucum.Parse(code));
        Assert.Equal(error, thrown.Message);
    }

    [Fact]
    public void Parse_results_are_cached_and_thread_safe()
    {
        var codes = Ucum.CommonUnits.ToArray();
        var results = new UcumUnit[2000];

        Parallel.For(0, results.Length, i => results[i] = Ucum.Parse(codes[i % codes.Length]));

        for (var i = 0; i < results.Length; i++)
        {
            Assert.Same(Ucum.Parse(codes[i % codes.Length]), results[i]);
        }
    }

    [Fact]
    public void Long_codes_are_rejected_without_deep_recursion()
    {
        Assert.False(Ucum.TryParse(new string('(', 20) + "m" + new string(')', 20), out _, out var nested));
        Assert.Contains("nested too deeply", nested, StringComparison.Ordinal);
        Assert.False(Ucum.TryParse(string.Join('.', Enumerable.Repeat("m", 200)), out _, out var tooLong));
        Assert.Contains("longer than", tooLong, StringComparison.Ordinal);
    }

    [Fact]
    public void Random_strings_never_make_TryParse_throw()
    {
        const string alphabet = "mgsLlhdkuµ%[]{}()./*^-+0123456789 iUCelK'_aHbPw\t°";
        var random = new Random(20_240_216);
        var seeds = Ucum.CommonUnits.ToArray();
        var accepted = 0;

        for (var i = 0; i < 20_000; i++)
        {
            var code = i % 2 == 0
                ? RandomString(random, alphabet, random.Next(0, 16))
                : Mutate(random, seeds[random.Next(seeds.Length)], alphabet);

            var ok = Ucum.TryParse(code, out var unit, out var error);
            _ = Ucum.SuggestionFor(code);

            if (ok)
            {
                accepted++;
                Assert.True(double.IsFinite(unit!.Factor) && unit.Factor > 0, code);
                Assert.True(double.IsFinite(unit.Offset), code);
                _ = unit.Dimension.Describe();
            }
            else
            {
                Assert.False(string.IsNullOrWhiteSpace(error), code);
            }
        }

        // The generator must exercise the success path too, or the test proves little.
        Assert.True(accepted > 500, $"only {accepted} accepted");
    }

    private static string RandomString(Random random, string alphabet, int length) =>
        new(Enumerable.Range(0, length).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());

    private static string Mutate(Random random, string code, string alphabet)
    {
        var chars = code.ToList();
        var edits = random.Next(0, 3);
        for (var e = 0; e < edits; e++)
        {
            var at = random.Next(chars.Count + 1);
            switch (random.Next(3))
            {
                case 0:
                    chars.Insert(at, alphabet[random.Next(alphabet.Length)]);
                    break;
                case 1 when at < chars.Count:
                    chars.RemoveAt(at);
                    break;
                default:
                    if (at < chars.Count)
                    {
                        chars[at] = alphabet[random.Next(alphabet.Length)];
                    }

                    break;
            }
        }

        return new string(chars.ToArray());
    }

    internal static void AssertRelative(double expected, double actual, double tolerance = 1e-12) =>
        Assert.True(
            Math.Abs(actual - expected) <= tolerance * Math.Abs(expected),
            $"expected {expected:R}, got {actual:R}");
}
