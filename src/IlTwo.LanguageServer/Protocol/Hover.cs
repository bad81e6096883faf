namespace IlTwo.LanguageServer.Protocol;

public sealed record HoverParams(TextDocumentIdentifier TextDocument, Position Position);

public sealed record Hover(MarkupContent Contents, Range? Range = null);
