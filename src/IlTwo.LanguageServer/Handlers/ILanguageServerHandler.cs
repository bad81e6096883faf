using IlTwo.LanguageServer.Protocol;

namespace IlTwo.LanguageServer.Handlers;

/// <summary>
/// One LSP request or notification (or a tight group, like document sync). To add a feature, add one class:
/// <code>
/// internal sealed class HoverHandler(ServerContext context) : ILanguageServerHandler
/// {
///     public ServerCapabilities Advertise(ServerCapabilities capabilities) => capabilities with { HoverProvider = true };
///
///     [JsonRpcMethod("textDocument/hover")]
///     public Hover? Hover(HoverParams request, CancellationToken cancellationToken)
///     {
///         var document = context.Documents.Get(request.TextDocument.Uri); // not open: -32602
///         ...
///     }
/// }
/// </code>
/// Every non-abstract class in this assembly that implements this interface and has a constructor taking
/// <see cref="ServerContext"/> is found and registered; only its <c>[JsonRpcMethod]</c> methods are exposed, each
/// taking the LSP params object as its one parameter (and optionally a <see cref="CancellationToken"/>, which
/// <c>$/cancelRequest</c> cancels).
/// </summary>
public interface ILanguageServerHandler
{
    /// <summary>Adds what this handler implements to the capabilities sent in the <c>initialize</c> result.</summary>
    ServerCapabilities Advertise(ServerCapabilities capabilities) => capabilities;
}
