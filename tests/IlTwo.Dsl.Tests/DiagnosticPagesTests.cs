using System.Text;
using IlTwo.Dsl.Diagnostics;
using IlTwo.Dsl.Tests.Infrastructure;

namespace IlTwo.Dsl.Tests;

/// <summary>
/// docs/diagnostics has exactly one page per code (and per retired code) plus the index, each as generated from the
/// catalogue and the corpus; <c>IL2_UPDATE_BASELINES=1</c> rewrites them. Every page's example produces its code.
/// </summary>
public sealed class DiagnosticPagesTests
{
    [Fact]
    public void Every_code_has_its_page_and_every_page_a_code()
    {
        var expected = DiagnosticPages.Render();
        Directory.CreateDirectory(DiagnosticPages.Folder);
        var existing = Directory.GetFiles(DiagnosticPages.Folder).Select(Path.GetFileName).OfType<string>().ToHashSet(StringComparer.Ordinal);

        if (TestPaths.UpdateBaselines)
        {
            foreach (var extra in existing.Where(name => !expected.ContainsKey(name)))
            {
                File.Delete(Path.Combine(DiagnosticPages.Folder, extra));
            }

            foreach (var (name, content) in expected)
            {
                File.WriteAllText(Path.Combine(DiagnosticPages.Folder, name), content, new UTF8Encoding(false));
            }

            return;
        }

        var failures = new StringBuilder();
        foreach (var extra in existing.Where(name => !expected.ContainsKey(name)).Order(StringComparer.Ordinal))
        {
            failures.AppendLine($"docs/diagnostics/{extra} is the page of no code (a code that was removed must be listed in DiagnosticCatalog.Retired)");
        }

        foreach (var (name, content) in expected)
        {
            if (!existing.Contains(name))
            {
                failures.AppendLine($"docs/diagnostics/{name} is missing");
            }
            else if (File.ReadAllText(Path.Combine(DiagnosticPages.Folder, name)).ReplaceLineEndings("\n") != content)
            {
                failures.AppendLine($"docs/diagnostics/{name} is stale");
            }
        }
        Assert.True(failures.Length == 0, failures + "run IL2_UPDATE_BASELINES=1 dotnet test tests/IlTwo.Dsl.Tests, then review git diff docs/diagnostics");
    }

    public static TheoryData<string> Codes() => [.. DiagnosticCatalog.All.Select(d => d.Code).Where(c => !CorpusTests.CoveredElsewhere.ContainsKey(c))];

    /// <summary>Each example of a page, compiled, reports the page's code, and nothing else in the files whose markers name it.</summary>
    [Theory]
    [MemberData(nameof(Codes))]
    public void Page_example_produces_exactly_its_code(string code)
    {
        var examples = DiagnosticPages.ExamplesFor(code);

        Assert.NotEmpty(examples);
        foreach (var example in examples)
        {
            var files = example.Files.Where(f => f.ExpectedCodes.Contains(code)).ToList();
            Assert.True(files.Count > 0, $"{example.Case}: no file of the case expects {code}");
            foreach (var file in files)
            {
                Assert.Contains(file.Diagnostics, d => d.Code == code);
                var others = file.Diagnostics.Where(d => d.Code != code && !(DiagnosticPages.AlsoProduced.TryGetValue(code, out var also) && d.Code == also)).ToList();
                Assert.True(others.Count == 0, $"{example.Case}/{file.Name}: the example for {code} also reports {string.Join(", ", others.Select(d => d.Code))}; keep examples to one code");
            }
        }
    }

    [Fact]
    public void Internal_error_page_shows_the_line_hosts_print()
    {
        var page = DiagnosticPages.Render()["IL0999.md"];

        Assert.Contains("protocol.il2(1,1): error IL0999: internal compiler error: the message of the failure", page, StringComparison.Ordinal);
    }

    [Fact]
    public void Retired_code_page_says_it_is_retired_and_links_its_replacement()
    {
        var page = DiagnosticPages.Render()["IL0125.md"];

        Assert.Contains("**Retired.**", page, StringComparison.Ordinal);
        Assert.Contains("[IL0309](IL0309.md)", page, StringComparison.Ordinal);
    }
}
