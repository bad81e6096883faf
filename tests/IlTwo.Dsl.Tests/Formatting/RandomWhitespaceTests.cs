using System.Text;
using IlTwo.Dsl.Formatting;
using IlTwo.Dsl.Syntax;

namespace IlTwo.Dsl.Tests.Formatting;

/// <summary>
/// Property: adding whitespace where the grammar allows it never changes the formatted text. Between two tokens we add
/// spaces and tabs, and a line break where the author had none (a line break where there was one may become CRLF);
/// we never add a blank line (blank lines are the author's to keep) nor a line break before a trailing comment.
/// </summary>
public sealed class RandomWhitespaceTests
{
    private const int Iterations = 40;

    public static TheoryData<string> Shipped() => [.. FormattingCorpus.ShippedNames];

    [Theory]
    [MemberData(nameof(Shipped))]
    public void Random_whitespace_between_tokens_formats_back_to_the_shipped_text(string name)
    {
        var original = FormattingCorpus.ReadText(TestProtocols.Shipped(name));
        var tokens = SyntaxTree.Parse(original).Tokens;

        for (var seed = 1; seed <= Iterations; seed++)
        {
            var mangled = Mangle(original, tokens, new Random(seed));
            var result = ProtocolFormatter.Format(SyntaxTree.Parse(mangled));
            Assert.False(result.HasSyntaxErrors, $"seed {seed}: the mangled text does not parse");
            if (result.Text != original)
            {
                Assert.Fail($"seed {seed}: formatting the mangled text did not give the original back; first difference at {FirstDifference(original, result.Text)}");
            }
        }
    }

    private static string Mangle(string text, System.Collections.Immutable.ImmutableArray<SyntaxToken> tokens, Random random)
    {
        var builder = new StringBuilder(text.Length * 2);
        builder.Append(text, 0, tokens[0].Span.Start);
        for (var i = 0; i < tokens.Length; i++)
        {
            var token = tokens[i];
            builder.Append(text, token.Span.Start, token.Span.Length);
            var gapEnd = i + 1 < tokens.Length ? tokens[i + 1].Span.Start : text.Length;
            var gap = text.AsSpan(token.Span.End, gapEnd - token.Span.End);
            if (i + 1 >= tokens.Length || token.Kind == TokenKind.Comment || random.Next(3) == 0)
            {
                builder.Append(gap);
                continue;
            }

            var newlines = gap.Count('\n');
            builder.Append(Spaces(random));
            if (newlines == 0 && tokens[i + 1].Kind != TokenKind.Comment && random.Next(2) == 0)
            {
                newlines = 1;
            }

            for (var n = 0; n < newlines; n++)
            {
                builder.Append(random.Next(4) == 0 ? "\r\n" : "\n").Append(Spaces(random));
            }

            if (newlines == 0 && gap.Length > 0 && builder[^1] is not (' ' or '\t'))
            {
                builder.Append(' ');
            }
        }
        return builder.ToString();
    }

    private static string Spaces(Random random)
    {
        var count = random.Next(4);
        var builder = new StringBuilder(count);
        for (var i = 0; i < count; i++)
        {
            builder.Append(random.Next(3) == 0 ? '\t' : ' ');
        }

        return builder.ToString();
    }

    private static int FirstDifference(string a, string b)
    {
        var i = 0;
        while (i < a.Length && i < b.Length && a[i] == b[i])
        {
            i++;
        }

        return i;
    }
}
