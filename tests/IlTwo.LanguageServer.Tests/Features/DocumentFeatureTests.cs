using IlTwo.LanguageServer.Handlers;
using IlTwo.LanguageServer.Protocol;
using static IlTwo.LanguageServer.Tests.Features.ProtocolFiles;

namespace IlTwo.LanguageServer.Tests.Features;

/// <summary>Outline, folding, semantic tokens, signature help and quick fixes.</summary>
public sealed class DocumentFeatureTests
{
    [Fact]
    public async Task The_outline_is_the_protocol_with_its_declarations_beneath()
    {
        await using var client = await StartWithAsync((ChildUri, ChildText));

        var result = await client.RequestAsync("textDocument/documentSymbol", new DocumentSymbolParams(new TextDocumentIdentifier(ChildUri)));

        var protocol = Assert.Single(result.EnumerateArray());
        Assert.Equal("post-til-il2", protocol.GetProperty("name").GetString());
        Assert.Equal((int)SymbolKind.Namespace, protocol.GetProperty("kind").GetInt32());
        var children = protocol.GetProperty("children").EnumerateArray().Select(c => (c.GetProperty("name").GetString()!, (SymbolKind)c.GetProperty("kind").GetInt32())).ToList();
        Assert.Contains(("regimen", SymbolKind.Struct), children);
        Assert.Contains(("oliguria-despite-boluses", SymbolKind.Variable), children);
        Assert.Contains(("oliguria-despite-boluses", SymbolKind.Function), children);
        Assert.Contains(("fluid-refractory-hypotension", SymbolKind.Event), children);
        Assert.Contains(("til-patient", SymbolKind.Class), children);
        Assert.Contains(("the sixth dose completes the course", SymbolKind.Method), children);
    }

    [Fact]
    public async Task Blocks_and_comment_runs_fold()
    {
        await using var client = await StartWithAsync((ChildUri, ChildText));

        var result = await client.RequestAsync("textDocument/foldingRange", new FoldingRangeParams(new TextDocumentIdentifier(ChildUri)));

        var ranges = result.EnumerateArray().Select(r => (Start: r.GetProperty("startLine").GetInt32(), End: r.GetProperty("endLine").GetInt32(), Kind: r.TryGetProperty("kind", out var k) ? k.GetString() : null)).ToList();
        var headerComment = ChildText.Split('\n').TakeWhile(l => l.StartsWith("//", StringComparison.Ordinal)).Count() - 1;
        Assert.Contains((0, headerComment, "comment"), ranges);
        var regimen = PositionOf(ChildText, "regimen {").Line;
        Assert.Contains(ranges, r => r.Start == regimen && r.End == regimen + 6 && r.Kind is null);
    }

    [Fact]
    public async Task Formatting_returns_edits_to_the_canonical_layout_and_none_when_formatted()
    {
        var uri = new Uri("file:///tmp/il2-format/messy.il2");
        const string messy = "protocol  messy\ntitle   \"m\"\nversion 1.0.0\nreference r \"r\"\nregimen {\n      drug aldesleukin\n every 8 h   // kept\n   cite r \"r\" }\n";
        await using var client = await StartWithAsync((uri, messy));

        var edits = await client.RequestAsync("textDocument/formatting", new DocumentFormattingParams(new TextDocumentIdentifier(uri), new FormattingOptions(4, true)));
        var formatted = Apply(messy, edits);

        Assert.Equal("protocol messy\ntitle \"m\"\nversion 1.0.0\n\nreference r \"r\"\n\nregimen {\n  drug aldesleukin\n  every 8 h // kept\n  cite r \"r\"\n}\n", formatted);

        await using var again = await StartWithAsync((uri, formatted));
        var none = await again.RequestAsync("textDocument/formatting", new DocumentFormattingParams(new TextDocumentIdentifier(uri), new FormattingOptions(2, true)));
        Assert.Equal(0, none.GetArrayLength());
    }

    private static string Apply(string text, System.Text.Json.JsonElement edits)
    {
        var source = IlTwo.Dsl.Text.SourceText.From(text);
        foreach (var edit in edits.EnumerateArray().Reverse())
        {
            var range = edit.GetProperty("range");
            int Offset(string end) => source.GetOffset(new IlTwo.Dsl.Text.LinePosition(range.GetProperty(end).GetProperty("line").GetInt32(), range.GetProperty(end).GetProperty("character").GetInt32()));
            text = text[..Offset("start")] + edit.GetProperty("newText").GetString() + text[Offset("end")..];
        }
        return text;
    }

