using IlTwo.Runtime.Units;

namespace IlTwo.Runtime.Tests.Units;

public sealed class UcumSuggestionTests
{
    [Theory]
    [InlineData("mmHg", "mm[Hg]")]
    [InlineData("mEq/L", "meq/L")]
    [InlineData("IU/kg", "[iU]/kg")]
    [InlineData("IU", "[iU]")]
    [InlineData("bpm", "/min")]
    [InlineData("degC", "Cel")]
    [InlineData("°C", "Cel")]
    [InlineData("°F", "[degF]")]
    [InlineData("mcg", "ug")]
    [InlineData("mcg/kg/min", "ug/kg/min")]
    [InlineData("µg/kg/min", "ug/kg/min")]
    [InlineData("μmol/L", "umol/L")]
    [InlineData("cc", "mL")]
    [InlineData("cc/hr", "mL/h")]
    [InlineData("cmH2O", "cm[H2O]")]
    [InlineData("x10^9/L", "10*9/L")]
    [InlineData("M/uL", "10*6/uL")]
    [InlineData("mOsm/kg", "mosm/kg")]
    [InlineData(" mg/dL ", "mg/dL")]
    public void Suggests_the_UCUM_spelling(string code, string suggestion)
    {
        Assert.False(Ucum.TryParse(code, out _, out var error));
        Assert.Equal(suggestion, Ucum.SuggestionFor(code));
        Assert.EndsWith($"(UCUM writes {suggestion})", error, StringComparison.Ordinal);
        Assert.True(Ucum.TryParse(suggestion, out _, out _));
    }

    [Theory]
    [InlineData("K/uL", "10*3/uL")] // kelvin per microliter
    [InlineData("K/mm3", "10*3/uL")]
    public void Flags_valid_codes_that_are_clinical_traps(string code, string suggestion)
    {
        Assert.True(Ucum.TryParse(code, out var unit, out _));
        Assert.False(Ucum.AreCommensurable(unit, Ucum.Parse(suggestion)));
        Assert.Equal(suggestion, Ucum.SuggestionFor(code));
    }

    [Theory]
    [InlineData("mg/dL")] // already valid
    [InlineData("mm[Hg]")]
    [InlineData("furlong")]
    [InlineData("")]
    [InlineData("mg//dL")]
    public void No_suggestion_when_valid_or_unknown(string code) => Assert.Null(Ucum.SuggestionFor(code));

    [Fact]
    public void Aliases_are_never_accepted_silently()
    {
        foreach (var code in new[] { "mmHg", "mEq/L", "IU/kg", "bpm", "degC", "mcg", "cc" })
        {
            Assert.False(Ucum.TryParse(code, out _, out _), code);
        }
    }
}
