using System.Globalization;
using System.Text;

namespace IlTwo.Dsl.Diagnostics;

/// <summary>
/// Text that goes into one line of compiler-format output (<c>path(line,col): error IL0123: message</c>), made safe:
/// a file name or message can never end the line, start a forged one, or reorder what a terminal shows.
/// </summary>
public static class CompilerFormat
{
    /// <summary>
    /// The path as is when it holds only ordinary characters; otherwise in double quotes with C-style escapes
    /// (<c>\"</c>, <c>\\</c>, <c>\n</c>, <c>\uXXXX</c>) for quotes, backslashes, control and bidirectional-format characters.
    /// </summary>
    public static string Path(string path)
    {
        if (!path.Any(NeedsEscape))
            return path;
        var builder = new StringBuilder(path.Length + 8).Append('"');
        foreach (var c in path)
        {
            switch (c)
            {
                case '"':
                    builder.Append("\\\"");
                    break;
                case '\\':
                    builder.Append("\\\\");
                    break;
                default:
                    AppendEscaped(builder, c);
                    break;
            }
        }
        return builder.Append('"').ToString();
    }

    /// <summary>The message on one line: line breaks become spaces, other control and bidirectional-format characters <c>\uXXXX</c>.</summary>
    public static string Message(string message)
    {
        var oneLine = message.ReplaceLineEndings(" ");
        if (!oneLine.Any(NeedsEscape))
            return oneLine;
        var builder = new StringBuilder(oneLine.Length + 8);
        foreach (var c in oneLine)
        {
            if (c == '"')
                builder.Append(c);
            else
                AppendEscaped(builder, c);
        }
        return builder.ToString();
    }

    private static void AppendEscaped(StringBuilder builder, char c)
    {
        switch (c)
        {
            case '\n':
                builder.Append("\\n");
                break;
            case '\r':
                builder.Append("\\r");
                break;
            case '\t':
                builder.Append("\\t");
                break;
            default:
                if (char.IsControl(c) || IsInvisibleFormat(c))
                    builder.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                else
                    builder.Append(c);
                break;
        }
    }

    private static bool NeedsEscape(char c) => c == '"' || char.IsControl(c) || IsInvisibleFormat(c);

    /// <summary>Bidirectional controls and line/paragraph separators: characters that change how a line is shown or where it ends.</summary>
    internal static bool IsInvisibleFormat(char c) => Text.BidiControls.IsBidiControl(c) || c is '\u2028' or '\u2029' or '\u0085';
}
