using System.Diagnostics;
using System.Globalization;
using IlTwo.LanguageServer.Protocol;

namespace IlTwo.LanguageServer.Benchmarks;

/// <summary>Medians of the latencies an editor user feels, on a generated 5,000-line protocol, over the real host.</summary>
public static class Harness
{
    public static readonly Uri DocumentUri = new("file:///bench/generated.il2");

    public static async Task RunAsync(int iterations)
    {
        var text = IlTwo.Benchmarks.ProtocolGenerator.Generate(5000);
        Console.WriteLine($"generated protocol: {text.Count(c => c == '\n')} lines, {text.Length:N0} chars; {iterations} iterations after warm-up");

        var start = new List<double>();
        for (var i = 0; i < iterations + 3; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await using var session = new LspSession(TimeSpan.Zero);
            await session.InitializeAsync();
            if (i >= 3)
            {
                start.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }

        await using var lsp = new LspSession(TimeSpan.Zero);
        await lsp.InitializeAsync();
        await lsp.NotifyAsync("textDocument/didOpen", new DidOpenTextDocumentParams(new TextDocumentItem(DocumentUri, "il2", 1, text)));
        await lsp.WaitForDiagnosticsAsync(1, 2);

        // The edit: a threshold digit in a rule in the middle of the file, toggled between two values.
        var lines = text.Split('\n');
        var ruleLine = Array.FindIndex(lines, lines.Length / 2, l => l.StartsWith("  when lab-", StringComparison.Ordinal) && l.Contains(">= ", StringComparison.Ordinal));
        var digit = lines[ruleLine].IndexOf(">= ", StringComparison.Ordinal) + 3;
        var original = lines[ruleLine][digit].ToString();
        var hoverAt = new Position(ruleLine, "  when l".Length);
        var completeAt = new Position(ruleLine, "  when ".Length);
        var docId = new TextDocumentIdentifier(DocumentUri);

        var firstDiagnostics = new List<double>();
        var analyzedDiagnostics = new List<double>();
        var completionAfterEdit = new List<double>();
        var completion = new List<double>();
        var hover = new List<double>();
        var version = 1;
        for (var i = 0; i < iterations + 5; i++)
        {
            var replacement = i % 2 == 0 ? (original == "1" ? "2" : "1") : original;
            var edited = Stopwatch.GetTimestamp();
            await lsp.NotifyAsync("textDocument/didChange", new DidChangeTextDocumentParams(new VersionedTextDocumentIdentifier(DocumentUri, ++version), [LspSession.Edit(ruleLine, digit, digit + 1, replacement)]));
            var first = await lsp.WaitForDiagnosticsAsync(version, 1);
            var analyzed = await lsp.WaitForDiagnosticsAsync(version, 1);
            var warm = i >= 5;
            if (warm)
            {
                firstDiagnostics.Add(Stopwatch.GetElapsedTime(edited, first).TotalMilliseconds);
                analyzedDiagnostics.Add(Stopwatch.GetElapsedTime(edited, analyzed).TotalMilliseconds);
            }

            // Completion right after a keystroke (needs this version's binding), then again on the cached version.
            await lsp.NotifyAsync("textDocument/didChange", new DidChangeTextDocumentParams(new VersionedTextDocumentIdentifier(DocumentUri, ++version), [LspSession.Edit(ruleLine, digit, digit + 1, original)]));
            var t0 = Stopwatch.GetTimestamp();
            await lsp.RequestAsync("textDocument/completion", new CompletionParams(docId, completeAt));
            var afterEdit = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;

            t0 = Stopwatch.GetTimestamp();
            await lsp.RequestAsync("textDocument/completion", new CompletionParams(docId, completeAt));
            var cached = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;

            t0 = Stopwatch.GetTimestamp();
            await lsp.RequestAsync("textDocument/hover", new HoverParams(docId, hoverAt));
            var hovered = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            if (warm)
            {
                completionAfterEdit.Add(afterEdit);
                completion.Add(cached);
                hover.Add(hovered);
            }

            await lsp.WaitForDiagnosticsAsync(version, 2);
        }

        Report("server start -> initialize response", start, null);
        Report("one-character edit -> first diagnostics (syntax, binding, units)", firstDiagnostics, 50);
        Report("one-character edit -> diagnostics with analysis warnings", analyzedDiagnostics, null);
        Report("completion, first request after an edit", completionAfterEdit, null);
        Report("completion", completion, 20);
        Report("hover", hover, 20);
    }

    private static void Report(string what, List<double> samples, double? goalMs)
    {
        samples.Sort();
        var median = samples[samples.Count / 2];
        var p90 = samples[(int)(samples.Count * 0.9)];
        var goal = goalMs is { } g ? $"  goal < {g} ms: {(median < g ? "met" : "MISSED")}" : "";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what,-70} median {median,8:F1} ms   p90 {p90,8:F1} ms{goal}"));
    }
}
