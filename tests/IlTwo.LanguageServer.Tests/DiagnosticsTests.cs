using System.Text;
using IlTwo.Dsl.Compilation;
using IlTwo.LanguageServer.Protocol;
using IlTwo.LanguageServer.Tests.Infrastructure;
using StreamJsonRpc;

namespace IlTwo.LanguageServer.Tests;

public sealed class DiagnosticsTests
{
    private const string ValidProtocol = "protocol p\ntitle \"T\"\nversion 1.0.0\nregimen {\n  drug aldesleukin\n  dose 600000 [iU]/kg\n  every 8 h\n  unverified \"test\"\n}\n";
    private static readonly int ValidProtocolLines = ValidProtocol.Count(c => c == '\n');
    private static readonly Uri DocumentUri = new("file:///work/protocols/test.il2");

    private static IEnumerable<(string Code, Position Start, Position End, string Message)> Expected(string text) =>
        ProtocolCompilation.Create(text, DocumentUri.LocalPath).Diagnostics.Select(d => (d.Code, new Position(d.Start.Line, d.Start.Character), new Position(d.End.Line, d.End.Character), d.Message));

    private static IEnumerable<(string Code, Position Start, Position End, string Message)> Actual(PublishDiagnosticsParams published) =>
        published.Diagnostics.Select(d => (d.Code!, d.Range.Start, d.Range.End, d.Message));

    [Fact]
    public async Task Opening_a_file_with_a_syntax_error_publishes_IL0003_at_its_range()
    {
        await using var client = await LspTestClient.StartAsync();

        await client.OpenAsync(DocumentUri, ValidProtocol + ")\n");

        var published = await client.WaitForDiagnosticsAsync(DocumentUri);
        var diagnostic = Assert.Single(published.Diagnostics);
        Assert.Equal("IL0003", diagnostic.Code);
        Assert.Equal(new Protocol.Range(new Position(ValidProtocolLines, 0), new Position(ValidProtocolLines, 1)), diagnostic.Range);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Equal("il2", diagnostic.Source);
        Assert.Equal(1, published.Version);
    }

    /// <summary>A protocol whose one diagnostic (IL0203, a number without its unit) has a quick fix.</summary>
    private const string MissingUnitProtocol = "protocol p\ntitle \"T\"\nversion 1.0.0\nregimen {\n  drug aldesleukin\n  dose 600000\n  every 8 h\n  unverified \"test\"\n}\n";

    [Fact]
    public async Task Without_a_docs_base_diagnostics_carry_no_link_and_no_data()
    {
        await using var client = await LspTestClient.StartAsync();

        await client.OpenAsync(DocumentUri, MissingUnitProtocol);

        var diagnostic = Assert.Single((await client.WaitForDiagnosticsAsync(DocumentUri, p => p.Diagnostics.Count > 0)).Diagnostics);
        Assert.Equal("IL0203", diagnostic.Code);
        Assert.Null(diagnostic.CodeDescription);
        Assert.Null(diagnostic.Data); // the quick fix is offered by textDocument/codeAction from the compilation, not carried here
    }

    [Fact]
    public async Task InitializationOptions_docs_base_links_each_code_to_its_page()
    {
        await using var client = await LspTestClient.StartWithOptionsAsync(new Dictionary<string, string> { ["diagnosticDocsBaseUri"] = "https://docs.example.org/il2/diagnostics" });

        await client.OpenAsync(DocumentUri, ValidProtocol + ")\n");

        var diagnostic = Assert.Single((await client.WaitForDiagnosticsAsync(DocumentUri, p => p.Diagnostics.Count > 0)).Diagnostics);
        Assert.Equal("IL0003", diagnostic.Code);
        Assert.Equal(new Uri("https://docs.example.org/il2/diagnostics/IL0003.md"), diagnostic.CodeDescription?.Href);
        Assert.True(File.Exists(Path.Combine(RepositoryRoot(), "docs", "diagnostics", "IL0003.md")), "the linked page exists");
    }

