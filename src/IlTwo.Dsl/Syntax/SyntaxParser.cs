using System.Collections.Immutable;
using Antlr4.Runtime;
using Antlr4.Runtime.Atn;
using IlTwo.Dsl.Diagnostics;
using IlTwo.Dsl.Syntax.Generated;
using IlTwo.Dsl.Text;

namespace IlTwo.Dsl.Syntax;

/// <summary>Lexes and parses one file with the generated ANTLR parser, then converts at once to our syntax nodes.</summary>
internal static class SyntaxParser
{
    /// <summary>
    /// Deeper nesting of parentheses and prefix operators ('-', 'not') is refused before parsing: ANTLR's recursive
    /// descent would overflow the stack (a thousand 'not' in a row overflowed a 1 MB thread).
    /// </summary>
    public const int MaxParenthesisDepth = 128;

    private const int MaxErrorsPerKind = 100;

    public static SyntaxTree Parse(SourceText text)
    {
        var diagnostics = new DiagnosticBag(text);
        if (text.InvalidUtf8Offset is { } bad)
        {
            diagnostics.ReportInvalidEncoding(new TextSpan(bad, 1));
        }

        var (declarations, tokens) = ParseRange(text, 0, text.Length, diagnostics);
        var root = new ProtocolFileSyntax(declarations, new TextSpan(0, text.Length));
        if (root.Declarations.IsEmpty && text.Text.Trim().Length == 0)
        {
            diagnostics.ReportEmptyFile(new TextSpan(0, 0));
        }

        return new SyntaxTree(text, root, tokens, diagnostics.ToImmutable());
    }

    /// <summary>
    /// Lexes and parses the declarations of <c>[start, end)</c> of the text, spans counted from the start of the whole text.
    /// The incremental parse calls it on the lines an edit touched; <see cref="Parse"/> on the whole text.
    /// </summary>
    internal static (ImmutableArray<DeclarationSyntax> Declarations, ImmutableArray<SyntaxToken> Tokens) ParseRange(SourceText text, int start, int end, DiagnosticBag diagnostics)
    {
        var whole = start == 0 && end == text.Length;
        var lexer = new Il2Lexer(new AntlrInputStream(whole ? text.Text : text.Text.Substring(start, end - start)));
        lexer.RemoveErrorListeners();
        var allTokens = lexer.GetAllTokens();

        var tokens = ImmutableArray.CreateBuilder<SyntaxToken>(allTokens.Count);
        var parserTokens = new List<IToken>(allTokens.Count);
        var lexicalErrors = 0;
        var depth = 0;
        var prefixRun = 0; // '-' and 'not' in a row nest like parentheses: `not not not x`, `-(-(-1))`
        var tooDeep = false;
        foreach (var token in allTokens)
        {
            if (!whole)
            {
                // The text first: a token reads it from the input by its indices, which now count from the whole text.
                var common = (CommonToken)token;
                common.Text = common.Text;
                common.StartIndex += start;
                common.StopIndex += start;
            }

            var span = TextSpan.FromBounds(token.StartIndex, token.StopIndex + 1);
            if (token.Channel == Lexer.Hidden)
            {
                if (token.Type == Il2Lexer.LINE_COMMENT)
                {
                    tokens.Add(new SyntaxToken(TokenKind.Comment, token.Text, span));
                }

                continue;
            }

            tokens.Add(new SyntaxToken(TokenClassifier.Classify(token.Type), token.Text, span));
            if (token.Type is Il2Lexer.MINUS or Il2Lexer.NOT)
            {
                if (depth + ++prefixRun > MaxParenthesisDepth && !tooDeep)
                {
                    tooDeep = true;
                    diagnostics.ReportNestingTooDeep(span, NestingKind.PrefixOperators, MaxParenthesisDepth);
                }
            }
            else if (token.Type != Il2Lexer.LPAREN)
            {
                prefixRun = 0;
            }
            switch (token.Type)
            {
                case Il2Lexer.UNKNOWN_CHAR:
                    ReportLexical(diagnostics, ref lexicalErrors, span, () => diagnostics.ReportUnexpectedCharacter(span, DescribeChar(token.Text)));
                    continue; // the parser never sees it: one clear error instead of a cascade
                case Il2Lexer.UNTERMINATED_STRING:
                    ReportLexical(diagnostics, ref lexicalErrors, span, () => diagnostics.ReportUnterminatedString(span));
                    ((CommonToken)token).Type = Il2Lexer.STRING;
                    break;
                case Il2Lexer.LPAREN:
                    if (++depth + prefixRun > MaxParenthesisDepth && !tooDeep)
                    {
                        tooDeep = true;
                        diagnostics.ReportNestingTooDeep(span, NestingKind.Parentheses, MaxParenthesisDepth);
                    }
                    break;
                case Il2Lexer.RPAREN:
                    depth = Math.Max(0, depth - 1);
                    break;
            }
            parserTokens.Add(token);
        }

        if (tooDeep)
        {
            return ([], tokens.ToImmutable());
        }

        var eof = new CommonToken(TokenConstants.EOF, "<EOF>") { StartIndex = end, StopIndex = end - 1, Line = 0, Column = 0 };
        parserTokens.Add(eof);
        var tree = ParseTokens(parserTokens, diagnostics);
        return (new SyntaxTreeBuilder(text, diagnostics).BuildDeclarations(tree), tokens.ToImmutable());
    }

    /// <summary>
    /// Two-stage parse: fast SLL prediction that bails at the first error, and only on failure the full LL parse
    /// with error recovery (SLL can reject valid input in rare cases, never accept invalid input).
    /// </summary>
    private static Il2Parser.ProtocolFileContext ParseTokens(List<IToken> tokens, DiagnosticBag diagnostics)
    {
        var stream = new CommonTokenStream(new ListTokenSource(tokens));
        var parser = new Il2Parser(stream) { ErrorHandler = new BailErrorStrategy() };
        parser.RemoveErrorListeners();
        parser.Interpreter.PredictionMode = PredictionMode.SLL;
        try
        {
            return parser.protocolFile();
        }
        catch (Antlr4.Runtime.Misc.ParseCanceledException)
        {
            stream.Seek(0);
            parser.Reset();
            parser.ErrorHandler = new SyntaxErrorStrategy(diagnostics, MaxErrorsPerKind);
            parser.Interpreter.PredictionMode = PredictionMode.LL;
            return parser.protocolFile();
        }
    }

    private static void ReportLexical(DiagnosticBag diagnostics, ref int count, TextSpan span, Action report)
    {
        count++;
        if (count < MaxErrorsPerKind)
        {
            report();
        }
        else if (count == MaxErrorsPerKind)
        {
            diagnostics.ReportTooManyErrors(span, "unexpected characters", MaxErrorsPerKind);
        }
    }

    private static string DescribeChar(string text)
    {
        var c = text.Length > 0 ? text[0] : '\0';
        return char.IsControl(c) || char.IsSurrogate(c) || c == '\uFFFD'
            ? $"U+{(int)c:X4}"
            : $"'{text}'";
    }
}
