using IlTwo.Dsl.Formatting;
using IlTwo.LanguageServer.Protocol;
using IlTwo.LanguageServer.Workspace;
using StreamJsonRpc;

namespace IlTwo.LanguageServer.Handlers;

/// <summary>
/// <c>textDocument/formatting</c>: the one canonical layout from <see cref="ProtocolFormatter"/>, every comment kept.
/// A document with syntax errors gets no edits: the server never rewrites text it cannot fully read.
/// </summary>
internal sealed class FormattingHandler(ServerContext context) : ILanguageServerHandler
{
    public ServerCapabilities Advertise(ServerCapabilities capabilities) => capabilities with { DocumentFormattingProvider = true };

    [JsonRpcMethod("textDocument/formatting")]
    public IReadOnlyList<Protocol.TextEdit> Format(DocumentFormattingParams request)
    {
        var document = context.Workspace.Get(request.TextDocument.Uri);
        var tree = document.Compilation.SyntaxTree;
        // The client's tab size is not used: there is one canonical layout, the same as 'il2 fmt'.
        return [.. ProtocolFormatter.FormatEdits(tree).Select(edit => new Protocol.TextEdit(CompiledDocument.ToRange(tree.Text, edit.Span), edit.NewText))];
    }
}
