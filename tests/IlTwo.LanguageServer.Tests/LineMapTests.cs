using IlTwo.LanguageServer.Protocol;
using IlTwo.LanguageServer.Workspace;

namespace IlTwo.LanguageServer.Tests;

public sealed class LineMapTests
{
    [Theory]
    [InlineData("a\r\nbc", 4, 1, 1)]
    [InlineData("a\r\nbc", 5, 1, 2)]
    [InlineData("a\nb", 2, 1, 0)]
    [InlineData("", 0, 0, 0)]
    [InlineData("ab", 99, 0, 2)]
    public void Offsets_map_to_positions(string text, int offset, int line, int character) =>
        Assert.Equal(new Position(line, character), LineMap.Create(text).ToPosition(offset));

    [Fact]
    public void Positions_round_trip_through_offsets()
    {
        const string Text = "one\r\ntwo\nthree\rfour";
        var map = LineMap.Create(Text);
        for (int offset = 0; offset <= Text.Length; offset++)
        {
            if (offset > 0 && Text[offset - 1] == '\r' && offset < Text.Length && Text[offset] == '\n')
            {
                continue; // between \r and \n is not a position a client can name
            }

            Assert.Equal(offset, map.ToOffset(map.ToPosition(offset)));
        }
    }
}
