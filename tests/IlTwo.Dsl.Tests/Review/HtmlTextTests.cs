using IlTwo.Dsl.Rendering;

namespace IlTwo.Dsl.Tests.Review;

public sealed class HtmlTextTests
{
    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("", "")]
    [InlineData(null, "")]
    [InlineData("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;")]
    [InlineData("a & b", "a &amp; b")]
    [InlineData("\" onmouseover=\"x", "&quot; onmouseover=&quot;x")]
    [InlineData("' onload='x", "&#39; onload=&#39;x")]
    [InlineData("&amp;", "&amp;amp;")]
    [InlineData("]]></svg><svg onload=alert(1)>", "]]&gt;&lt;/svg&gt;&lt;svg onload=alert(1)&gt;")]
    [InlineData("sbp < 90 mm[Hg]", "sbp &lt; 90 mm[Hg]")]
    [InlineData("a\0b", "a\uFFFDb")]
    public void Escape_leaves_no_markup(string? input, string expected)
    {
        Assert.Equal(expected, HtmlText.Escape(input));
    }

    [Theory]
    [InlineData("javascript:alert(1)")]
    [InlineData("JaVaScRiPt:alert(1)")]
    [InlineData("data:text/html,<script>alert(1)</script>")]
    [InlineData("file:///etc/passwd")]
    [InlineData("/relative/path")]
    [InlineData("")]
    [InlineData(null)]
    public void SafeHref_refuses_anything_but_http_links(string? url)
    {
        Assert.Null(HtmlText.SafeHref(url));
    }

    [Fact]
    public void SafeHref_escapes_a_quote_in_an_http_link()
    {
        var href = HtmlText.SafeHref("https://example.org/a\"onclick=\"x");
        Assert.NotNull(href);
        Assert.DoesNotContain("\"", href, StringComparison.Ordinal);
    }

    [Fact]
    public void DoiHref_points_at_doi_org()
    {
        Assert.Equal("https://doi.org/10.1186/s40425-014-0026-0", HtmlText.DoiHref("10.1186/s40425-014-0026-0"));
        Assert.DoesNotContain("<", HtmlText.DoiHref("10.1/<script>"), StringComparison.Ordinal);
    }
}
