using System.Text;
using IlTwo.Dsl.Text;

namespace IlTwo.Dsl.Tests;

public sealed class SourceTextTests
{
    [Theory]
    [InlineData("a\nbb\n\nccc", new[] { 0, 2, 5, 6 })]
    [InlineData("a\r\nbb\r\n\r\nccc", new[] { 0, 3, 7, 9 })]
    [InlineData("a\rbb\r\rccc", new[] { 0, 2, 5, 6 })]
    [InlineData("a\r\nb\rc\nd", new[] { 0, 3, 5, 7 })]
    [InlineData("", new[] { 0 })]
    [InlineData("x\n", new[] { 0, 2 })]
    public void LineStarts_ForLfCrlfAndCr(string text, int[] starts)
    {
        var source = SourceText.From(text);

        Assert.Equal(starts.Length, source.LineCount);
        Assert.Equal(starts, Enumerable.Range(0, source.LineCount).Select(source.GetLineStart));
    }

    [Theory]
    [InlineData("a\nbb\n\nccc")]
    [InlineData("a\r\nbb\r\n\r\nccc")]
    [InlineData("a\rbb\r\rccc\r")]
    public void LineText_ExcludesLineBreaks(string text)
    {
        var source = SourceText.From(text);

        Assert.Equal(["a", "bb", "", "ccc"], Enumerable.Range(0, 4).Select(source.GetLineText));
    }

    [Theory]
    [InlineData("protocol p\ntitle \"t\"\n")]
    [InlineData("protocol p\r\ntitle \"t\"\r\n")]
    [InlineData("protocol p\rtitle \"t\"\r")]
    [InlineData("é😀\nü")]
    public void Offset_AndLinePosition_RoundTrip(string text)
    {
        var source = SourceText.From(text);

        for (var offset = 0; offset <= text.Length; offset++)
        {
            var position = source.GetLinePosition(offset);
            var back = source.GetOffset(position);
            // An offset inside a line break maps to the end of its line.
            var expected = offset < text.Length && text[offset] == '\n' && offset > 0 && text[offset - 1] == '\r' ? offset - 1 : offset;
            Assert.Equal(expected, back);
        }
    }

    [Fact]
    public void LinePosition_CountsUtf16Units()
    {
        var source = SourceText.From("😀x\ny");

        Assert.Equal(new LinePosition(0, 2), source.GetLinePosition(2));
        Assert.Equal(new LinePosition(1, 0), source.GetLinePosition(4));
    }

    [Fact]
    public void OutOfRange_IsClamped()
    {
        var source = SourceText.From("ab\ncd");

        Assert.Equal(new LinePosition(0, 0), source.GetLinePosition(-5));
        Assert.Equal(new LinePosition(1, 2), source.GetLinePosition(99));
        Assert.Equal(0, source.GetOffset(new LinePosition(-1, 0)));
        Assert.Equal(5, source.GetOffset(new LinePosition(7, 0)));
        Assert.Equal(2, source.GetOffset(new LinePosition(0, 40)));
        Assert.Equal("cd", source.ToString(new TextSpan(3, 100)));
    }

    [Fact]
    public void FromBytes_DropsBom_AndDecodesUtf8()
    {
        var source = SourceText.FromBytes([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("café")], "p.il2");

        Assert.Equal("café", source.Text);
        Assert.Null(source.InvalidUtf8Offset);
        Assert.Equal("p.il2", source.Path);
    }

    [Theory]
    [InlineData(new byte[] { (byte)'a', (byte)'b', 0xFF, (byte)'c' }, 2)]
    [InlineData(new byte[] { 0xC3, 0x28 }, 0)]
    [InlineData(new byte[] { (byte)'x', (byte)'\n', 0xE2, 0x82 }, 2)]
    [InlineData(new byte[] { 0xEF, 0xBB, 0xBF, (byte)'a', 0x80 }, 1)]
    public void FromBytes_InvalidUtf8_IsReplacedAndItsOffsetRemembered(byte[] bytes, int offset)
    {
        var source = SourceText.FromBytes(bytes, "p.il2");

        Assert.Equal(offset, source.InvalidUtf8Offset);
        Assert.Equal('\uFFFD', source.Text[offset]);
    }

    [Fact]
    public void FromBytes_NulBytes_AreValidUtf8()
    {
        var source = SourceText.FromBytes([0, (byte)'a', 0], "p.il2");

        Assert.Null(source.InvalidUtf8Offset);
        Assert.Equal("\0a\0", source.Text);
    }

    [Fact]
    public void TextSpan_Operations()
    {
        var span = new TextSpan(2, 3);

        Assert.Equal(5, span.End);
        Assert.True(span.Contains(4));
        Assert.False(span.Contains(5));
        Assert.True(span.Touches(5));
        Assert.Equal(new TextSpan(1, 6), span.Cover(new TextSpan(1, 1)).Cover(new TextSpan(6, 1)));
        Assert.Equal(new TextSpan(4, 0), TextSpan.FromBounds(4, 2));
    }
}
