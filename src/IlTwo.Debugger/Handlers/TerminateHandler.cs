using System.Text.Json.Nodes;
using IlTwo.Debugger.Protocol;

namespace IlTwo.Debugger.Handlers;

/// <summary><c>terminate</c>: ends the run where it is; <c>terminated</c> lists the decisions of the scenarios finished.</summary>
public sealed class TerminateHandler : IRequestHandler
{
    public string Command => "terminate";

    public object? Handle(DebugSession session, JsonObject arguments)
    {
        if (session.Launched is { } launched)
        {
            session.Emit("terminated", DebugSession.Terminated(launched));
        }
        else
        {
            session.Emit("terminated", new TerminatedBody([]));
        }
        return null;
    }
}
