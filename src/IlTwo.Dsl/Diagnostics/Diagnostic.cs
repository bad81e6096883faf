using IlTwo.Dsl.Text;

namespace IlTwo.Dsl.Diagnostics;

public enum DiagnosticSeverity
{
    Error,
    Warning,
    Information,
}

public static class DiagnosticSeverityText
{
    /// <summary>The word compiler-format lines and JSON output use: <c>error</c>, <c>warning</c>, <c>info</c>.</summary>
    public static string Word(this DiagnosticSeverity severity) => severity switch
    {
        DiagnosticSeverity.Error => "error",
        DiagnosticSeverity.Warning => "warning",
        DiagnosticSeverity.Information => "info",
        _ => throw new ArgumentOutOfRangeException(nameof(severity), severity, null),
    };
}

/// <summary>A suggested edit that resolves a diagnostic (offered as a quick fix by the language server).</summary>
public sealed record DiagnosticFix(string Title, TextSpan Span, string NewText);

/// <summary>One finding about a protocol: data, never thrown.</summary>
public sealed record Diagnostic(DiagnosticDescriptor Descriptor, SourceText Source, TextSpan Span, string Message, DiagnosticFix? Fix = null)
{
    public string Code => Descriptor.Code;

    public DiagnosticSeverity Severity => Descriptor.Severity;

    public bool IsError => Severity == DiagnosticSeverity.Error;

    public LinePosition Start => Source.GetLinePosition(Span.Start);

    public LinePosition End => Source.GetLinePosition(Span.End);

    /// <summary>The canonical compiler format VS Code problem matchers read: <c>path(line,col): error IL0123: message</c>.</summary>
    public string ToCompilerFormat(string? path = null)
    {
        var start = Start;
        return $"{CompilerFormat.Path(path ?? Source.Path)}({start.Line + 1},{start.Character + 1}): {Severity.Word()} {Code}: {CompilerFormat.Message(Message)}";
    }
}
