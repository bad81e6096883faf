using System.Globalization;
using System.Text;
using IlTwo.Dsl.Compilation;
using IlTwo.Dsl.Diagnostics;
using IlTwo.Dsl.Text;

namespace IlTwo.Dsl.Tests.Infrastructure;

/// <summary>
/// The pages of docs/diagnostics, generated from the catalogue (title, severity, description, fix) and the diagnostic
/// corpus (each code's cases, compiled here, with the lines the compiler prints for them).
/// </summary>
internal static class DiagnosticPages
{
    public static string Folder => Path.Combine(TestPaths.RepositoryRoot, "docs", "diagnostics");

    /// <summary>Where an example may legitimately produce another code than its page's.</summary>
    public static readonly IReadOnlyDictionary<string, string> AlsoProduced = new Dictionary<string, string>
    {
        // IL0006 is the line that ends a long run of IL0001: the example needs the run.
        ["IL0006"] = "IL0001",
    };

    private const int MaxOutputLines = 8;

    /// <summary>One compiled file of a case: its name, its text without markers, the codes its markers expect, and what it prints.</summary>
    public sealed record ExampleFile(string Name, string Text, IReadOnlyList<string> ExpectedCodes, IReadOnlyList<Diagnostic> Diagnostics, IReadOnlyList<string> Output);

    /// <summary>A corpus case (a file, or a folder compiled file by file).</summary>
    public sealed record Example(string Case, IReadOnlyList<ExampleFile> Files);

    /// <summary>Every page by file name (ILxxxx.md and README.md) with its content.</summary>
    public static IReadOnlyDictionary<string, string> Render()
    {
        var pages = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var descriptor in DiagnosticCatalog.All)
        {
            pages[descriptor.Code + ".md"] = RenderPage(descriptor, ExamplesFor(descriptor.Code));
        }

        foreach (var retired in DiagnosticCatalog.Retired)
        {
            pages[retired.Code + ".md"] = RenderRetired(retired);
        }

