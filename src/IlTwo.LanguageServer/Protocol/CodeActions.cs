namespace IlTwo.LanguageServer.Protocol;

public static class CodeActionKind
{
    public const string QuickFix = "quickfix";
    public const string Refactor = "refactor";
    public const string Source = "source";
    public const string SourceFixAll = "source.fixAll";
}

public sealed record CodeActionContext(IReadOnlyList<Diagnostic> Diagnostics, IReadOnlyList<string>? Only = null);

public sealed record CodeActionParams(TextDocumentIdentifier TextDocument, Range Range, CodeActionContext Context);

public sealed record CodeAction(string Title, string? Kind = null, IReadOnlyList<Diagnostic>? Diagnostics = null, bool? IsPreferred = null, WorkspaceEdit? Edit = null);
