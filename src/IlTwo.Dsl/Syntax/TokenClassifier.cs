using IlTwo.Dsl.Syntax.Generated;

namespace IlTwo.Dsl.Syntax;

/// <summary>Maps lexer token types to reader-facing kinds.</summary>
internal static class TokenClassifier
{
    public static TokenKind Classify(int type) => type switch
    {
        Il2Lexer.NAME => TokenKind.Name,
        Il2Lexer.NUMBER => TokenKind.Number,
        Il2Lexer.UNIT => TokenKind.Unit,
        Il2Lexer.STRING or Il2Lexer.UNTERMINATED_STRING => TokenKind.String,
        Il2Lexer.LINE_COMMENT => TokenKind.Comment,
        Il2Lexer.LOINC_CODE => TokenKind.LoincCode,
        Il2Lexer.VERSION_NUMBER => TokenKind.Version,
        Il2Lexer.LBRACE or Il2Lexer.RBRACE or Il2Lexer.LPAREN or Il2Lexer.RPAREN or Il2Lexer.COMMA => TokenKind.Punctuation,
        Il2Lexer.EQ or Il2Lexer.LE or Il2Lexer.GE or Il2Lexer.NE or Il2Lexer.LT or Il2Lexer.GT
            or Il2Lexer.PLUS or Il2Lexer.MINUS or Il2Lexer.STAR or Il2Lexer.SLASH => TokenKind.Operator,
        Il2Lexer.UNKNOWN_CHAR => TokenKind.Unknown,
        _ when type >= Il2Lexer.PROTOCOL && type <= Il2Lexer.YESNO => TokenKind.Keyword,
        _ => TokenKind.Unknown,
    };

    /// <summary>All keywords of the language (for completion and the TextMate grammar test).</summary>
    public static IEnumerable<string> Keywords =>
        Enumerable.Range(Il2Lexer.PROTOCOL, Il2Lexer.YESNO - Il2Lexer.PROTOCOL + 1)
            .Select(t => Il2Lexer.DefaultVocabulary.GetLiteralName(t)?.Trim('\''))
            .OfType<string>();
}
