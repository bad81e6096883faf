namespace IlTwo.LanguageServer.Protocol;

public enum InlayHintKind
{
    Type = 1,
    Parameter = 2,
}

public sealed record InlayHintParams(TextDocumentIdentifier TextDocument, Range Range);

/// <summary>LSP 3.17 <c>InlayHint</c> with a plain-string label.</summary>
public sealed record InlayHint(Position Position, string Label, InlayHintKind? Kind = null, string? Tooltip = null, bool? PaddingLeft = null, bool? PaddingRight = null);
