using System.Text.Json.Nodes;
using IlTwo.Debugger.Protocol;
using IlTwo.Debugger.Stepping;
using IlTwo.Dsl.Binding;

namespace IlTwo.Debugger.Handlers;

/// <summary>
/// <c>stackTrace</c>: the current place and what encloses it, innermost first — a condition part, the condition, the
/// rule, the scenario — each with its file, line and column. A frame's id is its depth + 1.
/// </summary>
public sealed class StackTraceHandler : IRequestHandler
{
    public string Command => "stackTrace";

    public object? Handle(DebugSession session, JsonObject arguments)
    {
        var launched = session.RequireLaunched();
        if (launched.Stepper.Point is not { } point)
        {
            return new { stackFrames = Array.Empty<DapStackFrame>(), totalFrames = 0 };
        }

        var frames = point.Stack.Select(p => Frame(session, launched, p)).ToList();
        var start = Math.Max(0, RequestHandlers.Int(arguments, "startFrame") ?? 0);
        var levels = RequestHandlers.Int(arguments, "levels") is { } n and > 0 ? n : frames.Count;
        return new { stackFrames = frames.Skip(start).Take(levels).ToList(), totalFrames = frames.Count };
    }

    public static string Name(LaunchedProtocol launched, StepPoint point) => point.Kind switch
    {
        StepKind.Scenario => $"scenario \"{launched.Program.Scenarios[point.Scenario].Title}\"",
        StepKind.Rule => $"{launched.Compilation.Protocol.Rules[point.Rule].Action.ToString().ToLowerInvariant()} rule {launched.Compilation.Protocol.Rules[point.Rule].Name}",
        _ => point.Node is { } node ? $"when {BoundExpressionPrinter.Print(node)}" : "when",
    };

    private static DapStackFrame Frame(DebugSession session, LaunchedProtocol launched, StepPoint point)
    {
        var (start, end) = (point.Start, point.End);
        var path = point.Source.Path;
        return new DapStackFrame(
            point.Depth + 1, Name(launched, point), new DapSource(Path.GetFileName(path), path),
            session.Line(start.Line), session.Column(start.Character), session.Line(end.Line), session.Column(end.Character));
    }
}
