using IlTwo.LanguageServer.Protocol;
using static IlTwo.LanguageServer.Tests.Features.ProtocolFiles;

namespace IlTwo.LanguageServer.Tests.Features;

public sealed class CompletionTests
{
    private static async Task<string[]> CompleteAsync(string text, Position position)
    {
        var uri = new Uri(Path.Combine(Folder, "completion-test.il2"));
        await using var client = await StartWithAsync((uri, text));
        var result = await client.RequestAsync("textDocument/completion", new CompletionParams(new TextDocumentIdentifier(uri), position));
        return Labels(result);
    }

    /// <summary>The child protocol with <paramref name="line"/> inserted before its first override; the cursor at its end.</summary>
    private static Task<string[]> CompleteInChildAsync(string line)
    {
        var marker = "// The same threshold";
        var text = ChildText.Replace(marker, line + "\n" + marker, StringComparison.Ordinal);
        return CompleteAsync(text, PositionOf(text, line, line.Length));
    }

    [Fact]
    public async Task A_new_top_level_line_offers_declaration_snippets()
    {
        var text = ChildText + "\n";
        var uri = new Uri(Path.Combine(Folder, "completion-test.il2"));
        await using var client = await StartWithAsync((uri, text));
        var result = await client.RequestAsync("textDocument/completion", new CompletionParams(new TextDocumentIdentifier(uri), PositionOf(text, "expect hold\n}\n", "expect hold\n}\n".Length, 4)));

        var items = result.GetProperty("items").EnumerateArray().ToList();
        Assert.Contains("hold rule", Labels(result));
        Assert.Contains("observation", Labels(result));
        Assert.Contains("scenario", Labels(result));
        var hold = items.First(i => i.GetProperty("label").GetString() == "hold rule");
        Assert.Equal((int)InsertTextFormat.Snippet, hold.GetProperty("insertTextFormat").GetInt32());
        Assert.Contains("${1:", hold.GetProperty("insertText").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task After_cite_come_the_references_including_inherited_ones()
    {
        var labels = await CompleteInChildAsync("hold rule x \"X\" {\n  when sbp < 90 mm[Hg]\n  cite ");

        Assert.Contains("betof-warner-2024", labels);
        Assert.Contains("dutcher-2014", labels);
        Assert.DoesNotContain("sbp", labels);
    }

    [Fact]
    public async Task In_a_condition_come_observations_functions_and_keywords_even_in_broken_code()
    {
        var labels = await CompleteInChildAsync("hold rule x \"X\" {\n  when sbp < 90 mm[Hg] and ");

        Assert.Contains("creatinine", labels);
        Assert.Contains("oliguria-despite-boluses", labels);
        Assert.Contains("sum", labels);
        Assert.Contains("baseline", labels);
        Assert.Contains("weight", labels);
        Assert.Contains("doses given", labels);
        Assert.Contains("time since", labels);
    }

    [Fact]
    public async Task After_is_come_yes_and_no()
    {
        var labels = await CompleteInChildAsync("hold rule x \"X\" {\n  when confusion is ");

        Assert.Contains("yes", labels);
        Assert.Contains("no", labels);
    }

    [Fact]
    public async Task After_a_number_compared_with_an_observation_come_commensurable_units_only()
    {
        var labels = await CompleteInChildAsync("hold rule x \"X\" {\n  when sbp < 11 ");

        Assert.Contains("mm[Hg]", labels);
        Assert.Contains("kPa", labels);
        Assert.DoesNotContain("mg/dL", labels);
    }

    [Fact]
    public async Task After_override_hold_rule_come_the_inherited_rule_ids()
    {
        var labels = await CompleteInChildAsync("override hold rule ");

        Assert.Contains("sbp-below-90", labels);
        Assert.Contains("creatinine-high", labels);
    }

    [Fact]
    public async Task After_time_since_come_events_and_after_using_come_fixtures()
    {
        Assert.Contains("til-infusion", await CompleteInChildAsync("hold rule x \"X\" {\n  when time since "));
        Assert.Contains("til-findings", await CompleteInChildAsync("scenario \"s\" using "));
    }

    [Fact]
    public async Task Inside_an_observation_come_its_items_and_after_loinc_the_codes()
    {
        Assert.Contains("molar mass", await CompleteInChildAsync("observation x \"X\" {\n  "));
        Assert.Contains("8480-6", await CompleteInChildAsync("observation x \"X\" {\n  loinc "));
    }

    [Fact]
    public async Task Inside_a_scenario_come_observations_and_items_and_after_because_the_rules()
    {
        var items = await CompleteInChildAsync("scenario \"s\" {\n  ");
        Assert.Contains("sbp", items);
        Assert.Contains("dose given", items);
        Assert.Contains("expect hold", items);

        var rules = await CompleteInChildAsync("scenario \"s\" {\n  expect hold because ");
        Assert.Contains("sbp-below-90", rules);
        Assert.Contains("urine-output-per-weight", rules);
    }

    [Fact]
    public async Task A_scenario_value_gets_the_observations_units()
    {
        var labels = await CompleteInChildAsync("scenario \"s\" {\n  creatinine 230 ");

        Assert.Contains("umol/L", labels);
        Assert.Contains("mg/dL", labels);
        Assert.DoesNotContain("mm[Hg]", labels);
    }

    [Fact]
    public async Task Nothing_is_offered_inside_a_comment()
    {
        var text = ChildText;
        Assert.Empty(await CompleteAsync(text, PositionOf(text, "// IL-2 after", 5)));
    }

    [Theory]
    [InlineData("  when sbp < 90 mm[Hg] // below 90 and ", "// below ")]
    [InlineData("  when sbp < 90 mm[Hg] // below 90 and ", "// below 90 and ")]
    [InlineData("  cite proleukin-pi \"Table 2, when sbp\"", "Table 2, when ")]
    public async Task Nothing_is_offered_inside_a_comment_after_code_or_inside_a_string(string line, string cursorAfter)
    {
        // Words that would offer items outside (after `when `, after a comparison) must not, inside the comment or string.
        var text = ChildText.Replace("// The same threshold", "hold rule probe \"probe\" {\n" + line + "\n}\n// The same threshold", StringComparison.Ordinal);
        Assert.Empty(await CompleteAsync(text, PositionOf(text, cursorAfter, cursorAfter.Length)));
    }

    private static async Task<List<System.Text.Json.JsonElement>> ItemsAsync(string text, Position position)
    {
        var uri = new Uri(Path.Combine(Folder, "completion-test.il2"));
        await using var client = await StartWithAsync((uri, text));
        var result = await client.RequestAsync("textDocument/completion", new CompletionParams(new TextDocumentIdentifier(uri), position));
        return [.. (result.ValueKind == System.Text.Json.JsonValueKind.Array ? result : result.GetProperty("items")).EnumerateArray()];
    }

    private static string SortText(System.Text.Json.JsonElement item) => item.GetProperty("sortText").GetString()!;

    private static bool IsSnippet(System.Text.Json.JsonElement item) => item.GetProperty("kind").GetInt32() == (int)CompletionItemKind.Snippet;

    [Fact]
    public async Task Inside_when_come_the_condition_items_in_their_order_and_no_snippet()
    {
        var line = "hold rule x \"X\" {\n  when ";
        var text = ChildText.Replace("// The same threshold", line + "\n// The same threshold", StringComparison.Ordinal);

        var items = await ItemsAsync(text, PositionOf(text, line, line.Length));

        Assert.DoesNotContain(items, IsSnippet);
        var sorted = items.OrderBy(SortText, StringComparer.Ordinal).Select(i => i.GetProperty("label").GetString()).ToList();
        Assert.Equal(items.Select(i => i.GetProperty("label").GetString()), sorted); // the server's order: observations, constants, functions, keywords
        Assert.Equal(sorted.Count, sorted.Distinct().Count());
    }

    [Fact]
    public async Task On_a_new_top_level_line_each_snippet_is_offered_once_and_sorted_after_any_other_item()
    {
        var text = ChildText + "\n";

        var items = await ItemsAsync(text, new Position(text.Count(c => c == '\n'), 0));

        var labels = items.Select(i => i.GetProperty("label").GetString()).ToList();
        Assert.Equal(labels.Count, labels.Distinct().Count());
        Assert.All(items.Where(IsSnippet), s => Assert.StartsWith("9", SortText(s), StringComparison.Ordinal));
        Assert.All(items.Where(i => !IsSnippet(i)), i => Assert.StartsWith("0", SortText(i), StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_snippets_default_id_is_one_no_declaration_has()
    {
        var text = ChildText + "\nhold rule new-hold-rule \"taken\" {\n  when sbp < 90 mm[Hg]\n  unverified \"test\"\n}\nhold rule new-hold-rule-2 \"taken too\" {\n  when sbp < 80 mm[Hg]\n  unverified \"test\"\n}\n\n";

        var items = await ItemsAsync(text, new Position(text.Count(c => c == '\n'), 0));

        string Insert(string label) => items.Single(i => i.GetProperty("label").GetString() == label).GetProperty("insertText").GetString()!;
        Assert.StartsWith("hold rule ${1:new-hold-rule-3} ", Insert("hold rule"), StringComparison.Ordinal);
        Assert.StartsWith("discontinue rule ${1:new-discontinue-rule} ", Insert("discontinue rule"), StringComparison.Ordinal);
        Assert.StartsWith("observation ${1:new-observation} ", Insert("observation"), StringComparison.Ordinal);
        Assert.DoesNotContain("{id:", string.Concat(items.Select(i => i.GetProperty("insertText").GetString())), StringComparison.Ordinal);
    }
}
