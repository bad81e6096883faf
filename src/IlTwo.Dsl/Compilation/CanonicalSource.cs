using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using IlTwo.Dsl.Formatting;
using IlTwo.Dsl.Syntax;
using IlTwo.Dsl.Text;

namespace IlTwo.Dsl.Compilation;

/// <summary>
/// What a committee approves: the meaning of a protocol and of every protocol it extends, independent of comments and
/// layout. Each file of the <c>extends</c> chain (root base first) has its comments removed and is printed in the one
/// canonical layout (<see cref="ProtocolFormatter"/>), under a header line naming its protocol id; the canonical hash is
/// the SHA-256 of that text. A comment or a re-layout keeps the hash; any other change, in any file of the chain,
/// changes it.
/// </summary>
public static class CanonicalSource
{
    /// <summary>Exactly what <see cref="Hash"/> hashes (mirrors <see cref="ProtocolCompilation.SourceChainText"/>).</summary>
    public static string ChainText(ProtocolCompilation compilation)
    {
        ArgumentNullException.ThrowIfNull(compilation);
        return string.Concat(compilation.Chain.Select(c => $"// il2-canonical {c.Protocol.Id}\n{FormattedWithoutComments(c.SyntaxTree)}\n"));
    }

    /// <summary>SHA-256 (lowercase hex) of <see cref="ChainText"/> in UTF-8; computed once per compilation.</summary>
    public static string Hash(ProtocolCompilation compilation)
    {
        ArgumentNullException.ThrowIfNull(compilation);
        return Hashes.GetValue(compilation, c => new StrongBox<string>(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ChainText(c)))))).Value!;
    }

    private static readonly ConditionalWeakTable<ProtocolCompilation, StrongBox<string>> Hashes = new();

    /// <summary>
    /// The file with every comment cut out, then in canonical layout. A file with syntax errors has no canonical layout;
    /// its comment-free text is used as it is (such a file cannot be approved anyway: approval needs a clean check).
    /// </summary>
    public static string FormattedWithoutComments(SyntaxTree tree)
    {
        ArgumentNullException.ThrowIfNull(tree);
        var source = tree.Text.Text;
        var builder = new StringBuilder(source.Length);
        var position = 0;
        foreach (var token in tree.Tokens)
        {
            if (token.Kind != TokenKind.Comment || token.Span.Start < position)
            {
                continue;
            }

            builder.Append(source, position, token.Span.Start - position);
            position = token.Span.End;
        }
        builder.Append(source, position, source.Length - position);

        var stripped = SyntaxTree.Parse(SourceText.From(builder.ToString(), tree.Text.Path));
        return ProtocolFormatter.Format(stripped).Text.ReplaceLineEndings("\n");
    }
}
