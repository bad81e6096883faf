using BenchmarkDotNet.Attributes;
using IlTwo.LanguageServer.Protocol;

namespace IlTwo.LanguageServer.Benchmarks;

/// <summary>The harness's operations under BenchmarkDotNet (slower to run, tighter statistics).</summary>
// BenchmarkDotNet disposes through [GlobalCleanup].
#pragma warning disable CA1001
[MemoryDiagnoser]
public class LanguageServerBenchmarks
{
    private LspSession _lsp = null!;
    private int _version = 1;
    private int _line;
    private int _digit;
    private string _original = "";

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var text = IlTwo.Benchmarks.ProtocolGenerator.Generate(5000);
        var lines = text.Split('\n');
        _line = Array.FindIndex(lines, lines.Length / 2, l => l.StartsWith("  when lab-", StringComparison.Ordinal) && l.Contains(">= ", StringComparison.Ordinal));
        _digit = lines[_line].IndexOf(">= ", StringComparison.Ordinal) + 3;
        _original = lines[_line][_digit].ToString();
        _lsp = new LspSession(TimeSpan.Zero);
        await _lsp.InitializeAsync();
        await _lsp.NotifyAsync("textDocument/didOpen", new DidOpenTextDocumentParams(new TextDocumentItem(Harness.DocumentUri, "il2", 1, text)));
        await _lsp.WaitForDiagnosticsAsync(1, 2);
    }

    [GlobalCleanup]
    public async Task CleanupAsync() => await _lsp.DisposeAsync();

    [Benchmark]
    public async Task EditToFirstDiagnostics()
    {
        var replacement = _version % 2 == 0 ? _original : (_original == "1" ? "2" : "1");
        await _lsp.NotifyAsync("textDocument/didChange", new DidChangeTextDocumentParams(new VersionedTextDocumentIdentifier(Harness.DocumentUri, ++_version), [LspSession.Edit(_line, _digit, _digit + 1, replacement)]));
        await _lsp.WaitForDiagnosticsAsync(_version, 1);
    }

    [Benchmark]
    public Task Completion() => _lsp.RequestAsync("textDocument/completion", new CompletionParams(new TextDocumentIdentifier(Harness.DocumentUri), new Position(_line, "  when ".Length)));

    [Benchmark]
    public Task Hover() => _lsp.RequestAsync("textDocument/hover", new HoverParams(new TextDocumentIdentifier(Harness.DocumentUri), new Position(_line, "  when l".Length)));

    [Benchmark]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822", Justification = "BenchmarkDotNet runs instance methods.")]
    public async Task StartToInitialize()
    {
        await using var session = new LspSession(TimeSpan.Zero);
        await session.InitializeAsync();
    }
}
