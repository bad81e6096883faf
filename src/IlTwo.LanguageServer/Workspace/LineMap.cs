using IlTwo.LanguageServer.Protocol;

namespace IlTwo.LanguageServer.Workspace;

/// <summary>
/// Line starts of a text, for converting between LSP positions (line, UTF-16 character) and offsets.
/// Line breaks are <c>\n</c>, <c>\r\n</c> and <c>\r</c>, as LSP counts them. Out-of-range positions clamp:
/// a character past the end of its line means the end of that line, a line past the last means the end of the text.
/// </summary>
public sealed class LineMap
{
    private readonly string _text;
    private readonly int[] _lineStarts;

    private LineMap(string text, int[] lineStarts)
    {
        _text = text;
        _lineStarts = lineStarts;
    }

    public int LineCount => _lineStarts.Length;

    public static LineMap Create(string text)
    {
        var starts = new List<int> { 0 };
        for (int i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\r')
            {
                if (i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                starts.Add(i + 1);
            }
            else if (c == '\n')
            {
                starts.Add(i + 1);
            }
        }

        return new LineMap(text, [.. starts]);
    }

    public int ToOffset(Position position)
    {
        if (position.Line < 0)
        {
            return 0;
        }

        if (position.Line >= _lineStarts.Length)
        {
            return _text.Length;
        }

        int start = _lineStarts[position.Line];
        int contentEnd = LineContentEnd(position.Line);
        return start + Math.Clamp(position.Character, 0, contentEnd - start);
    }

    public Position ToPosition(int offset)
    {
        offset = Math.Clamp(offset, 0, _text.Length);
        int line = Array.BinarySearch(_lineStarts, offset);
        if (line < 0)
        {
            line = ~line - 1;
        }

        return new Position(line, Math.Min(offset, LineContentEnd(line)) - _lineStarts[line]);
    }

    /// <summary>The offset of the end of the line's content, before its line break.</summary>
    private int LineContentEnd(int line)
    {
        if (line + 1 >= _lineStarts.Length)
        {
            return _text.Length;
        }

        int next = _lineStarts[line + 1];
        return next >= 2 && _text[next - 2] == '\r' && _text[next - 1] == '\n' ? next - 2 : next - 1;
    }
}
