using IlTwo.LanguageServer.Protocol;
using StreamJsonRpc;

namespace IlTwo.LanguageServer.Handlers;

/// <summary><c>initialized</c>: the client is ready.</summary>
internal sealed class InitializedHandler(ServerContext context) : ILanguageServerHandler
{
    [JsonRpcMethod("initialized")]
    public void Initialized(InitializedParams notification) => context.Log.Info("The client is initialized.");
}
