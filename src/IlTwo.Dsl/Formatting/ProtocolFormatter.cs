using System.Collections.Immutable;
using System.Text;
using IlTwo.Dsl.Syntax;
using IlTwo.Dsl.Text;

namespace IlTwo.Dsl.Formatting;

/// <summary>
/// Prints a protocol in its one canonical layout (the layout of the shipped protocols), keeping every comment.
/// A tree with syntax errors is returned unchanged: the formatter never loses a user's text.
/// </summary>
public static class ProtocolFormatter
{
    public static FormatResult Format(SyntaxTree tree, FormattingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(tree);
        options ??= FormattingOptions.Default;
        if (options.IndentSize < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "IndentSize must not be negative");
        }

        var original = tree.Text.Text;
        if (HasSyntaxErrors(tree))
        {
            return new FormatResult(original, Changed: false, HasSyntaxErrors: true);
        }

        var text = new CommentWeaver(tree, options).Write(LayoutBuilder.Build(tree));
        return new FormatResult(text, Changed: !string.Equals(text, original, StringComparison.Ordinal));
    }

    /// <summary>
    /// The edits that turn the document into its formatted text: none when it is already formatted or has syntax errors,
    /// else one edit covering only the range that differs (the common prefix and suffix are left alone).
    /// </summary>
    public static ImmutableArray<TextEdit> FormatEdits(SyntaxTree tree, FormattingOptions? options = null)
    {
        var result = Format(tree, options);
        if (!result.Changed)
        {
            return [];
        }

        var before = tree.Text.Text;
        var after = result.Text;
        var max = Math.Min(before.Length, after.Length);
        var prefix = 0;
        while (prefix < max && before[prefix] == after[prefix])
        {
            prefix++;
        }
        // Never split a CRLF pair or a surrogate pair.
        while (prefix > 0 && (before[prefix - 1] == '\r' || char.IsHighSurrogate(before[prefix - 1])))
        {
            prefix--;
        }

        var suffix = 0;
        while (suffix < max - prefix && before[before.Length - 1 - suffix] == after[after.Length - 1 - suffix])
        {
            suffix++;
        }

        while (suffix > 0 && (before[before.Length - suffix] == '\n' || char.IsLowSurrogate(before[before.Length - suffix])))
        {
            suffix--;
        }

        var span = TextSpan.FromBounds(prefix, before.Length - suffix);
        return [new TextEdit(span, after[prefix..(after.Length - suffix)])];
    }

    private static bool HasSyntaxErrors(SyntaxTree tree)
    {
        foreach (var diagnostic in tree.Diagnostics)
        {
            if (diagnostic.IsError)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Writes the canonical lines and puts every comment back: comments before a line go above it at its depth,
    /// comments inside a line (between its tokens) are lifted above it, a comment after a line's last token on the
    /// same source line stays at the end of that line, and what is left after the last line ends the file.
    /// One pass over lines and comments together: linear in the size of the file.
    /// </summary>
    private sealed class CommentWeaver(SyntaxTree tree, FormattingOptions options)
    {
        private readonly string _source = tree.Text.Text;
        private readonly StringBuilder _output = new(tree.Text.Length + tree.Text.Length / 8);
        private readonly List<string> _indents = [];
        private readonly SyntaxToken[] _comments = [.. tree.Tokens.Where(t => t.Kind == TokenKind.Comment)];
        private int _next;
        private int _lastEnd;

        public string Write(List<LayoutLine> lines)
        {
            foreach (var line in lines)
            {
                Line(line);
            }

            while (_next < _comments.Length)
            {
                var comment = _comments[_next++];
                WriteLine(Blank(BlankLine.AsWritten, comment.Span.Start), 0, Comment(comment), null);
                _lastEnd = comment.Span.End;
            }
            return _output.ToString();
        }

        private void Line(LayoutLine line)
        {
            var any = false;
            while (_next < _comments.Length && _comments[_next].Span.Start < line.Start)
            {
                var comment = _comments[_next++];
                var blank = Blank(any ? BlankLine.AsWritten : line.FirstComment, comment.Span.Start);
                WriteLine(blank, line.CommentDepth, Comment(comment), null);
                _lastEnd = comment.Span.End;
                any = true;
            }

            var lineBlank = Blank(any ? line.AfterComments : line.Alone, line.Start);

            // Comments between the line's own tokens cannot stay where they were: they go above the line.
            var lifted = false;
            while (_next < _comments.Length && _comments[_next].Span.Start < line.End)
            {
                WriteLine(!lifted && lineBlank, line.CommentDepth, Comment(_comments[_next++]), null);
                lifted = true;
            }

            string? trailing = null;
            _lastEnd = line.End;
            if (_next < _comments.Length && OnlySpacesBetween(line.End, _comments[_next].Span.Start))
            {
                var comment = _comments[_next++];
                trailing = Comment(comment);
                _lastEnd = comment.Span.End;
            }
            WriteLine(!lifted && lineBlank, line.Depth, line.Text, trailing);
        }

        private bool Blank(BlankLine rule, int position) => rule switch
        {
            BlankLine.Never => false,
            BlankLine.Always => _output.Length > 0,
            _ => _output.Length > 0 && AsWritten(position),
        };

        /// <summary>Did the author leave a blank line between the last thing written and the position?</summary>
        private bool AsWritten(int position)
        {
            var newlines = 0;
            for (var i = _lastEnd; i < position; i++)
            {
                var c = _source[i];
                if (c == '\n' || (c == '\r' && (i + 1 >= _source.Length || _source[i + 1] != '\n')))
                {
                    if (++newlines >= 2)
                    {
                        return true;
                    }
                }
            }
            return false;
        }

        private bool OnlySpacesBetween(int start, int end)
        {
            for (var i = start; i < end; i++)
            {
                var c = _source[i];
                if (c is '\r' or '\n' || !char.IsWhiteSpace(c) && c != '\uFEFF')
                {
                    return false;
                }
            }
            return true;
        }

        /// <summary>A comment's text as written, without the spaces it ended with.</summary>
        private static string Comment(SyntaxToken comment) => comment.Text.TrimEnd();

        private void WriteLine(bool blankBefore, int depth, string text, string? trailing)
        {
            if (blankBefore)
            {
                _output.Append(options.NewLine);
            }

            _output.Append(Indent(depth)).Append(text);
            if (trailing is not null)
            {
                _output.Append(' ').Append(trailing);
            }

            _output.Append(options.NewLine);
        }

        private string Indent(int depth)
        {
            while (_indents.Count <= depth)
            {
                _indents.Add(new string(' ', _indents.Count * options.IndentSize));
            }

            return _indents[depth];
        }
    }
}
