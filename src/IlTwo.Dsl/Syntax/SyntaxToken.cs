using IlTwo.Dsl.Text;

namespace IlTwo.Dsl.Syntax;

/// <summary>What a token is to a reader: drives semantic tokens, completion context and the formatter.</summary>
public enum TokenKind
{
    Keyword,
    Name,
    Number,
    Unit,
    String,
    Comment,
    Operator,
    Punctuation,
    LoincCode,
    Version,
    Unknown,
}

/// <summary>A lexed token, comments included (they sit on the hidden channel for the parser).</summary>
public readonly record struct SyntaxToken(TokenKind Kind, string Text, TextSpan Span);
