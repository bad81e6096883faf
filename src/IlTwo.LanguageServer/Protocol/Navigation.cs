namespace IlTwo.LanguageServer.Protocol;

/// <summary><c>textDocument/definition</c>; the result is <c>Location[]</c>.</summary>
public sealed record DefinitionParams(TextDocumentIdentifier TextDocument, Position Position);

public sealed record ReferenceContext(bool IncludeDeclaration);

/// <summary><c>textDocument/references</c>; the result is <c>Location[]</c>.</summary>
public sealed record ReferenceParams(TextDocumentIdentifier TextDocument, Position Position, ReferenceContext Context);
