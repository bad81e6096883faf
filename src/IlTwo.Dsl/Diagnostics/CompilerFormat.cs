using System.Text;
using IlTwo.Dsl.Text;

namespace IlTwo.Dsl.Diagnostics;

/// <summary>
/// Text that goes into one line of compiler-format output (<c>path(line,col): error IL0123: message</c>), made safe:
/// a file name or message can never end the line, start a forged one, or reorder what a terminal shows.
/// The escaping itself is <see cref="StringQuoter"/>'s, shared with the formatter's string literals.
/// </summary>
public static class CompilerFormat
{
    /// <summary>
    /// The path as is when it holds only ordinary characters; otherwise in double quotes with C-style escapes
    /// (<c>\"</c>, <c>\\</c>, <c>\n</c>, <c>\uXXXX</c>) for quotes, backslashes, control and bidirectional-format characters.
    /// </summary>
    public static string Path(string path) =>
        path.Any(c => c == '"' || StringQuoter.NeedsDisplayEscape(c)) ? StringQuoter.QuoteForDisplay(path) : path;

    /// <summary>The message on one line: line breaks become spaces, other control and bidirectional-format characters <c>\uXXXX</c>.</summary>
    public static string Message(string message)
    {
        var oneLine = message.ReplaceLineEndings(" ");
        if (!oneLine.Any(StringQuoter.NeedsDisplayEscape))
        {
            return oneLine;
        }

        var builder = new StringBuilder(oneLine.Length + 8);
        foreach (var c in oneLine)
        {
            StringQuoter.AppendForDisplay(builder, c);
        }

        return builder.ToString();
    }
}