        pages["README.md"] = RenderIndex();
        return pages;
    }

    /// <summary>The corpus cases named after the code (<c>IL0104-duplicate-name.il2</c>, <c>IL0110-shadows-inherited-rule/</c>), compiled.</summary>
    public static IReadOnlyList<Example> ExamplesFor(string code)
    {
        var cases = Directory.EnumerateFileSystemEntries(TestPaths.Corpus, code + "-*")
            .Where(p => Directory.Exists(p) || p.EndsWith(".il2", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);
        return [.. cases.Select(Compile)];
    }

    private static Example Compile(string casePath)
    {
        var isFolder = Directory.Exists(casePath);
        var files = isFolder ? Directory.GetFiles(casePath, "*.il2").Order(StringComparer.Ordinal).ToArray() : [casePath];
        var temp = Path.Combine(Path.GetTempPath(), "il2-pages-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(temp);
        try
        {
            var marked = files.Select(f => (Name: Path.GetFileName(f), Marked: MarkedSource.Parse(File.ReadAllBytes(f), Path.GetRelativePath(TestPaths.Corpus, f)))).ToList();
            foreach (var (name, m) in marked)
            {
                File.WriteAllBytes(Path.Combine(temp, name), m.Bytes);
            }

            var compiled = new List<ExampleFile>();
            foreach (var (name, m) in marked)
            {
                var compilation = ProtocolCompilation.Create(SourceText.FromBytes(m.Bytes, Path.Combine(temp, name)));
                var output = compilation.Diagnostics.Select(d => d.ToCompilerFormat(name).Replace(temp + Path.DirectorySeparatorChar, "", StringComparison.Ordinal)).ToList();
                compiled.Add(new ExampleFile(name, compilation.Text.Text, [.. m.Expected.Select(e => e.Code)], compilation.Diagnostics, output));
            }
            return new Example(Path.GetFileName(casePath) + (isFolder ? "/" : ""), compiled);
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
    }

    private static string RenderPage(DiagnosticDescriptor d, IReadOnlyList<Example> examples)
    {
        var b = new StringBuilder();
        b.Append(CultureInfo.InvariantCulture, $"# {d.Code}: {d.Title}\n\n");
        b.Append(CultureInfo.InvariantCulture, $"**Severity:** {SeverityWord(d.Severity)}{(d.Severity == DiagnosticSeverity.Warning ? " (can be silenced with `// il2-disable-next-line " + d.Code + "`)" : "")}\n\n");
        b.Append("## What it means\n\n").Append(d.Description).Append("\n\n");
        if (examples.Count == 0 && d == DiagnosticCatalog.InternalError)
        {
            b.Append("## Example\n\n");
            b.Append("No protocol produces this code: the command-line tool and the language server report it when the compiler itself fails, as\n\n");
            b.Append("```\n").Append(DiagnosticCatalog.FormatInternalError("protocol.il2", "internal compiler error", new InvalidOperationException("the message of the failure"))).Append("\n```\n\n");
        }
        else if (examples.Count == 0 && d == DiagnosticCatalog.ClaimUndecided)
        {
            b.Append("## Example\n\n");
            b.Append("The SMT solver decides every claim it is given within its budget, so no protocol of the corpus shows this code. It is reported when z3 gives up on a question (10 s each) or is not installed, as\n\n");
            b.Append("```\n");
            b.Append("post-til-il2.il2(29,30): warning IL0308: claim 'more conservative than hd-il2-monotherapy' cannot be proven: 59 rules ('sbp-below-90', 'spo2-below-90', 'arrhythmia-needs-treatment', 'mental-status-change', 'stool-blood-positive' and 54 more): the solver could not decide whether the new version gives a dose where the old one held within 10 s (timeout)\n");
            b.Append("post-til-il2.il2(29,30): warning IL0308: claim 'more conservative than hd-il2-monotherapy' cannot be proven: IL2-VERIFY-001: the SMT solver 'z3' could not be started (No such file or directory); install z3 (apt-get install z3) or set IL2_Z3 to its path\n");
            b.Append("```\n\n");
        }
        foreach (var example in examples)
        {
            b.Append(examples.Count == 1 ? "## Example\n\n" : $"## Example: {CaseTitle(example.Case)}\n\n");
            var hidden = false;
            foreach (var file in example.Files)
            {
                if (example.Files.Count > 1)
                {
                    b.Append(CultureInfo.InvariantCulture, $"`{file.Name}`:\n\n");
                }

                var (text, escaped) = Visible(string.Join('\n', file.Text.ReplaceLineEndings("\n").Split('\n').Select(line => line.TrimEnd(' '))));
                hidden |= escaped;
                b.Append("```il2\n").Append(text.TrimEnd('\n')).Append("\n```\n\n");
            }
            if (hidden)
            {
                b.Append("Characters shown as `⟨U+XXXX⟩` are invisible (or not valid UTF-8) in the file itself.\n\n");
            }

            var output = example.Files.SelectMany(f => f.Output).ToList();
            b.Append(output.Count == 0 ? "compiles without diagnostics.\n\n" : "`il2 check` prints:\n\n```\n");
            foreach (var line in output.Take(MaxOutputLines))
            {
                b.Append(Visible(line).Text).Append('\n');
            }

            if (output.Count > MaxOutputLines)
            {
                b.Append(CultureInfo.InvariantCulture, $"... ({output.Count - MaxOutputLines} more lines)\n");
            }

            if (output.Count > 0)
            {
                b.Append("```\n\n");
            }

            b.Append(CultureInfo.InvariantCulture, $"The tests compile this example (the corpus case [`{example.Case}`](../../tests/IlTwo.Dsl.Tests/Corpus/Diagnostics/{example.Case.TrimEnd('/')})) and check that it reports exactly these diagnostics.\n\n");
        }
        b.Append("## How to fix it\n\n").Append(d.Fix).Append('\n');
        return b.ToString();
    }

    private static string RenderRetired(RetiredDiagnostic r)
    {
        var b = new StringBuilder();
        b.Append(CultureInfo.InvariantCulture, $"# {r.Code}: {r.Title} (retired)\n\n");
        b.Append("**Retired.** The compiler no longer reports this code, and the code will never be given another meaning.\n\n");
        b.Append(r.Reason).Append('\n');
        if (r.ReplacedBy is { } code)
        {
            b.Append(CultureInfo.InvariantCulture, $"\nThe same finding is now reported as [{code}]({code}.md).\n");
        }

        return b.ToString();
    }

    private static string RenderIndex()
    {
        var b = new StringBuilder();
        b.Append("# Diagnostics\n\n");
        b.Append("Every diagnostic the il2 compiler reports has a stable code `IL####` that never changes meaning, and a page here\n");
        b.Append("with what it means, an example that produces it, and the fix. The language server links each diagnostic to its page\n");
        b.Append("(LSP `codeDescription.href`) once it knows where the pages are published: a client passes the folder's address as\n");
        b.Append("`initializationOptions.diagnosticDocsBaseUri` (an http, https or file URI; a host can set\n");
        b.Append("`LanguageServerOptions.DiagnosticDocsBaseUri`). By default there is no link, because the project declares no public\n");
        b.Append("repository URL to point at.\n\n");
        b.Append("These pages are generated from `src/IlTwo.Dsl/Diagnostics/DiagnosticCatalog.cs` (title, severity, description, fix)\n");
        b.Append("and the diagnostic corpus (`tests/IlTwo.Dsl.Tests/Corpus/Diagnostics`, the examples). A test fails when a page is\n");
        b.Append("missing, stale or has no code; `IL2_UPDATE_BASELINES=1 dotnet test tests/IlTwo.Dsl.Tests` (or `scripts/refresh.sh`)\n");
        b.Append("rewrites them. Warnings can be silenced with `// il2-disable-next-line IL####`; errors cannot.\n");
        foreach (var (prefix, heading) in new[] { ("IL00", "Syntax"), ("IL01", "Declarations and names"), ("IL02", "Types and units"), ("IL03", "Analysis"), ("IL04", "Scenarios"), ("IL09", "Internal") })
        {
            b.Append(CultureInfo.InvariantCulture, $"\n## {heading} ({prefix}xx)\n\n| Code | Severity | Title |\n| --- | --- | --- |\n");
            foreach (var d in DiagnosticCatalog.All.Where(d => d.Code.StartsWith(prefix, StringComparison.Ordinal)).OrderBy(d => d.Code, StringComparer.Ordinal))
            {
                b.Append(CultureInfo.InvariantCulture, $"| [{d.Code}]({d.Code}.md) | {SeverityWord(d.Severity)} | {d.Title.Replace("|", "\\|", StringComparison.Ordinal)} |\n");
            }
        }
        b.Append("\n## Retired codes\n\n| Code | Was | Now |\n| --- | --- | --- |\n");
        foreach (var r in DiagnosticCatalog.Retired)
        {
            b.Append(CultureInfo.InvariantCulture, $"| [{r.Code}]({r.Code}.md) | {r.Title} | {(r.ReplacedBy is { } code ? $"[{code}]({code}.md)" : "not reported")} |\n");
        }

        return b.ToString();
    }

    private static string CaseTitle(string @case)
    {
        var name = @case.TrimEnd('/');
        name = name.EndsWith(".il2", StringComparison.Ordinal) ? name[..^4] : name;
        return name[(name.IndexOf('-', StringComparison.Ordinal) + 1)..].Replace('-', ' ');
    }

    private static string SeverityWord(DiagnosticSeverity severity) => severity switch
    {
        DiagnosticSeverity.Error => "error",
        DiagnosticSeverity.Warning => "warning",
        _ => "information",
    };

    /// <summary>Invisible, control (other than line breaks and tabs) and replacement characters as <c>⟨U+XXXX⟩</c>, so a page shows what the file holds.</summary>
    private static (string Text, bool Escaped) Visible(string text)
    {
        var b = new StringBuilder(text.Length);
        var escaped = false;
        foreach (var c in text)
        {
            if (c is '\n' or '\t' || !(char.IsControl(c) || BidiControls.IsBidiControl(c) || c is '\uFFFD' or '\u2028' or '\u2029' or '\u0085' or '\uFEFF'))
            {
                b.Append(c);
                continue;
            }
            if (c == '\r')
            {
                continue;
            }

            escaped = true;
            b.Append(CultureInfo.InvariantCulture, $"⟨U+{(int)c:X4}⟩");
        }
        return (b.ToString(), escaped);
    }
}
