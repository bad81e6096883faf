namespace IlTwo.LanguageServer.Protocol;

/// <summary>Zero-based line and UTF-16 character offset, as LSP counts them.</summary>
public sealed record Position(int Line, int Character);

/// <summary>A half-open range [Start, End) between two positions.</summary>
public sealed record Range(Position Start, Position End);

public sealed record Location(Uri Uri, Range Range);

public sealed record TextDocumentIdentifier(Uri Uri);

public sealed record VersionedTextDocumentIdentifier(Uri Uri, int Version);

public sealed record TextDocumentItem(Uri Uri, string LanguageId, int Version, string Text);

public sealed record TextDocumentPositionParams(TextDocumentIdentifier TextDocument, Position Position);

public sealed record TextEdit(Range Range, string NewText);

/// <summary>Edits keyed by document URI (the <c>changes</c> form of LSP's WorkspaceEdit).</summary>
public sealed record WorkspaceEdit(IReadOnlyDictionary<string, IReadOnlyList<TextEdit>> Changes);

public static class MarkupKind
{
    public const string PlainText = "plaintext";
    public const string Markdown = "markdown";
}

public sealed record MarkupContent(string Kind, string Value);
