using System.Text.Json.Nodes;
using IlTwo.Debugger.Protocol;

namespace IlTwo.Debugger.Handlers;

/// <summary><c>variables</c>: the children of a reference handed out at this stop (none for one from an earlier stop).</summary>
public sealed class VariablesHandler : IRequestHandler
{
    public string Command => "variables";

    public object? Handle(DebugSession session, JsonObject arguments)
    {
        var reference = RequestHandlers.Int(arguments, "variablesReference") ?? 0;
        return new { variables = session.Variables.Children(reference) ?? Array.Empty<DapVariable>() };
    }
}
