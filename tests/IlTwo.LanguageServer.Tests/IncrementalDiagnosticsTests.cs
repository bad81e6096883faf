using IlTwo.Dsl.Compilation;
using IlTwo.Dsl.Text;
using IlTwo.LanguageServer.Protocol;
using IlTwo.LanguageServer.Tests.Infrastructure;

namespace IlTwo.LanguageServer.Tests;

/// <summary>
/// Through the server: each version of a shipped protocol compiles from the previous version's syntax, and what the
/// editor is shown for it is exactly what a full compile of that text gives (codes, ranges, messages).
/// </summary>
public sealed class IncrementalDiagnosticsTests
{
    private static readonly ProtocolCompilationOptions BoundOnly = new() { Analyze = false };

    [Theory]
    [InlineData("hd-il2-monotherapy", 7)]
    [InlineData("post-til-il2", 8)]
    public async Task Every_version_of_an_edited_protocol_shows_the_full_compile_diagnostics(string name, int seed)
    {
        var path = Path.Combine(RepositoryRoot(), "protocols", name + ".il2");
        var uri = new Uri(path);
        var text = await File.ReadAllTextAsync(path);
        await using var client = await LspTestClient.StartAsync();
        await client.OpenAsync(uri, text);
        await client.WaitForDiagnosticsAsync(uri, p => p.Version == 1);

        var random = new Random(seed);
        string[] insertions = ["7", "x", "}", "{", "\n", "hold rule added-rule {\n  when weight > 300 kg\n}\n", "\"", " and "];
        for (var version = 2; version < 40; version++)
        {
            int start, end;
            string inserted;
            if (random.Next(2) == 0)
            {
                // Rename one occurrence of a name: the declaration or a reference to it.
                var names = SyntaxNames(text);
                (start, end) = names[random.Next(names.Count)];
                inserted = text[start..end] + "z";
            }
            else
            {
                start = random.Next(text.Length);
                end = Math.Min(text.Length, start + random.Next(0, 30));
                inserted = insertions[random.Next(insertions.Length)];
            }

            var (startLine, startCharacter) = ToPosition(text, start);
            var (endLine, endCharacter) = ToPosition(text, end);
            text = string.Concat(text.AsSpan(0, start), inserted, text.AsSpan(end));
            await client.ChangeAsync(uri, version, LspTestClient.Edit(startLine, startCharacter, endLine, endCharacter, inserted));

            var published = await client.WaitForDiagnosticsAsync(uri, p => p.Version == version, TimeSpan.FromSeconds(60));
            var expected = ProtocolCompilation.Create(SourceText.From(text, path), null, BoundOnly).Diagnostics
                .Select(d => (d.Code, new Position(d.Start.Line, d.Start.Character), new Position(d.End.Line, d.End.Character), d.Message));
            Assert.Equal(expected, published.Diagnostics.Select(d => (d.Code!, d.Range.Start, d.Range.End, d.Message)));
        }
    }

    private static List<(int Start, int End)> SyntaxNames(string text) =>
        [.. IlTwo.Dsl.Syntax.SyntaxTree.Parse(text).Tokens.Where(t => t.Kind == IlTwo.Dsl.Syntax.TokenKind.Name).Select(t => (t.Span.Start, t.Span.End))];

    private static (int Line, int Character) ToPosition(string text, int offset)
    {
        var at = SourceText.From(text).GetLinePosition(offset);
        return (at.Line, at.Character);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "IlTwo.Dsl.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("repository root not found");
    }
}
