namespace IlTwo.LanguageServer.Protocol;

/// <summary><c>textDocument/rename</c>; the result is a <see cref="WorkspaceEdit"/>.</summary>
public sealed record RenameParams(TextDocumentIdentifier TextDocument, Position Position, string NewName);

public sealed record PrepareRenameParams(TextDocumentIdentifier TextDocument, Position Position);

public sealed record PrepareRenameResult(Range Range, string Placeholder);
