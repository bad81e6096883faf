using System.Text.Json.Nodes;
using IlTwo.Debugger.Protocol;

namespace IlTwo.Debugger.Handlers;

/// <summary><c>setBreakpoints</c> for one file: verified at a rule or a scenario (moved to its first line), else unverified with why.</summary>
public sealed class SetBreakpointsHandler : IRequestHandler
{
    public string Command => "setBreakpoints";

    public object? Handle(DebugSession session, JsonObject arguments)
    {
        var launched = session.RequireLaunched();
        var path = (arguments["source"] as JsonObject) is { } source ? RequestHandlers.String(source, "path") : null;
        if (string.IsNullOrEmpty(path))
        {
            throw new DapRequestException(DebuggerError.BadArguments, "setBreakpoints needs 'source.path'");
        }

        var lines = (arguments["breakpoints"] as JsonArray)?.Select(b => RequestHandlers.Int(b as JsonObject, "line")).ToList()
            ?? (arguments["lines"] as JsonArray)?.Select(l => l is JsonValue v && v.TryGetValue<int>(out var n) ? n : (int?)null).ToList()
            ?? [];
        var resolved = launched.Breakpoints.Set(path, [.. lines.Select(l => l is { } n ? session.FromClientLine(n) : -1)]);
        var dapSource = new DapSource(Path.GetFileName(path), path);
        return new
        {
            breakpoints = resolved.Select(b => new DapBreakpoint(b.Id, b.Verified, session.Line(b.Line), b.Message, dapSource)).ToList(),
        };
    }
}
