using IlTwo.Runtime.Units;

namespace IlTwo.Runtime.Tests.Units;

public sealed class UcumConversionTests
{
    private const double CreatinineMolarMass = 113.12;

    [Theory]
    [InlineData(11.0, "kPa", "mm[Hg]", 82.5, 0.05)]
    [InlineData(82.5, "mm[Hg]", "kPa", 11.0, 0.01)]
    [InlineData(25000.0, "/uL", "10*3/uL", 25.0, 1e-9)]
    [InlineData(30.0, "10*3/uL", "/uL", 30000.0, 1e-6)]
    [InlineData(150.0, "10*3/uL", "10*9/L", 150.0, 1e-12)]
    [InlineData(1.0, "h", "min", 60.0, 1e-12)]
    [InlineData(1.0, "h", "s", 3600.0, 1e-12)]
    [InlineData(60.0, "min", "s", 3600.0, 1e-12)]
    [InlineData(1.0, "d", "h", 24.0, 1e-12)]
    [InlineData(1.0, "wk", "d", 7.0, 1e-12)]
    [InlineData(1.0, "mo", "d", 30.4375, 1e-9)]
    [InlineData(1.0, "a", "d", 365.25, 1e-9)]
    [InlineData(37.0, "Cel", "[degF]", 98.6, 1e-9)]
    [InlineData(98.6, "[degF]", "Cel", 37.0, 1e-9)]
    [InlineData(-40.0, "Cel", "[degF]", -40.0, 1e-9)]
    [InlineData(0.0, "Cel", "K", 273.15, 1e-9)]
    [InlineData(310.15, "K", "Cel", 37.0, 1e-9)]
    [InlineData(32.0, "[degF]", "K", 273.15, 1e-9)]
    [InlineData(1.0, "L", "mL", 1000.0, 1e-9)]
    [InlineData(1.0, "L/min", "mL/h", 60000.0, 1e-6)]
    [InlineData(1.0, "mmol/L", "meq/L", 1.0, 1e-12)]
    [InlineData(1.0, "mmol/L", "umol/L", 1000.0, 1e-9)]
    [InlineData(1.0, "ng/mL", "ng/L", 1000.0, 1e-9)]
    [InlineData(1.0, "mg/dL", "ng/mL", 10000.0, 1e-6)]
    [InlineData(1.0, "kg", "g", 1000.0, 1e-12)]
    [InlineData(1.0, "[iU]/kg", "[IU]/g", 0.001, 1e-15)]
    [InlineData(720000.0, "[iU]/kg", "k[iU]/kg", 720.0, 1e-9)]
    [InlineData(1.0, "ug/kg/min", "mg/kg/h", 0.06, 1e-12)]
    [InlineData(50.0, "%", "1", 0.5, 1e-12)]
    [InlineData(1.0, "U/L", "ukat/L", 1.0 / 60, 1e-12)]
    [InlineData(1.0, "/min", "/h", 60.0, 1e-12)]
    [InlineData(1.0, "/min{beats}", "/min", 1.0, 0.0)]
    [InlineData(1.0, "mL/kg/h", "mL/(kg.h)", 1.0, 0.0)]
    public void Converts_commensurable_units(double value, string from, string to, double expected, double tolerance)
    {
        Assert.True(Ucum.AreCommensurable(Ucum.Parse(from), Ucum.Parse(to)));
        Assert.True(Ucum.TryGetConversion(Ucum.Parse(from), Ucum.Parse(to), null, out var conversion, out var error), error);
        Assert.Equal(expected, conversion.Apply(value), tolerance);
    }

    [Fact]
    public void Platelet_units_are_exactly_equivalent()
    {
        var perMicroliter = Ucum.Parse("10*3/uL");
        var perLiter = Ucum.Parse("10*9/L");

        Assert.Equal(perMicroliter.Factor, perLiter.Factor);
        Assert.Equal(perMicroliter.Dimension, perLiter.Dimension);
        Assert.True(Ucum.TryGetConversion(perMicroliter, perLiter, null, out var conversion, out _));
        Assert.Equal(UnitConversion.Identity, conversion);
    }

    [Theory]
    [InlineData(1.0, "mg/dL", "umol/L", 88.4, 0.05)]
    [InlineData(88.4, "umol/L", "mg/dL", 1.0, 0.001)]
    [InlineData(1.2, "mg/dL", "umol/L", 106.1, 0.05)]
    [InlineData(113.12, "mg", "mmol", 1.0, 1e-12)]
    [InlineData(1.0, "mmol", "mg", 113.12, 1e-9)]
    public void Mass_and_substance_convert_through_molar_mass(double value, string from, string to, double expected, double tolerance)
    {
        Assert.False(Ucum.AreCommensurable(Ucum.Parse(from), Ucum.Parse(to)));
        Assert.True(Ucum.TryGetConversion(Ucum.Parse(from), Ucum.Parse(to), CreatinineMolarMass, out var conversion, out var error), error);
        Assert.Equal(expected, conversion.Apply(value), tolerance);
        Assert.Equal(0.0, conversion.Offset);
    }

    [Fact]
    public void Bilirubin_factor_follows_from_its_molar_mass()
    {
        // Bilirubin 584.66 g/mol: the conventional 17.1 umol/L per mg/dL.
        Assert.True(Ucum.TryGetConversion(Ucum.Parse("mg/dL"), Ucum.Parse("umol/L"), 584.66, out var conversion, out _));
        Assert.Equal(17.1, conversion.Factor, 0.01);
    }

