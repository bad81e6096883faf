namespace IlTwo.LanguageServer.Protocol;

public sealed record FoldingRangeParams(TextDocumentIdentifier TextDocument);

public static class FoldingRangeKind
{
    public const string Comment = "comment";
    public const string Imports = "imports";
    public const string Region = "region";
}

public sealed record FoldingRange(int StartLine, int EndLine, int? StartCharacter = null, int? EndCharacter = null, string? Kind = null);
