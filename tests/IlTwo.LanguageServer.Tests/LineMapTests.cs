using IlTwo.Dsl.Text;
using IlTwo.LanguageServer.Protocol;
using IlTwo.LanguageServer.Workspace;

namespace IlTwo.LanguageServer.Tests;

/// <summary>LSP positions and offsets go through the compiler's one line map, <see cref="SourceText"/>.</summary>
public sealed class LineMapTests
{
    [Theory]
    [InlineData("a\r\nbc", 4, 1, 1)]
    [InlineData("a\r\nbc", 5, 1, 2)]
    [InlineData("a\nb", 2, 1, 0)]
    [InlineData("", 0, 0, 0)]
    [InlineData("ab", 99, 0, 2)]
    public void Offsets_map_to_positions(string text, int offset, int line, int character) =>
        Assert.Equal(new LinePosition(line, character), SourceText.From(text).GetLinePosition(offset));

    [Fact]
    public void Positions_round_trip_through_offsets()
    {
        const string Text = "one\r\ntwo\nthree\rfour";
        var map = SourceText.From(Text);
        for (int offset = 0; offset <= Text.Length; offset++)
        {
            if (offset > 0 && Text[offset - 1] == '\r' && offset < Text.Length && Text[offset] == '\n')
            {
                continue; // between \r and \n is not a position a client can name
            }

            Assert.Equal(offset, map.GetOffset(map.GetLinePosition(offset)));
        }
    }

    [Theory]
    [InlineData("one\r\ntwo", 0, 99, 0, 99, "X", "oneX\r\ntwo")]
    [InlineData("one\ntwo", 5, 0, 9, 9, "X", "one\ntwoX")]
    [InlineData("one\ntwo", -1, 0, 0, 1, "X", "Xne\ntwo")]
    [InlineData("one\rtwo", 1, 1, 1, 2, "", "one\rto")]
    public void Edits_at_out_of_range_positions_clamp(string text, int startLine, int startCharacter, int endLine, int endCharacter, string newText, string expected)
    {
        var change = new TextDocumentContentChangeEvent(newText, new Protocol.Range(new Position(startLine, startCharacter), new Position(endLine, endCharacter)));

        Assert.Equal(expected, new TextDocument(new Uri("file:///x.il2"), "il2", 1, text).WithChanges(2, [change]).Text);
    }
}