    [Theory]
    [InlineData("mg/dL", "umol/L")]
    [InlineData("umol/L", "mg/dL")]
    [InlineData("g", "mol")]
    public void Mass_to_substance_without_molar_mass_is_an_error(string from, string to)
    {
        Assert.False(Ucum.TryGetConversion(Ucum.Parse(from), Ucum.Parse(to), null, out _, out var error));
        Assert.Contains("needs a molar mass (g/mol)", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-113.12)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Molar_mass_must_be_positive(double molarMass)
    {
        Assert.False(Ucum.TryGetConversion(Ucum.Parse("mg/dL"), Ucum.Parse("umol/L"), molarMass, out _, out var error));
        Assert.Contains("molar mass must be a positive number", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("umol/L", "/uL")] // mol is never collapsed into a count
    [InlineData("mmol/L", "10*9/L")]
    [InlineData("[iU]/kg", "/kg")] // arbitrary units are tracked by name
    [InlineData("[iU]/kg", "[arb'U]/kg")]
    [InlineData("[iU]", "1")]
    [InlineData("mL/h", "mL/kg")]
    [InlineData("mL/kg/h", "mL/h")]
    [InlineData("ug/kg/min", "ug/min")]
    [InlineData("mm[Hg]", "cm")]
    [InlineData("Cel", "s")]
    [InlineData("U/L", "umol/L")]
    [InlineData("%", "/min")]
    public void Incommensurable_units_do_not_convert(string from, string to)
    {
        var a = Ucum.Parse(from);
        var b = Ucum.Parse(to);

        Assert.False(Ucum.AreCommensurable(a, b));
        Assert.False(Ucum.AreCommensurable(b, a));
        // A molar mass must not open a back door either.
        Assert.False(Ucum.TryGetConversion(a, b, CreatinineMolarMass, out _, out var error));
        Assert.Contains($"'{from}'", error, StringComparison.Ordinal);
        Assert.Contains($"'{to}'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Incommensurable_error_names_both_dimensions()
    {
        Assert.False(Ucum.TryGetConversion(Ucum.Parse("mL/h"), Ucum.Parse("mL/kg"), null, out _, out var error));
        Assert.Equal("cannot convert 'mL/h' (volume rate) to 'mL/kg' (volume per mass): the units are not commensurable", error);
    }

    [Fact]
    public void Arbitrary_unit_mismatch_explains_itself()
    {
        Assert.False(Ucum.TryGetConversion(Ucum.Parse("[iU]/kg"), Ucum.Parse("/kg"), null, out _, out var error));
        Assert.Contains("arbitrary units such as [iU] convert only to the same arbitrary unit", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Conversion_round_trips()
    {
        var pairs = new[] { ("Cel", "[degF]"), ("kPa", "mm[Hg]"), ("mL/kg/h", "L/kg/d"), ("K", "[degF]") };
        foreach (var (from, to) in pairs)
        {
            Assert.True(Ucum.TryGetConversion(Ucum.Parse(from), Ucum.Parse(to), null, out var there, out _));
            Assert.True(Ucum.TryGetConversion(Ucum.Parse(to), Ucum.Parse(from), null, out var back, out _));
            Assert.Equal(42.0, back.Apply(there.Apply(42.0)), 1e-9);
        }
    }

    [Fact]
    public void Identity_conversion_leaves_values_alone()
    {
        Assert.Equal(new UnitConversion(1, 0), UnitConversion.Identity);
        Assert.Equal(12.5, UnitConversion.Identity.Apply(12.5));
    }

    [Fact]
    public void Common_units_all_parse()
    {
        foreach (var code in new[]
        {
            "mm[Hg]", "kPa", "mg/dL", "umol/L", "mmol/L", "meq/L", "mL/h", "mL/kg", "mL/kg/h", "mL", "L", "L/min", "/min",
            "%", "[iU]/kg", "[iU]", "ug/kg/min", "kg", "g", "Cel", "[degF]", "K", "h", "min", "s", "d", "10*3/uL", "/uL",
            "10*9/L", "U/L", "ng/mL", "ng/L",
        })
        {
            Assert.Contains(code, Ucum.CommonUnits);
        }

        Assert.All(Ucum.CommonUnits, code => Assert.True(Ucum.TryParse(code, out _, out var error), error));
        Assert.Equal(Ucum.CommonUnits.Count, Ucum.CommonUnits.Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [InlineData("mm[Hg]", "mm[Hg] kPa")]
    [InlineData("Cel", "Cel [degF] K")]
    [InlineData("mg/dL", "mg/dL ng/mL ng/L")]
    [InlineData("umol/L", "umol/L mmol/L meq/L")]
    [InlineData("/uL", "10*3/uL /uL 10*9/L")]
    [InlineData("mL/h", "mL/h L/min mL/d L/d")]
    [InlineData("[iU]/kg", "[iU]/kg")]
    [InlineData("s", "h min s d")]
    [InlineData("/h", "/min ug/kg/min")] // mass per mass cancels, as in UCUM
    [InlineData("ug/kg/min", "/min ug/kg/min")]
    [InlineData("m", "")]
    public void Common_units_commensurable_with(string code, string expected) =>
        Assert.Equal(
            expected.Split(' ', StringSplitOptions.RemoveEmptyEntries),
            Ucum.CommonUnitsCommensurableWith(Ucum.Parse(code)).ToArray());
}
