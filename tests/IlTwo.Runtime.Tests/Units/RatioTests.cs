using IlTwo.Runtime.Units;

namespace IlTwo.Runtime.Tests.Units;

public sealed class RatioTests
{
    [Theory]
    [InlineData("133.322", 133.322)]
    [InlineData("273.15", 273.15)]
    [InlineData("-459.67", -459.67)]
    [InlineData("0.000001", 1e-6)]
    [InlineData("28.349523125", 28.349523125)]
    public void Decimal_literals_are_exact_and_round_to_the_nearest_double(string text, double expected) =>
        Assert.Equal(expected, Ratio.Parse(text).ToDouble());

    [Fact]
    public void Quotients_round_once()
    {
        Assert.Equal(1.0 / 3, Ratio.Of(1, 3).ToDouble());
        Assert.Equal(5.0 / 9, Ratio.Of(5, 9).ToDouble());
        Assert.Equal(1e-24, Ratio.PowerOfTen(-24).ToDouble());
        Assert.Equal(1e24, Ratio.PowerOfTen(24).ToDouble());
        Assert.Equal(1.0, (Ratio.PowerOfTen(3) / Ratio.PowerOfTen(-9) / (Ratio.PowerOfTen(9) / Ratio.Parse("0.001"))).ToDouble());
    }

    [Fact]
    public void Arithmetic_is_exact()
    {
        var fahrenheitOffset = Ratio.Parse("459.67") * Ratio.Of(5, 9);

        Assert.Equal(Ratio.FromInteger(32), (Ratio.Parse("273.15") - fahrenheitOffset) / Ratio.Of(5, 9));
        Assert.Equal(Ratio.One, Ratio.Of(2, 3) * Ratio.Of(3, 2));
        Assert.Equal(Ratio.Of(1, 8), Ratio.Of(2, 1).Pow(-3));
        Assert.True(default(Ratio).IsZero);
        Assert.Equal(0.0, default(Ratio).ToDouble());
    }
}
