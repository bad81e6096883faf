using IlTwo.Dsl.Compilation;
using IlTwo.Dsl.Diagnostics;
using IlTwo.Dsl.Tests.Infrastructure;

namespace IlTwo.Dsl.Tests;

public sealed class DiagnosticCatalogTests
{
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
            Assert.Contains(d.Code[2..4], new[] { "00", "01", "02", "03", "04", "09" });
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
}
