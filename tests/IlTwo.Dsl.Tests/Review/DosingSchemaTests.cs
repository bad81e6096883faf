using IlTwo.Dsl.Evaluation;
using IlTwo.Dsl.Rendering;

namespace IlTwo.Dsl.Tests.Review;

public sealed class DosingSchemaTests
{
    private static DosePlan Plan(string name) =>
        DosePlan.For(new ProtocolInterpreter(TestProtocols.Compile(TestProtocols.Shipped(name))).Info.Regimen)!;

    [Fact]
    public void Monotherapy_is_two_cycles_of_14_doses_every_8_hours_from_day_1_and_day_15()
    {
        var plan = Plan("hd-il2-monotherapy");

        Assert.Equal(28, plan.Doses.Length);
        Assert.Equal([14, 14], plan.Cycles.Select(c => c.Doses));
        Assert.Equal(0, plan.Doses[0].Hours);
        Assert.Equal(13 * 8, plan.Doses[13].Hours);
        Assert.Equal(14 * 24, plan.Doses[14].Hours);
        Assert.Equal("day 5, 08:00", plan.When(plan.Doses[13].Hours));
        Assert.False(plan.AxisInHours);
        Assert.Null(plan.Window);
    }

    [Fact]
    public void Post_til_is_six_doses_starting_at_the_window_after_the_infusion()
    {
        var plan = Plan("post-til-il2");

        Assert.Equal(6, plan.Doses.Length);
        Assert.Single(plan.Cycles);
        Assert.Equal(3, plan.Doses[0].Hours);
        Assert.Equal(3 + 5 * 8, plan.Doses[^1].Hours);
        Assert.Equal("til-infusion", plan.Window!.Event);
        Assert.Equal(12, plan.MaxIntervalHours);
        Assert.True(plan.AxisInHours);
    }

    [Theory]
    [InlineData("hd-il2-monotherapy", 28)]
    [InlineData("post-til-il2", 6)]
    public void The_svg_has_one_marker_per_dose_and_shows_the_caps(string name, int doses)
    {
        var svg = DosingSchema.Svg(Plan(name));

        Assert.Equal(doses, svg.Split("class=\"dose-marker\"").Length - 1);
        Assert.Contains($"data-doses=\"{doses}\"", svg, StringComparison.Ordinal);
        Assert.Contains($"max {doses} doses per course", svg, StringComparison.Ordinal);
        Assert.Contains("class=\"cap\"", svg, StringComparison.Ordinal);
    }

    [Fact]
    public void A_regimen_without_an_interval_has_no_plan()
    {
        Assert.Null(DosePlan.For(new IlTwo.Runtime.Protocols.RegimenInfo()));
    }

    [Fact]
    public void A_regimen_without_caps_draws_five_days()
    {
        var plan = DosePlan.For(new IlTwo.Runtime.Protocols.RegimenInfo { MinIntervalSeconds = 8 * 3600 })!;

        Assert.True(plan.Uncapped);
        Assert.Equal(15, plan.Doses.Length);
    }
}
