using IlTwo.LanguageServer.Features;
using IlTwo.LanguageServer.Protocol;
using IlTwo.LanguageServer.Workspace;
using StreamJsonRpc;

namespace IlTwo.LanguageServer.Handlers;

/// <summary><c>textDocument/definition</c>: where the name under the cursor is declared, in this file or a base protocol.</summary>
internal sealed class DefinitionHandler(ServerContext context) : ILanguageServerHandler
{
    public ServerCapabilities Advertise(ServerCapabilities capabilities) => capabilities with { DefinitionProvider = true };

    [JsonRpcMethod("textDocument/definition")]
    public IReadOnlyList<Location> Definition(DefinitionParams request)
    {
        var document = context.Workspace.Get(request.TextDocument.Uri);
        if (SymbolSearch.OccurrenceAt(document.Compilation, document.ToOffset(request.Position)) is not { } occurrence)
        {
            return [];
        }

        var location = occurrence.Symbol.Location;
        return [new Location(context.Workspace.UriFor(location.Source), CompiledDocument.ToRange(location.Source, location.Span))];
    }
}
