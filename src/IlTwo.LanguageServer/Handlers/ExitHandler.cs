using StreamJsonRpc;

namespace IlTwo.LanguageServer.Handlers;

/// <summary><c>exit</c>: ends the session; the host returns 0 after <c>shutdown</c>, 1 otherwise.</summary>
internal sealed class ExitHandler(ServerContext context) : ILanguageServerHandler
{
    [JsonRpcMethod("exit")]
    public void Exit() => context.Lifecycle.Exit();
}
