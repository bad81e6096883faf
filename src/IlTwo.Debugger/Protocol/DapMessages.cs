using System.Text.Json.Serialization;

namespace IlTwo.Debugger.Protocol;

// The few DAP types the adapter sends (https://microsoft.github.io/debug-adapter-protocol/specification), as records
// serialised camelCase with nulls left out. Requests are read as JSON objects: each handler takes what it needs.

public sealed record DapResponse(int Seq, [property: JsonPropertyName("request_seq")] int RequestSeq, bool Success, string Command, string? Message, object? Body)
{
    public string Type { get; } = "response";
}

public sealed record DapEvent(int Seq, [property: JsonPropertyName("event")] string EventName, object? Body)
{
    public string Type { get; } = "event";
}

/// <summary>The body of an error response: the message id is stable per kind of error, its format the text shown.</summary>
public sealed record ErrorBody(DapMessage Error);

public sealed record DapMessage(int Id, string Format, bool ShowUser = true);

public sealed record Capabilities(
    bool SupportsConfigurationDoneRequest = true,
    bool SupportsEvaluateForHovers = true,
    bool SupportsTerminateRequest = true,
    bool SupportsSingleThreadExecutionRequests = false);

public sealed record DapSource(string Name, string Path);

public sealed record DapBreakpoint(int Id, bool Verified, int? Line, string? Message, DapSource? Source);

public sealed record DapThread(int Id, string Name);

public sealed record DapStackFrame(int Id, string Name, DapSource Source, int Line, int Column, int? EndLine, int? EndColumn, string? PresentationHint = null);

public sealed record DapScope(string Name, int VariablesReference, bool Expensive = false, string? PresentationHint = null);

public sealed record DapVariable(string Name, string Value, int VariablesReference, string? Type = null, string? EvaluateName = null);

public sealed record StoppedBody(string Reason, int ThreadId, string? Description, bool AllThreadsStopped = true, int[]? HitBreakpointIds = null);

public sealed record OutputBody(string Output, string Category = "console");

public sealed record ExitedBody(int ExitCode);

/// <summary>A scenario's result as the adapter reports it at the end, beside the text of the output event.</summary>
public sealed record ScenarioDecision(string Scenario, string Action, IReadOnlyList<string> Rules, bool Passed, string Summary);

/// <summary><see cref="Decisions"/> is ours (clients ignore unknown fields): each scenario run and its decision.</summary>
public sealed record TerminatedBody(IReadOnlyList<ScenarioDecision> Decisions);
