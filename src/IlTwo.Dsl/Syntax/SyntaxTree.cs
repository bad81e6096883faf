using System.Collections.Immutable;
using IlTwo.Dsl.Diagnostics;
using IlTwo.Dsl.Text;

namespace IlTwo.Dsl.Syntax;

/// <summary>The result of parsing one file: our own tree (always present, even for broken input), its tokens and syntax diagnostics.</summary>
public sealed class SyntaxTree
{
    internal SyntaxTree(SourceText text, ProtocolFileSyntax root, ImmutableArray<SyntaxToken> tokens, ImmutableArray<Diagnostic> diagnostics, SyntaxEdit? edit = null)
    {
        Text = text;
        Root = root;
        Tokens = tokens;
        Diagnostics = diagnostics;
        Edit = edit;
    }

    private static long s_lastId;

    /// <summary>Tells this tree from every other one of the process (a <see cref="SyntaxEdit"/> names its previous tree by it, without keeping it alive).</summary>
    internal long Id { get; } = Interlocked.Increment(ref s_lastId);

    /// <summary>How the incremental parse built this tree from the previous one; null for a full parse.</summary>
    internal SyntaxEdit? Edit { get; }

    public SourceText Text { get; }

    public ProtocolFileSyntax Root { get; }

    /// <summary>Every token including comments, in source order.</summary>
    public ImmutableArray<SyntaxToken> Tokens { get; }

    public ImmutableArray<Diagnostic> Diagnostics { get; }

    public static SyntaxTree Parse(SourceText text) => SyntaxParser.Parse(text);

    public static SyntaxTree Parse(string text, string path = "") => SyntaxParser.Parse(SourceText.From(text, path));

    /// <summary>
    /// The tree of <paramref name="text"/>, a new version of <paramref name="previous"/>'s text: only the declarations the
    /// edit touched are parsed again (the same tree as <see cref="Parse(SourceText)"/>, in a fraction of the time).
    /// </summary>
    public static SyntaxTree Parse(SourceText text, SyntaxTree? previous) =>
        previous is null ? SyntaxParser.Parse(text) : IncrementalParser.Parse(previous, text);

    /// <summary>The index of the token that contains or ends at the position, or -1.</summary>
    public int FindTokenIndex(int position)
    {
        int lo = 0, hi = Tokens.Length - 1, found = -1;
        while (lo <= hi)
        {
            var mid = (lo + hi) / 2;
            var span = Tokens[mid].Span;
            if (span.End < position)
            {
                lo = mid + 1;
            }
            else if (span.Start > position)
            {
                hi = mid - 1;
            }
            else
            {
                found = mid;
                if (span.Start == position && mid > 0 && Tokens[mid - 1].Span.End == position)
                {
                    hi = mid - 1;
                }
                else
                {
                    break;
                }
            }
        }
        return found;
    }
}