    [Fact]
    public async Task An_invalid_docs_base_is_ignored_with_a_warning()
    {
        await using var client = await LspTestClient.StartWithOptionsAsync(new Dictionary<string, string> { ["diagnosticDocsBaseUri"] = "docs/diagnostics" });

        await client.OpenAsync(DocumentUri, ValidProtocol + ")\n");

        var diagnostic = Assert.Single((await client.WaitForDiagnosticsAsync(DocumentUri, p => p.Diagnostics.Count > 0)).Diagnostics);
        Assert.Null(diagnostic.CodeDescription);
        Assert.Contains(client.LogMessages, m => m.Message.Contains("diagnosticDocsBaseUri", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("https://example.org/docs/", "https://example.org/docs/IL0105.md")]
    [InlineData("https://example.org/docs", "https://example.org/docs/IL0105.md")]
    [InlineData("file:///repo/docs/diagnostics", "file:///repo/docs/diagnostics/IL0105.md")]
    public void Docs_base_is_read_as_a_folder(string configured, string expected)
    {
        var link = Workspace.DiagnosticConverter.DocumentationFor("IL0105", Workspace.DiagnosticConverter.ParseDocsBaseUri(configured));

        Assert.Equal(new Uri(expected), link?.Href);
        Assert.Null(Workspace.DiagnosticConverter.DocumentationFor("XY0001", new Uri(expected))); // a code from elsewhere has no page
        Assert.Null(Workspace.DiagnosticConverter.ParseDocsBaseUri("javascript:alert(1)"));
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

    [Fact]
    public async Task An_incremental_fix_clears_the_diagnostics()
    {
        await using var client = await LspTestClient.StartAsync();
        await client.OpenAsync(DocumentUri, ValidProtocol + ")\n");
        await client.WaitForDiagnosticsAsync(DocumentUri, p => p.Diagnostics.Count > 0);

        await client.ChangeAsync(DocumentUri, 2, LspTestClient.Edit(ValidProtocolLines, 0, ValidProtocolLines, 1, string.Empty));

        var published = await client.WaitForDiagnosticsAsync(DocumentUri, p => p.Version == 2);
        Assert.Empty(published.Diagnostics);
    }

    [Fact]
    public async Task Emptying_the_file_publishes_the_empty_file_diagnostics()
    {
        await using var client = await LspTestClient.StartAsync();
        await client.OpenAsync(DocumentUri, ValidProtocol);
        await client.WaitForDiagnosticsAsync(DocumentUri);

        await client.ChangeAsync(DocumentUri, 2, LspTestClient.Edit(0, 0, ValidProtocolLines, 0, string.Empty));

        var published = await client.WaitForDiagnosticsAsync(DocumentUri, p => p.Version == 2);
        Assert.Equal(Expected(string.Empty), Actual(published));
        Assert.Equal("IL0009", Assert.Single(published.Diagnostics).Code);
    }

    [Fact]
    public async Task Closing_a_document_clears_its_diagnostics()
    {
        await using var client = await LspTestClient.StartAsync();
        await client.OpenAsync(DocumentUri, ValidProtocol + ")\n");
        await client.WaitForDiagnosticsAsync(DocumentUri, p => p.Diagnostics.Count > 0);

        await client.NotifyAsync("textDocument/didClose", new DidCloseTextDocumentParams(new TextDocumentIdentifier(DocumentUri)));

        var published = await client.WaitForDiagnosticsAsync(DocumentUri, p => p.Version is null);
        Assert.Empty(published.Diagnostics);
    }

    [Fact]
    public async Task A_10_MB_document_gets_its_diagnostics()
    {
        await using var client = await LspTestClient.StartAsync();
        var text = new StringBuilder(ValidProtocol);
        var line = "// " + new string('x', 96) + "\n";
        while (text.Length < 10 * 1024 * 1024)
        {
            text.Append(line);
        }

        var lastLine = text.ToString().Count(c => c == '\n');
        text.Append(")\n");

        await client.OpenAsync(DocumentUri, text.ToString());

        var published = await client.WaitForDiagnosticsAsync(DocumentUri, timeout: TimeSpan.FromSeconds(90));
        var diagnostic = Assert.Single(published.Diagnostics);
        Assert.Equal("IL0003", diagnostic.Code);
        Assert.Equal(lastLine, diagnostic.Range.Start.Line);
    }

    [Fact]
    public async Task After_2000_rapid_edits_the_last_diagnostics_match_the_final_text()
    {
        await using var client = await LspTestClient.StartAsync();
        var random = new Random(20260417);
        var text = ValidProtocol;
        await client.OpenAsync(DocumentUri, text);
        const string Alphabet = "abc xyz(){}\"\n0123456789)[]/";

        int version = 1;
        for (int i = 0; i < 2000; i++)
        {
            int start = random.Next(text.Length + 1);
            int end = Math.Min(text.Length, start + random.Next(0, 4));
            var inserted = random.Next(3) == 0 ? string.Empty : new string(Enumerable.Range(0, random.Next(1, 4)).Select(_ => Alphabet[random.Next(Alphabet.Length)]).ToArray());
            var (startLine, startCharacter) = ToPosition(text, start);
            var (endLine, endCharacter) = ToPosition(text, end);
            text = string.Concat(text.AsSpan(0, start), inserted, text.AsSpan(end));
            await client.ChangeAsync(DocumentUri, ++version, LspTestClient.Edit(startLine, startCharacter, endLine, endCharacter, inserted));
        }

        var published = await client.WaitForDiagnosticsAsync(DocumentUri, p => p.Version == version, TimeSpan.FromSeconds(60));
        Assert.Equal(Expected(text), Actual(published));

        // Nothing older arrives afterwards.
        Assert.Equal("ping", await client.RequestAsync<string>("test/ping", new PingParams("ping")));
        await Task.Delay(200);
        Assert.All(client.DrainDiagnostics(), later => Assert.Equal(version, later.Version));
    }

    [Fact]
    public async Task A_request_about_a_document_that_is_not_open_is_InvalidParams()
    {
        await using var client = await LspTestClient.StartAsync();

        // StreamJsonRpc surfaces -32602 as RemoteMethodNotFoundException on the client side.
        var error = await Assert.ThrowsAnyAsync<RemoteRpcException>(() =>
            client.RequestAsync<int>("test/documentLength", new TextDocumentIdentifier(new Uri("file:///nowhere.il2"))));

        Assert.Equal(ErrorCodes.InvalidParams, (int?)error.ErrorCode);
        Assert.Contains("file:///nowhere.il2", error.Message, StringComparison.Ordinal);
        Assert.Contains("not open", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_about_an_open_document_reads_its_current_text()
    {
        await using var client = await LspTestClient.StartAsync();
        await client.OpenAsync(DocumentUri, "abc");
        await client.ChangeAsync(DocumentUri, 2, LspTestClient.Edit(0, 3, 0, 3, "def"));

        Assert.Equal(6, await client.RequestAsync<int>("test/documentLength", new TextDocumentIdentifier(DocumentUri)));
    }

    [Fact]
    public async Task Malformed_params_are_InvalidParams_and_the_server_carries_on()
    {
        await using var client = await LspTestClient.StartAsync();

        var error = await Assert.ThrowsAnyAsync<RemoteRpcException>(() => client.RequestAsync<int>("test/documentLength", new { notAUri = 3 }));

        Assert.Equal(ErrorCodes.InvalidParams, (int?)error.ErrorCode);
        Assert.Equal("ok", await client.RequestAsync<string>("test/ping", new PingParams("ok")));
    }

    private static (int Line, int Character) ToPosition(string text, int offset)
    {
        int line = 0, lineStart = 0;
        for (int i = 0; i < offset; i++)
        {
            if (text[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }

        return (line, offset - lineStart);
    }
}
