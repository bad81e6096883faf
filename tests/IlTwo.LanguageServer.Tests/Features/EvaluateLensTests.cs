using System.Text.Json;
using IlTwo.LanguageServer.Protocol;
using static IlTwo.LanguageServer.Tests.Features.ProtocolFiles;

namespace IlTwo.LanguageServer.Tests.Features;

/// <summary>Evaluate lenses (each rule on each scenario of the file; Run and Debug above each scenario) and the inherited scenarios of il2/runScenarios.</summary>
public sealed class EvaluateLensTests
{
    private static async Task<(List<JsonElement> Lenses, JsonElement Run)> LensesAsync(string text)
    {
        await using var client = await StartWithAsync((ChildUri, text));
        var lenses = await client.RequestAsync("textDocument/codeLens", new CodeLensParams(new TextDocumentIdentifier(ChildUri)));
        var run = await client.RequestAsync("il2/runScenarios", new Il2DocumentParams(new TextDocumentIdentifier(ChildUri)));
        return ([.. lenses.EnumerateArray()], run);
    }

    private static JsonElement Argument(JsonElement lens) => lens.GetProperty("command").GetProperty("arguments")[0];

    [Fact]
    public async Task Each_rule_shows_how_it_came_out_on_each_scenario_with_the_values_it_read()
    {
        var (lenses, _) = await LensesAsync(ChildText);

        var rules = lenses.Where(l => l.GetProperty("command").GetProperty("command").GetString() == "il2.showRuleEvaluation").ToList();
        // One per rule declared in this file (the inherited ones have theirs in the base's file).
        Assert.Equal(ChildText.Split('\n').Count(l => l.Contains(" rule ", StringComparison.Ordinal) && l.TrimEnd().EndsWith('{') && !l.TrimStart().StartsWith("//", StringComparison.Ordinal)), rules.Count);

        var creatinine = Assert.Single(rules, l => Argument(l).GetProperty("rule").GetString() == "creatinine-high");
        Assert.Equal(PositionOf(ChildText, "creatinine-high \"Creatinine").Line, creatinine.GetProperty("range").GetProperty("start").GetProperty("line").GetInt32());
        Assert.Matches(@"^fires in \d+ of \d+ scenarios", creatinine.GetProperty("command").GetProperty("title").GetString());
        var scenario = Assert.Single(Argument(creatinine).GetProperty("scenarios").EnumerateArray(), s => s.GetProperty("scenario").GetString() == "creatinine 230 umol/L (2.6 mg/dL) holds");
        Assert.Equal("fires", scenario.GetProperty("value").GetString());
        // Read in the rule's unit, with what was charted.
        Assert.Matches(@"creatinine = 2\.6\d* mg/dL \(charted 230 umol/L\)", scenario.GetProperty("values").GetString());
    }

    [Fact]
    public async Task A_rule_that_fires_on_a_scenario_is_among_the_reasons_of_its_decision()
    {
        // Two paths: the lens evaluates each rule alone; il2/runScenarios decides the dose (course criteria included).
        var (lenses, run) = await LensesAsync(ChildText);

        var actual = run.GetProperty("results").EnumerateArray().ToDictionary(r => r.GetProperty("title").GetString()!, r => r.GetProperty("actual").GetString()!);
        var checkedPairs = 0;
        foreach (var lens in lenses.Where(l => l.GetProperty("command").GetProperty("command").GetString() == "il2.showRuleEvaluation"))
        {
            var rule = Argument(lens).GetProperty("rule").GetString()!;
            foreach (var s in Argument(lens).GetProperty("scenarios").EnumerateArray().Where(s => s.GetProperty("value").GetString() == "fires"))
            {
                var reasons = actual[s.GetProperty("scenario").GetString()!].Split(" because ", 2) is [_, var list] ? list.Split(", ") : [];
                Assert.Contains(rule, reasons);
                checkedPairs++;
            }
        }
        Assert.True(checkedPairs > 10, $"only {checkedPairs} rule/scenario pairs fire");
    }

    [Fact]
    public async Task Each_scenario_has_run_and_debug_and_a_file_with_errors_has_no_lenses()
    {
        var (lenses, _) = await LensesAsync(ChildText);
        var scenarios = ChildText.Split('\n').Count(l => l.StartsWith("scenario ", StringComparison.Ordinal) || l.StartsWith("override scenario ", StringComparison.Ordinal));
        foreach (var command in new[] { "il2.runScenario", "il2.debugScenario" })
        {
            var these = lenses.Where(l => l.GetProperty("command").GetProperty("command").GetString() == command).ToList();
            Assert.Equal(scenarios, these.Count);
            Assert.All(these, l => Assert.Equal(ChildUri, new Uri(l.GetProperty("command").GetProperty("arguments")[0].GetString()!)));
        }

        var (broken, _) = await LensesAsync(ChildText.Replace("2.5 mg/dL\n", "2.5 mmHg\n", StringComparison.Ordinal));
        Assert.Empty(broken);
    }

    [Fact]
    public async Task The_base_protocols_scenarios_run_against_the_extension_each_at_its_title_in_the_base()
    {
        var (_, run) = await LensesAsync(ChildText);

        var inherited = run.GetProperty("inherited").EnumerateArray().ToList();
        var baseScenarios = BaseText.Split('\n').Count(l => l.StartsWith("scenario ", StringComparison.Ordinal));
        var overridden = ChildText.Split('\n').Count(l => l.StartsWith("override scenario ", StringComparison.Ordinal));
        Assert.Equal(baseScenarios - overridden, inherited.Count);
        Assert.All(inherited, r => Assert.Equal(BaseUri, new Uri(r.GetProperty("uri").GetString()!)));
        Assert.All(inherited, r => Assert.True(r.GetProperty("passed").GetBoolean(), r.GetProperty("title").GetString()));
        var stricter = Assert.Single(inherited, r => r.GetProperty("title").GetString() == "low urine output over 8 hours holds");
        Assert.Equal("stricter", stricter.GetProperty("outcome").GetString());
        Assert.Equal(PositionOf(BaseText, "\"low urine output over 8 hours holds\"").Line, stricter.GetProperty("range").GetProperty("start").GetProperty("line").GetInt32());

        // Loosen an inherited threshold in the extension: the base scenarios that hold on it now fail, at their titles.
        var looser = ChildText.Replace("when creatinine >= 2.5 mg/dL", "when creatinine >= 4 mg/dL", StringComparison.Ordinal);
        var (_, changed) = await LensesAsync(looser);
        var failed = changed.GetProperty("inherited").EnumerateArray().Where(r => !r.GetProperty("passed").GetBoolean()).ToList();
        Assert.NotEmpty(failed);
        Assert.All(failed, r => Assert.Equal("changed", r.GetProperty("outcome").GetString()));
        Assert.Contains(failed, r => r.GetProperty("expected").GetString()!.Contains("creatinine-high", StringComparison.Ordinal));
    }
}
