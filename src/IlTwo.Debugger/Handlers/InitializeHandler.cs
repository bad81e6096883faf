using System.Text.Json.Nodes;
using IlTwo.Debugger.Protocol;

namespace IlTwo.Debugger.Handlers;

/// <summary><c>initialize</c>: the capabilities; lines and columns as the client counts them (1-based unless it says not).</summary>
public sealed class InitializeHandler : IRequestHandler
{
    public string Command => "initialize";

    public object? Handle(DebugSession session, JsonObject arguments)
    {
        session.LinesStartAt1 = RequestHandlers.Bool(arguments, "linesStartAt1", true);
        session.ColumnsStartAt1 = RequestHandlers.Bool(arguments, "columnsStartAt1", true);
        return new Capabilities();
    }
}
