using System.Text.Json.Nodes;
using IlTwo.Debugger.Protocol;
using IlTwo.Debugger.Stepping;

namespace IlTwo.Debugger.Handlers;

/// <summary><c>scopes</c> of a frame: Condition (a condition frame), Rule, Scenario and Decision so far.</summary>
public sealed class ScopesHandler : IRequestHandler
{
    public string Command => "scopes";

    public object? Handle(DebugSession session, JsonObject arguments)
    {
        var launched = session.RequireLaunched();
        var (frame, current) = FrameOf(launched, RequestHandlers.Int(arguments, "frameId"));
        return new { scopes = launched.Inspector.Scopes(frame, current, launched.Run(current.Scenario)) };
    }

    /// <summary>The frame of that id in the current stack (the innermost when no id is given), and the current place.</summary>
    public static (StepPoint Frame, StepPoint Current) FrameOf(LaunchedProtocol launched, int? frameId)
    {
        var current = launched.Stepper.Point ?? throw new DapRequestException(DebuggerError.NotLaunched, "not stopped: there are no frames");
        if (frameId is null)
        {
            return (current, current);
        }

        var frame = current.Stack.FirstOrDefault(p => p.Depth + 1 == frameId)
            ?? throw new DapRequestException(DebuggerError.BadArguments, $"no frame {frameId} at this stop");
        return (frame, current);
    }
}
