using System.Text.Json.Nodes;
using IlTwo.Debugger.Protocol;

namespace IlTwo.Debugger.Handlers;

/// <summary><c>threads</c>: one, named after the scenario being run.</summary>
public sealed class ThreadsHandler : IRequestHandler
{
    public string Command => "threads";

    public object? Handle(DebugSession session, JsonObject arguments)
    {
        var name = session.Launched is { Stepper.Point: { } point } launched
            ? $"scenario \"{launched.Program.Scenarios[point.Scenario].Title}\""
            : session.Launched?.Compilation.Protocol.Id ?? "il2";
        return new { threads = new[] { new DapThread(DebugSession.ThreadId, name) } };
    }
}
