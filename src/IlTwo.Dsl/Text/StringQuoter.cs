using System.Globalization;
using System.Text;

namespace IlTwo.Dsl.Text;

/// <summary>
/// The one place strings are quoted and escaped: as an .il2 string literal (the formatter) and for one line of
/// compiler-format output (<see cref="Diagnostics.CompilerFormat"/>). Both escape <c>\"</c>, <c>\\</c>, <c>\n</c> and
/// <c>\t</c> the way the parser reads them back; the display form also escapes <c>\r</c>, control and
/// bidirectional-format characters as <c>\uXXXX</c> so a value can never end a line or reorder what a terminal shows.
/// </summary>
internal static class StringQuoter
{
    /// <summary>The value as an .il2 string literal: the inverse of the parser's unescaping.</summary>
    public static string Quote(string value) => Quote(value, display: false);

    /// <summary>The value in double quotes with every character a terminal could misread escaped (not meant to be parsed back).</summary>
    public static string QuoteForDisplay(string value) => Quote(value, display: true);

    /// <summary>True when <see cref="AppendForDisplay"/> would change the character.</summary>
    public static bool NeedsDisplayEscape(char c) => char.IsControl(c) || IsInvisibleFormat(c);

    /// <summary>One character for display: <c>\n</c>, <c>\r</c>, <c>\t</c>, <c>\uXXXX</c> for other control and bidirectional-format characters.</summary>
    public static void AppendForDisplay(StringBuilder builder, char c)
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
                if (NeedsDisplayEscape(c))
                {
                    builder.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                }
                else
                {
                    builder.Append(c);
                }

                break;
        }
    }

    /// <summary>Bidirectional controls and line/paragraph separators: characters that change how a line is shown or where it ends.</summary>
    internal static bool IsInvisibleFormat(char c) => BidiControls.IsBidiControl(c) || c is '\u2028' or '\u2029' or '\u0085';

    private static string Quote(string value, bool display)
    {
        var builder = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"':
                    builder.Append("\\\"");
                    break;
                case '\\':
                    builder.Append("\\\\");
                    break;
                case '\n':
                    builder.Append("\\n");
                    break;
                case '\t':
                    builder.Append("\\t");
                    break;
                default:
                    if (display)
                    {
                        AppendForDisplay(builder, c);
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }
        return builder.Append('"').ToString();
    }
}
