using System.Text.Json;
using IlTwo.LanguageServer.Protocol;
using static IlTwo.LanguageServer.Tests.Features.ProtocolFiles;

namespace IlTwo.LanguageServer.Tests.Features;

/// <summary>
/// Quick fixes through the server: each diagnostic with a known fix gets a <c>quickfix</c> action carrying that
/// diagnostic, and applying the edit removes the diagnostic (checked by compiling the fixed text in the server again).
/// </summary>
public sealed class CodeActionTests
{
    [Fact]
    public async Task A_misspelt_observation_is_corrected_to_the_name_the_compiler_suggests()
    {
        var text = ChildText.Replace("when creatinine >= 2.5 mg/dL", "when creatinin >= 2.5 mg/dL", StringComparison.Ordinal);

        var (actions, diagnostic) = await ActionsForAsync(ChildUri, text, "IL0105");

        var action = Assert.Single(actions);
        Assert.Equal("Change to 'creatinine'", action.GetProperty("title").GetString());
        Assert.Equal("quickfix", action.GetProperty("kind").GetString());
        Assert.True(action.GetProperty("isPreferred").GetBoolean());
        Assert.Equal("IL0105", action.GetProperty("diagnostics")[0].GetProperty("code").GetString());
        Assert.Equal(diagnostic.Range, JsonSerializer.Deserialize<Protocol.Range>(action.GetProperty("diagnostics")[0].GetProperty("range"), Json));
        await AssertFixedAsync(ChildUri, Apply(text, action), "IL0105");
    }

    [Fact]
    public async Task A_misspelt_reference_in_a_citation_is_corrected()
    {
        var text = ChildText.Replace("cite dutcher-2014 \"relative: creatinine", "cite dutcher-2041 \"relative: creatinine", StringComparison.Ordinal);

        var (actions, _) = await ActionsForAsync(ChildUri, text, "IL0106");

        var action = Assert.Single(actions);
        Assert.Equal("Change to 'dutcher-2014'", action.GetProperty("title").GetString());
        await AssertFixedAsync(ChildUri, Apply(text, action), "IL0106");
    }

    [Fact]
    public async Task An_unknown_unit_on_a_creatinine_threshold_is_offered_units_of_creatinine_not_of_blood_pressure()
    {
        var text = ChildText.Replace("when creatinine >= 2.5 mg/dL", "when creatinine >= 2.5 mmHg", StringComparison.Ordinal);

        var (actions, _) = await ActionsForAsync(ChildUri, text, "IL0201");

        var units = actions.Select(NewText).ToList();
        Assert.DoesNotContain("mm[Hg]", units);
        Assert.Equal("mg/dL", units[0]);
        Assert.DoesNotContain(actions, a => a.TryGetProperty("isPreferred", out var p) && p.GetBoolean()); // no spelling is one edit away: the author chooses
        await AssertFixedAsync(ChildUri, Apply(text, actions[0]), "IL0201");
    }

    [Fact]
    public async Task A_unit_one_edit_from_the_observations_unit_is_the_preferred_fix()
    {
        var text = ChildText.Replace("when creatinine >= 2.5 mg/dL", "when creatinine >= 2.5 mgdL", StringComparison.Ordinal);

        var (actions, _) = await ActionsForAsync(ChildUri, text, "IL0201");

        var preferred = Assert.Single(actions, a => a.TryGetProperty("isPreferred", out var p) && p.GetBoolean());
        Assert.Equal("mg/dL", NewText(preferred));
        Assert.Single(actions, a => NewText(a) == "mg/dL"); // offered once
    }

    [Fact]
    public async Task A_blood_pressure_written_mmHg_is_still_offered_mm_Hg()
    {
        var text = ChildText.Replace("when creatinine >= 2.5 mg/dL", "when sbp < 90 mmHg", StringComparison.Ordinal);

        var (actions, _) = await ActionsForAsync(ChildUri, text, "IL0201");

        Assert.Equal("mm[Hg]", NewText(actions[0]));
        Assert.True(actions[0].GetProperty("isPreferred").GetBoolean());
    }

