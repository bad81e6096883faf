using System.Text.RegularExpressions;
using IlTwo.Dsl.Compilation;
using IlTwo.Dsl.Diagnostics;
using IlTwo.Dsl.Tests.Infrastructure;

namespace IlTwo.Dsl.Tests;

public sealed class DiagnosticCatalogTests
{
    /// <summary>Codes declared for the future that no stage reports yet (see <see cref="CorpusTests.CoveredElsewhere"/>).</summary>

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
        Assert.All(DiagnosticCatalog.All.Where(d => d.Code.StartsWith("IL03", StringComparison.Ordinal)), d => Assert.Equal(DiagnosticSeverity.Warning, d.Severity));
        Assert.Equal(DiagnosticSeverity.Error, DiagnosticCatalog.InternalError.Severity);
        Assert.Equal("IL0999", DiagnosticCatalog.InternalError.Code);
    }

    /// <summary>Every descriptor is reported somewhere in the core: the catalogue holds no code that nothing can produce.</summary>
    [Fact]
    public void Every_code_is_reported_by_some_stage()
    {
        var sources = string.Join("\n", Directory.EnumerateFiles(Path.Combine(TestPaths.RepositoryRoot, "src", "IlTwo.Dsl"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith("DiagnosticCatalog.cs", StringComparison.Ordinal))
            .Select(File.ReadAllText));
        var fields = typeof(DiagnosticCatalog).GetFields().Where(f => f.FieldType == typeof(DiagnosticDescriptor))
            .ToDictionary(f => ((DiagnosticDescriptor)f.GetValue(null)!).Code, f => f.Name);

        foreach (var (code, field) in fields)
        {
            var used = Regex.IsMatch(sources, $@"DiagnosticCatalog\.{field}\b");
            if (code != DiagnosticCatalog.InternalError.Code)
                Assert.True(used, $"{code} ({field}) is never reported by src/IlTwo.Dsl; report it or remove it");
        }
    }
}
