using IlTwo.Dsl.Diagnostics;
using IlTwo.LanguageServer.Protocol;
using DslDiagnostic = IlTwo.Dsl.Diagnostics.Diagnostic;
using DslSeverity = IlTwo.Dsl.Diagnostics.DiagnosticSeverity;

namespace IlTwo.LanguageServer.Workspace;

/// <summary>
/// Compiler diagnostics to LSP diagnostics: source "il2", the IL#### code and, when a documentation base is configured,
/// <c>codeDescription.href</c> = base + <c>IL####.md</c> for every code of the catalogue (each has a page in docs/diagnostics).
/// No <c>data</c>: the code action handler reads quick fixes from the compilation, not from the client's copy.
/// </summary>
public static class DiagnosticConverter
{
    public const string Source = "il2";

    public static IReadOnlyList<Protocol.Diagnostic> Convert(IEnumerable<DslDiagnostic> diagnostics, Uri? docsBaseUri = null)
    {
        var converted = new List<Protocol.Diagnostic>();
        foreach (var diagnostic in diagnostics)
        {
            converted.Add(new Protocol.Diagnostic(
                new Protocol.Range(
                    new Position(diagnostic.Start.Line, diagnostic.Start.Character),
                    new Position(diagnostic.End.Line, diagnostic.End.Character)),
                diagnostic.Message,
                ToSeverity(diagnostic.Severity),
                diagnostic.Code,
                Source,
                CodeDescription: DocumentationFor(diagnostic.Code, docsBaseUri)));
        }

        return converted;
    }

    /// <summary>The page of a catalogue code under <paramref name="docsBaseUri"/>, or null (no base, or a code without a page).</summary>
    public static CodeDescription? DocumentationFor(string code, Uri? docsBaseUri) =>
        docsBaseUri is not null && DiagnosticCatalog.Find(code) is not null ? new CodeDescription(new Uri(docsBaseUri, code + ".md")) : null;

    /// <summary>
    /// A documentation base from configuration: an absolute URI, read as a folder (a missing trailing slash is added so
    /// that the page name is appended, not substituted). Null when <paramref name="value"/> is empty or not an absolute URI.
    /// </summary>
    public static Uri? ParseDocsBaseUri(string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || !Uri.TryCreate(value.EndsWith('/') ? value : value + "/", UriKind.Absolute, out var uri))
        {
            return null;
        }

        return uri.Scheme is "https" or "http" or "file" ? uri : null;
    }

    public static Protocol.DiagnosticSeverity ToSeverity(DslSeverity severity) => severity switch
    {
        DslSeverity.Error => Protocol.DiagnosticSeverity.Error,
        DslSeverity.Warning => Protocol.DiagnosticSeverity.Warning,
        _ => Protocol.DiagnosticSeverity.Information,
    };
}
