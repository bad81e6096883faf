using System.Text.Json.Nodes;
using IlTwo.Debugger.Protocol;

namespace IlTwo.Debugger.Handlers;

/// <summary>One DAP request: its body on success; a <see cref="DapRequestException"/> for an error response.</summary>
public interface IRequestHandler
{
    string Command { get; }

    object? Handle(DebugSession session, JsonObject arguments);
}

public static class RequestHandlers
{
    private static readonly Dictionary<string, IRequestHandler> All = new IRequestHandler[]
    {
        new InitializeHandler(),
        new LaunchHandler(),
        new SetBreakpointsHandler(),
        new SetExceptionBreakpointsHandler(),
        new ConfigurationDoneHandler(),
        new ThreadsHandler(),
        new StackTraceHandler(),
        new ScopesHandler(),
        new VariablesHandler(),
        new StepHandler("next", s => s.Next()),
        new StepHandler("stepIn", s => s.StepIn()),
        new StepHandler("stepOut", s => s.StepOut()),
        new StepHandler("continue", s => s.Continue(), "breakpoint"),
        new EvaluateHandler(),
        new PauseHandler(),
        new TerminateHandler(),
        new DisconnectHandler(),
    }.ToDictionary(h => h.Command, StringComparer.Ordinal);

    public static IRequestHandler? Find(string command) => All.GetValueOrDefault(command);

    public static string? String(JsonObject arguments, string name) => arguments[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    public static bool Bool(JsonObject arguments, string name, bool fallback = false) => arguments[name] is JsonValue v && v.TryGetValue<bool>(out var b) ? b : fallback;

    public static int? Int(JsonObject? arguments, string name) => arguments?[name] is JsonValue v && v.TryGetValue<int>(out var n) ? n : null;
}
