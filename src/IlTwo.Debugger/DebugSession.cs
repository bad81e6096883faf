using System.Text.Json.Nodes;
using IlTwo.Debugger.Handlers;
using IlTwo.Debugger.Inspection;
using IlTwo.Debugger.Protocol;
using IlTwo.Debugger.Stepping;

namespace IlTwo.Debugger;

/// <summary>
/// One debug session: dispatches each request to its handler, answers it, then sends the events the handler raised
/// (a stop, the decisions, the end). A refused request is an error response with a stable code; nothing a client
/// sends ends the session but <c>disconnect</c> or the end of the input.
/// </summary>
public sealed class DebugSession(DapChannel channel, TextWriter log)
{
    public const int ThreadId = 1;

    private readonly List<(string Name, object? Body)> _pending = [];
    private int _seq;

    public bool LinesStartAt1 { get; set; } = true;

    public bool ColumnsStartAt1 { get; set; } = true;

    public LaunchedProtocol? Launched { get; set; }

    public VariableStore Variables { get; } = new();

    /// <summary>Set by <c>disconnect</c>: the adapter stops reading.</summary>
    public bool Ended { get; set; }

    public LaunchedProtocol RequireLaunched() =>
        Launched ?? throw new DapRequestException(DebuggerError.NotLaunched, "no protocol is launched: send 'launch' with a 'program' first");

    public void Emit(string name, object? body = null) => _pending.Add((name, body));

    public async Task HandleAsync(JsonObject message, CancellationToken cancellationToken)
    {
        if (message["type"] is not JsonValue type || !type.TryGetValue<string>(out var kind) || kind != "request")
        {
            return;
        }

        var requestSeq = message["seq"] is JsonValue s && s.TryGetValue<int>(out var n) ? n : 0;
        var command = message["command"] is JsonValue c && c.TryGetValue<string>(out var name) ? name : "";
        var arguments = message["arguments"] as JsonObject ?? [];
        DapResponse response;
        try
        {
            var handler = RequestHandlers.Find(command)
                ?? throw new DapRequestException(DebuggerError.UnknownRequest, $"the adapter does not support the request '{command}'");
            var body = handler.Handle(this, arguments);
            response = new DapResponse(++_seq, requestSeq, true, command, null, body);
        }
        catch (DapRequestException e)
        {
            _pending.Clear();
            response = Error(requestSeq, command, e.Error, e.Message);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A bug must not take the session down with it: the client sees the request fail, and the log says why.
            await log.WriteLineAsync($"il2 dap: internal error in '{command}': {e}").ConfigureAwait(false);
            _pending.Clear();
            response = Error(requestSeq, command, DebuggerError.InternalError, $"{DebuggerError.InternalError.Code}: internal error in '{command}': {e.Message}");
        }

        await channel.WriteAsync(response, cancellationToken).ConfigureAwait(false);
        var events = _pending.ToList();
        _pending.Clear();
        foreach (var (eventName, body) in events)
        {
            await channel.WriteAsync(new DapEvent(++_seq, eventName, body), cancellationToken).ConfigureAwait(false);
        }
    }

    private DapResponse Error(int requestSeq, string command, DebuggerError error, string message) =>
        new(++_seq, requestSeq, false, command, message, new ErrorBody(new DapMessage(error.Id, message)));

    /// <summary>Reports a move: each scenario finished on the way (its decision), then the stop, or the end.</summary>
    public void Report(StepOutcome outcome, string reason)
    {
        var launched = RequireLaunched();
        Variables.Clear();
        for (var s = outcome.FirstFinished; s < outcome.FinishedEnd; s++)
        {
            var run = launched.Run(s);
            launched.Finished.Add(run);
            var verdict = run.Result.Passed ? "passed" : $"failed: {run.Result.Message}";
            Emit("output", new OutputBody($"scenario \"{run.Scenario.Title}\": {run.Decision} ({verdict})\n{run.Result.Decision.Summary}\n"));
        }

        if (outcome.Index is { } index)
        {
            var point = launched.Program.Points[index];
            var hits = launched.Breakpoints.At(point);
            var description = point.Kind switch
            {
                StepKind.Scenario => $"scenario \"{launched.Program.Scenarios[point.Scenario].Title}\"",
                StepKind.Rule => $"rule {launched.Compilation.Protocol.Rules[point.Rule].Name}",
                _ => $"condition of {launched.Compilation.Protocol.Rules[point.Rule].Name}",
            };
            Emit("stopped", new StoppedBody(reason == "breakpoint" && hits.Length == 0 ? "step" : reason, ThreadId, description, HitBreakpointIds: reason == "breakpoint" ? hits : null));
            return;
        }

        Emit("exited", new ExitedBody(launched.Finished.All(r => r.Result.Passed) ? 0 : 1));
        Emit("terminated", Terminated(launched));
    }

    public static TerminatedBody Terminated(LaunchedProtocol launched) => new([.. launched.Finished.Select(r =>
        new ScenarioDecision(r.Scenario.Title, r.Decision.Action, r.Decision.Rules, r.Result.Passed, r.Result.Decision.Summary))]);

    public int Line(int zeroBased) => LinesStartAt1 ? zeroBased + 1 : zeroBased;

    public int Column(int zeroBased) => ColumnsStartAt1 ? zeroBased + 1 : zeroBased;

    public int FromClientLine(int line) => LinesStartAt1 ? line - 1 : line;
}
