using IlTwo.Dsl.Diagnostics;

namespace IlTwo.Dsl.Tests;

public sealed class DiagnosticCatalogTests
{
    /// <summary>The code ranges: syntax, declarations, types and units, analysis, scenarios, internal.</summary>
    private static readonly string[] Ranges = ["00", "01", "02", "03", "04", "09"];

    // That every code is reported by some stage is checked by behaviour, not by reading source text:
    // CorpusTests.Corpus_CoversEveryCodeOfTheCatalog needs a corpus case per code, and each case must produce
    // exactly its marked codes (CorpusTests.CorpusCase_ProducesExactlyTheMarkedDiagnostics).

    [Fact]
    public void Codes_AreUnique()
    {
        var duplicates = DiagnosticCatalog.All.GroupBy(d => d.Code).Where(g => g.Count() > 1).Select(g => g.Key).ToList();

        Assert.Empty(duplicates);
    }

    [Fact]
    public void Codes_MatchTheFormat_AndSitInTheirRange()
    {
        Assert.All(DiagnosticCatalog.All, d =>
        {
            Assert.Matches(@"^IL\d{4}$", d.Code);
            Assert.Contains(d.Code[2..4], Ranges);
        });
    }

    [Fact]
    public void Descriptors_HaveTitles()
    {
        Assert.All(DiagnosticCatalog.All, d =>
        {
            Assert.False(string.IsNullOrWhiteSpace(d.Title), d.Code);
            Assert.True(char.IsUpper(d.Title[0]), $"{d.Code}: '{d.Title}' starts with a capital");
            Assert.False(d.Title.EndsWith('.'), $"{d.Code}: a title is not a sentence");
        });
    }

    [Fact]
    public void All_HoldsEveryDescriptorField_AndFindWorks()
    {
        var fields = typeof(DiagnosticCatalog).GetFields().Count(f => f.FieldType == typeof(DiagnosticDescriptor));

        Assert.Equal(fields, DiagnosticCatalog.All.Length);
        Assert.All(DiagnosticCatalog.All, d => Assert.Same(d, DiagnosticCatalog.Find(d.Code)));
        Assert.Null(DiagnosticCatalog.Find("IL9998"));
    }

    [Fact]
    public void Severities_OfAnalysisFindingsAreWarnings()
    {
        // A refuted claim is the one analysis finding that is an error: the protocol states something false about itself.
        Assert.All(DiagnosticCatalog.All.Where(d => d.Code.StartsWith("IL03", StringComparison.Ordinal) && d != DiagnosticCatalog.ClaimRefuted),
            d => Assert.Equal(DiagnosticSeverity.Warning, d.Severity));
        Assert.Equal(DiagnosticSeverity.Error, DiagnosticCatalog.ClaimRefuted.Severity);
        Assert.Equal(DiagnosticSeverity.Error, DiagnosticCatalog.InternalError.Severity);
        Assert.Equal("IL0999", DiagnosticCatalog.InternalError.Code);
    }

    /// <summary>Every template is a valid composite format whose holes are numbered from {0} without gaps.</summary>
    [Fact]
    public void MessageTemplates_AreCompositeFormats_WithoutGaps()
    {
        Assert.All(DiagnosticCatalog.All, d =>
        {
            var holes = System.Text.RegularExpressions.Regex.Matches(d.MessageFormat, @"\{(\d+)(:[^}]*)?\}").Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).Distinct().Order().ToList();
            Assert.Equal(Enumerable.Range(0, holes.Count), holes);
            var message = d.FormatMessage([.. Enumerable.Repeat<object?>(0x202E, holes.Count)]);
            Assert.False(string.IsNullOrWhiteSpace(message), d.Code);
            Assert.False(message.EndsWith('.'), $"{d.Code}: a message is not a sentence with a full stop ('{message}')");
        });
    }

    [Fact]
    public void Descriptors_HaveDocumentationProse()
    {
        Assert.All(DiagnosticCatalog.All, d =>
        {
            Assert.True(d.Description.Length > 20 && d.Description.EndsWith('.'), $"{d.Code}: Description is a short paragraph");
            Assert.True(d.Fix.Length > 5 && d.Fix.EndsWith('.'), $"{d.Code}: Fix is a short paragraph");
        });
    }

    [Fact]
    public void Retired_codes_are_never_reused_and_name_their_replacement()
    {
        Assert.All(DiagnosticCatalog.Retired, r =>
        {
            Assert.Null(DiagnosticCatalog.Find(r.Code));
            if (r.ReplacedBy is { } replacement)
            {
                Assert.NotNull(DiagnosticCatalog.Find(replacement));
            }
        });
        Assert.Contains(DiagnosticCatalog.Retired, r => r.Code == "IL0125" && r.ReplacedBy == DiagnosticCatalog.ClaimRefuted.Code);
    }

    [Fact]
    public void Internal_error_line_is_compiler_format_with_a_safe_path_and_one_line_message()
    {
        var line = DiagnosticCatalog.FormatInternalError("dir/a\"b.il2", "internal compiler error", new InvalidOperationException("boom\nsecond line"));

        Assert.Equal("\"dir/a\\\"b.il2\"(1,1): error IL0999: internal compiler error: boom second line", line);
        Assert.Equal("p.il2(1,1): error IL0999: internal compiler error: ", DiagnosticCatalog.FormatInternalError("p.il2", "internal compiler error", null));
    }
}
