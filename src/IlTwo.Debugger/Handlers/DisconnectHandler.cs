using System.Text.Json.Nodes;

namespace IlTwo.Debugger.Handlers;

/// <summary><c>disconnect</c>: answered, then the adapter stops reading and returns.</summary>
public sealed class DisconnectHandler : IRequestHandler
{
    public string Command => "disconnect";

    public object? Handle(DebugSession session, JsonObject arguments)
    {
        session.Ended = true;
        return null;
    }
}
