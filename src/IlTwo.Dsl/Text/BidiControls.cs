using System.Globalization;
using System.Text;

namespace IlTwo.Dsl.Text;

/// <summary>
/// Unicode bidirectional control characters (U+202A–U+202E embeddings and overrides, U+2066–U+2069 isolates, U+200E/U+200F
/// marks, U+061C the Arabic letter mark): invisible, they make text display in an order other than the one it is read in
/// ("Trojan Source"), so a reviewer can approve a protocol that says something else than it shows.
/// </summary>
public static class BidiControls
{
    public static bool IsBidiControl(char c) => c is (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069') or '\u200E' or '\u200F' or '\u061C';

    public static bool Contains(string text) => text.AsSpan().IndexOfAny(SearchValues) >= 0;

    /// <summary>The offsets of every bidirectional control character in <paramref name="text"/>.</summary>
    public static IEnumerable<int> Offsets(string text)
    {
        var from = 0;
        while (from < text.Length)
        {
            var at = text.AsSpan(from).IndexOfAny(SearchValues);
            if (at < 0)
            {
                yield break;
            }

            yield return from + at;
            from += at + 1;
        }
    }

    /// <summary>The text with each bidirectional control shown as <c>&lt;U+202E&gt;</c> (plain text; encode for markup afterwards).</summary>
    public static string Reveal(string text)
    {
        if (!Contains(text))
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            if (IsBidiControl(c))
            {
                builder.Append("<U+").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture)).Append('>');
            }
            else
            {
                builder.Append(c);
            }
        }
        return builder.ToString();
    }

    /// <summary>The Unicode name of a bidirectional control, for messages.</summary>
    public static string Name(char c) => c switch
    {
        '\u202A' => "LEFT-TO-RIGHT EMBEDDING",
        '\u202B' => "RIGHT-TO-LEFT EMBEDDING",
        '\u202C' => "POP DIRECTIONAL FORMATTING",
        '\u202D' => "LEFT-TO-RIGHT OVERRIDE",
        '\u202E' => "RIGHT-TO-LEFT OVERRIDE",
        '\u2066' => "LEFT-TO-RIGHT ISOLATE",
        '\u2067' => "RIGHT-TO-LEFT ISOLATE",
        '\u2068' => "FIRST STRONG ISOLATE",
        '\u2069' => "POP DIRECTIONAL ISOLATE",
        '\u200E' => "LEFT-TO-RIGHT MARK",
        '\u200F' => "RIGHT-TO-LEFT MARK",
        '\u061C' => "ARABIC LETTER MARK",
        _ => "bidirectional control",
    };

    private static readonly System.Buffers.SearchValues<char> SearchValues = System.Buffers.SearchValues.Create(
        "\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069\u200E\u200F\u061C");
}
