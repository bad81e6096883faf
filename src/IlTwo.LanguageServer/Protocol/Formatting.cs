namespace IlTwo.LanguageServer.Protocol;

public sealed record FormattingOptions(int TabSize, bool InsertSpaces, bool? TrimTrailingWhitespace = null, bool? InsertFinalNewline = null, bool? TrimFinalNewlines = null);

/// <summary><c>textDocument/formatting</c>; the result is <c>TextEdit[]</c>.</summary>
public sealed record DocumentFormattingParams(TextDocumentIdentifier TextDocument, FormattingOptions Options);
