using IlTwo.LanguageServer.Protocol;
using IlTwo.LanguageServer.Workspace;
using StreamJsonRpc;

namespace IlTwo.LanguageServer.Handlers;

/// <summary><c>textDocument/codeAction</c>: the compiler's quick fixes for the diagnostics in the range, each with its diagnostic attached.</summary>
internal sealed class CodeActionHandler(ServerContext context) : ILanguageServerHandler
{
    public ServerCapabilities Advertise(ServerCapabilities capabilities) =>
        capabilities with { CodeActionProvider = new CodeActionOptions([CodeActionKind.QuickFix]) };

    [JsonRpcMethod("textDocument/codeAction")]
    public IReadOnlyList<CodeAction> CodeAction(CodeActionParams request)
    {
        if (request.Context.Only is { } only && !only.Any(kind => kind == CodeActionKind.QuickFix || CodeActionKind.QuickFix.StartsWith(kind + ".", StringComparison.Ordinal)))
        {
            return [];
        }

        var compilation = context.Workspace.GetLatestCompilation(request.TextDocument.Uri);
        var document = new CompiledDocument(request.TextDocument.Uri, compilation);
        var start = document.ToOffset(request.Range.Start);
        var end = document.ToOffset(request.Range.End);
        var actions = new List<CodeAction>();
        foreach (var diagnostic in compilation.Diagnostics)
        {
            if (diagnostic.Fix is not { } fix || diagnostic.Span.End < start || diagnostic.Span.Start > end)
            {
                continue;
            }

            var converted = DiagnosticConverter.Convert([diagnostic], context.Diagnostics.DocsBaseUri)[0];
            var edit = new TextEdit(document.ToRange(fix.Span), fix.NewText);
            actions.Add(new CodeAction(
                fix.Title,
                CodeActionKind.QuickFix,
                [converted],
                IsPreferred: true,
                Edit: new WorkspaceEdit(new Dictionary<string, IReadOnlyList<TextEdit>> { [request.TextDocument.Uri.OriginalString] = [edit] })));
        }

        return actions;
    }
}
