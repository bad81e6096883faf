using Antlr4.Runtime;
using Antlr4.Runtime.Misc;
using IlTwo.Dsl.Diagnostics;
using IlTwo.Dsl.Syntax.Generated;
using IlTwo.Dsl.Text;

namespace IlTwo.Dsl.Syntax;

/// <summary>
/// ANTLR's recovery (single-token insertion and deletion, resync) with our own messages in place of
/// ANTLR's text, reported straight into the file's diagnostic bag.
/// </summary>
internal sealed class SyntaxErrorStrategy(DiagnosticBag diagnostics, int maxErrors) : DefaultErrorStrategy
{
    private int _reported;

    public override void ReportError(Parser recognizer, RecognitionException e)
    {
        if (InErrorRecoveryMode(recognizer))
        {
            return;
        }

        BeginErrorCondition(recognizer);
        var token = e.OffendingToken ?? recognizer.CurrentToken;
        var span = SpanOf(token);
        Report(span, () => diagnostics.ReportUnexpectedToken(span, Describe(token), Expectation(recognizer, e.GetExpectedTokens()), ReservedWord(token, e.GetExpectedTokens())));
    }

    protected override void ReportUnwantedToken(Parser recognizer)
    {
        if (InErrorRecoveryMode(recognizer))
        {
            return;
        }

        BeginErrorCondition(recognizer);
        var token = recognizer.CurrentToken;
        var expected = GetExpectedTokens(recognizer);
        var span = SpanOf(token);
        Report(span, () => diagnostics.ReportUnexpectedToken(span, Describe(token), Expectation(recognizer, expected), ReservedWord(token, expected)));
    }

    protected override void ReportMissingToken(Parser recognizer)
    {
        if (InErrorRecoveryMode(recognizer))
        {
            return;
        }

        BeginErrorCondition(recognizer);
        var token = recognizer.CurrentToken;
        var expected = GetExpectedTokens(recognizer);
        var previous = ((ITokenStream)recognizer.InputStream).LT(-1);
        var at = previous is null ? SpanOf(token) : new TextSpan(previous.StopIndex + 1, 0);
        Report(at, () => diagnostics.ReportMissingToken(at, Expectation(recognizer, expected), Describe(token)));
    }

    private void Report(TextSpan span, Action report)
    {
        _reported++;
        if (_reported < maxErrors)
        {
            report();
        }
        else if (_reported == maxErrors)
        {
            diagnostics.ReportTooManyErrors(span, "syntax errors", maxErrors);
        }
    }

    internal static TextSpan SpanOf(IToken token) =>
        token.Type == TokenConstants.EOF || token.StartIndex < 0
            ? new TextSpan(Math.Max(0, token.StartIndex), 0)
            : TextSpan.FromBounds(token.StartIndex, token.StopIndex + 1);

    private static string Describe(IToken token)
    {
        if (token.Type == TokenConstants.EOF)
        {
            return "end of file";
        }

        var text = token.Text ?? "";
        if (text.Length > 24)
        {
            text = text[..24] + "...";
        }

        return token.Type switch
        {
            Il2Lexer.STRING => $"string {text}",
            Il2Lexer.NUMBER => $"number {text}",
            _ => $"'{text}'",
        };
    }

    /// <summary>The token's text when it is a reserved word where a name would fit, otherwise null.</summary>
    private static string? ReservedWord(IToken token, IntervalSet expected) =>
        expected.Contains(Il2Lexer.NAME) && TokenClassifier.Classify(token.Type) == TokenKind.Keyword ? token.Text : null;

    private static string Expectation(Parser recognizer, IntervalSet expected)
    {
        var phrase = RulePhrase(recognizer.RuleContext.RuleIndex, expected);
        if (phrase is not null)
        {
            return phrase;
        }

        var words = expected.ToList().Select(DisplayName).Distinct().ToList();
        return words.Count switch
        {
            0 => "something else",
            1 => words[0],
            <= 5 => string.Join(", ", words[..^1]) + " or " + words[^1],
            _ => string.Join(", ", words.Take(5)) + " or another token",
        };
    }

    /// <summary>Where many tokens would fit, say what kind of thing belongs there instead of listing them.</summary>
    private static string? RulePhrase(int ruleIndex, IntervalSet expected)
    {
        if (expected.Count <= 4)
        {
            return null;
        }

        return ruleIndex switch
        {
            Il2Parser.RULE_protocolFile or Il2Parser.RULE_declaration =>
                "a declaration (protocol, title, version, extends, reference, event, regimen, observation, const, hold rule, discontinue rule, remove rule, fixture or scenario)",
            Il2Parser.RULE_regimenDeclaration or Il2Parser.RULE_regimenItem =>
                "a regimen entry (drug, dose, route, every, at most, first dose, cite, unverified) or '}'",
            Il2Parser.RULE_observationDeclaration or Il2Parser.RULE_observationItem =>
                "an observation entry (loinc, unit, within, range, molar mass, reported to, optional) or '}'",
            Il2Parser.RULE_ruleDeclaration or Il2Parser.RULE_ruleItem =>
                "'when', 'cite', 'unverified' or '}'",
            Il2Parser.RULE_scenarioDeclaration or Il2Parser.RULE_fixtureDeclaration or Il2Parser.RULE_scenarioItem =>
                "a scenario entry (weight, event, dose, an observation value, expect) or '}'",
            Il2Parser.RULE_expression or Il2Parser.RULE_primary or Il2Parser.RULE_argument =>
                "a value (a number with its unit, an observation or constant name, yes, no, weight, doses given, time since, a function call or '(')",
            _ => null,
        };
    }

    private static string DisplayName(int type) => type switch
    {
        TokenConstants.EOF => "end of file",
        Il2Lexer.NAME => "a name",
        Il2Lexer.NUMBER => "a number",
        Il2Lexer.STRING => "a quoted string",
        Il2Lexer.UNIT => "a unit (like mm[Hg])",
        Il2Lexer.LOINC_CODE => "a LOINC code (like 8480-6)",
        Il2Lexer.VERSION_NUMBER => "a version (like 1.0.0)",
        Il2Lexer.YESNO => "'yes/no'",
        _ => Il2Lexer.DefaultVocabulary.GetLiteralName(type) ?? Il2Lexer.DefaultVocabulary.GetDisplayName(type),
    };
}
