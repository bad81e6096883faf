using StreamJsonRpc;

namespace IlTwo.LanguageServer.Handlers;

/// <summary><c>shutdown</c>: stop analysing; the lifecycle gate already refuses further requests.</summary>
internal sealed class ShutdownHandler(ServerContext context) : ILanguageServerHandler
{
    [JsonRpcMethod("shutdown")]
    public object? Shutdown()
    {
        context.Diagnostics.Stop();
        context.Log.Info("shutdown");
        return null;
    }
}
