using IlTwo.Dsl.Diagnostics;
using IlTwo.LanguageServer.Protocol;
using IlTwo.LanguageServer.Workspace;
using StreamJsonRpc;

namespace IlTwo.LanguageServer.Handlers;

/// <summary>
/// <c>textDocument/codeAction</c>: the compiler's fixes for the diagnostics in the range (<c>quickfix</c>, each with
/// its diagnostic attached and the compiler's preferred fix marked <c>isPreferred</c>), and <c>source.fixAll.il2</c>:
/// every preferred fix of the document in one edit (the did-you-mean names, UCUM spellings, <c>override</c>). Fixes
/// that need the author's choice (which reference to cite, which recency window) are never part of fix-all.
/// The fixes come from the cached compilation, never from the client's copy of a diagnostic or its message text.
/// </summary>
internal sealed class CodeActionHandler(ServerContext context) : ILanguageServerHandler
{
    public ServerCapabilities Advertise(ServerCapabilities capabilities) =>
        capabilities with { CodeActionProvider = new CodeActionOptions([CodeActionKind.QuickFix, CodeActionKind.SourceFixAll]) };

    [JsonRpcMethod("textDocument/codeAction")]
    public IReadOnlyList<CodeAction> CodeAction(CodeActionParams request)
    {
        var only = request.Context.Only;
        var compilation = context.Workspace.GetLatestCompilation(request.TextDocument.Uri);
        var document = new CompiledDocument(request.TextDocument.Uri, compilation);
        var actions = new List<CodeAction>();
        if (Wants(only, CodeActionKind.QuickFix))
        {
            var start = document.ToOffset(request.Range.Start);
            var end = document.ToOffset(request.Range.End);
            foreach (var diagnostic in compilation.Diagnostics)
            {
                if (diagnostic.Span.End < start || diagnostic.Span.Start > end)
                {
                    continue;
                }

                var converted = Convert(diagnostic);
                foreach (var fix in diagnostic.Fixes)
                {
                    actions.Add(new CodeAction(fix.Title, CodeActionKind.QuickFix, [converted], IsPreferred: fix.IsPreferred, Edit: EditOf(request.TextDocument.Uri, document, [fix])));
                }
            }
        }

        // Fix-all is offered when asked for by kind (editor.codeActionsOnSave, "Fix All"), not in every light bulb.
        if (only is not null && Wants(only, CodeActionKind.SourceFixAll) && FixAll(compilation.Diagnostics) is { Count: > 0 } all)
        {
            actions.Add(new CodeAction(
                $"Fix all: apply the compiler's {all.Count} preferred fix{(all.Count == 1 ? "" : "es")}",
                CodeActionKind.SourceFixAll,
                [.. all.Select(a => Convert(a.Diagnostic))],
                Edit: EditOf(request.TextDocument.Uri, document, [.. all.Select(a => a.Fix)])));
        }

        return actions;
    }

    /// <summary>The preferred fix of each diagnostic, in document order, leaving out any whose edit overlaps one taken before.</summary>
    internal static IReadOnlyList<(Dsl.Diagnostics.Diagnostic Diagnostic, DiagnosticFix Fix)> FixAll(IEnumerable<Dsl.Diagnostics.Diagnostic> diagnostics)
    {
        var taken = new List<(Dsl.Diagnostics.Diagnostic, DiagnosticFix)>();
        var lastEnd = -1;
        foreach (var (diagnostic, fix) in diagnostics
            .SelectMany(d => d.Fixes.Where(f => f.IsPreferred).Take(1).Select(f => (d, f)))
            .OrderBy(p => p.f.Span.Start).ThenBy(p => p.f.Span.End))
        {
            if (fix.Span.Start < lastEnd || (fix.Span.Start == lastEnd && fix.Span.Length == 0 && taken.Count > 0 && taken[^1].Item2.Span.Length == 0))
            {
                continue; // overlapping, or a second insertion at the same place: the order would be a guess
            }

            taken.Add((diagnostic, fix));
            lastEnd = Math.Max(lastEnd, fix.Span.End);
        }

        return taken;
    }

    private Protocol.Diagnostic Convert(Dsl.Diagnostics.Diagnostic diagnostic) =>
        DiagnosticConverter.Convert([diagnostic], context.Diagnostics.DocsBaseUri)[0];

    private static WorkspaceEdit EditOf(Uri uri, CompiledDocument document, IEnumerable<DiagnosticFix> fixes) =>
        new(new Dictionary<string, IReadOnlyList<TextEdit>> { [uri.OriginalString] = [.. fixes.Select(f => new TextEdit(document.ToRange(f.Span), f.NewText))] });

    /// <summary>Whether a request's <c>only</c> filter admits <paramref name="kind"/> (a filter kind admits its sub-kinds).</summary>
    private static bool Wants(IReadOnlyList<string>? only, string kind) =>
        only is null || only.Any(k => k == kind || kind.StartsWith(k + ".", StringComparison.Ordinal));
}
