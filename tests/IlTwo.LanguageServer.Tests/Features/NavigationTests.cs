using IlTwo.LanguageServer.Protocol;
using StreamJsonRpc;
using static IlTwo.LanguageServer.Tests.Features.ProtocolFiles;

namespace IlTwo.LanguageServer.Tests.Features;

public sealed class NavigationTests
{
    [Fact]
    public async Task Definition_of_an_inherited_observation_is_in_the_base_file_on_disk()
    {
        var text = ChildText;
        await using var client = await StartWithAsync((ChildUri, text));

        var result = await client.RequestAsync("textDocument/definition", new DefinitionParams(new TextDocumentIdentifier(ChildUri), PositionOf(text, "urine-output, last 8 h", 1)));

        var location = Assert.Single(result.EnumerateArray());
        Assert.Equal(BaseUri.AbsoluteUri, new Uri(location.GetProperty("uri").GetString()!).AbsoluteUri);
        Assert.Equal(PositionOf(BaseText, "observation urine-output ", "observation ".Length).Line, location.GetProperty("range").GetProperty("start").GetProperty("line").GetInt32());
    }

    [Fact]
    public async Task References_span_the_open_base_and_child_and_honour_includeDeclaration()
    {
        await using var client = await StartWithAsync((BaseUri, BaseText), (ChildUri, ChildText));
        var position = PositionOf(ChildText, "sbp 11 kPa", 1);

        var with = await client.RequestAsync("textDocument/references", new ReferenceParams(new TextDocumentIdentifier(ChildUri), position, new ReferenceContext(true)));
        var without = await client.RequestAsync("textDocument/references", new ReferenceParams(new TextDocumentIdentifier(ChildUri), position, new ReferenceContext(false)));

        var uris = with.EnumerateArray().Select(l => l.GetProperty("uri").GetString()).Distinct().ToList();
        Assert.Contains(BaseUri.OriginalString, uris);
        Assert.Contains(ChildUri.OriginalString, uris);
        // Two declarations: the base's `observation sbp` and the post-TIL `override observation sbp`.
        Assert.Equal(with.GetArrayLength() - 2, without.GetArrayLength());
    }

    [Fact]
    public async Task Renaming_an_inherited_rule_edits_the_base_the_override_and_the_scenarios()
    {
        await using var client = await StartWithAsync((BaseUri, BaseText), (ChildUri, ChildText));
        var position = PositionOf(ChildText, "override hold rule creatinine-high", "override hold rule ".Length + 1);

        var prepare = await client.RequestAsync("textDocument/prepareRename", new PrepareRenameParams(new TextDocumentIdentifier(ChildUri), position));
        Assert.Equal("creatinine-high", prepare.GetProperty("placeholder").GetString());

        var edit = await client.RequestAsync("textDocument/rename", new RenameParams(new TextDocumentIdentifier(ChildUri), position, "creatinine-2-5"));

        var changes = edit.GetProperty("changes");
        var childEdits = changes.GetProperty(ChildUri.OriginalString).EnumerateArray().ToList();
        var baseEdits = changes.GetProperty(BaseUri.OriginalString).EnumerateArray().ToList();
        Assert.Equal(CountWord(ChildText, "creatinine-high"), childEdits.Count);
        Assert.Equal(CountWord(BaseText, "creatinine-high"), baseEdits.Count);
        Assert.All(childEdits.Concat(baseEdits), e => Assert.Equal("creatinine-2-5", e.GetProperty("newText").GetString()));
    }

    [Fact]
    public async Task Renaming_reaches_a_base_that_is_only_on_disk()
    {
        await using var client = await StartWithAsync((ChildUri, ChildText));

        var edit = await client.RequestAsync("textDocument/rename", new RenameParams(new TextDocumentIdentifier(ChildUri), PositionOf(ChildText, "sbp 11 kPa", 1), "systolic"));

        var keys = edit.GetProperty("changes").EnumerateObject().Select(p => new Uri(p.Name).AbsoluteUri).ToList();
        Assert.Contains(BaseUri.AbsoluteUri, keys);
        Assert.Contains(ChildUri.AbsoluteUri, keys);
    }

    [Theory]
    [InlineData("2fast")]
    [InlineData("bad--name")]
    [InlineData("has space")]
    [InlineData("when")]
    public async Task Rename_refuses_an_invalid_name_with_a_clear_message(string name)
    {
        await using var client = await StartWithAsync((ChildUri, ChildText));

        var error = await Assert.ThrowsAnyAsync<RemoteRpcException>(() =>
            client.RequestAsync("textDocument/rename", new RenameParams(new TextDocumentIdentifier(ChildUri), PositionOf(ChildText, "sbp 11 kPa", 1), name)));

        Assert.Equal(ErrorCodes.InvalidParams, (int?)error.ErrorCode);
        Assert.Contains($"'{name}'", error.Message, StringComparison.Ordinal);
    }

    private static int CountWord(string text, string word)
    {
        var count = 0;
        for (var i = text.IndexOf(word, StringComparison.Ordinal); i >= 0; i = text.IndexOf(word, i + 1, StringComparison.Ordinal))
        {
            var after = i + word.Length < text.Length ? text[i + word.Length] : ' ';
            if (!char.IsLetterOrDigit(after) && after != '-' && !text[..i].EndsWith('"') && !IsInsideString(text, i))
            {
                count++;
            }
        }

        return count;
    }

    private static bool IsInsideString(string text, int index)
    {
        var lineStart = text.LastIndexOf('\n', index) + 1;
        return text[lineStart..index].Count(c => c == '"') % 2 == 1 || text[lineStart..index].Contains("//", StringComparison.Ordinal);
    }
}
