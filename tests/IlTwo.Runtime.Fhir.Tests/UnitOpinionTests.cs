using Fhir.Metrics;
using IlTwo.Runtime.Units;

namespace IlTwo.Runtime.Fhir.Tests;

/// <summary>
/// The reader converts with IlTwo.Runtime.Units.Ucum (the engine's own converter). Fhir.Metrics is the second opinion:
/// every unit the synthetic courses and fixtures use must be valid UCUM for it too, with the same conversion factor to the
/// declared unit (canonical values divided; Celsius and arbitrary units are not used here, see the notes on Fhir.Metrics).
/// </summary>
public sealed class UnitOpinionTests
{
    [Theory]
    [InlineData("kPa", "mm[Hg]")]
    [InlineData("mm[Hg]", "mm[Hg]")]
    [InlineData("/min", "/min")]
    [InlineData("%", "%")]
    [InlineData("L/min", "L/min")]
    [InlineData("L", "mL")]
    [InlineData("10*9/L", "10*3/uL")]
    [InlineData("ug/kg/min", "ug/kg/min")]
    [InlineData("mmol/L", "mmol/L")]
    [InlineData("kg", "g")]
    public void Our_conversion_agrees_with_fhir_metrics(string from, string to)
    {
        var system = UCUM.Load();
        double Canonical(string unit) => (double)system.Canonical(system.Quantity("1", unit)).Value.ToDecimal();
        var expected = Canonical(from) / Canonical(to);
        Assert.True(Ucum.TryGetConversion(Ucum.Parse(from), Ucum.Parse(to), null, out var conversion, out var error), error);
        Assert.Equal(expected, conversion.Apply(1), 6);
    }

    [Fact]
    public void Text_units_that_are_not_ucum_are_refused_by_both()
    {
        var system = UCUM.Load();
        Assert.False(Ucum.TryParse("mmHg", out _, out _));
        Assert.ThrowsAny<Exception>(() => system.Canonical(system.Quantity("1", "mmHg")));
    }
}
