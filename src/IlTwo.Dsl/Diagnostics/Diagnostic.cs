using System.Collections.Immutable;
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

/// <summary>
/// A suggested edit that resolves a diagnostic (offered as a quick fix by the language server). The compiler computes
/// it where it knows the fix (the did-you-mean name, the UCUM spelling), so no host re-reads the message text.
/// <see cref="IsPreferred"/> marks the fix an editor may apply on its own (fix-all); the others need the author's choice.
/// </summary>
public sealed record DiagnosticFix(string Title, TextSpan Span, string NewText, bool IsPreferred = true);

/// <summary>One finding about a protocol: data, never thrown.</summary>
public sealed record Diagnostic(DiagnosticDescriptor Descriptor, SourceText Source, TextSpan Span, string Message, ImmutableArray<DiagnosticFix> Fixes = default)
{
    /// <summary>The known fixes, best first (empty when the compiler knows none).</summary>
    public ImmutableArray<DiagnosticFix> Fixes { get; init; } = Fixes.IsDefault ? [] : Fixes;

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
