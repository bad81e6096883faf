using System.Collections.Immutable;
using IlTwo.Dsl.Diagnostics;
using IlTwo.Dsl.Text;

namespace IlTwo.Dsl.Syntax;

/// <summary>
/// Parses a new version of a file from the previous version's tree: only the whole lines of the top-level declarations
/// the edit touched are lexed and parsed again; the declarations before them are reused as they are and those after them
/// moved by the change in length. The result is the tree a full parse gives (the differential tests hold it to that).
/// </summary>
/// <remarks>
/// Why this is exact: no token but whitespace contains a line break, so lexing from the start of a line gives the same
/// tokens as lexing the whole file; and no declaration can continue with a token that starts another declaration, so
/// a run of complete declarations parses the same on its own as in the file. Whatever breaks those premises takes the
/// full parse: a previous tree with any syntax diagnostic (error recovery may have reached across declarations), a
/// re-parsed region with any diagnostic, undecodable input, or a file left without declarations.
/// </remarks>
internal static class IncrementalParser
{
    public static SyntaxTree Parse(SyntaxTree previous, SourceText text)
    {
        var before = previous.Text.Text;
        var after = text.Text;
        if (!previous.Diagnostics.IsEmpty || text.InvalidUtf8Offset is not null || previous.Text.InvalidUtf8Offset is not null || previous.Root.Declarations.IsEmpty)
        {
            return SyntaxParser.Parse(text);
        }

        // The edit, as the smallest replaced range: [start, oldEnd) of the old text became [start, newEnd) of the new.
        var start = before.AsSpan().CommonPrefixLength(after);
        if (start == before.Length && start == after.Length)
        {
            return new SyntaxTree(text, previous.Root, previous.Tokens, previous.Diagnostics, new SyntaxEdit(previous.Id, 0, 0, 0, 0));
        }

        var suffix = CommonSuffixLength(before.AsSpan(start), after.AsSpan(start));
        var oldEnd = before.Length - suffix;
        var delta = after.Length - before.Length;
        var declarations = previous.Root.Declarations;

        // The region starts at a line start at or before the edit, before which every declaration ends...
        var regionStart = LineStartAtOrBefore(before, start);
        int first;
        while (true)
        {
            first = FirstEndingAfter(declarations, regionStart);
            if (first < declarations.Length && declarations[first].Span.Start < regionStart)
            {
                regionStart = LineStartAtOrBefore(before, declarations[first].Span.Start);
                continue;
            }

            break;
        }

        // ...and ends at a line start after the edit (the line break before it unchanged), after which every declaration starts.
        var regionEnd = LineStartAfter(before, oldEnd);
        int last; // the first declaration after the region
        while (true)
        {
            last = FirstStartingAtOrAfter(declarations, regionEnd);
            if (last > 0 && declarations[last - 1].Span.End > regionEnd)
            {
                regionEnd = LineStartAfter(before, declarations[last - 1].Span.End);
                continue;
            }

            break;
        }

        var diagnostics = new DiagnosticBag(text);
        var (reparsed, reparsedTokens) = SyntaxParser.ParseRange(text, regionStart, regionEnd + delta, diagnostics);
        if (diagnostics.Count > 0)
        {
            return SyntaxParser.Parse(text);
        }

        var merged = ImmutableArray.CreateBuilder<DeclarationSyntax>(first + reparsed.Length + (declarations.Length - last));
        for (var i = 0; i < first; i++)
        {
            merged.Add(declarations[i]);
        }

        merged.AddRange(reparsed);
        for (var i = last; i < declarations.Length; i++)
        {
            merged.Add(SyntaxShifter.Shift(declarations[i], delta));
        }

        if (merged.Count == 0)
        {
            return SyntaxParser.Parse(text);
        }

        var tokens = ImmutableArray.CreateBuilder<SyntaxToken>(previous.Tokens.Length + reparsedTokens.Length);
        foreach (var token in previous.Tokens)
        {
            if (token.Span.End <= regionStart)
            {
                tokens.Add(token);
            }
            else
            {
                break;
            }
        }

        tokens.AddRange(reparsedTokens);
        for (var i = FirstTokenAtOrAfter(previous.Tokens, regionEnd); i < previous.Tokens.Length; i++)
        {
            var token = previous.Tokens[i];
            tokens.Add(token with { Span = new TextSpan(token.Span.Start + delta, token.Span.Length) });
        }

        var root = new ProtocolFileSyntax(merged.MoveToImmutable(), new TextSpan(0, text.Length));
        return new SyntaxTree(text, root, tokens.ToImmutable(), [], new SyntaxEdit(previous.Id, first, last, first + reparsed.Length, delta));
    }

    private static int CommonSuffixLength(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        var n = Math.Min(a.Length, b.Length);
        var i = 0;
        while (i < n && a[a.Length - 1 - i] == b[b.Length - 1 - i])
        {
            i++;
        }

        return i;
    }

    private static bool IsLineBreak(char c) => c is '\n' or '\r';

    /// <summary>The start of the line that holds <paramref name="offset"/> (0, or just after a line break before it).</summary>
    private static int LineStartAtOrBefore(string text, int offset)
    {
        var i = Math.Min(offset, text.Length);
        while (i > 0 && !IsLineBreak(text[i - 1]))
        {
            i--;
        }

        return i;
    }

    /// <summary>Just after the first line break at or after <paramref name="offset"/>, or the end of the text.</summary>
    private static int LineStartAfter(string text, int offset)
    {
        var i = text.AsSpan(offset).IndexOfAny('\n', '\r');
        return i < 0 ? text.Length : offset + i + 1;
    }

    private static int FirstEndingAfter(ImmutableArray<DeclarationSyntax> declarations, int offset)
    {
        int lo = 0, hi = declarations.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (declarations[mid].Span.End > offset)
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }

        return lo;
    }

    private static int FirstStartingAtOrAfter(ImmutableArray<DeclarationSyntax> declarations, int offset)
    {
        int lo = 0, hi = declarations.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (declarations[mid].Span.Start >= offset)
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }

        return lo;
    }

    private static int FirstTokenAtOrAfter(ImmutableArray<SyntaxToken> tokens, int offset)
    {
        int lo = 0, hi = tokens.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (tokens[mid].Span.Start >= offset)
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }

        return lo;
    }
}

/// <summary>
/// What an incremental parse kept of the previous tree (the one whose <see cref="SyntaxTree.Id"/> is <see cref="PreviousId"/>): its declarations [0, <see cref="First"/>) are this tree's, the same
/// objects; [<see cref="First"/>, <see cref="OldEnd"/>) were parsed again as this tree's [<see cref="First"/>,
/// <see cref="NewEnd"/>); each one from <see cref="OldEnd"/> on is this tree's declaration at index - OldEnd + NewEnd, its
/// copy moved by <see cref="Delta"/> characters (the same object when Delta is 0).
/// </summary>
internal sealed record SyntaxEdit(long PreviousId, int First, int OldEnd, int NewEnd, int Delta)
{
    /// <summary>The index in the previous tree of this tree's declaration <paramref name="index"/>, or -1 for one parsed again.</summary>
    public int PreviousIndex(int index) => index < First ? index : index >= NewEnd ? index - NewEnd + OldEnd : -1;
}