    [Fact]
    public async Task Semantic_tokens_tell_observations_rules_and_units_apart()
    {
        var text = ChildText;
        await using var client = await StartWithAsync((ChildUri, text));

        var result = await client.RequestAsync("textDocument/semanticTokens/full", new SemanticTokensParams(new TextDocumentIdentifier(ChildUri)));

        var data = result.GetProperty("data").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        Assert.Equal(0, data.Length % 5);
        var decoded = new List<(int Line, int Character, int Length, string Type)>();
        int line = 0, character = 0;
        for (var i = 0; i < data.Length; i += 5)
        {
            line += data[i];
            character = data[i] == 0 ? character + data[i + 1] : data[i + 1];
            decoded.Add((line, character, data[i + 2], SemanticTokensHandler.TokenTypes[data[i + 3]]));
        }

        string TypeAt(string needle, int delta = 0)
        {
            var at = PositionOf(text, needle, delta);
            return decoded.Single(t => t.Line == at.Line && t.Character == at.Character).Type;
        }

        Assert.Equal("comment", TypeAt("// IL-2 after"));
        Assert.Equal("keyword", TypeAt("protocol post-til-il2"));
        Assert.Equal("namespace", TypeAt("extends hd-il2-monotherapy", "extends ".Length));
        Assert.Equal("variable", TypeAt("creatinine >= 2.5"));
        Assert.Equal("number", TypeAt(">= 2.5 mg/dL", 3));
        Assert.Equal("type", TypeAt(">= 2.5 mg/dL", 7));
        Assert.Equal("function", TypeAt("because urine-output-per-weight", "because ".Length));
        Assert.Equal("function", TypeAt("sum(urine-output"));
        Assert.Equal("event", TypeAt("after til-infusion", "after ".Length));
        Assert.Equal("string", TypeAt("\"IL-2 after tumour"));
    }

    [Fact]
    public async Task The_legend_is_advertised()
    {
        await using var client = await Infrastructure.LspTestClient.StartAsync(initialize: false);

        var result = await client.InitializeAsync();

        var legend = result.GetProperty("capabilities").GetProperty("semanticTokensProvider").GetProperty("legend");
        Assert.Equal(SemanticTokensHandler.TokenTypes, legend.GetProperty("tokenTypes").EnumerateArray().Select(t => t.GetString()!));
    }

    [Theory]
    [InlineData("sum(", 0)]
    [InlineData("sum(urine-output, ", 1)]
    public async Task Signature_help_shows_the_active_argument(string typed, int activeParameter)
    {
        var text = ChildText.Replace("when sum(urine-output, last 8 h) < 4 mL/kg x weight", "when " + typed, StringComparison.Ordinal);
        await using var client = await StartWithAsync((ChildUri, text));

        var result = await client.RequestAsync("textDocument/signatureHelp", new SignatureHelpParams(new TextDocumentIdentifier(ChildUri), PositionOf(text, "when " + typed, ("when " + typed).Length)));

        Assert.Equal("sum(observation, last duration)", result.GetProperty("signatures")[0].GetProperty("label").GetString());
        Assert.Equal(activeParameter, result.GetProperty("activeParameter").GetInt32());
    }

    [Fact]
    public async Task A_misspelt_unit_has_a_quick_fix_with_its_diagnostic()
    {
        var text = ChildText.Replace("when creatinine >= 2.5 mg/dL", "when sbp < 90 mmHg", StringComparison.Ordinal);
        await using var client = await StartWithAsync((ChildUri, text));
        var published = await client.WaitForDiagnosticsAsync(ChildUri, p => p.Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error));
        var diagnostic = published.Diagnostics.First(d => d.Severity == DiagnosticSeverity.Error);

        var result = await client.RequestAsync("textDocument/codeAction", new CodeActionParams(new TextDocumentIdentifier(ChildUri), diagnostic.Range, new CodeActionContext([diagnostic])));

        var action = Assert.Single(result.EnumerateArray());
        Assert.Equal("quickfix", action.GetProperty("kind").GetString());
        Assert.Equal(diagnostic.Code, action.GetProperty("diagnostics")[0].GetProperty("code").GetString());
        var edit = Assert.Single(action.GetProperty("edit").GetProperty("changes").GetProperty(ChildUri.OriginalString).EnumerateArray());
        Assert.Equal("mm[Hg]", edit.GetProperty("newText").GetString());
    }

    [Fact]
    public async Task Diagnostics_carry_the_code_severity_and_source_of_every_stage()
    {
        var text = ChildText.Replace("when creatinine >= 2.5 mg/dL", "when creatinin >= 2.5 mg/dL", StringComparison.Ordinal);
        await using var client = await StartWithAsync((ChildUri, text));

        var published = await client.WaitForDiagnosticsAsync(ChildUri, p => p.Diagnostics.Count > 0);

        var diagnostic = Assert.Single(published.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal("IL0105", diagnostic.Code);
        Assert.Equal("il2", diagnostic.Source);
        Assert.Contains("creatinine", diagnostic.Message, StringComparison.Ordinal);
    }
}
