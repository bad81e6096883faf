using System.Collections.Immutable;
using System.Text.Json.Nodes;
using IlTwo.Debugger.Protocol;
using IlTwo.Dsl.Binding;
using IlTwo.Dsl.Compilation;
using IlTwo.Dsl.Text;
using IlTwo.Runtime.Records;

namespace IlTwo.Debugger.Handlers;

/// <summary>
/// <c>launch</c> with <c>program</c> (the .il2 file), <c>scenario</c> (a title; absent: every scenario of the file in
/// turn), <c>stopOnEntry</c> and <c>noDebug</c> (Run Without Debugging: every scenario to its decision). Compiles the protocol and its base chain; a missing file, a protocol with errors or an
/// unknown scenario is refused with its code and location. Sends <c>initialized</c>: breakpoints come next.
/// </summary>
public sealed class LaunchHandler : IRequestHandler
{
    public string Command => "launch";

    public object? Handle(DebugSession session, JsonObject arguments)
    {
        if (session.Launched is not null)
        {
            throw new DapRequestException(DebuggerError.BadArguments, "a protocol is already launched in this session");
        }

        var program = RequestHandlers.String(arguments, "program");
        if (string.IsNullOrWhiteSpace(program))
        {
            throw new DapRequestException(DebuggerError.NoProgram, "launch needs 'program': the .il2 file whose scenarios to debug");
        }

        var path = Path.GetFullPath(program, RequestHandlers.String(arguments, "cwd") is { Length: > 0 } cwd ? cwd : Environment.CurrentDirectory);
        var compilation = Compile(path);
        var scenarios = Select(compilation, path, RequestHandlers.String(arguments, "scenario"));
        session.Launched = new LaunchedProtocol(compilation, scenarios, RequestHandlers.Bool(arguments, "stopOnEntry"), session.Variables)
        {
            NoDebug = RequestHandlers.Bool(arguments, "noDebug"),
        };
        session.Emit("initialized");
        return null;
    }

    private static ProtocolCompilation Compile(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var reason = e is FileNotFoundException or DirectoryNotFoundException ? "no such file" : $"cannot read file: {e.Message}";
            throw new DapRequestException(DebuggerError.CannotRead, $"{path}: {reason}");
        }

        ProtocolCompilation compilation;
        try
        {
            // Analysis (reviewer warnings, proofs) cannot change a decision: the debugger binds and evaluates only.
            compilation = ProtocolCompilation.Create(SourceText.FromBytes(bytes, path), null, ProtocolCompilationOptions.Default with { Analyze = false });
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or IndexOutOfRangeException or NullReferenceException or FormatException)
        {
            throw new DapRequestException(DebuggerError.InternalError, $"{path}(1,1): internal compiler error: {e.Message}");
        }

        var errors = compilation.Chain.SelectMany(c => c.Diagnostics).Where(d => d.IsError).ToList();
        if (errors.Count > 0)
        {
            var more = errors.Count > 1 ? $" (and {errors.Count - 1} more error(s))" : "";
            throw new DapRequestException(DebuggerError.CompileErrors, $"{errors[0].ToCompilerFormat()}{more}; the protocol must compile before its scenarios can be debugged");
        }
        return compilation;
    }

    private static ImmutableArray<BoundScenario> Select(ProtocolCompilation compilation, string path, string? title)
    {
        var scenarios = compilation.Protocol.Scenarios;
        if (scenarios.IsEmpty)
        {
            throw new DapRequestException(DebuggerError.NoScenario, $"{path}(1,1): {compilation.Protocol.Id} has no scenario to debug");
        }

        if (title is null)
        {
            return scenarios;
        }

        var match = scenarios.Where(s => s.Title == title).ToImmutableArray();
        if (match.IsEmpty)
        {
            var closest = Levenshtein.Closest(title, scenarios.Select(s => s.Title), Math.Max(3, title.Length / 3));
            var hint = closest is null ? "" : $" (did you mean \"{closest}\"?)";
            throw new DapRequestException(DebuggerError.UnknownScenario, $"{path}(1,1): no scenario \"{title}\" in {compilation.Protocol.Id}{hint}");
        }
        return match;
    }
}
