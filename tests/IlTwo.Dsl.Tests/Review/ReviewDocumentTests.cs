using System.Buffers.Binary;
using System.Text.RegularExpressions;
using IlTwo.Dsl.Rendering;
using IlTwo.Runtime.Approvals;

namespace IlTwo.Dsl.Tests.Review;

public sealed class ReviewDocumentTests
{
    public static TheoryData<string, int> Shipped => new() { { "hd-il2-monotherapy", 28 }, { "post-til-il2", 6 } };

    private static string ArtifactsFolder => Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "artifacts")).FullName;

    [Theory]
    [MemberData(nameof(Shipped))]
    public void The_document_is_self_contained_and_names_every_rule(string name, int doses)
    {
        var compilation = TestProtocols.Compile(TestProtocols.Shipped(name));
        var html = ReviewDocument.Render(compilation);

        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(" src=", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@import", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("url(http", html, StringComparison.OrdinalIgnoreCase);
        foreach (var rule in compilation.Protocol.Rules)
        {
            Assert.Contains($"<code class=\"rule-id\">{rule.Name}</code>", html, StringComparison.Ordinal);
        }

        Assert.Equal(doses, Regex.Count(html, "<circle[^>]*class=\"dose-marker\""));
        Assert.Contains(compilation.SourceHash, html, StringComparison.Ordinal);
        Assert.Contains("PASS", html, StringComparison.Ordinal);
        Assert.DoesNotContain("FAIL", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Post_til_shows_inherited_and_overridden_rules_and_the_window()
    {
        var html = ReviewDocument.Render(TestProtocols.Compile(TestProtocols.Shipped("post-til-il2")));

        Assert.Contains("inherited from <code>hd-il2-monotherapy</code>", html, StringComparison.Ordinal);
        Assert.Contains("overridden here", html, StringComparison.Ordinal);
        Assert.Contains("class=\"first-dose-window\"", html, StringComparison.Ordinal);
        Assert.Contains("<strong>post-til-il2</strong> → <code>hd-il2-monotherapy</code>", html, StringComparison.Ordinal);
        Assert.Contains("href=\"https://doi.org/10.1136/jitc-2023-008735\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Hostile_text_in_a_protocol_never_becomes_markup()
    {
        const string source = """
            protocol hostile
            title "</title><script>alert('t')</script>"
            version 1.0.0
            reference evil "<img src=x onerror=alert(1)> & co"
              url "javascript:alert(1)"
            regimen {
              drug aldesleukin
              every 8 h
              at most 3 doses per course
            }
            observation sbp "<b>SBP</b>" {
              loinc 8480-6
              unit mm[Hg]
              within 4 h
            }
            hold rule low-bp "<script>alert(2)</script>" {
              when sbp < 90 mm[Hg]
              cite evil "\" onmouseover=\"alert(3)"
              unverified "<iframe src=x></iframe>"
            }
            scenario "<svg onload=alert(4)>" {
              sbp 80 mm[Hg] 1 h ago
              expect hold because low-bp
            }
            """;
        var compilation = TestProtocols.CompileText(source, "hostile.il2");
        Assert.False(compilation.HasErrors, string.Join("\n", compilation.Diagnostics.Select(d => d.ToCompilerFormat())));

        var html = ReviewDocument.Render(compilation);

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<iframe", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<b>", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<svg onload", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("href=\"javascript", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("\" onmouseover", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;/title&gt;&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.Contains("&lt;iframe src=x&gt;&lt;/iframe&gt;", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Bidirectional_controls_are_reported_with_their_position_and_shown_escaped_in_the_document()
    {
        // "Hold if SBP < 90" displayed, but with an override the reviewer reads the title in another order.
        const string Template = """
            protocol bidi-test
            title "Dose hold <RLO>seulav PBS<PDF>"
            version 1.0.0
            reference ref "A reference"
            regimen {
              drug aldesleukin
              every 8 h
              cite ref "dosing"
            }
            observation sbp "Systolic <LRI>blood<PDI> pressure" {
              unit mm[Hg]
              within 4 h
            }
            hold rule low-bp "Low blood pressure" {
              when sbp < 90 mm[Hg]
              cite ref "table"
            }
            """;
        var source = Template.Replace("<RLO>", "\u202E", StringComparison.Ordinal).Replace("<PDF>", "\u202C", StringComparison.Ordinal)
            .Replace("<LRI>", "\u2066", StringComparison.Ordinal).Replace("<PDI>", "\u2069", StringComparison.Ordinal);
        var compilation = TestProtocols.CompileText(source, "bidi.il2");

        var warnings = compilation.Diagnostics.Where(d => d.Code == "IL0010").ToList();
        Assert.Equal(4, warnings.Count);
        Assert.All(warnings, w => Assert.Equal(IlTwo.Dsl.Diagnostics.DiagnosticSeverity.Warning, w.Severity));
        Assert.Equal((1, 17), (warnings[0].Start.Line, warnings[0].Start.Character));
        Assert.Contains("U+202E", warnings[0].Message, StringComparison.Ordinal);
        Assert.False(compilation.HasErrors);

        var html = ReviewDocument.Render(compilation);
        Assert.Contains("Dose hold &lt;U+202E&gt;seulav PBS&lt;U+202C&gt;", html, StringComparison.Ordinal);
        Assert.Contains("Systolic &lt;U+2066&gt;blood&lt;U+2069&gt; pressure", html, StringComparison.Ordinal);
        Assert.DoesNotContain(html, IlTwo.Dsl.Text.BidiControls.IsBidiControl);
    }

    [Fact]
    public void Approvals_are_listed_as_unverified_without_a_verdict()
    {
        var compilation = TestProtocols.Compile(TestProtocols.Shipped("post-til-il2"));
        var hash = IlTwo.Dsl.Compilation.CanonicalSource.Hash(compilation);
        var claims = new[]
        {
            new ApprovalEntry
            {
                ProtocolId = "post-til-il2",
                Version = "1.0.0",
                CanonicalHash = hash,
                AssemblyName = "il2.post-til-il2.dll",
                AssemblySha256 = new string('a', 64),
                Approver = "<Dr Evil>",
                Role = ApprovalRole.Pharmacist,
                KeyId = "k",
                At = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
                Effective = new DateOnly(2026, 1, 2),
                ReviewBy = new DateOnly(2027, 1, 2),
            },
        };

        var html = ReviewDocument.Render(compilation, new ReviewDocumentOptions { Approvals = new(claims, null) });

        Assert.Contains("NOT VERIFIED", html, StringComparison.Ordinal);
        Assert.DoesNotContain("APPROVED</span>", html.Replace("NOT APPROVED", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("&lt;Dr Evil&gt;", html, StringComparison.Ordinal);

        var refused = new ApprovalVerdict { Code = TrustCodes.RoleMissing, Message = "TRUST010: no physician approval in force" };
        var html2 = ReviewDocument.Render(compilation, new ReviewDocumentOptions { Approvals = new(claims, refused) });
        Assert.Contains("NOT APPROVED", html2, StringComparison.Ordinal);
        Assert.Contains("TRUST010", html2, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Shipped))]
    public void Chromium_renders_the_document_with_every_rule_and_dose(string name, int doses)
    {
        var chromium = Chromium.Find();
        Assert.True(chromium is not null, $"headless Chromium is required for this test and was not found (IL2_CHROMIUM, /usr/bin/chromium, PATH). Install it: {Chromium.InstallHint}");

        var compilation = TestProtocols.Compile(TestProtocols.Shipped(name));
        var htmlPath = Path.Combine(ArtifactsFolder, $"review-{name}.html");
        File.WriteAllText(htmlPath, ReviewDocument.Render(compilation));

        var dom = Chromium.DumpDom(htmlPath);
        Assert.Contains($"<h1 id=\"title\">{HtmlText.Escape(compilation.Protocol.Title)}</h1>", dom, StringComparison.Ordinal);
        foreach (var rule in compilation.Protocol.Rules)
        {
            Assert.Contains($"<code class=\"rule-id\">{rule.Name}</code>", dom, StringComparison.Ordinal);
        }

        Assert.Contains("<svg", dom, StringComparison.Ordinal);
        Assert.Equal(doses, Regex.Count(dom, "<circle[^>]*class=\"dose-marker\""));
        Assert.Contains("class=\"flag-unverified\">UNVERIFIED</span>", dom, StringComparison.Ordinal);

        var pngPath = Path.Combine(ArtifactsFolder, $"review-{name}.png");
        File.Delete(pngPath);
        Chromium.Screenshot(htmlPath, pngPath);
        var png = File.ReadAllBytes(pngPath);
        Assert.True(png.Length > 20_000, $"the screenshot {pngPath} is only {png.Length} bytes");
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
        Assert.Equal(1280, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16, 4)));
        Assert.Equal(2000, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20, 4)));
    }
}