    [Fact]
    public async Task A_rule_that_shadows_an_inherited_one_is_made_an_override()
    {
        var text = ChildText.Replace("override hold rule creatinine-high", "hold rule creatinine-high", StringComparison.Ordinal);

        var (actions, _) = await ActionsForAsync(ChildUri, text, "IL0110");

        var action = Assert.Single(actions);
        Assert.Equal("Make it an override", action.GetProperty("title").GetString());
        var fixedText = Apply(text, action);
        Assert.Contains("override hold rule creatinine-high", fixedText, StringComparison.Ordinal);
        await AssertFixedAsync(ChildUri, fixedText, "IL0110");
    }

    [Fact]
    public async Task An_observation_without_a_window_is_offered_the_window_most_observations_give_as_a_line_of_its_block()
    {
        var sbp = "observation sbp \"Systolic blood pressure\" {\n  loinc 8480-6\n  unit mm[Hg]\n  within 4 h\n";
        Assert.Contains(sbp, BaseText, StringComparison.Ordinal);
        var text = BaseText.Replace(sbp, "observation sbp \"Systolic blood pressure\" {\n  loinc 8480-6\n  unit mm[Hg]\n", StringComparison.Ordinal);

        var (actions, _) = await ActionsForAsync(BaseUri, text, "IL0122");

        var usual = System.Text.RegularExpressions.Regex.Matches(text, @"^\s*within (.+)$", System.Text.RegularExpressions.RegexOptions.Multiline)
            .GroupBy(m => m.Groups[1].Value).OrderByDescending(g => g.Count()).First().Key;
        var action = Assert.Single(actions);
        Assert.StartsWith($"Add 'within {usual}'", action.GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.False(action.GetProperty("isPreferred").GetBoolean()); // the committee's choice: never applied by fix-all
        var fixedText = Apply(text, action);
        Assert.Contains($"  unit mm[Hg]\n  range 40 mm[Hg] to 250 mm[Hg]\n  within {usual}\n}}", fixedText, StringComparison.Ordinal);
        await AssertFixedAsync(BaseUri, fixedText, "IL0122");
    }

    [Fact]
    public async Task An_uncited_rule_is_offered_a_cite_line_per_reference_and_an_unverified_line()
    {
        const string cited = "  when sbp < 90 mm[Hg]\n  cite proleukin-pi \"Table 2, cardiac: withhold for SBP decrease to <90 mmHg\"\n}";
        Assert.Contains(cited, BaseText, StringComparison.Ordinal);
        var text = BaseText.Replace(cited, "  when sbp < 90 mm[Hg]\n}", StringComparison.Ordinal);

        var (actions, _) = await ActionsForAsync(BaseUri, text, "IL0305");

        var titles = actions.Select(a => a.GetProperty("title").GetString()).ToList();
        Assert.Equal("Cite 'proleukin-pi'", titles[0]);
        Assert.Equal("Mark it 'unverified'", titles[^1]);
        var fixedText = Apply(text, actions[^1]);
        Assert.Contains("  when sbp < 90 mm[Hg]\n  unverified \"no source checked yet\"\n}", fixedText, StringComparison.Ordinal);
        await AssertFixedAsync(BaseUri, fixedText, "IL0305");
        await AssertFixedAsync(BaseUri, Apply(text, actions[0]), "IL0305");
    }

    [Fact]
    public async Task Fix_all_applies_every_preferred_fix_in_one_edit_and_leaves_the_choices_to_the_author()
    {
        var text = ChildText
            .Replace("when creatinine >= 2.5 mg/dL", "when creatinin >= 2.5 mg/dL", StringComparison.Ordinal)
            .Replace("when platelets <= 50 10*3/uL", "when platelet <= 50 10*3/uL", StringComparison.Ordinal)
            .Replace("override hold rule creatinine-high", "hold rule creatinine-high", StringComparison.Ordinal);
        await using var client = await StartWithAsync((ChildUri, text));
        await client.WaitForDiagnosticsAsync(ChildUri, p => p.Diagnostics.Count(d => d.Severity == DiagnosticSeverity.Error) >= 3);

        var result = await client.RequestAsync("textDocument/codeAction", new CodeActionParams(
            new TextDocumentIdentifier(ChildUri), new Protocol.Range(new Position(0, 0), new Position(0, 0)), new CodeActionContext([], [CodeActionKind.SourceFixAll])));

        var action = Assert.Single(result.EnumerateArray());
        Assert.Equal("source.fixAll", action.GetProperty("kind").GetString());
        Assert.Equal(3, action.GetProperty("diagnostics").GetArrayLength());
        var fixedText = Apply(text, action);
        Assert.Equal(ChildText, fixedText);
    }

    [Fact]
    public async Task The_light_bulb_offers_no_fix_all_and_a_source_request_no_quick_fixes()
    {
        var text = ChildText.Replace("when creatinine >= 2.5 mg/dL", "when creatinin >= 2.5 mg/dL", StringComparison.Ordinal);
        var (actions, diagnostic) = await ActionsForAsync(ChildUri, text, "IL0105");
        Assert.All(actions, a => Assert.Equal("quickfix", a.GetProperty("kind").GetString()));

        await using var client = await StartWithAsync((ChildUri, text));
        await client.WaitForDiagnosticsAsync(ChildUri, p => p.Diagnostics.Count > 0);
        var result = await client.RequestAsync("textDocument/codeAction", new CodeActionParams(
            new TextDocumentIdentifier(ChildUri), diagnostic.Range, new CodeActionContext([diagnostic], [CodeActionKind.Source])));
        Assert.All(result.EnumerateArray(), a => Assert.Equal("source.fixAll", a.GetProperty("kind").GetString()));
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static string NewText(JsonElement action) =>
        action.GetProperty("edit").GetProperty("changes").EnumerateObject().Single().Value.EnumerateArray().Single().GetProperty("newText").GetString()!;

    /// <summary>The quick fixes offered at the one diagnostic of <paramref name="code"/> the server publishes for the text.</summary>
    private static async Task<(List<JsonElement> Actions, Diagnostic Diagnostic)> ActionsForAsync(Uri uri, string text, string code)
    {
        await using var client = await StartWithAsync((uri, text));
        var published = await client.WaitForDiagnosticsAsync(uri, p => p.Diagnostics.Any(d => d.Code == code));
        var diagnostic = Assert.Single(published.Diagnostics, d => d.Code == code);

        var result = await client.RequestAsync("textDocument/codeAction", new CodeActionParams(new TextDocumentIdentifier(uri), diagnostic.Range, new CodeActionContext([diagnostic])));

        var actions = result.EnumerateArray().Where(a => a.GetProperty("diagnostics").EnumerateArray().Any(d => d.GetProperty("code").GetString() == code)).ToList();
        Assert.NotEmpty(actions);
        return (actions, diagnostic);
    }

    /// <summary>The server, given the fixed text, publishes no diagnostic of <paramref name="code"/>.</summary>
    private static async Task AssertFixedAsync(Uri uri, string fixedText, string code)
    {
        await using var client = await StartWithAsync((uri, fixedText));
        var published = await client.WaitForDiagnosticsAsync(uri);
        Assert.DoesNotContain(published.Diagnostics, d => d.Code == code);
    }

    /// <summary>The text with the action's edits applied (all in this one document, from last to first).</summary>
    private static string Apply(string text, JsonElement action)
    {
        var source = Dsl.Text.SourceText.From(text);
        var edits = action.GetProperty("edit").GetProperty("changes").EnumerateObject().Single().Value.EnumerateArray()
            .Select(e =>
            {
                var range = e.GetProperty("range");
                int Offset(string end) => source.GetOffset(new Dsl.Text.LinePosition(range.GetProperty(end).GetProperty("line").GetInt32(), range.GetProperty(end).GetProperty("character").GetInt32()));
                return (Start: Offset("start"), End: Offset("end"), NewText: e.GetProperty("newText").GetString()!);
            })
            .OrderByDescending(e => e.Start)
            .ToList();
        foreach (var (start, end, newText) in edits)
        {
            text = text[..start] + newText + text[end..];
        }

        return text;
    }
}
