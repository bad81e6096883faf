using IlTwo.Dsl.Formatting;
using IlTwo.Dsl.Syntax;
using IlTwo.Dsl.Text;

namespace IlTwo.Dsl.Tests.Formatting;

public sealed class ProtocolFormatterTests
{
    private static string Format(string text, FormattingOptions? options = null)
    {
        var result = ProtocolFormatter.Format(SyntaxTree.Parse(text), options);
        Assert.False(result.HasSyntaxErrors);
        return result.Text;
    }

    [Fact]
    public void A_tree_with_syntax_errors_is_returned_unchanged()
    {
        const string text = "protocol broken\nhold rule x {\n   when sbp <\n}\n";
        var result = ProtocolFormatter.Format(SyntaxTree.Parse(text));

        Assert.True(result.HasSyntaxErrors);
        Assert.False(result.Changed);
        Assert.Same(text, result.Text);
        Assert.Empty(ProtocolFormatter.FormatEdits(SyntaxTree.Parse(text)));
    }

    [Theory]
    [InlineData("protocol p\ntitle \"unterminated\n")]
    [InlineData("protocol p\nregimen { drug x\n")]
    [InlineData("protocol p $\n")]
    [InlineData("")]
    public void Lexical_and_structural_errors_are_refused(string text)
    {
        var result = ProtocolFormatter.Format(SyntaxTree.Parse(text));
        Assert.True(result.HasSyntaxErrors);
        Assert.Equal(text, result.Text);
    }

    [Fact]
    public void A_formatted_file_is_unchanged()
    {
        const string text = "protocol p\ntitle \"T\"\n\nhold rule r \"R\" {\n  when a < 3\n}\n";
        var result = ProtocolFormatter.Format(SyntaxTree.Parse(text));
        Assert.False(result.Changed);
        Assert.False(result.HasSyntaxErrors);
        Assert.Equal(text, result.Text);
        Assert.Empty(ProtocolFormatter.FormatEdits(SyntaxTree.Parse(text)));
    }

    [Fact]
    public void Blocks_open_on_the_declaration_line_and_close_on_their_own()
    {
        Assert.Equal(
            "protocol p\n\nregimen {\n  drug aldesleukin\n  every 8 h\n}\n",
            Format("protocol p regimen\n{ drug aldesleukin every   8 h }"));
    }

    [Fact]
    public void Reference_details_go_on_indented_lines_in_the_order_written()
    {
        Assert.Equal(
            "reference a \"A\"\n  url \"u\"\n  doi \"d\"\nreference b \"B\"\n",
            Format("reference a \"A\" url \"u\" doi \"d\" reference b \"B\""));
    }

    [Fact]
    public void References_events_and_constants_stay_grouped_and_other_declarations_get_one_blank_line()
    {
        Assert.Equal(
            "protocol p\ntitle \"T\"\nversion 1.0.0\n\nevent a\nevent b\n\nconst one = 1\nconst two = 2\n\nremove rule r\n\nremove rule s\n",
            Format("protocol p\n\n\ntitle \"T\"\n\nversion 1.0.0\nevent a\n\n\nevent b\nconst one = 1\n\nconst two = 2\nremove rule r\nremove rule s\n"));
    }

    [Fact]
    public void Expressions_get_single_spaces_and_keep_the_authors_parentheses()
    {
        Assert.Equal(
            "const k = (a + b) x 2 / (c) - -3\n",
            Format("const k=( a+b )*2/(c)- - 3"));
    }

    [Theory]
    [InlineData("title \"a\\\"b\"", "title \"a\\\"b\"\n")]
    [InlineData("title \"back\\\\slash\"", "title \"back\\\\slash\"\n")]
    [InlineData("title \"line\\nbreak\"", "title \"line\\nbreak\"\n")]
    [InlineData("title \"raw\ttab\"", "title \"raw\\ttab\"\n")]
    [InlineData("title \"needless \\q escape\"", "title \"needless q escape\"\n")]
    public void Strings_are_re_escaped(string input, string expected) => Assert.Equal(expected, Format(input));

    [Fact]
    public void Trailing_comments_stay_at_the_end_of_their_line_after_one_space()
    {
        Assert.Equal(
            "observation o {\n  within 4 h // fresh\n} // done\n",
            Format("observation o {\n  within 4 h      // fresh   \n}// done"));
    }

    [Fact]
    public void Comments_between_the_tokens_of_a_line_move_above_it()
    {
        Assert.Equal(
            "hold rule r {\n  // one\n  // two\n  when a < 3 and b > 2 // three\n}\n",
            Format("hold rule r {\n  when a // one\n  < 3 and\n  // two\n  b > 2 // three\n}\n"));
    }

    [Fact]
    public void A_comment_between_the_header_and_its_brace_moves_above_the_declaration()
    {
        Assert.Equal(
            "protocol p\n\n// why\nhold rule r \"R\" {\n  when a < 3\n}\n",
            Format("protocol p\nhold rule r \"R\" // why\n{\n  when a < 3\n}\n"));
    }

    [Fact]
    public void Comments_at_the_end_of_a_block_stay_before_its_brace_at_item_depth()
    {
        Assert.Equal(
            "regimen {\n  every 8 h\n\n  // later\n}\n",
            Format("regimen {\n  every 8 h\n\n\n// later\n\n}\n"));
    }

    [Fact]
    public void Blank_lines_between_items_collapse_to_one_and_none_are_added()
    {
        Assert.Equal(
            "scenario \"s\" {\n  weight 70 kg\n\n  dose given 8 h ago\n  expect give\n}\n",
            Format("scenario \"s\" {\n\n\n  weight 70 kg\n\n\n\n  dose given 8 h ago\n  expect give\n\n}\n"));
    }

    [Fact]
    public void Comments_at_the_end_of_the_file_stay_there_with_one_blank_line_kept()
    {
        Assert.Equal(
            "protocol p\n\n// end\n// really\n",
            Format("protocol p\n\n\n\n// end\n// really   \n\n\n"));
    }

    [Fact]
    public void A_file_of_comments_only_keeps_them()
    {
        Assert.Equal("// one\n\n// two\n", Format("  // one\n\n\n  // two"));
    }

    [Fact]
    public void Options_choose_the_indent_and_the_line_break()
    {
        var options = new FormattingOptions { IndentSize = 4, NewLine = "\r\n" };
        Assert.Equal(
            "reference a \"A\"\r\n    doi \"d\"\r\n\r\nregimen {\r\n    every 8 h\r\n}\r\n",
            Format("reference a \"A\" doi \"d\"\nregimen { every 8 h }", options));
    }

    [Fact]
    public void Format_edits_replace_only_what_differs()
    {
        const string text = "protocol p\n\nregimen {\n  drug aldesleukin\n    every 8 h\n}\n";
        var edits = ProtocolFormatter.FormatEdits(SyntaxTree.Parse(text));

        var edit = Assert.Single(edits);
        Assert.Equal(new TextSpan(text.IndexOf("  every", StringComparison.Ordinal), 2), edit.Span);
        Assert.Equal("", edit.NewText);
    }

    [Fact]
    public void Format_edits_never_split_a_crlf_pair()
    {
        const string text = "protocol p\r\n";
        var edit = Assert.Single(ProtocolFormatter.FormatEdits(SyntaxTree.Parse(text)));
        Assert.Equal(TextSpan.FromBounds(10, 12), edit.Span);
        Assert.Equal("\n", edit.NewText);
    }
}
