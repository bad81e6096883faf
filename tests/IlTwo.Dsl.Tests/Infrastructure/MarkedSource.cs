using System.Text;
using System.Text.RegularExpressions;
using IlTwo.Dsl.Diagnostics;
using IlTwo.Dsl.Text;

namespace IlTwo.Dsl.Tests.Infrastructure;

/// <summary>One diagnostic a corpus file expects: its code and its span in the compiled (marker-free) text.</summary>
public readonly record struct ExpectedDiagnostic(string Code, TextSpan Span);

/// <summary>
/// A corpus source with its markers removed (format: Corpus/README.md). <c>[|</c> and <c>|]</c> delimit a span;
/// a <c>//!</c> comment lists, in order, the codes expected on the spans that open on its line; both are removed
/// before compiling, at the byte level so that files with invalid UTF-8 keep their bytes.
/// </summary>
public sealed partial class MarkedSource
{
    [GeneratedRegex(@"^(?<codes>IL\d{4}(\+IL\d{4})*)(\*(?<repeat>\d+))?$")]
    private static partial Regex Entry();

    private MarkedSource(byte[] bytes, IReadOnlyList<ExpectedDiagnostic> expected)
    {
        Bytes = bytes;
        Expected = expected;
    }

    /// <summary>The bytes to compile: the file without markers and without <c>//!</c> comments.</summary>
    public byte[] Bytes { get; }

    public IReadOnlyList<ExpectedDiagnostic> Expected { get; }

    public static MarkedSource Parse(byte[] input, string pathForErrors)
    {
        var output = new List<byte>(input.Length);
        var open = new Stack<int>();
        var spans = new List<(int Line, int Start, int End)>(); // byte offsets in output, in order of opening
        var entries = new List<(int Line, string Text)>();
        var line = 0;
        for (var i = 0; i < input.Length; i++)
        {
            var b = input[i];
            if (b == '[' && At(input, i + 1, '|'))
            {
                open.Push(spans.Count);
                spans.Add((line, output.Count, -1));
                i++;
            }
            else if (b == '|' && At(input, i + 1, ']'))
            {
                if (open.Count == 0)
                {
                    throw new FormatException($"{pathForErrors}({line + 1}): '|]' without '[|'");
                }

                var index = open.Pop();
                spans[index] = spans[index] with { End = output.Count };
                i++;
            }
            else if (b == '/' && At(input, i + 1, '/') && At(input, i + 2, '!'))
            {
                var end = i;
                while (end < input.Length && input[end] != '\n' && input[end] != '\r')
                {
                    end++;
                }

                entries.Add((line, Encoding.UTF8.GetString(input, i + 3, end - i - 3)));
                i = end - 1;
            }
            else
            {
                if (b == '\n' || (b == '\r' && !At(input, i + 1, '\n')))
                {
                    line++;
                }

                output.Add(b);
            }
        }
        if (open.Count > 0)
        {
            throw new FormatException($"{pathForErrors}({spans[open.Peek()].Line + 1}): '[|' without '|]'");
        }

        var bytes = output.ToArray();
        var expected = new List<ExpectedDiagnostic>();
        foreach (var group in spans.GroupBy(s => s.Line))
        {
            var onLine = new Queue<(int Line, int Start, int End)>(group);
            var words = entries.Where(e => e.Line == group.Key).SelectMany(e => e.Text.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)).ToList();
            if (words.Count == 0)
            {
                throw new FormatException($"{pathForErrors}({group.Key + 1}): a span is marked but no '//!' comment lists its code");
            }

            foreach (var word in words)
            {
                var match = Entry().Match(word);
                if (!match.Success)
                {
                    throw new FormatException($"{pathForErrors}({group.Key + 1}): '{word}' is not a code entry (IL0123, IL0123+IL0456 or IL0123*3)");
                }

                var repeat = match.Groups["repeat"].Success ? int.Parse(match.Groups["repeat"].Value) : 1;
                for (var r = 0; r < repeat; r++)
                {
                    if (onLine.Count == 0)
                    {
                        throw new FormatException($"{pathForErrors}({group.Key + 1}): more codes than marked spans");
                    }

                    var span = onLine.Dequeue();
                    var textSpan = TextSpan.FromBounds(CharOffset(bytes, span.Start), CharOffset(bytes, span.End));
                    foreach (var code in match.Groups["codes"].Value.Split('+'))
                    {
                        expected.Add(new ExpectedDiagnostic(code, textSpan));
                    }
                }
            }
            if (onLine.Count > 0)
            {
                throw new FormatException($"{pathForErrors}({group.Key + 1}): {onLine.Count} marked span(s) without a code");
            }
        }
        foreach (var entry in entries.Where(e => !spans.Any(s => s.Line == e.Line) && !string.IsNullOrWhiteSpace(e.Text)))
        {
            throw new FormatException($"{pathForErrors}({entry.Line + 1}): '//!{entry.Text}' lists codes but no span opens on this line");
        }

        return new MarkedSource(bytes, expected);
    }

    /// <summary>The UTF-16 offset SourceText.FromBytes gives to a byte offset (BOM dropped, invalid bytes one U+FFFD each).</summary>
    private static int CharOffset(byte[] bytes, int byteOffset)
    {
        var skip = bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;
        return byteOffset <= skip ? 0 : Encoding.UTF8.GetCharCount(bytes, skip, byteOffset - skip);
    }

    private static bool At(byte[] input, int index, char c) => index < input.Length && input[index] == c;

    /// <summary>The text with diagnostics rendered in the marker format, for failure messages (what the file would need to say).</summary>
    public static string Render(SourceText text, IEnumerable<(string Code, TextSpan Span)> diagnostics)
    {
        var byLine = diagnostics.OrderBy(d => d.Span.Start).ThenBy(d => d.Code, StringComparer.Ordinal)
            .GroupBy(d => text.GetLinePosition(d.Span.Start).Line).ToDictionary(g => g.Key, g => g.ToList());
        var builder = new StringBuilder();
        for (var line = 0; line < text.LineCount; line++)
        {
            var start = text.GetLineStart(line);
            var lineText = text.GetLineText(line);
            if (!byLine.TryGetValue(line, out var list))
            {
                builder.Append(lineText).Append('\n');
                continue;
            }
            var inserts = new List<(int At, string Text)>();
            foreach (var span in list.Select(d => d.Span).Distinct())
            {
                inserts.Add((span.Start - start, "[|"));
                inserts.Add((Math.Min(span.End, text.GetLineEnd(line)) - start, "|]"));
            }
            var rendered = lineText;
            foreach (var (at, marker) in inserts.OrderByDescending(x => x.At).ThenBy(x => x.Text == "[|" ? 1 : 0))
            {
                rendered = rendered.Insert(Math.Clamp(at, 0, rendered.Length), marker);
            }

            var codes = list.GroupBy(d => d.Span).Select(g => string.Join("+", g.Select(d => d.Code)));
            builder.Append(rendered).Append(" //! ").Append(string.Join(' ', codes)).Append('\n');
        }
        return builder.ToString();
    }

    public static string Describe(SourceText text, Diagnostic d) =>
        $"{text.GetLinePosition(d.Span.Start).Line + 1}:{text.GetLinePosition(d.Span.Start).Character + 1}-{text.GetLinePosition(d.Span.End).Line + 1}:{text.GetLinePosition(d.Span.End).Character + 1} {d.Code}: {d.Message}";
}
