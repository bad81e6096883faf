using System.Text.Json.Nodes;

namespace IlTwo.Debugger.Handlers;

/// <summary><c>setExceptionBreakpoints</c>: a protocol has no exceptions; answered so that a client that sends it anyway goes on.</summary>
public sealed class SetExceptionBreakpointsHandler : IRequestHandler
{
    public string Command => "setExceptionBreakpoints";

    public object? Handle(DebugSession session, JsonObject arguments) => new { breakpoints = Array.Empty<object>() };
}
