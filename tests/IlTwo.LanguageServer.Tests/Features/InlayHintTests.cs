using System.Text.Json;
using IlTwo.LanguageServer.Protocol;
using static IlTwo.LanguageServer.Tests.Features.ProtocolFiles;

namespace IlTwo.LanguageServer.Tests.Features;

/// <summary>Inlay hints through the server: converted thresholds, the recency window in force, the rule an override replaces.</summary>
public sealed class InlayHintTests
{
    private const string KpaRule = "hold rule sbp-in-kpa \"SBP in kPa\" {\n  when sbp < 12 kPa and creatinine >= 2.5 mg/dL\n  unverified \"a test\"\n}\n\n";

    private static string ChildWithKpaRule => ChildText.Replace("// The same threshold", KpaRule + "// The same threshold", StringComparison.Ordinal);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static async Task<List<(Position Position, string Label)>> HintsAsync(string text)
    {
        await using var client = await StartWithAsync((ChildUri, text));
        var lines = text.Count(c => c == '\n') + 1;
        var result = await client.RequestAsync("textDocument/inlayHint", new InlayHintParams(new TextDocumentIdentifier(ChildUri), new Protocol.Range(new Position(0, 0), new Position(lines, 0))));
        return [.. result.EnumerateArray().Select(h => (JsonSerializer.Deserialize<Position>(h.GetProperty("position"), Json)!, h.GetProperty("label").GetString()!))];
    }

    [Fact]
    public async Task A_threshold_in_another_unit_shows_its_value_in_the_observations_unit()
    {
        var text = ChildWithKpaRule;

        var hints = await HintsAsync(text);

        Assert.Contains((PositionOf(text, "12 kPa", "12 kPa".Length), "= 90.0 mm[Hg]"), hints);
        Assert.DoesNotContain(hints, h => h.Position == PositionOf(text, "2.5 mg/dL and", "2.5 mg/dL".Length) || h.Position == PositionOf(text, ">= 2.5 mg/dL\n  unverified \"a test\"", ">= 2.5 mg/dL".Length));
    }

    [Fact]
    public async Task An_observation_read_by_a_rule_shows_the_recency_window_in_force_after_the_override()
    {
        var text = ChildWithKpaRule;

        var hints = await HintsAsync(text);

        Assert.Contains((PositionOf(text, "when sbp < 12 kPa", "when sbp".Length), "within 2 h"), hints); // the child's override, not the base's 4 h
        Assert.Contains((PositionOf(text, "and creatinine >= 2.5", "and creatinine".Length), "within 12 h"), hints);
        Assert.DoesNotContain(hints, h => h.Position == PositionOf(text, "sum(urine-output", "sum(urine-output".Length)); // an aggregate's window is written in the call
    }

    [Fact]
    public async Task An_override_rule_shows_the_protocol_whose_rule_it_replaces()
    {
        var text = ChildText;

        var hints = await HintsAsync(text);

        var title = "override hold rule creatinine-high \"Creatinine 2.5 mg/dL or more\"";
        Assert.Contains((PositionOf(text, title, title.Length), "inherited from hd-il2-monotherapy"), hints);
        Assert.DoesNotContain(hints, h => h.Label.StartsWith("inherited", StringComparison.Ordinal) && h.Position.Line == PositionOf(text, "hold rule urine-output-per-weight").Line);
    }
}
