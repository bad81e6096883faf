using System.Collections.Immutable;
using System.Text;

namespace IlTwo.Dsl.Text;

/// <summary>The text of one protocol file with its line map. Immutable.</summary>
public sealed class SourceText
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ImmutableArray<int> _lineStarts;

    private SourceText(string path, string text, int? invalidUtf8Offset)
    {
        Path = path;
        Text = text;
        InvalidUtf8Offset = invalidUtf8Offset;
        _lineStarts = ComputeLineStarts(text);
    }

    /// <summary>The file path or document URI the text came from (used in diagnostics).</summary>
    public string Path { get; }

    public string Text { get; }

    public int Length => Text.Length;

    public int LineCount => _lineStarts.Length;

    /// <summary>Where the first invalid UTF-8 sequence was replaced, when the text was decoded from bytes.</summary>
    public int? InvalidUtf8Offset { get; }

    public static SourceText From(string text, string path = "") => new(path, text, null);

    /// <summary>Decodes UTF-8 (a BOM is dropped); invalid sequences are replaced and remembered, never thrown.</summary>
    public static SourceText FromBytes(ReadOnlySpan<byte> bytes, string path)
    {
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            bytes = bytes[3..];
        }

        try
        {
            return new SourceText(path, StrictUtf8.GetString(bytes), null);
        }
        catch (DecoderFallbackException)
        {
            var lenient = Encoding.UTF8.GetString(bytes);
            var at = lenient.IndexOf('\uFFFD', StringComparison.Ordinal);
            return new SourceText(path, lenient, Math.Max(0, at));
        }
    }

    public string ToString(TextSpan span)
    {
        var start = Math.Clamp(span.Start, 0, Text.Length);
        var end = Math.Clamp(span.End, start, Text.Length);
        return Text[start..end];
    }

    public LinePosition GetLinePosition(int offset)
    {
        offset = Math.Clamp(offset, 0, Text.Length);
        var line = _lineStarts.BinarySearch(offset);
        if (line < 0)
        {
            line = ~line - 1;
        }

        return new LinePosition(line, offset - _lineStarts[line]);
    }

    public int GetOffset(LinePosition position)
    {
        if (position.Line < 0)
        {
            return 0;
        }

        if (position.Line >= _lineStarts.Length)
        {
            return Text.Length;
        }

        var start = _lineStarts[position.Line];
        var end = GetLineEnd(position.Line);
        return Math.Clamp(start + position.Character, start, end);
    }

    public int GetLineStart(int line) => _lineStarts[Math.Clamp(line, 0, _lineStarts.Length - 1)];

    /// <summary>The offset of the end of the line, before its line break.</summary>
    public int GetLineEnd(int line)
    {
        var start = _lineStarts[line];
        var end = line + 1 < _lineStarts.Length ? _lineStarts[line + 1] : Text.Length;
        while (end > start && (Text[end - 1] == '\n' || Text[end - 1] == '\r'))
        {
            end--;
        }

        return end;
    }

    public string GetLineText(int line) => Text[GetLineStart(line)..GetLineEnd(line)];

    private static ImmutableArray<int> ComputeLineStarts(string text)
    {
        var starts = ImmutableArray.CreateBuilder<int>();
        starts.Add(0);
        for (var i = 0; i < text.Length; i++)
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
        return starts.ToImmutable();
    }
}
