using System.Text.Json;
using System.Text.Json.Serialization;

namespace IlTwo.LanguageServer.Protocol;

public enum DiagnosticSeverity
{
    Error = 1,
    Warning = 2,
    Information = 3,
    Hint = 4,
}

/// <summary>An LSP diagnostic. <see cref="Code"/> is a string (ours are <c>IL####</c>); a numeric code from elsewhere reads as its text.</summary>
public sealed record Diagnostic(
    Range Range,
    string Message,
    DiagnosticSeverity? Severity = null,
    [property: JsonConverter(typeof(StringOrNumberConverter))] string? Code = null,
    string? Source = null,
    JsonElement? Data = null);

public sealed record PublishDiagnosticsParams(Uri Uri, IReadOnlyList<Diagnostic> Diagnostics, int? Version = null);
