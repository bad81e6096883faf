using System.Text;

namespace IlTwo.Dsl.Rendering;

/// <summary>The one way user text reaches the review document: escaped for HTML text and quoted attribute values.</summary>
public static class HtmlText
{
    /// <summary>
    /// Escapes <c>&amp; &lt; &gt; " '</c>, so the result is safe in element content and in quoted attributes (also in SVG);
    /// bidirectional control characters, which would make the text display in another order than it is read, are shown
    /// as <c>&lt;U+202E&gt;</c>.
    /// </summary>
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        var builder = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            switch (c)
            {
                case '&': builder.Append("&amp;"); break;
                case '<': builder.Append("&lt;"); break;
                case '>': builder.Append("&gt;"); break;
                case '"': builder.Append("&quot;"); break;
                case '\'': builder.Append("&#39;"); break;
                case '\0': builder.Append('\uFFFD'); break;
                case var bidi when Text.BidiControls.IsBidiControl(bidi):
                    builder.Append("&lt;U+").Append(((int)bidi).ToString("X4", System.Globalization.CultureInfo.InvariantCulture)).Append("&gt;");
                    break;
                default: builder.Append(c); break;
            }
        }
        return builder.ToString();
    }

    /// <summary>An http(s) link target, escaped for an attribute; null for anything else (<c>javascript:</c>, relative paths...).</summary>
    public static string? SafeHref(string? url)
    {
        if (string.IsNullOrWhiteSpace(url) || !Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri))
        {
            return null;
        }

        if (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
        {
            return null;
        }

        return Escape(uri.AbsoluteUri);
    }

    /// <summary>The https://doi.org/ link for a DOI, escaped for an attribute.</summary>
    public static string? DoiHref(string? doi)
    {
        if (string.IsNullOrWhiteSpace(doi))
        {
            return null;
        }

        var path = string.Join("/", doi.Trim().Split('/').Select(Uri.EscapeDataString));
        return Escape("https://doi.org/" + path);
    }
}
