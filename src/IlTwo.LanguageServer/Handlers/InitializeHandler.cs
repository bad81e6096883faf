using IlTwo.LanguageServer.Protocol;
using StreamJsonRpc;

namespace IlTwo.LanguageServer.Handlers;

/// <summary><c>initialize</c>: answers with the capabilities of exactly the handlers registered.</summary>
internal sealed class InitializeHandler(ServerContext context) : ILanguageServerHandler
{
    public const string ServerName = "il2";

    [JsonRpcMethod("initialize")]
    public InitializeResult Initialize(InitializeParams request)
    {
        context.Log.Info($"initialize: processId={request.ProcessId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}, rootUri={request.RootUri?.OriginalString ?? "none"}");
        return new InitializeResult(BuildCapabilities(context.Handlers), new ServerInfo(ServerName, typeof(InitializeHandler).Assembly.GetName().Version?.ToString()));
    }

    internal static ServerCapabilities BuildCapabilities(IEnumerable<ILanguageServerHandler> handlers) =>
        handlers.Aggregate(new ServerCapabilities(), (capabilities, handler) => handler.Advertise(capabilities));
}
