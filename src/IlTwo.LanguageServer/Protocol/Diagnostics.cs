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

/// <summary>
/// An LSP diagnostic. <see cref="Code"/> is a string (ours are <c>IL####</c>); a numeric code from elsewhere reads as its
/// text. <see cref="CodeDescription"/> links the code's documentation page. <see cref="Data"/> is only ever read from a
/// client: the server sends none (code actions take their fixes from the compilation).
/// </summary>
public sealed record Diagnostic(
    Range Range,
    string Message,
    DiagnosticSeverity? Severity = null,
    [property: JsonConverter(typeof(StringOrNumberConverter))] string? Code = null,
    string? Source = null,
    JsonElement? Data = null,
    CodeDescription? CodeDescription = null);

/// <summary>LSP 3.17 <c>CodeDescription</c>: where a diagnostic's code is explained.</summary>
public sealed record CodeDescription(Uri Href);

public sealed record PublishDiagnosticsParams(Uri Uri, IReadOnlyList<Diagnostic> Diagnostics, int? Version = null);
