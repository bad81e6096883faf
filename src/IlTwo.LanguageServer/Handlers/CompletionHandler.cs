using IlTwo.LanguageServer.Features;
using IlTwo.LanguageServer.Protocol;
using StreamJsonRpc;

namespace IlTwo.LanguageServer.Handlers;

/// <summary><c>textDocument/completion</c>: keywords, snippets and names that fit where the cursor is (see <see cref="CompletionProvider"/>).</summary>
internal sealed class CompletionHandler(ServerContext context) : ILanguageServerHandler
{
    public ServerCapabilities Advertise(ServerCapabilities capabilities) =>
        capabilities with { CompletionProvider = new CompletionOptions([" ", "(", ","]) };

    [JsonRpcMethod("textDocument/completion")]
    public CompletionList Completion(CompletionParams request)
    {
        var document = context.Workspace.Get(request.TextDocument.Uri);
        return new CompletionList(false, CompletionProvider.Complete(document.Compilation, document.ToOffset(request.Position)));
    }
}
