using System.Text.Encodings.Web;
using System.Text.Json;

namespace IlTwo.Runtime.Records;

internal static class JsonText
{
    private const int MaxQuoted = 60;

    /// <summary>Quotes a value for an error message: JSON-escaped so control characters stay visible, and shortened.</summary>
    public static string Quote(string text)
    {
        var cut = MaxQuoted;
        if (text.Length > cut && char.IsHighSurrogate(text[cut - 1]))
        {
            cut--; // never split a surrogate pair: the encoder rejects lone halves
        }

        var shown = text.Length > cut ? text[..cut] + "…" : text;
        return "\"" + JsonEncodedText.Encode(shown, JavaScriptEncoder.UnsafeRelaxedJsonEscaping) + "\"";
    }
}
