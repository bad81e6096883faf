namespace IlTwo.LanguageServer.Protocol;

public sealed record SemanticTokensParams(TextDocumentIdentifier TextDocument);

/// <summary>Tokens as LSP encodes them: five integers per token, relative to the previous one.</summary>
public sealed record SemanticTokens(IReadOnlyList<int> Data, string? ResultId = null);
