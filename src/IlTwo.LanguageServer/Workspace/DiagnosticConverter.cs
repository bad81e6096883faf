using System.Text.Json;
using IlTwo.LanguageServer.Protocol;
using DslDiagnostic = IlTwo.Dsl.Diagnostics.Diagnostic;
using DslSeverity = IlTwo.Dsl.Diagnostics.DiagnosticSeverity;

namespace IlTwo.LanguageServer.Workspace;

/// <summary>Compiler diagnostics to LSP diagnostics: source "il2", the IL#### code, and a quick fix (if any) in <c>data</c>.</summary>
public static class DiagnosticConverter
{
    public const string Source = "il2";

    private static readonly JsonSerializerOptions JsonOptions = ProtocolJson.CreateOptions();

    public static IReadOnlyList<Protocol.Diagnostic> Convert(IEnumerable<DslDiagnostic> diagnostics)
    {
        var converted = new List<Protocol.Diagnostic>();
        foreach (var diagnostic in diagnostics)
        {
            JsonElement? data = null;
            if (diagnostic.Fix is { } fix)
            {
                var (start, end) = (diagnostic.Source.GetLinePosition(fix.Span.Start), diagnostic.Source.GetLinePosition(fix.Span.End));
                var range = new Protocol.Range(new Position(start.Line, start.Character), new Position(end.Line, end.Character));
                data = JsonSerializer.SerializeToElement(new DiagnosticData(new QuickFixData(fix.Title, range, fix.NewText)), JsonOptions);
            }

            converted.Add(new Protocol.Diagnostic(
                new Protocol.Range(
                    new Position(diagnostic.Start.Line, diagnostic.Start.Character),
                    new Position(diagnostic.End.Line, diagnostic.End.Character)),
                diagnostic.Message,
                ToSeverity(diagnostic.Severity),
                diagnostic.Code,
                Source,
                data));
        }

        return converted;
    }

    public static Protocol.DiagnosticSeverity ToSeverity(DslSeverity severity) => severity switch
    {
        DslSeverity.Error => Protocol.DiagnosticSeverity.Error,
        DslSeverity.Warning => Protocol.DiagnosticSeverity.Warning,
        _ => Protocol.DiagnosticSeverity.Information,
    };
}

/// <summary>What our diagnostics carry in <c>data</c>, for the code action handler to come.</summary>
public sealed record DiagnosticData(QuickFixData? Fix);

public sealed record QuickFixData(string Title, Protocol.Range Range, string NewText);
