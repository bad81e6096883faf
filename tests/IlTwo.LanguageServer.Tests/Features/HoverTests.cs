using IlTwo.LanguageServer.Protocol;
using static IlTwo.LanguageServer.Tests.Features.ProtocolFiles;

namespace IlTwo.LanguageServer.Tests.Features;

public sealed class HoverTests
{
    private static async Task<string?> HoverAsync(string text, Position position, Uri? uri = null)
    {
        uri ??= ChildUri;
        await using var client = await StartWithAsync((uri, text));
        var result = await client.RequestAsync("textDocument/hover", new HoverParams(new TextDocumentIdentifier(uri), position));
        return result.ValueKind == System.Text.Json.JsonValueKind.Null ? null : result.GetProperty("contents").GetProperty("value").GetString();
    }

    [Fact]
    public async Task An_inherited_observation_shows_title_loinc_unit_window_and_range()
    {
        var text = ChildText;
        var hover = await HoverAsync(text, PositionOf(text, "creatinine >= 2.5", 2));

        Assert.NotNull(hover);
        Assert.Contains("Serum creatinine", hover, StringComparison.Ordinal);
        Assert.Contains("2160-0", hover, StringComparison.Ordinal);
        Assert.Contains("Creatinine [Mass/volume] in Serum or Plasma", hover, StringComparison.Ordinal);
        Assert.Contains("mg/dL", hover, StringComparison.Ordinal);
        Assert.Contains("12 h", hover, StringComparison.Ordinal); // the post-TIL override's window, not the base's 24 h
        Assert.Contains("0.2 mg/dL to 15 mg/dL", hover, StringComparison.Ordinal);
        Assert.Contains("hd-il2-monotherapy", hover, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_override_shows_both_conditions_and_its_citations()
    {
        var text = ChildText;
        var hover = await HoverAsync(text, PositionOf(text, "override hold rule creatinine-high", "override hold rule ".Length + 2));

        Assert.NotNull(hover);
        Assert.Contains("when creatinine >= 2.5 mg/dL", hover, StringComparison.Ordinal);
        Assert.Contains("Replaces `creatinine-high` from protocol `hd-il2-monotherapy`", hover, StringComparison.Ordinal);
        Assert.Contains("Betof Warner", hover, StringComparison.Ordinal);
        Assert.Contains("sCr 2.5-2.9 mg/dL", hover, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reference_shows_its_title_and_doi()
    {
        var text = ChildText;
        var hover = await HoverAsync(text, PositionOf(text, "cite chesney-2022", 6));

        Assert.NotNull(hover);
        Assert.Contains("Efficacy and safety of lifileucel", hover, StringComparison.Ordinal);
        Assert.Contains("10.1136/jitc-2022-005755", hover, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_quantity_compared_with_an_observation_shows_it_in_the_observations_unit()
    {
        var text = ChildText.Replace("when creatinine >= 2.5 mg/dL", "when creatinine >= 2.5 mg/dL or sbp < 11 kPa", StringComparison.Ordinal);
        var hover = await HoverAsync(text, PositionOf(text, "11 kPa", 1));

        Assert.NotNull(hover);
        Assert.Contains("= **82.5 mm[Hg]**", hover, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_scenario_value_is_converted_too()
    {
        var text = ChildText;
        var hover = await HoverAsync(text, PositionOf(text, "creatinine 230 umol/L", "creatinine 2".Length, occurrence: 2));

        Assert.NotNull(hover);
        Assert.Contains("mg/dL", hover, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_function_shows_its_signature()
    {
        var text = ChildText;
        var hover = await HoverAsync(text, PositionOf(text, "sum(urine-output", 1));

        Assert.NotNull(hover);
        Assert.Contains("sum(observation, last duration)", hover, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_constant_shows_its_value()
    {
        var text = ChildText.Replace("when creatinine >= 2.5 mg/dL", "when creatinine >= cr-limit", StringComparison.Ordinal) + "\nconst cr-limit = 2.5 mg/dL\n";
        var hover = await HoverAsync(text, PositionOf(text, ">= cr-limit", 5));

        Assert.NotNull(hover);
        Assert.Contains("`cr-limit` = `2.5 mg/dL`", hover, StringComparison.Ordinal);
    }
}
