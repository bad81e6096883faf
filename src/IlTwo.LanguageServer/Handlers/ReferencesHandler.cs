using IlTwo.LanguageServer.Features;
using IlTwo.LanguageServer.Protocol;
using StreamJsonRpc;

namespace IlTwo.LanguageServer.Handlers;

/// <summary><c>textDocument/references</c>: every use of the symbol across the chain and the open documents that extend it.</summary>
internal sealed class ReferencesHandler(ServerContext context) : ILanguageServerHandler
{
    public ServerCapabilities Advertise(ServerCapabilities capabilities) => capabilities with { ReferencesProvider = true };

    [JsonRpcMethod("textDocument/references")]
    public IReadOnlyList<Location> References(ReferenceParams request)
    {
        var document = context.Workspace.Get(request.TextDocument.Uri);
        if (SymbolSearch.OccurrenceAt(document.Compilation, document.ToOffset(request.Position)) is not { } occurrence)
        {
            return [];
        }

        return [.. SymbolSearch.FindOccurrences(context.Workspace, document, occurrence.Symbol, request.Context.IncludeDeclaration)];
    }
}
