using IlTwo.LanguageServer.Protocol;
using IlTwo.LanguageServer.Workspace;
using static IlTwo.LanguageServer.Tests.Infrastructure.LspTestClient;

namespace IlTwo.LanguageServer.Tests;

public sealed class DocumentStoreTests
{
    private static readonly Uri DocumentUri = new("file:///c%3A/work/a.il2");

    private static string Apply(string text, params TextDocumentContentChangeEvent[] changes)
    {
        var store = new DocumentStore();
        store.Open(new TextDocumentItem(DocumentUri, "il2", 1, text));
        return store.Change(new VersionedTextDocumentIdentifier(DocumentUri, 2), changes).Text;
    }

    [Fact]
    public void A_full_text_change_replaces_everything() => Assert.Equal("new", Apply("old", new TextDocumentContentChangeEvent("new")));

    [Fact]
    public void Edits_address_lines_across_CRLF() => Assert.Equal("a\r\nX\r\nc", Apply("a\r\nb\r\nc", Edit(1, 0, 1, 1, "X")));

    [Fact]
    public void Edits_address_lines_across_lone_CR() => Assert.Equal("a\rX\rc", Apply("a\rb\rc", Edit(1, 0, 1, 1, "X")));

    [Fact]
    public void A_character_past_the_end_of_its_line_clamps_to_the_line_end() => Assert.Equal("abZ\r\ncd", Apply("ab\r\ncd", Edit(0, 10, 0, 10, "Z")));

    [Fact]
    public void A_range_past_the_end_of_the_document_clamps() => Assert.Equal("aQ", Apply("a\nb\nc", Edit(0, 1, 99, 0, "Q")));

    [Fact]
    public void Deleting_everything_leaves_an_empty_file() => Assert.Equal(string.Empty, Apply("a\r\nb\n", Edit(0, 0, 2, 0, string.Empty)));

    [Fact]
    public void Characters_are_UTF16_code_units() => Assert.Equal("😀Yx", Apply("😀x", Edit(0, 2, 0, 2, "Y")));

    [Fact]
    public void Changes_apply_in_order() => Assert.Equal("ab", Apply(string.Empty, Edit(0, 0, 0, 0, "b"), Edit(0, 0, 0, 0, "a")));

    [Fact]
    public void A_reversed_range_is_treated_as_its_ordered_form() => Assert.Equal("aZ", Apply("abc", Edit(0, 3, 0, 1, "Z")));

    [Fact]
    public void Versions_are_recorded_and_uris_keyed_as_sent()
    {
        var store = new DocumentStore();
        store.Open(new TextDocumentItem(DocumentUri, "il2", 4, "x"));

        var changed = store.Change(new VersionedTextDocumentIdentifier(new Uri("file:///c%3A/work/a.il2"), 9), [new TextDocumentContentChangeEvent("y")]);

        Assert.Equal(9, changed.Version);
        Assert.Equal(9, store.Get(DocumentUri).Version);
        Assert.Equal("file:///c%3A/work/a.il2", store.Get(DocumentUri).Uri.OriginalString);
    }

    [Fact]
    public void Changing_or_reading_a_document_that_is_not_open_throws_DocumentNotOpen()
    {
        var store = new DocumentStore();

        Assert.Throws<DocumentNotOpenException>(() => store.Change(new VersionedTextDocumentIdentifier(DocumentUri, 1), []));
        Assert.Throws<DocumentNotOpenException>(() => store.Get(DocumentUri));
        Assert.False(store.Close(DocumentUri));
    }

    [Fact]
    public void Random_edits_over_mixed_line_breaks_match_a_reference_model()
    {
        var random = new Random(7);
        const string Alphabet = "ab \r\n\r\n😀x";
        var text = "line one\r\nline two\nline three\rend";
        var store = new DocumentStore();
        store.Open(new TextDocumentItem(DocumentUri, "il2", 1, text));

        for (int version = 2; version < 1000; version++)
        {
            var lines = SplitLines(text);
            var start = RandomPosition(random, lines);
            var end = RandomPosition(random, lines);
            if (ReferenceOffset(lines, end) < ReferenceOffset(lines, start))
            {
                (start, end) = (end, start);
            }

            var inserted = new string(Enumerable.Range(0, random.Next(0, 4)).Select(_ => Alphabet[random.Next(Alphabet.Length)]).ToArray());
            int startOffset = ReferenceOffset(lines, start), endOffset = ReferenceOffset(lines, end);
            text = string.Concat(text.AsSpan(0, startOffset), inserted, text.AsSpan(endOffset));

            var changed = store.Change(new VersionedTextDocumentIdentifier(DocumentUri, version), [Edit(start.Line, start.Character, end.Line, end.Character, inserted)]);
            Assert.Equal(text, changed.Text);
        }
    }

    /// <summary>Lines as (content, terminator) pairs: an independent model of LSP's line breaks.</summary>
    private static List<(string Content, string Terminator)> SplitLines(string text)
    {
        var lines = new List<(string, string)>();
        int start = 0;
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                lines.Add((text[start..i], "\r\n"));
                start = ++i + 1;
            }
            else if (text[i] is '\r' or '\n')
            {
                lines.Add((text[start..i], text[i].ToString()));
                start = i + 1;
            }
        }

        lines.Add((text[start..], string.Empty));
        return lines;
    }

    private static int ReferenceOffset(List<(string Content, string Terminator)> lines, Position position)
    {
        if (position.Line >= lines.Count)
        {
            return lines.Sum(l => l.Content.Length + l.Terminator.Length);
        }

        return lines.Take(position.Line).Sum(l => l.Content.Length + l.Terminator.Length) + Math.Min(position.Character, lines[position.Line].Content.Length);
    }

    private static Position RandomPosition(Random random, List<(string Content, string Terminator)> lines)
    {
        int line = random.Next(lines.Count + 1);
        int character = line < lines.Count ? random.Next(lines[line].Content.Length + 3) : random.Next(3);
        return new Position(line, character);
    }
}
