using System.Text;
using IlTwo.Dsl.Compilation;
using IlTwo.Dsl.Diagnostics;
using IlTwo.Dsl.Tests.Infrastructure;
using IlTwo.Dsl.Text;

namespace IlTwo.Dsl.Tests;

/// <summary>
/// Every file under Corpus/Diagnostics produces exactly the diagnostics its markers say (code and span), and the
/// corpus covers every code of the catalog. The marker format is described in Corpus/README.md.
/// </summary>
public sealed class CorpusTests
{
    /// <summary>
    /// Codes the corpus cannot show, each with the C# test that covers it instead (the guard checks the test exists).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> CoveredElsewhere = new Dictionary<string, string>
    {
        // Reported by hosts when the compiler throws; the compiler itself never reports it.
        ["IL0999"] = "tests/IlTwo.Cli.Tests/CheckCommandTests.cs:CompilerException_BecomesInternalErrorIL0999_AndExitOne",
        // The solver decides every claim of the corpus; it is reported when z3 gives up within its budget or is missing.
        ["IL0308"] = "tests/IlTwo.Cli.Tests/SolverTests.cs:Claim_is_a_warning_naming_the_rules_when_the_solver_gives_up",
        // Declared but not reported by any stage yet: the tests pin that down so a reporter added later gets a corpus file.
    };

    /// <summary>One case: a single file, or a folder whose files are compiled together (extends between them).</summary>
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(TestPaths.Corpus, "*.il2").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        foreach (var folder in Directory.EnumerateDirectories(TestPaths.Corpus).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(folder) + "/");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void CorpusCase_ProducesExactlyTheMarkedDiagnostics(string @case)
    {
        var source = Path.Combine(TestPaths.Corpus, @case);
        var files = @case.EndsWith('/') ? Directory.GetFiles(source, "*.il2").Order(StringComparer.Ordinal).ToArray() : [source];
        Assert.NotEmpty(files);

        // Compiled from a temporary copy without markers, so that 'extends' finds marker-free files next to each other.
        var temp = Path.Combine(Path.GetTempPath(), "il2-corpus-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(temp);
        try
        {
            var marked = files.ToDictionary(f => f, f => MarkedSource.Parse(File.ReadAllBytes(f), Path.GetRelativePath(TestPaths.Corpus, f)));
            foreach (var (file, m) in marked)
            {
                File.WriteAllBytes(Path.Combine(temp, Path.GetFileName(file)), m.Bytes);
            }

            var failures = new StringBuilder();
            foreach (var (file, m) in marked)
            {
                var path = Path.Combine(temp, Path.GetFileName(file));
                var compilation = ProtocolCompilation.Create(SourceText.FromBytes(m.Bytes, path));
                var text = compilation.Text;
                var actual = compilation.Diagnostics.Select(d => new ExpectedDiagnostic(d.Code, d.Span)).ToList();
                var missing = Subtract(m.Expected, actual);
                var unexpected = Subtract(actual, m.Expected);
                if (missing.Count == 0 && unexpected.Count == 0)
                {
                    continue;
                }

                var name = Path.GetRelativePath(TestPaths.Corpus, file);
                failures.AppendLine($"{name}:");
                foreach (var e in missing)
                {
                    failures.AppendLine($"  missing    {Where(text, e)}");
                }

                foreach (var d in compilation.Diagnostics.Where(d => unexpected.Contains(new ExpectedDiagnostic(d.Code, d.Span))))
                {
                    failures.AppendLine($"  unexpected {MarkedSource.Describe(text, d)}");
                }

                failures.AppendLine("  the file with the diagnostics it produces:");
                failures.AppendLine(MarkedSource.Render(text, compilation.Diagnostics.Select(d => (d.Code, d.Span))));
            }
            Assert.True(failures.Length == 0, failures.ToString());
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
    }

    [Fact]
    public void Corpus_CoversEveryCodeOfTheCatalog()
    {
        var covered = Directory.EnumerateFiles(TestPaths.Corpus, "*.il2", SearchOption.AllDirectories)
            .SelectMany(f => MarkedSource.Parse(File.ReadAllBytes(f), f).Expected.Select(e => e.Code))
            .ToHashSet(StringComparer.Ordinal);

        var uncovered = DiagnosticCatalog.All.Select(d => d.Code).Where(c => !covered.Contains(c) && !CoveredElsewhere.ContainsKey(c)).Order(StringComparer.Ordinal).ToList();

        Assert.True(uncovered.Count == 0, $"no corpus file under Corpus/Diagnostics expects {string.Join(", ", uncovered)}; add one (or list a C# test in {nameof(CoveredElsewhere)})");
    }

    [Fact]
    public void CoveredElsewhere_NamesExistingTests_ForCodesTheCorpusDoesNotHave()
    {
        var covered = Directory.EnumerateFiles(TestPaths.Corpus, "*.il2", SearchOption.AllDirectories)
            .SelectMany(f => MarkedSource.Parse(File.ReadAllBytes(f), f).Expected.Select(e => e.Code))
            .ToHashSet(StringComparer.Ordinal);
        foreach (var (code, test) in CoveredElsewhere)
        {
            Assert.NotNull(DiagnosticCatalog.Find(code));
            Assert.DoesNotContain(code, covered); // once the corpus has it, drop the exception
            var (file, method) = (test.Split(':')[0], test.Split(':')[1]);
            var source = File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, file));
            Assert.Contains($"void {method}(", source, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Markers_ParseAsDocumented()
    {
        var source = "a [|bb|] [||]c //! IL0001 IL0002+IL0003\n[|d|][|e|] //! IL0004*2\n";

        var marked = MarkedSource.Parse(Encoding.UTF8.GetBytes(source), "t");

        Assert.Equal("a bb c \nde \n", Encoding.UTF8.GetString(marked.Bytes));
        Assert.Equal(
            [
                new("IL0001", new TextSpan(2, 2)),
                new("IL0002", new TextSpan(5, 0)),
                new("IL0003", new TextSpan(5, 0)),
                new("IL0004", new TextSpan(8, 1)),
                new("IL0004", new TextSpan(9, 1)),
            ],
            marked.Expected);
    }

    [Theory]
    [InlineData("[|a|]\n", "no '//!' comment")]
    [InlineData("[|a|] //! IL0001 IL0002\n", "more codes than marked spans")]
    [InlineData("[|a|][|b|] //! IL0001\n", "without a code")]
    [InlineData("a //! IL0001\n", "no span opens")]
    [InlineData("[|a //! IL0001\n", "without '|]'")]
    [InlineData("[|a|] //! BAD1\n", "not a code entry")]
    public void Markers_RejectMistakes(string source, string message)
    {
        var e = Assert.Throws<FormatException>(() => MarkedSource.Parse(Encoding.UTF8.GetBytes(source), "t"));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    private static List<ExpectedDiagnostic> Subtract(IEnumerable<ExpectedDiagnostic> from, IEnumerable<ExpectedDiagnostic> remove)
    {
        var result = from.ToList();
        foreach (var r in remove)
        {
            result.Remove(r);
        }

        return result;
    }

    private static string Where(SourceText text, ExpectedDiagnostic e)
    {
        var start = text.GetLinePosition(e.Span.Start);
        var end = text.GetLinePosition(e.Span.End);
        return $"{start.Line + 1}:{start.Character + 1}-{end.Line + 1}:{end.Character + 1} {e.Code}";
    }
}
