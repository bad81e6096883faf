using System.Text.Json.Nodes;

namespace IlTwo.Debugger.Handlers;

/// <summary><c>pause</c>: nothing runs between stops (a scenario is evaluated at once), so there is nothing to pause.</summary>
public sealed class PauseHandler : IRequestHandler
{
    public string Command => "pause";

    public object? Handle(DebugSession session, JsonObject arguments) => null;
}
